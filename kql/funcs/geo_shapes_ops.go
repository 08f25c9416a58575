package funcs

import (
	"math"

	"github.com/golang/geo/r3"
	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"

	"github.com/huntpack/huntpack/kql/types"
)

func addGeoShapeOps(r *Registry) {
	bl, dyn := fixed(types.Bool), fixed(types.Dynamic)
	scalar(r, "geo_intersects_2lines", "geo_intersects_2lines(lineString1: dynamic, lineString2: dynamic): bool",
		"Whether two (multi)lines intersect.", 2, 2, bl, gsEvalIntersects2Lines)
	scalar(r, "geo_intersects_2polygons", "geo_intersects_2polygons(polygon1: dynamic, polygon2: dynamic): bool",
		"Whether two (multi)polygons intersect.", 2, 2, bl, gsEvalIntersects2Polygons)
	scalar(r, "geo_intersects_line_with_polygon", "geo_intersects_line_with_polygon(lineString: dynamic, polygon: dynamic): bool",
		"Whether a (multi)line and a (multi)polygon intersect.", 2, 2, bl, gsEvalIntersectsLinePolygon)
	scalar(r, "geo_intersection_2lines", "geo_intersection_2lines(lineString1: dynamic, lineString2: dynamic): dynamic",
		"The intersection of two lines as GeoJSON (points, shared segments, or an empty GeometryCollection).", 2, 2, dyn, gsEvalIntersection2Lines)
	scalar(r, "geo_intersection_line_with_polygon", "geo_intersection_line_with_polygon(lineString: dynamic, polygon: dynamic): dynamic",
		"The parts of a (multi)line inside a (multi)polygon as GeoJSON.", 2, 2, dyn, gsEvalIntersectionLinePolygon)
	scalar(r, "geo_intersection_2polygons", "geo_intersection_2polygons(polygon1: dynamic, polygon2: dynamic): dynamic",
		"The intersection of two (multi)polygons as GeoJSON.", 2, 2, dyn, gsEvalIntersection2Polygons)
	scalar(r, "geo_union_polygons_array", "geo_union_polygons_array(polygons: dynamic): dynamic",
		"The union of an array of (multi)polygons as GeoJSON.", 1, 1, dyn, gsEvalUnionPolygonsArray)
	scalar(r, "geo_union_lines_array", "geo_union_lines_array(lineStrings: dynamic): dynamic",
		"The union of an array of (multi)lines as GeoJSON.", 1, 1, dyn, gsEvalUnionLinesArray)
	scalar(r, "geo_line_densify", "geo_line_densify(lineString: dynamic [, tolerance: real [, preserve_crossing: bool]]): dynamic",
		"Adds points to planar (multi)line edges so they follow within tolerance meters (default 10) as geodesics.", 1, 3, dyn, gsEvalLineDensify)
	scalar(r, "geo_polygon_densify", "geo_polygon_densify(polygon: dynamic [, tolerance: real [, preserve_crossing: bool]]): dynamic",
		"Adds points to planar (multi)polygon edges so they follow within tolerance meters (default 10) as geodesics.", 1, 3, dyn, gsEvalPolygonDensify)
	scalar(r, "geo_line_simplify", "geo_line_simplify(lineString: dynamic [, tolerance: real]): dynamic",
		"Simplifies a (multi)line, dropping vertices within tolerance meters (default 10) of the simplified line.", 1, 2, dyn, gsEvalLineSimplify)
	scalar(r, "geo_polygon_simplify", "geo_polygon_simplify(polygon: dynamic [, tolerance: real]): dynamic",
		"Simplifies a (multi)polygon, dropping vertices within tolerance meters (default 10) of the simplified boundary.", 1, 2, dyn, gsEvalPolygonSimplify)
	scalar(r, "geo_simplify_polygons_array", "geo_simplify_polygons_array(polygons: dynamic [, tolerance: real]): dynamic",
		"Unions an array of (multi)polygons and simplifies the result (tolerance in meters, default 10).", 1, 2, dyn, gsEvalSimplifyPolygonsArray)
	scalar(r, "geo_point_buffer", "geo_point_buffer(longitude: real, latitude: real, radius: real [, tolerance: real]): dynamic",
		"A polygon approximating the circle of radius meters around a coordinate (tolerance in meters, default 10).", 3, 4, dyn, gsEvalPointBuffer)
	scalar(r, "geo_line_buffer", "geo_line_buffer(lineString: dynamic, radius: real [, tolerance: real]): dynamic",
		"A polygon holding every point within radius meters of a (multi)line (tolerance in meters, default 10).", 2, 3, dyn, gsEvalLineBuffer)
	scalar(r, "geo_polygon_buffer", "geo_polygon_buffer(polygon: dynamic, radius: real [, tolerance: real]): dynamic",
		"A polygon holding every point within radius meters of a (multi)polygon (tolerance in meters, default 10).", 2, 3, dyn, gsEvalPolygonBuffer)
}

