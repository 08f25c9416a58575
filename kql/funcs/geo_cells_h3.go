//go:build cgo

package funcs

// H3 cell functions over github.com/uber/h3-go/v4 (Uber's C library
// through cgo). The v4.1.0 Go API drops the C error codes, so every
// argument is validated here before the call, and the calls that size
// their output from the input run under gcH3Safe.

import (
	"math"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/uber/h3-go/v4"
)

// gcH3Available reports whether the H3 functions work in this build.
const gcH3Available = true

// gcMaxH3PolygonCells is the documented limit of geo_polygon_to_h3cells.
const gcMaxH3PolygonCells = 61680

// gcParseH3 parses an H3 cell token (hexadecimal index).
func gcParseH3(s string) (h3.Cell, bool) {
	if len(s) == 0 || len(s) > 16 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return 0, false
		}
	}
	c := h3.Cell(h3.IndexFromString(s))
	if !c.IsValid() {
		return 0, false
	}
	return c, true
}

// gcH3Safe runs f and turns a panic of the binding into ok=false.
func gcH3Safe[T any](f func() T) (out T, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return f(), true
}

// gcH3Arg reads the cell token of argument 0.
func gcH3Arg(a []types.Value) (h3.Cell, bool) {
	s, ok := gcToken(a[0])
	if !ok {
		return 0, false
	}
	return gcParseH3(s)
}

func gcH3Tokens(cs []h3.Cell) types.Value {
	out := make([]any, 0, len(cs))
	for _, c := range cs {
		if c != 0 {
			out = append(out, c.String())
		}
	}
	return dynValue(out)
}

func gcEvalPointToH3(_ *Context, a []types.Value) types.Value {
	lng, lat, ok := gcLngLat(a[0], a[1])
	res, okR := gcIntArg(a, 2, 6, 0, 15)
	if !ok || !okR {
		return strV("")
	}
	return strV(h3.LatLngToCell(h3.NewLatLng(lat, lng), res).String())
}

func gcEvalH3Level(_ *Context, a []types.Value) types.Value {
	c, ok := gcH3Arg(a)
	if !ok {
		return nullOf(types.Int)
	}
	return intV(int64(c.Resolution()))
}

func gcEvalH3Parent(_ *Context, a []types.Value) types.Value {
	c, ok := gcH3Arg(a)
	if !ok {
		return strV("")
	}
	level := c.Resolution()
	// an equal resolution gives the cell itself; a higher one is empty
	res, okR := gcIntArg(a, 1, int64(level-1), 0, 14)
	if !okR || res < 0 || res > level {
		return strV("")
	}
	return strV(c.Parent(res).String())
}

func gcEvalH3Children(_ *Context, a []types.Value) types.Value {
	c, ok := gcH3Arg(a)
	if !ok {
		return nullOf(types.Dynamic)
	}
	level := c.Resolution()
	res, okR := gcIntArg(a, 1, int64(level+1), 1, 15)
	if !okR || res < level || res > 15 || res-level > 5 {
		return nullOf(types.Dynamic)
	}
	cs, ok := gcH3Safe(func() []h3.Cell { return c.Children(res) })
	if !ok {
		return nullOf(types.Dynamic)
	}
	return gcH3Tokens(cs)
}

func gcEvalH3Neighbors(_ *Context, a []types.Value) types.Value {
	c, ok := gcH3Arg(a)
	if !ok {
		return nullOf(types.Dynamic)
	}
	disk, ok := gcH3Safe(func() []h3.Cell { return c.GridDisk(1) })
	if !ok {
		return nullOf(types.Dynamic)
	}
	ns := make([]h3.Cell, 0, 6)
	for _, n := range disk {
		if n != c {
			ns = append(ns, n)
		}
	}
	return gcH3Tokens(ns)
}

func gcEvalH3Rings(_ *Context, a []types.Value) types.Value {
	c, ok := gcH3Arg(a)
	if !ok || len(a) < 2 {
		return nullOf(types.Dynamic)
	}
	k, okK := gcIntArg(a, 1, 0, 0, 142)
	if !okK {
		return nullOf(types.Dynamic)
	}
	rings, ok := gcH3Safe(func() [][]h3.Cell { return c.GridDiskDistances(k) })
	if !ok {
		return nullOf(types.Dynamic)
	}
	out := make([]any, len(rings))
	for i, r := range rings {
		out[i] = gcH3Tokens(r).D
	}
	return dynValue(out)
}

func gcEvalH3Center(_ *Context, a []types.Value) types.Value {
	c, ok := gcH3Arg(a)
	if !ok {
		return nullOf(types.Dynamic)
	}
	ll := c.LatLng()
	return dynValue(gcPointJSON(ll.Lng, ll.Lat))
}

func gcEvalH3Polygon(_ *Context, a []types.Value) types.Value {
	c, ok := gcH3Arg(a)
	if !ok {
		return nullOf(types.Dynamic)
	}
	b := c.Boundary()
	ring := make([][2]float64, len(b))
	for i, v := range b {
		ring[i] = [2]float64{v.Lng, v.Lat}
	}
	return dynValue(gcPolygonJSON(ring))
}

