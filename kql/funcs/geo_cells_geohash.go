package funcs

// Geohash functions. A geohash interleaves longitude and latitude
// bisection bits (longitude first), five bits per base-32 character of
// the alphabet 0-9, b-h, j, k, m, n, p-z.

import (
	"strings"

	"github.com/huntpack/huntpack/kql/types"
)

const gcGeohashAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz"

// gcGeohashMaxLen is the longest accuracy the docs allow.
const gcGeohashMaxLen = 18

func gcAddGeohash(r *Registry) {
	scalar(r, "geo_point_to_geohash", "geo_point_to_geohash(longitude: real, latitude: real [, accuracy: int = 5]): string",
		"Geohash of a location with 1..18 characters; empty for invalid coordinates or accuracy.",
		2, 3, gcResult("geo_point_to_geohash", types.String, "nnn"), gcEvalPointToGeohash)
	scalar(r, "geo_geohash_to_central_point", "geo_geohash_to_central_point(geohash: string): dynamic",
		"Center of a geohash area as a GeoJSON point; null for an invalid geohash.",
		1, 1, gcResult("geo_geohash_to_central_point", types.Dynamic, "s"), gcGeohashUnary(gcGeohashCenter))
	scalar(r, "geo_geohash_to_polygon", "geo_geohash_to_polygon(geohash: string): dynamic",
		"Geohash area as a GeoJSON polygon; null for an invalid geohash.",
		1, 1, gcResult("geo_geohash_to_polygon", types.Dynamic, "s"), gcGeohashUnary(gcGeohashPolygon))
	scalar(r, "geo_geohash_neighbors", "geo_geohash_neighbors(geohash: string): dynamic",
		"Geohashes of the (up to 8) areas around a geohash, same accuracy; null for an invalid geohash.",
		1, 1, gcResult("geo_geohash_neighbors", types.Dynamic, "s"), gcGeohashUnary(gcGeohashNeighbors))
}

// gcGeohashBox is the area a geohash stands for.
type gcGeohashBox struct {
	minLng, maxLng, minLat, maxLat float64
	bitsLng, bitsLat               int
	lngIdx, latIdx                 uint64 // cell index along each axis
}

// gcGeohashEncode returns the geohash of a location.
func gcGeohashEncode(lng, lat float64, n int) string {
	loLng, hiLng, loLat, hiLat := -180.0, 180.0, -90.0, 90.0
	var sb strings.Builder
	even := true
	for i := 0; i < n; i++ {
		v := 0
		for b := 0; b < 5; b++ {
			v <<= 1
			if even {
				mid := (loLng + hiLng) / 2
				if lng >= mid {
					v |= 1
					loLng = mid
				} else {
					hiLng = mid
				}
			} else {
				mid := (loLat + hiLat) / 2
				if lat >= mid {
					v |= 1
					loLat = mid
				} else {
					hiLat = mid
				}
			}
			even = !even
		}
		sb.WriteByte(gcGeohashAlphabet[v])
	}
	return sb.String()
}

// gcGeohashDecode returns the area of a geohash; ok is false for an empty
// or too long string or a character outside the alphabet.
func gcGeohashDecode(h string) (gcGeohashBox, bool) {
	if len(h) == 0 || len(h) > gcGeohashMaxLen {
		return gcGeohashBox{}, false
	}
	b := gcGeohashBox{minLng: -180, maxLng: 180, minLat: -90, maxLat: 90}
	even := true
	for i := 0; i < len(h); i++ {
		v := strings.IndexByte(gcGeohashAlphabet, h[i])
		if v < 0 {
			return gcGeohashBox{}, false
		}
		for bit := 4; bit >= 0; bit-- {
			one := (v>>bit)&1 == 1
			if even {
				mid := (b.minLng + b.maxLng) / 2
				b.lngIdx <<= 1
				if one {
					b.minLng = mid
					b.lngIdx |= 1
				} else {
					b.maxLng = mid
				}
				b.bitsLng++
			} else {
				mid := (b.minLat + b.maxLat) / 2
				b.latIdx <<= 1
				if one {
					b.minLat = mid
					b.latIdx |= 1
				} else {
					b.maxLat = mid
				}
				b.bitsLat++
			}
			even = !even
		}
	}
	return b, true
}

// gcGeohashFromIndex encodes the cell at the given axis indexes.
func gcGeohashFromIndex(lngIdx, latIdx uint64, bitsLng, bitsLat, n int) string {
	var sb strings.Builder
	even := true
	bl, bt := bitsLng, bitsLat
	for i := 0; i < n; i++ {
		v := 0
		for b := 0; b < 5; b++ {
			v <<= 1
			if even {
				bl--
				v |= int(lngIdx>>uint(bl)) & 1
			} else {
				bt--
				v |= int(latIdx>>uint(bt)) & 1
			}
			even = !even
		}
		sb.WriteByte(gcGeohashAlphabet[v])
	}
	return sb.String()
}

func gcEvalPointToGeohash(_ *Context, a []types.Value) types.Value {
	lng, lat, ok := gcLngLat(a[0], a[1])
	n, okN := gcIntArg(a, 2, 5, 1, gcGeohashMaxLen)
	if !ok || !okN {
		return strV("")
	}
	return strV(gcGeohashEncode(lng, lat, n))
}

// gcGeohashUnary adapts a function of one valid geohash.
func gcGeohashUnary(f func(h string, b gcGeohashBox) any) EvalFunc {
	return func(_ *Context, a []types.Value) types.Value {
		h, ok := gcToken(a[0])
		if !ok {
			return nullOf(types.Dynamic)
		}
		b, ok := gcGeohashDecode(h)
		if !ok {
			return nullOf(types.Dynamic)
		}
		return dynValue(f(h, b))
	}
}

func gcGeohashCenter(_ string, b gcGeohashBox) any {
	return gcPointJSON((b.minLng+b.maxLng)/2, (b.minLat+b.maxLat)/2)
}

func gcGeohashPolygon(_ string, b gcGeohashBox) any {
	return gcPolygonJSON([][2]float64{{b.minLng, b.minLat}, {b.maxLng, b.minLat}, {b.maxLng, b.maxLat}, {b.minLng, b.maxLat}})
}

// gcGeohashNeighborOrder lists the (longitude, latitude) steps of the
// neighbors in the order the result gives them.
var gcGeohashNeighborOrder = [8][2]int{{-1, -1}, {-1, 1}, {1, -1}, {0, 1}, {-1, 0}, {1, 1}, {1, 0}, {0, -1}}

func gcGeohashNeighbors(h string, b gcGeohashBox) any {
	out := make([]any, 0, 8)
	seen := map[string]bool{h: true}
	nLng, nLat := uint64(1)<<uint(b.bitsLng), uint64(1)<<uint(b.bitsLat)
	for _, d := range gcGeohashNeighborOrder {
		lat := int64(b.latIdx) + int64(d[1])
		if lat < 0 || uint64(lat) >= nLat {
			continue // beyond a pole
		}
		lng := (b.lngIdx + nLng + uint64(int64(d[0]))) % nLng // wraps at the antimeridian
		g := gcGeohashFromIndex(lng, uint64(lat), b.bitsLng, b.bitsLat, len(h))
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}