// gsIntersects reports whether two geometries given as edges and polygons
// share a point.
func gsEdgesCross(ea, eb []gsEdge) bool {
	for _, e := range ea {
		for _, f := range eb {
			if s2.CrossingSign(e.a.p, e.b.p, f.a.p, f.b.p) != s2.DoNotCross {
				return true
			}
			if s2.DistanceFromSegment(f.a.p, e.a.p, e.b.p) < gsOnEdgeEps || s2.DistanceFromSegment(e.a.p, f.a.p, f.b.p) < gsOnEdgeEps {
				return true
			}
		}
	}
	return false
}

func gsLinePointEdges(lines [][]gsLL) []gsEdge {
	es := gsLineEdges(lines)
	for _, l := range lines {
		if len(es) == 0 && len(l) > 0 {
			v := gsVOf(l[0])
			es = append(es, gsEdge{v, v})
		}
	}
	return es
}

func gsEvalIntersects2Lines(_ *Context, a []types.Value) types.Value {
	l1, ok1 := gsLineArg(a[0])
	l2, ok2 := gsLineArg(a[1])
	if !ok1 || !ok2 {
		return gsNullBool
	}
	return boolV(gsEdgesCross(gsLinePointEdges(l1), gsLinePointEdges(l2)))
}

func gsPolyArgs(a, b types.Value) (*gsGeom, *gsGeom, bool) {
	g1, ok1 := gsParse(a)
	g2, ok2 := gsParse(b)
	isPoly := func(g *gsGeom) bool { return g.kind == gsPolygonKind || g.kind == gsMultiPolygonKind }
	if !ok1 || !ok2 || !isPoly(g1) || !isPoly(g2) {
		return nil, nil, false
	}
	return g1, g2, true
}

func gsEvalIntersects2Polygons(_ *Context, a []types.Value) types.Value {
	g1, g2, ok := gsPolyArgs(a[0], a[1])
	if !ok {
		return gsNullBool
	}
	p1, p2 := gsPolys(g1), gsPolys(g2)
	if gsEdgesCross(gsPolyEdges(g1.polys), gsPolyEdges(g2.polys)) {
		return boolV(true)
	}
	for _, rings := range g1.polys {
		if gsPolysContain(p2, rings[0][0].point()) {
			return boolV(true)
		}
	}
	for _, rings := range g2.polys {
		if gsPolysContain(p1, rings[0][0].point()) {
			return boolV(true)
		}
	}
	return boolV(false)
}

func gsLinePolyArgs(a, b types.Value) ([][]gsLL, *gsGeom, bool) {
	lines, ok1 := gsLineArg(a)
	g, ok2 := gsParse(b)
	if !ok1 || !ok2 || (g.kind != gsPolygonKind && g.kind != gsMultiPolygonKind) {
		return nil, nil, false
	}
	return lines, g, true
}

func gsEvalIntersectsLinePolygon(_ *Context, a []types.Value) types.Value {
	lines, g, ok := gsLinePolyArgs(a[0], a[1])
	if !ok {
		return gsNullBool
	}
	ps := gsPolys(g)
	for _, l := range lines {
		if gsPolysContain(ps, l[0].point()) {
			return boolV(true)
		}
	}
	return boolV(gsEdgesCross(gsLinePointEdges(lines), gsPolyEdges(g.polys)))
}

