package funcs

// KQL geospatial cell functions: S2 cells (geo_cells_s2.go), geohash
// (geo_cells_geohash.go), H3 cells (geo_cells_h3.go, cgo only) and
// geo_info_from_ip_address. This file holds the registration, argument
// checking and the GeoJSON helpers the families share. Inputs and outputs
// follow Microsoft's documentation: points and polygons are GeoJSON
// dynamics with [longitude, latitude] coordinates, cells are tokens
// (strings), and invalid input gives a null of the result type.

import (
	"fmt"
	"math"

	"github.com/huntpack/huntpack/kql/types"
)

// gcEarthRadiusM is the radius, in meters, of the sphere used to turn
// buffer radii into angles (the IUGG mean Earth radius).
const gcEarthRadiusM = 6371008.8

// gcMaxCoverTokens is the documented limit of tokens per shape for
// geo_polygon_to_s2cells and geo_line_to_s2cells.
const gcMaxCoverTokens = 65536

// addGeoCells registers the geospatial cell functions.
func addGeoCells(r *Registry) {
	gcAddS2(r)
	gcAddGeohash(r)
	gcAddH3(r)
	scalar(r, "geo_info_from_ip_address", "geo_info_from_ip_address(ip: string): dynamic",
		"Geolocation of an IP address. Not available locally: it needs MaxMind's GeoLite2 database, which huntpack does not ship; use it against Sentinel or Azure Data Explorer.",
		1, 1, gcInfoFromIPResult, func(*Context, []types.Value) types.Value { return nullOf(types.Dynamic) })
}

// gcErrNoGeoIP is the planning error of geo_info_from_ip_address.
var gcErrNoGeoIP = fmt.Errorf("geo_info_from_ip_address() is not available in the local engine: it needs MaxMind's GeoLite2 database, which huntpack does not ship (run the query on Sentinel or Azure Data Explorer)")

// gcInfoFromIPResult rejects every call at plan time, so that a query
// never silently gets "no location" for every address.
func gcInfoFromIPResult(a []types.Type) (types.Type, error) {
	if err := gcCheckArgs("geo_info_from_ip_address", a, "s"); err != nil {
		return types.Null, err
	}
	return types.Null, gcErrNoGeoIP
}

// gcCheckArgs checks argument types against kinds, one letter per
// argument: n numeric, s string, d dynamic. Null and dynamic arguments
// are accepted everywhere (their payload is checked at run time).
func gcCheckArgs(name string, a []types.Type, kinds string) error {
	for i, t := range a {
		if i >= len(kinds) || t == types.Null || t == types.Dynamic {
			continue
		}
		ok := true
		switch kinds[i] {
		case 'n':
			ok = t.IsNumeric()
		case 's':
			ok = t == types.String
		case 'd':
			ok = false
		}
		if !ok {
			want := map[byte]string{'n': "a number", 's': "a string", 'd': "a dynamic (GeoJSON) value"}[kinds[i]]
			return fmt.Errorf("%s(): argument %d must be %s, got %s", name, i+1, want, t)
		}
	}
	return nil
}

// gcResult builds a ResultFunc that checks argument kinds and gives t.
func gcResult(name string, t types.Type, kinds string) ResultFunc {
	return func(a []types.Type) (types.Type, error) {
		if err := gcCheckArgs(name, a, kinds); err != nil {
			return types.Null, err
		}
		return t, nil
	}
}

// gcLngLat reads a longitude and a latitude in degrees; ok is false when
// either is null, not finite or out of range.
func gcLngLat(lngV, latV types.Value) (lng, lat float64, ok bool) {
	lng, ok1 := asReal(lngV)
	lat, ok2 := asReal(latV)
	if !ok1 || !ok2 || !gcValidLngLat(lng, lat) {
		return 0, 0, false
	}
	return lng, lat, true
}

// gcValidLngLat reports whether a coordinate pair is in range.
func gcValidLngLat(lng, lat float64) bool {
	return !math.IsNaN(lng) && !math.IsNaN(lat) && lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90
}

// gcIntArg reads optional integer argument i, def when absent; ok is
// false when it is null or outside [lo, hi].
func gcIntArg(a []types.Value, i int, def, lo, hi int64) (int, bool) {
	if i >= len(a) {
		return int(def), true
	}
	n, ok := asLong(a[i])
	if !ok || n < lo || n > hi {
		return 0, false
	}
	return int(n), true
}

// gcRadiusArg reads the optional buffer radius in meters (default 0).
func gcRadiusArg(a []types.Value, i int) (float64, bool) {
	if i >= len(a) {
		return 0, true
	}
	r, ok := asReal(a[i])
	if !ok || math.IsNaN(r) || math.IsInf(r, 0) || r < 0 {
		return 0, false
	}
	return r, true
}

// gcToken reads a cell token argument.
func gcToken(v types.Value) (string, bool) {
	s, ok := asString(v)
	return s, ok && s != ""
}

