package funcs

// Geospatial shape functions (geo_distance_2points, geo_point_in_polygon,
// geo_line_length, geo_polygon_area, geo_from_wkt, ...). Kusto models the
// Earth as a sphere of radius 6371.01 km (S2's mean radius) and treats
// edges as geodesics; the geometry work is done with github.com/golang/geo
// (s2). Inputs are GeoJSON dynamic values; anything invalid gives null.

import (
	"math"

	"github.com/golang/geo/s2"

	"github.com/huntpack/huntpack/kql/types"
)

// gsEarthRadius is the sphere radius Kusto's geo functions use, in meters.
const gsEarthRadius = 6371010.0

// gsLL is one [longitude, latitude] position in degrees.
type gsLL struct{ lng, lat float64 }

func (p gsLL) point() s2.Point { return s2.PointFromLatLng(s2.LatLngFromDegrees(p.lat, p.lng)) }

// gsFromPoint converts an s2 point back to degrees.
func gsFromPoint(p s2.Point) gsLL {
	ll := s2.LatLngFromPoint(p)
	return gsLL{lng: ll.Lng.Degrees(), lat: ll.Lat.Degrees()}
}

// gsValid reports whether a position is a valid WGS-84 coordinate.
func gsValid(lng, lat float64) bool {
	return !math.IsNaN(lng) && !math.IsNaN(lat) && lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90
}

// gsKind is the GeoJSON geometry type.
type gsKind int

const (
	gsPointKind gsKind = iota
	gsMultiPointKind
	gsLineKind
	gsMultiLineKind
	gsPolygonKind
	gsMultiPolygonKind
	gsCollectionKind
)

var gsKindNames = map[string]gsKind{
	"Point": gsPointKind, "MultiPoint": gsMultiPointKind, "LineString": gsLineKind,
	"MultiLineString": gsMultiLineKind, "Polygon": gsPolygonKind, "MultiPolygon": gsMultiPolygonKind,
	"GeometryCollection": gsCollectionKind,
}

// gsGeom is a parsed GeoJSON geometry. Polygon rings are kept closed, as
// written (first position repeated at the end).
type gsGeom struct {
	kind  gsKind
	pts   []gsLL     // Point (one), MultiPoint
	lines [][]gsLL   // LineString (one), MultiLineString
	polys [][][]gsLL // Polygon (one), MultiPolygon: shell then holes
	geoms []*gsGeom  // GeometryCollection
}

// gsArg reads a dynamic argument as a GeoJSON object (a string holding
// JSON is accepted too).
func gsArg(v types.Value) (map[string]any, bool) {
	if v.IsNull() {
		return nil, false
	}
	d := any(nil)
	switch v.T {
	case types.Dynamic:
		d = v.D
	case types.String:
		pd, err := ParseJSON(v.S)
		if err != nil {
			return nil, false
		}
		d = pd
	default:
		return nil, false
	}
	if s, ok := d.(string); ok {
		pd, err := ParseJSON(s)
		if err != nil {
			return nil, false
		}
		d = pd
	}
	m, ok := d.(map[string]any)
	return m, ok
}

// gsParse parses and validates a GeoJSON geometry.
func gsParse(v types.Value) (*gsGeom, bool) {
	m, ok := gsArg(v)
	if !ok {
		return nil, false
	}
	return gsParseMap(m, 0)
}

func gsParseMap(m map[string]any, depth int) (*gsGeom, bool) {
	if depth > 8 {
		return nil, false
	}
	tn, _ := m["type"].(string)
	k, ok := gsKindNames[tn]
	if !ok {
		return nil, false
	}
	g := &gsGeom{kind: k}
	if k == gsCollectionKind {
		arr, ok := m["geometries"].([]any)
		if !ok {
			return nil, false
		}
		for _, e := range arr {
			em, ok := e.(map[string]any)
			if !ok {
				return nil, false
			}
			c, ok := gsParseMap(em, depth+1)
			if !ok {
				return nil, false
			}
			g.geoms = append(g.geoms, c)
		}
		return g, true
	}
	c := m["coordinates"]
	switch k {
	case gsPointKind:
		p, ok := gsPos(c)
		if !ok {
			return nil, false
		}
		g.pts = []gsLL{p}
	case gsMultiPointKind:
		ps, ok := gsPositions(c, 1)
		if !ok {
			return nil, false
		}
		g.pts = ps
	case gsLineKind:
		l, ok := gsPositions(c, 2)
		if !ok {
			return nil, false
		}
		g.lines = [][]gsLL{l}
	case gsMultiLineKind:
		arr, ok := c.([]any)
		if !ok || len(arr) == 0 {
			return nil, false
		}
		for _, e := range arr {
			l, ok := gsPositions(e, 2)
			if !ok {
				return nil, false
			}
			g.lines = append(g.lines, l)
		}
	case gsPolygonKind:
		rings, ok := gsRings(c)
		if !ok {
			return nil, false
		}
		g.polys = [][][]gsLL{rings}
	case gsMultiPolygonKind:
		arr, ok := c.([]any)
		if !ok || len(arr) == 0 {
			return nil, false
		}
		for _, e := range arr {
			rings, ok := gsRings(e)
			if !ok {
				return nil, false
			}
			g.polys = append(g.polys, rings)
		}
	}
	return g, true
}