func gsEvalIntersection2Lines(_ *Context, a []types.Value) types.Value {
	l1, ok1 := gsLineArg(a[0])
	l2, ok2 := gsLineArg(a[1])
	if !ok1 || !ok2 {
		return gsNullDyn
	}
	e1, e2 := gsLineEdges(l1), gsLineEdges(l2)
	p1, _, touch := gsSplit(e1, e2)
	// pieces of line 1 lying on line 2 are shared segments
	var lines [][]gsLL
	var cur []gsLL
	onShared := map[s2.Point]bool{}
	flush := func() {
		if len(cur) >= 2 {
			lines = append(lines, cur)
		}
		cur = nil
	}
	for _, e := range p1 {
		if !gsOnBoundary(gsMid(e), e2) {
			flush()
			continue
		}
		onShared[e.a.p], onShared[e.b.p] = true, true
		if len(cur) == 0 || cur[len(cur)-1] != e.a.ll {
			flush()
			cur = append(cur, e.a.ll)
		}
		cur = append(cur, e.b.ll)
	}
	flush()
	var pts []gsLL
	for _, v := range touch {
		if !onShared[v.p] {
			pts = append(pts, v.ll)
		}
	}
	// shared vertices of the two lines touch too
	for _, v := range gsSharedVertices(l1, l2) {
		if !onShared[v.p] && !gsContainsV(touch, v) {
			pts = append(pts, v.ll)
		}
	}
	return gsDyn(gsCollect(pts, lines, nil))
}

func gsContainsV(vs []gsV, v gsV) bool {
	for _, w := range vs {
		if w.p == v.p {
			return true
		}
	}
	return false
}

func gsSharedVertices(l1, l2 [][]gsLL) []gsV {
	set := map[gsLL]bool{}
	for _, l := range l2 {
		for _, p := range l {
			set[p] = true
		}
	}
	var out []gsV
	seen := map[gsLL]bool{}
	for _, l := range l1 {
		for _, p := range l {
			if set[p] && !seen[p] {
				seen[p] = true
				out = append(out, gsVOf(p))
			}
		}
	}
	return out
}

func gsEvalIntersectionLinePolygon(_ *Context, a []types.Value) types.Value {
	lines, g, ok := gsLinePolyArgs(a[0], a[1])
	if !ok {
		return gsNullDyn
	}
	parts, pts := gsClipLines(lines, g.polys)
	return gsDyn(gsCollect(pts, parts, nil))
}

func gsEvalIntersection2Polygons(_ *Context, a []types.Value) types.Value {
	g1, g2, ok := gsPolyArgs(a[0], a[1])
	if !ok {
		return gsNullDyn
	}
	u1, u2 := gsUnionPolygonsGeom(g1), gsUnionPolygonsGeom(g2)
	polys, touch := gsOverlay(u1.polys, u2.polys, gsOpIntersection)
	return gsDyn(gsCollect(touch, nil, polys))
}

// gsArrayGeoms parses a dynamic array of geometries; every element must
// be valid.
func gsArrayGeoms(v types.Value) ([]*gsGeom, bool) {
	if v.IsNull() || v.T != types.Dynamic {
		return nil, false
	}
	arr, ok := v.D.([]any)
	if !ok {
		return nil, false
	}
	out := make([]*gsGeom, 0, len(arr))
	for _, e := range arr {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		g, ok := gsParseMap(m, 0)
		if !ok {
			return nil, false
		}
		out = append(out, g)
	}
	return out, true
}

func gsArrayPolygons(v types.Value) ([][][]gsLL, bool) {
	gs, ok := gsArrayGeoms(v)
	if !ok {
		return nil, false
	}
	var polys [][][]gsLL
	for _, g := range gs {
		if g.kind != gsPolygonKind && g.kind != gsMultiPolygonKind {
			return nil, false
		}
		polys = append(polys, g.polys...)
	}
	return polys, true
}

func gsPolygonsJSON(polys [][][]gsLL) map[string]any {
	switch len(polys) {
	case 0:
		return gsEmptyCollection()
	case 1:
		return gsToJSON(&gsGeom{kind: gsPolygonKind, polys: polys})
	}
	return gsToJSON(&gsGeom{kind: gsMultiPolygonKind, polys: polys})
}

func gsEvalUnionPolygonsArray(_ *Context, a []types.Value) types.Value {
	polys, ok := gsArrayPolygons(a[0])
	if !ok {
		return gsNullDyn
	}
	return gsDyn(gsPolygonsJSON(gsUnionAll(polys)))
}

func gsEvalSimplifyPolygonsArray(_ *Context, a []types.Value) types.Value {
	polys, ok := gsArrayPolygons(a[0])
	tol, ok2 := gsOptReal(a, 1, 10)
	if !ok || !ok2 || !gsSimplifyTolOK(tol) {
		return gsNullDyn
	}
	out := gsSimplifyPolys(gsUnionAll(polys), tol)
	if len(out) == 0 {
		return gsNullDyn
	}
	return gsDyn(gsPolygonsJSON(out))
}