func gcEvalPolygonToH3(_ *Context, a []types.Value) types.Value {
	polys, ok := gcParsePolygons(a[0])
	res, okR := gcIntArg(a, 1, 6, 0, 15)
	radius, okB := gcRadiusArg(a, 2)
	if !ok || !okR || !okB {
		return nullOf(types.Dynamic)
	}
	cells, ok := gcH3Polyfill(polys, res, radius)
	if !ok {
		return nullOf(types.Dynamic)
	}
	return gcH3Tokens(cells)
}

// gcH3Polyfill returns the cells whose centers lie in the polygons (edges
// are straight lines in longitude/latitude, as in H3), or, with a radius,
// within radiusM meters of them.
func gcH3Polyfill(polys [][][][2]float64, res int, radiusM float64) ([]h3.Cell, bool) {
	seen := map[h3.Cell]bool{}
	var out []h3.Cell
	add := func(cs []h3.Cell) bool {
		for _, c := range cs {
			if c != 0 && !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
		return len(out) <= gcMaxH3PolygonCells
	}
	for _, rings := range polys {
		if gcH3EstimateCells(rings[0], res, radiusM) > 4*gcMaxH3PolygonCells {
			return nil, false
		}
		gp := gcH3GeoPolygon(rings)
		cs, ok := gcH3Safe(func() []h3.Cell { return h3.PolygonToCells(gp, res) })
		if !ok || !add(cs) {
			return nil, false
		}
		if radiusM > 0 {
			cs, ok := gcH3BufferCells(rings, res, radiusM)
			if !ok || !add(cs) {
				return nil, false
			}
		}
	}
	return out, true
}

// gcH3GeoPolygon converts GeoJSON rings to H3's polygon.
func gcH3GeoPolygon(rings [][][2]float64) h3.GeoPolygon {
	loop := func(r [][2]float64) h3.GeoLoop {
		l := make(h3.GeoLoop, len(r))
		for i, p := range r {
			l[i] = h3.NewLatLng(p[1], p[0])
		}
		return l
	}
	gp := h3.GeoPolygon{GeoLoop: loop(rings[0])}
	for _, h := range rings[1:] {
		gp.Holes = append(gp.Holes, loop(h))
	}
	return gp
}

// gcH3BBox is the longitude/latitude box of a ring grown by radiusM.
func gcH3BBox(ring [][2]float64, radiusM float64) (minLng, maxLng, minLat, maxLat float64) {
	minLng, maxLng, minLat, maxLat = 180, -180, 90, -90
	for _, p := range ring {
		minLng, maxLng = math.Min(minLng, p[0]), math.Max(maxLng, p[0])
		minLat, maxLat = math.Min(minLat, p[1]), math.Max(maxLat, p[1])
	}
	dLat := radiusM / gcEarthRadiusM * 180 / math.Pi
	maxAbsLat := math.Min(89.9, math.Max(math.Abs(minLat), math.Abs(maxLat))+dLat)
	dLng := math.Min(180, dLat/math.Cos(maxAbsLat*math.Pi/180))
	return math.Max(-180, minLng-dLng), math.Min(180, maxLng+dLng), math.Max(-90, minLat-dLat), math.Min(90, maxLat+dLat)
}

// gcH3EstimateCells estimates how many cells the bounding box of a ring
// (grown by radiusM) holds, to refuse huge inputs before allocating.
func gcH3EstimateCells(ring [][2]float64, res int, radiusM float64) float64 {
	minLng, maxLng, minLat, maxLat := gcH3BBox(ring, radiusM)
	rad := math.Pi / 180
	areaKm2 := (gcEarthRadiusM / 1000) * (gcEarthRadiusM / 1000) * (maxLng - minLng) * rad *
		math.Abs(math.Sin(maxLat*rad)-math.Sin(minLat*rad))
	return areaKm2 / h3.HexagonAreaAvgKm2(res)
}

// gcH3BufferCells returns the cells of the grown bounding box whose
// centers lie within radiusM meters of the polygon's edges.
func gcH3BufferCells(rings [][][2]float64, res int, radiusM float64) ([]h3.Cell, bool) {
	minLng, maxLng, minLat, maxLat := gcH3BBox(rings[0], radiusM)
	box := h3.GeoPolygon{GeoLoop: h3.GeoLoop{
		h3.NewLatLng(minLat, minLng), h3.NewLatLng(minLat, maxLng),
		h3.NewLatLng(maxLat, maxLng), h3.NewLatLng(maxLat, minLng),
	}}
	cand, ok := gcH3Safe(func() []h3.Cell { return h3.PolygonToCells(box, res) })
	if !ok {
		return nil, false
	}
	var out []h3.Cell
	for _, c := range cand {
		if c == 0 {
			continue
		}
		ll := c.LatLng()
		if gcRingsDistanceM(rings, ll.Lng, ll.Lat) <= radiusM {
			out = append(out, c)
		}
	}
	return out, true
}

func gcAddH3(r *Registry) {
	gcRegisterH3(r, map[string]EvalFunc{
		"geo_point_to_h3cell":         gcEvalPointToH3,
		"geo_h3cell_level":            gcEvalH3Level,
		"geo_h3cell_parent":           gcEvalH3Parent,
		"geo_h3cell_children":         gcEvalH3Children,
		"geo_h3cell_neighbors":        gcEvalH3Neighbors,
		"geo_h3cell_rings":            gcEvalH3Rings,
		"geo_h3cell_to_central_point": gcEvalH3Center,
		"geo_h3cell_to_polygon":       gcEvalH3Polygon,
		"geo_polygon_to_h3cells":      gcEvalPolygonToH3,
	})
}