// gcPointJSON is a GeoJSON point.
func gcPointJSON(lng, lat float64) any {
	return map[string]any{"type": "Point", "coordinates": []any{lng, lat}}
}

// gcPolygonJSON is a GeoJSON polygon with one ring, closed here.
func gcPolygonJSON(ring [][2]float64) any {
	coords := make([]any, 0, len(ring)+1)
	for _, p := range ring {
		coords = append(coords, []any{p[0], p[1]})
	}
	if len(ring) > 0 {
		coords = append(coords, []any{ring[0][0], ring[0][1]})
	}
	return map[string]any{"type": "Polygon", "coordinates": []any{coords}}
}

// gcStrings turns tokens into a dynamic array.
func gcStrings(ss []string) types.Value {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return dynValue(out)
}

// gcGeoJSON returns the GeoJSON object of a dynamic argument (a string
// argument holding JSON is parsed).
func gcGeoJSON(v types.Value) (map[string]any, bool) {
	if v.IsNull() {
		return nil, false
	}
	d := v.D
	if v.T != types.Dynamic {
		s, ok := asString(v)
		if !ok {
			return nil, false
		}
		p, err := ParseJSON(s)
		if err != nil {
			return nil, false
		}
		d = p
	} else if s, ok := d.(string); ok {
		p, err := ParseJSON(s)
		if err != nil {
			return nil, false
		}
		d = p
	}
	m, ok := d.(map[string]any)
	return m, ok
}

// gcPosition reads one [longitude, latitude] position.
func gcPosition(d any) ([2]float64, bool) {
	a, ok := d.([]any)
	if !ok || len(a) < 2 || len(a) > 3 {
		return [2]float64{}, false
	}
	var p [2]float64
	for i := 0; i < 2; i++ {
		switch x := a[i].(type) {
		case float64:
			p[i] = x
		case int64:
			p[i] = float64(x)
		default:
			return [2]float64{}, false
		}
	}
	if !gcValidLngLat(p[0], p[1]) {
		return [2]float64{}, false
	}
	return p, true
}

// gcPositions reads an array of positions.
func gcPositions(d any) ([][2]float64, bool) {
	a, ok := d.([]any)
	if !ok {
		return nil, false
	}
	out := make([][2]float64, 0, len(a))
	for _, e := range a {
		p, ok := gcPosition(e)
		if !ok {
			return nil, false
		}
		out = append(out, p)
	}
	return out, true
}

// gcRing reads a GeoJSON linear ring: at least four positions, the last
// equal to the first. The closing position is dropped.
func gcRing(d any) ([][2]float64, bool) {
	pts, ok := gcPositions(d)
	if !ok || len(pts) < 4 || pts[0] != pts[len(pts)-1] {
		return nil, false
	}
	return pts[:len(pts)-1], true
}

// gcPolygonRings reads the rings of a GeoJSON polygon's coordinates.
func gcPolygonRings(d any) ([][][2]float64, bool) {
	a, ok := d.([]any)
	if !ok || len(a) == 0 {
		return nil, false
	}
	rings := make([][][2]float64, 0, len(a))
	for _, r := range a {
		ring, ok := gcRing(r)
		if !ok {
			return nil, false
		}
		rings = append(rings, ring)
	}
	return rings, true
}

// gcParsePolygons reads a GeoJSON Polygon or MultiPolygon as a list of
// polygons, each a list of rings (shell first).
func gcParsePolygons(v types.Value) ([][][][2]float64, bool) {
	m, ok := gcGeoJSON(v)
	if !ok {
		return nil, false
	}
	switch m["type"] {
	case "Polygon":
		rings, ok := gcPolygonRings(m["coordinates"])
		if !ok {
			return nil, false
		}
		return [][][][2]float64{rings}, true
	case "MultiPolygon":
		a, ok := m["coordinates"].([]any)
		if !ok || len(a) == 0 {
			return nil, false
		}
		var out [][][][2]float64
		for _, p := range a {
			rings, ok := gcPolygonRings(p)
			if !ok {
				return nil, false
			}
			out = append(out, rings)
		}
		return out, true
	}
	return nil, false
}

// gcParseLines reads a GeoJSON LineString or MultiLineString; every line
// has at least two positions.
func gcParseLines(v types.Value) ([][][2]float64, bool) {
	m, ok := gcGeoJSON(v)
	if !ok {
		return nil, false
	}
	line := func(d any) ([][2]float64, bool) {
		pts, ok := gcPositions(d)
		return pts, ok && len(pts) >= 2
	}
	switch m["type"] {
	case "LineString":
		l, ok := line(m["coordinates"])
		if !ok {
			return nil, false
		}
		return [][][2]float64{l}, true
	case "MultiLineString":
		a, ok := m["coordinates"].([]any)
		if !ok || len(a) == 0 {
			return nil, false
		}
		var out [][][2]float64
		for _, e := range a {
			l, ok := line(e)
			if !ok {
				return nil, false
			}
			out = append(out, l)
		}
		return out, true
	}
	return nil, false
}