// Densify.

func gsDensifyTol(a []types.Value) (float64, bool) {
	tol, ok := gsOptReal(a, 1, 10)
	if !ok || math.IsNaN(tol) || tol < 0.1 || tol > 10000 {
		return 0, false
	}
	return tol, true
}

// gsDensifyChain returns the chain with points added along each planar
// edge (halving it) until the geodesic between consecutive points stays
// within tol meters of the planar edge.
//
// With crossing set, an edge whose longitudes are more than 180° apart
// goes the short way over the antimeridian instead of across the map.
func gsDensifyChain(l []gsLL, tol float64, crossing bool) []gsLL {
	out := []gsLL{l[0]}
	var rec func(a, b gsLL, depth int)
	rec = func(a, b gsLL, depth int) {
		bl := b.lng
		if crossing && math.Abs(bl-a.lng) > 180 {
			bl -= math.Copysign(360, bl-a.lng)
		}
		m := gsLL{gsWrapLng((a.lng + bl) / 2), (a.lat + b.lat) / 2}
		if depth < 24 && gsMeters(s2.DistanceFromSegment(m.point(), a.point(), b.point())) > tol {
			rec(a, m, depth+1)
			rec(m, b, depth+1)
			return
		}
		out = append(out, b)
	}
	for i := 0; i+1 < len(l); i++ {
		rec(l[i], l[i+1], 0)
	}
	return out
}

// gsWrapLng brings a longitude back into [-180, 180].
func gsWrapLng(x float64) float64 {
	switch {
	case x > 180:
		return x - 360
	case x < -180:
		return x + 360
	}
	return x
}

// gsCrossingArg reads the optional preserve_crossing argument.
func gsCrossingArg(a []types.Value) (bool, bool) {
	if len(a) < 3 {
		return false, true
	}
	if a[2].IsNull() || a[2].T != types.Bool {
		return false, a[2].IsNull()
	}
	return a[2].I != 0, true
}

func gsEvalLineDensify(_ *Context, a []types.Value) types.Value {
	g, ok := gsParse(a[0])
	tol, ok2 := gsDensifyTol(a)
	crossing, ok3 := gsCrossingArg(a)
	if !ok || !ok2 || !ok3 || (g.kind != gsLineKind && g.kind != gsMultiLineKind) {
		return gsNullDyn
	}
	out := &gsGeom{kind: g.kind}
	for _, l := range g.lines {
		out.lines = append(out.lines, gsDensifyChain(l, tol, crossing))
	}
	return gsDyn(gsToJSON(out))
}

func gsEvalPolygonDensify(_ *Context, a []types.Value) types.Value {
	g, ok := gsParse(a[0])
	tol, ok2 := gsDensifyTol(a)
	crossing, ok3 := gsCrossingArg(a)
	if !ok || !ok2 || !ok3 || (g.kind != gsPolygonKind && g.kind != gsMultiPolygonKind) {
		return gsNullDyn
	}
	out := &gsGeom{kind: g.kind}
	for _, rings := range g.polys {
		var rs [][]gsLL
		for _, r := range rings {
			rs = append(rs, gsDensifyChain(r, tol, crossing))
		}
		out.polys = append(out.polys, rs)
	}
	return gsDyn(gsToJSON(out))
}

// Simplify.

// gsMaxSimplifyTol is the documented upper bound (~7,800,000 m, a
// quarter of the Earth's circumference less a margin).
const gsMaxSimplifyTol = 7800000.0

func gsSimplifyTolOK(t float64) bool { return t >= 0 && t < gsMaxSimplifyTol && !math.IsNaN(t) }

// gsDP simplifies a chain with Douglas-Peucker on geodesic distances.
func gsDP(l []gsLL, tol s1.Angle) []gsLL {
	if len(l) < 3 {
		return l
	}
	keep := make([]bool, len(l))
	keep[0], keep[len(l)-1] = true, true
	var rec func(i, j int)
	rec = func(i, j int) {
		if j <= i+1 {
			return
		}
		a, b := l[i].point(), l[j].point()
		best, bi := s1.Angle(-1), -1
		for k := i + 1; k < j; k++ {
			var d s1.Angle
			if a == b {
				d = l[k].point().Distance(a)
			} else {
				d = s2.DistanceFromSegment(l[k].point(), a, b)
			}
			if d > best {
				best, bi = d, k
			}
		}
		if best > tol {
			keep[bi] = true
			rec(i, bi)
			rec(bi, j)
		}
	}
	rec(0, len(l)-1)
	var out []gsLL
	for i, k := range keep {
		if k {
			out = append(out, l[i])
		}
	}
	return out
}