func gsNum(d any) (float64, bool) {
	switch x := d.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func gsPos(d any) (gsLL, bool) {
	arr, ok := d.([]any)
	if !ok || len(arr) < 2 || len(arr) > 4 {
		return gsLL{}, false
	}
	lng, ok1 := gsNum(arr[0])
	lat, ok2 := gsNum(arr[1])
	if !ok1 || !ok2 || !gsValid(lng, lat) {
		return gsLL{}, false
	}
	return gsLL{lng, lat}, true
}

func gsPositions(d any, min int) ([]gsLL, bool) {
	arr, ok := d.([]any)
	if !ok || len(arr) < min {
		return nil, false
	}
	out := make([]gsLL, 0, len(arr))
	for _, e := range arr {
		p, ok := gsPos(e)
		if !ok {
			return nil, false
		}
		out = append(out, p)
	}
	return out, true
}

// gsRings parses polygon rings: each closed, with at least four
// positions and three distinct vertices.
func gsRings(d any) ([][]gsLL, bool) {
	arr, ok := d.([]any)
	if !ok || len(arr) == 0 {
		return nil, false
	}
	var rings [][]gsLL
	for _, e := range arr {
		r, ok := gsPositions(e, 4)
		if !ok || r[0] != r[len(r)-1] || len(gsRingVertices(r)) < 3 {
			return nil, false
		}
		rings = append(rings, r)
	}
	return rings, true
}

// gsRingVertices returns the distinct consecutive vertices of a closed
// ring, without the closing repetition.
func gsRingVertices(r []gsLL) []gsLL {
	var out []gsLL
	for _, p := range r[:len(r)-1] {
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	for len(out) > 1 && out[len(out)-1] == out[0] {
		out = out[:len(out)-1]
	}
	// three distinct positions are needed for an area
	seen := map[gsLL]bool{}
	for _, p := range out {
		seen[p] = true
	}
	if len(seen) < 3 {
		return nil
	}
	return out
}

// gsLoop builds the normalized s2 loop of a ring: the smaller of the two
// regions the ring divides the sphere into.
func gsLoop(r []gsLL) *s2.Loop {
	vs := gsRingVertices(r)
	pts := make([]s2.Point, len(vs))
	for i, p := range vs {
		pts[i] = p.point()
	}
	l := s2.LoopFromPoints(pts)
	l.Normalize()
	return l
}

// gsPoly is one polygon ready for queries: shell and hole loops.
type gsPoly struct {
	shell *s2.Loop
	holes []*s2.Loop
	rings [][]gsLL
}

func gsPolys(g *gsGeom) []gsPoly {
	out := make([]gsPoly, 0, len(g.polys))
	for _, rings := range g.polys {
		p := gsPoly{shell: gsLoop(rings[0]), rings: rings}
		for _, h := range rings[1:] {
			p.holes = append(p.holes, gsLoop(h))
		}
		out = append(out, p)
	}
	return out
}

func (p gsPoly) contains(pt s2.Point) bool {
	if !p.shell.ContainsPoint(pt) {
		return false
	}
	for _, h := range p.holes {
		if h.ContainsPoint(pt) {
			return false
		}
	}
	return true
}

// gsPolygonArg parses a Polygon or MultiPolygon argument.
func gsPolygonArg(v types.Value) ([]gsPoly, bool) {
	g, ok := gsParse(v)
	if !ok || (g.kind != gsPolygonKind && g.kind != gsMultiPolygonKind) {
		return nil, false
	}
	return gsPolys(g), true
}

// gsLineArg parses a LineString or MultiLineString argument.
func gsLineArg(v types.Value) ([][]gsLL, bool) {
	g, ok := gsParse(v)
	if !ok || (g.kind != gsLineKind && g.kind != gsMultiLineKind) {
		return nil, false
	}
	return g.lines, true
}

func gsPolyline(l []gsLL) *s2.Polyline {
	pl := make(s2.Polyline, 0, len(l))
	for _, p := range l {
		pl = append(pl, p.point())
	}
	return &pl
}

// gsPointArgs reads a longitude, latitude pair of real arguments.
func gsPointArgs(lng, lat types.Value) (gsLL, bool) {
	x, ok1 := asReal(lng)
	y, ok2 := asReal(lat)
	if !ok1 || !ok2 || !gsValid(x, y) {
		return gsLL{}, false
	}
	return gsLL{x, y}, true
}

// GeoJSON builders.

func gsCoord(p gsLL) any { return []any{p.lng, p.lat} }

func gsCoords(ps []gsLL) []any {
	out := make([]any, len(ps))
	for i, p := range ps {
		out[i] = gsCoord(p)
	}
	return out
}

func gsRingsJSON(rings [][]gsLL) []any {
	out := make([]any, len(rings))
	for i, r := range rings {
		out[i] = gsCoords(r)
	}
	return out
}

func gsPointJSON(p gsLL) map[string]any {
	return map[string]any{"type": "Point", "coordinates": gsCoord(p)}
}

func gsLineJSON(l []gsLL) map[string]any {
	return map[string]any{"type": "LineString", "coordinates": gsCoords(l)}
}

func gsEmptyCollection() map[string]any {
	return map[string]any{"type": "GeometryCollection", "geometries": []any{}}
}

// gsToJSON renders a geometry as GeoJSON.
func gsToJSON(g *gsGeom) map[string]any {
	switch g.kind {
	case gsPointKind:
		return gsPointJSON(g.pts[0])
	case gsMultiPointKind:
		return map[string]any{"type": "MultiPoint", "coordinates": gsCoords(g.pts)}
	case gsLineKind:
		return gsLineJSON(g.lines[0])
	case gsMultiLineKind:
		ls := make([]any, len(g.lines))
		for i, l := range g.lines {
			ls[i] = gsCoords(l)
		}
		return map[string]any{"type": "MultiLineString", "coordinates": ls}
	case gsPolygonKind:
		return map[string]any{"type": "Polygon", "coordinates": gsRingsJSON(g.polys[0])}
	case gsMultiPolygonKind:
		ps := make([]any, len(g.polys))
		for i, p := range g.polys {
			ps[i] = gsRingsJSON(p)
		}
		return map[string]any{"type": "MultiPolygon", "coordinates": ps}
	}
	gs := make([]any, len(g.geoms))
	for i, c := range g.geoms {
		gs[i] = gsToJSON(c)
	}
	return map[string]any{"type": "GeometryCollection", "geometries": gs}
}

// gsCollect builds the smallest geometry holding the given points, lines
// and polygons (Point/MultiPoint, LineString/MultiLineString,
// Polygon/MultiPolygon, a GeometryCollection of those, or an empty
// GeometryCollection).
func gsCollect(pts []gsLL, lines [][]gsLL, polys [][][]gsLL) map[string]any {
	var parts []*gsGeom
	switch {
	case len(pts) == 1:
		parts = append(parts, &gsGeom{kind: gsPointKind, pts: pts})
	case len(pts) > 1:
		parts = append(parts, &gsGeom{kind: gsMultiPointKind, pts: pts})
	}
	switch {
	case len(lines) == 1:
		parts = append(parts, &gsGeom{kind: gsLineKind, lines: lines})
	case len(lines) > 1:
		parts = append(parts, &gsGeom{kind: gsMultiLineKind, lines: lines})
	}
	switch {
	case len(polys) == 1:
		parts = append(parts, &gsGeom{kind: gsPolygonKind, polys: polys})
	case len(polys) > 1:
		parts = append(parts, &gsGeom{kind: gsMultiPolygonKind, polys: polys})
	}
	switch len(parts) {
	case 0:
		return gsEmptyCollection()
	case 1:
		return gsToJSON(parts[0])
	}
	// a collection lists single parts
	var gs []any
	for _, p := range pts {
		gs = append(gs, gsPointJSON(p))
	}
	for _, l := range lines {
		gs = append(gs, gsLineJSON(l))
	}
	for _, p := range polys {
		gs = append(gs, map[string]any{"type": "Polygon", "coordinates": gsRingsJSON(p)})
	}
	return map[string]any{"type": "GeometryCollection", "geometries": gs}
}

// gsOptReal reads an optional real argument with a default; ok is false
// when it is present but not a number.
func gsOptReal(a []types.Value, i int, def float64) (float64, bool) {
	if i >= len(a) {
		return def, true
	}
	if a[i].IsNull() {
		return 0, false
	}
	return asReal(a[i])
}

var (
	gsNullReal = nullOf(types.Real)
	gsNullBool = nullOf(types.Bool)
	gsNullDyn  = nullOf(types.Dynamic)
)

func gsDyn(m map[string]any) types.Value { return dynValue(m) }