// gsSnapClose drops vertices closer than tol to the previous kept one
// (the last vertex is kept in place of its predecessor).
func gsSnapClose(l []gsLL, tol s1.Angle) []gsLL {
	if len(l) == 0 {
		return l
	}
	out := []gsLL{l[0]}
	for _, p := range l[1:] {
		if p.point().Distance(out[len(out)-1].point()) > tol || (tol == 0 && p != out[len(out)-1]) {
			out = append(out, p)
		}
	}
	last := l[len(l)-1]
	if out[len(out)-1] != last && len(out) > 1 {
		out[len(out)-1] = last
	}
	return out
}

func gsSimplifyLine(l []gsLL, tol float64) []gsLL {
	t := s1.Angle(tol / gsEarthRadius)
	out := gsSnapClose(gsDP(l, t), t)
	if len(out) < 2 || out[0].point().Distance(out[len(out)-1].point()) <= t && len(out) == 2 {
		return nil
	}
	return out
}

func gsEvalLineSimplify(_ *Context, a []types.Value) types.Value {
	g, ok := gsParse(a[0])
	tol, ok2 := gsOptReal(a, 1, 10)
	if !ok || !ok2 || !gsSimplifyTolOK(tol) || (g.kind != gsLineKind && g.kind != gsMultiLineKind) {
		return gsNullDyn
	}
	var lines [][]gsLL
	for _, l := range g.lines {
		if s := gsSimplifyLine(l, tol); s != nil {
			lines = append(lines, s)
		}
	}
	if len(lines) == 0 {
		return gsNullDyn
	}
	kind := gsLineKind
	if len(lines) > 1 {
		kind = gsMultiLineKind
	}
	return gsDyn(gsToJSON(&gsGeom{kind: kind, lines: lines}))
}

// gsSimplifyRing simplifies a closed ring; nil when it collapses.
func gsSimplifyRing(r []gsLL, tol float64) []gsLL {
	t := s1.Angle(tol / gsEarthRadius)
	s := gsSnapClose(gsDP(r, t), t)
	if len(s) < 4 || s[0] != s[len(s)-1] || len(gsRingVertices(s)) < 3 {
		return nil
	}
	return s
}

func gsSimplifyPolys(polys [][][]gsLL, tol float64) [][][]gsLL {
	var out [][][]gsLL
	for _, rings := range polys {
		shell := gsSimplifyRing(rings[0], tol)
		if shell == nil {
			continue
		}
		rs := [][]gsLL{shell}
		for _, h := range rings[1:] {
			if s := gsSimplifyRing(h, tol); s != nil {
				rs = append(rs, s)
			}
		}
		out = append(out, rs)
	}
	return out
}

func gsEvalPolygonSimplify(_ *Context, a []types.Value) types.Value {
	g, ok := gsParse(a[0])
	tol, ok2 := gsOptReal(a, 1, 10)
	if !ok || !ok2 || !gsSimplifyTolOK(tol) || (g.kind != gsPolygonKind && g.kind != gsMultiPolygonKind) {
		return gsNullDyn
	}
	out := gsSimplifyPolys(gsUnionPolygonsGeom(g).polys, tol)
	if len(out) == 0 {
		return gsNullDyn
	}
	return gsDyn(gsPolygonsJSON(out))
}

// Buffers.

// gsBufferTol reads the tolerance argument (default 10 m): it must be at
// least 0.0001% of the radius, and is lowered below the radius when
// bigger.
func gsBufferTol(a []types.Value, i int, radius float64) (float64, bool) {
	tol, ok := gsOptReal(a, i, 10)
	if !ok || math.IsNaN(tol) || tol <= 0 || tol < radius*1e-6 {
		return 0, false
	}
	return math.Min(tol, radius*0.999), true
}

func gsRadiusOK(r float64) bool { return r > 0 && r <= gsMaxSimplifyTol && !math.IsNaN(r) }

// gsArcSteps is the number of chords a circular arc of the given angle
// needs so that no chord is farther than tol from the circle.
func gsArcSteps(arc, radius, tol float64) int {
	step := 2 * math.Acos(1-tol/radius)
	if !(step > 0) {
		step = arc
	}
	return min(max(int(math.Ceil(arc/step)), 2), 1<<14)
}

// gsCircle returns a ring approximating the circle of radius meters
// around c, with chords within tol meters of the circle.
func gsCircle(c gsLL, radius, tol float64) []gsLL {
	n := max(gsArcSteps(2*math.Pi, radius, tol), 4)
	l := s2.RegularLoop(c.point(), s1.Angle(radius/gsEarthRadius), n)
	out := make([]gsLL, 0, n+1)
	for _, p := range l.Vertices() {
		out = append(out, gsFromPoint(p))
	}
	return append(out, out[0])
}

func gsEvalPointBuffer(_ *Context, a []types.Value) types.Value {
	c, ok := gsPointArgs(a[0], a[1])
	r, ok2 := asReal(a[2])
	if !ok || !ok2 || !gsRadiusOK(r) {
		return gsNullDyn
	}
	tol, ok3 := gsBufferTol(a, 3, r)
	if !ok3 {
		return gsNullDyn
	}
	return gsDyn(gsToJSON(&gsGeom{kind: gsPolygonKind, polys: [][][]gsLL{{gsCircle(c, r, tol)}}}))
}

// gsCapsule returns a ring around the geodesic edge a-b at distance
// radius: the two parallel sides joined by half circles at the ends.
func gsCapsule(a, b gsLL, radius, tol float64) []gsLL {
	pa, pb := a.point(), b.point()
	if pa.Distance(pb) == 0 {
		return gsCircle(a, radius, tol)
	}
	rho := radius / gsEarthRadius
	n := pa.PointCross(pb).Vector.Normalize()
	at := func(p s2.Point, dir r3.Vector) gsLL {
		return gsFromPoint(s2.Point{Vector: p.Mul(math.Cos(rho)).Add(dir.Mul(math.Sin(rho))).Normalize()})
	}
	// sides: pieces short enough that the geodesic chords between offset
	// points stay within tol of the parallel curve
	edge := float64(pa.Distance(pb))
	maxStep := math.Sqrt(8 * tol / (gsEarthRadius * math.Max(math.Sin(rho), 1e-300)))
	sides := min(max(int(math.Ceil(edge/maxStep)), 1), 1<<14)
	caps := max(gsArcSteps(math.Pi, radius, tol), 2)
	var ring []gsLL
	for i := 0; i <= sides; i++ { // right side, a to b
		ring = append(ring, at(s2.Interpolate(float64(i)/float64(sides), pa, pb), n.Mul(-1)))
	}
	tb := n.Cross(pb.Vector).Normalize()
	for i := 1; i < caps; i++ { // cap around b, right to left
		phi := -math.Pi/2 + math.Pi*float64(i)/float64(caps)
		ring = append(ring, at(pb, tb.Mul(math.Cos(phi)).Add(n.Mul(math.Sin(phi)))))
	}
	for i := sides; i >= 0; i-- { // left side, b to a
		ring = append(ring, at(s2.Interpolate(float64(i)/float64(sides), pa, pb), n))
	}
	ta := n.Cross(pa.Vector).Normalize()
	for i := 1; i < caps; i++ { // cap around a, left to right
		phi := -math.Pi/2 + math.Pi*float64(i)/float64(caps)
		ring = append(ring, at(pa, ta.Mul(-math.Cos(phi)).Add(n.Mul(-math.Sin(phi)))))
	}
	return append(ring, ring[0])
}

// gsBufferChains returns the union of the capsules around every edge of
// the chains, together with extra polygons.
func gsBufferChains(chains [][]gsLL, extra [][][]gsLL, radius, tol float64) [][][]gsLL {
	polys := append([][][]gsLL(nil), extra...)
	for _, l := range chains {
		for i := 0; i+1 < len(l); i++ {
			polys = append(polys, [][]gsLL{gsCapsule(l[i], l[i+1], radius, tol)})
		}
	}
	return gsUnionAll(polys)
}

func gsEvalLineBuffer(_ *Context, a []types.Value) types.Value {
	lines, ok := gsLineArg(a[0])
	r, ok2 := asReal(a[1])
	if !ok || !ok2 || !gsRadiusOK(r) {
		return gsNullDyn
	}
	tol, ok3 := gsBufferTol(a, 2, r)
	if !ok3 {
		return gsNullDyn
	}
	out := gsBufferChains(lines, nil, r, tol)
	if len(out) == 0 {
		return gsNullDyn
	}
	return gsDyn(gsPolygonsJSON(out))
}

func gsEvalPolygonBuffer(_ *Context, a []types.Value) types.Value {
	g, ok := gsParse(a[0])
	r, ok2 := asReal(a[1])
	if !ok || !ok2 || !gsRadiusOK(r) || (g.kind != gsPolygonKind && g.kind != gsMultiPolygonKind) {
		return gsNullDyn
	}
	tol, ok3 := gsBufferTol(a, 2, r)
	if !ok3 {
		return gsNullDyn
	}
	var rings [][]gsLL
	for _, p := range g.polys {
		rings = append(rings, p...)
	}
	out := gsBufferChains(rings, g.polys, r, tol)
	if len(out) == 0 {
		return gsNullDyn
	}
	return gsDyn(gsPolygonsJSON(out))
}

// Union of lines.

// gsEvalUnionLinesArray merges an array of (multi)lines: shared segments
// appear once and chains through vertices of degree two are joined.
func gsEvalUnionLinesArray(_ *Context, a []types.Value) types.Value {
	gs, ok := gsArrayGeoms(a[0])
	if !ok || len(gs) == 0 {
		return gsNullDyn
	}
	var lines [][]gsLL
	for _, g := range gs {
		if g.kind != gsLineKind && g.kind != gsMultiLineKind {
			return gsNullDyn
		}
		lines = append(lines, g.lines...)
	}
	// split every edge against all others, then keep each undirected
	// piece once
	es := gsLineEdges(lines)
	pieces, _, _ := gsSplit(es, es)
	type key struct{ a, b s2.Point }
	seen := map[key]bool{}
	var uniq []gsEdge
	for _, e := range pieces {
		if e.a.p == e.b.p || seen[key{e.a.p, e.b.p}] || seen[key{e.b.p, e.a.p}] {
			continue
		}
		seen[key{e.a.p, e.b.p}] = true
		uniq = append(uniq, e)
	}
	out := gsChainEdges(uniq)
	kind := gsLineKind
	if len(out) > 1 {
		kind = gsMultiLineKind
	}
	if len(out) == 0 {
		return gsNullDyn
	}
	return gsDyn(gsToJSON(&gsGeom{kind: kind, lines: out}))
}

// gsChainEdges joins undirected edges into maximal chains through
// vertices of degree two, in input order.
func gsChainEdges(es []gsEdge) [][]gsLL {
	deg := map[s2.Point]int{}
	adj := map[s2.Point][]int{}
	for i, e := range es {
		deg[e.a.p]++
		deg[e.b.p]++
		adj[e.a.p] = append(adj[e.a.p], i)
		adj[e.b.p] = append(adj[e.b.p], i)
	}
	used := make([]bool, len(es))
	var out [][]gsLL
	walk := func(start gsV, first int) []gsLL {
		chain := []gsLL{start.ll}
		cur, at := first, start
		for {
			used[cur] = true
			e := es[cur]
			next := e.b
			if e.b.p == at.p {
				next = e.a
			}
			chain = append(chain, next.ll)
			at = next
			if deg[at.p] != 2 {
				return chain
			}
			n := -1
			for _, j := range adj[at.p] {
				if !used[j] {
					n = j
				}
			}
			if n < 0 {
				return chain
			}
			cur = n
		}
	}
	// chains that start at an end or branch vertex
	for i, e := range es {
		if used[i] {
			continue
		}
		switch {
		case deg[e.a.p] != 2:
			out = append(out, walk(e.a, i))
		case deg[e.b.p] != 2:
			// walk backwards to the start of this chain first
			out = append(out, gsReverse(walk(e.b, i)))
		}
	}
	// whatever is left forms closed rings
	for i, e := range es {
		if !used[i] {
			out = append(out, walk(e.a, i))
		}
	}
	return out
}

func gsReverse(l []gsLL) []gsLL {
	for i, j := 0, len(l)-1; i < j; i, j = i+1, j-1 {
		l[i], l[j] = l[j], l[i]
	}
	return l
}
