package funcs

import (
	"math"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"

	"github.com/huntpack/huntpack/kql/types"
)

// addGeoShapes registers the geospatial shape functions.
func addGeoShapes(r *Registry) {
	real, bl, dyn := fixed(types.Real), fixed(types.Bool), fixed(types.Dynamic)
	scalar(r, "geo_distance_2points", "geo_distance_2points(p1_longitude: real, p1_latitude: real, p2_longitude: real, p2_latitude: real): real",
		"Shortest distance in meters between two coordinates on a sphere; null for invalid coordinates.", 4, 4, real, gsEvalDistance2Points)
	scalar(r, "geo_distance_point_to_line", "geo_distance_point_to_line(longitude: real, latitude: real, lineString: dynamic): real",
		"Shortest distance in meters between a coordinate and a (multi)line; null for invalid input.", 3, 3, real, gsEvalDistancePointToLine)
	scalar(r, "geo_distance_point_to_polygon", "geo_distance_point_to_polygon(longitude: real, latitude: real, polygon: dynamic): real",
		"Shortest distance in meters between a coordinate and a (multi)polygon, 0 inside; null for invalid input.", 3, 3, real, gsEvalDistancePointToPolygon)
	scalar(r, "geo_point_in_circle", "geo_point_in_circle(p_longitude: real, p_latitude: real, pc_longitude: real, pc_latitude: real, c_radius: real): bool",
		"Whether a coordinate is inside a circle on the sphere (radius in meters).", 5, 5, bl, gsEvalPointInCircle)
	scalar(r, "geo_point_in_polygon", "geo_point_in_polygon(longitude: real, latitude: real, polygon: dynamic): bool",
		"Whether a coordinate is inside a GeoJSON (multi)polygon with geodesic edges.", 3, 3, bl, gsEvalPointInPolygon)
	scalar(r, "geo_line_length", "geo_line_length(lineString: dynamic): real",
		"Total length in meters of a (multi)line on the sphere.", 1, 1, real, gsEvalLineLength)
	scalar(r, "geo_polygon_area", "geo_polygon_area(polygon: dynamic): real",
		"Area in square meters of a (multi)polygon on the sphere.", 1, 1, real, gsEvalPolygonArea)
	scalar(r, "geo_polygon_perimeter", "geo_polygon_perimeter(polygon: dynamic): real",
		"Length in meters of the boundary of a (multi)polygon on the sphere.", 1, 1, real, gsEvalPolygonPerimeter)
	scalar(r, "geo_line_centroid", "geo_line_centroid(lineString: dynamic): dynamic",
		"Centroid of a (multi)line as a GeoJSON Point.", 1, 1, dyn, gsEvalLineCentroid)
	scalar(r, "geo_polygon_centroid", "geo_polygon_centroid(polygon: dynamic): dynamic",
		"Centroid of a (multi)polygon as a GeoJSON Point.", 1, 1, dyn, gsEvalPolygonCentroid)
	scalar(r, "geo_line_interpolate_point", "geo_line_interpolate_point(lineString: dynamic, fraction: real): dynamic",
		"The point at a fraction (0..1) of a line's length, as a GeoJSON Point.", 2, 2, dyn, gsEvalLineInterpolate)
	scalar(r, "geo_line_locate_point", "geo_line_locate_point(lineString: dynamic, longitude: real, latitude: real): real",
		"Fraction (0..1) of a line's length at the line point closest to a coordinate.", 3, 3, real, gsEvalLineLocate)
	scalar(r, "geo_closest_point_on_line", "geo_closest_point_on_line(longitude: real, latitude: real, lineString: dynamic): dynamic",
		"The point of a (multi)line closest to a coordinate, as a GeoJSON Point.", 3, 3, dyn, gsEvalClosestOnLine)
	scalar(r, "geo_closest_point_on_polygon", "geo_closest_point_on_polygon(longitude: real, latitude: real, polygon: dynamic): dynamic",
		"The point of a (multi)polygon closest to a coordinate (the coordinate itself when inside), as a GeoJSON Point.", 3, 3, dyn, gsEvalClosestOnPolygon)
	scalar(r, "geo_azimuth", "geo_azimuth(p1_longitude: real, p1_latitude: real, p2_longitude: real, p2_latitude: real): real",
		"Clockwise angle in radians from true north to the geodesic from p1 to p2.", 4, 4, real, gsEvalAzimuth)
	scalar(r, "geo_angle", "geo_angle(p1_longitude: real, p1_latitude: real, p2_longitude: real, p2_latitude: real, p3_longitude: real, p3_latitude: real): real",
		"Angle in radians [0, 2π] at p2 from the geodesic p2→p1 clockwise to the geodesic p2→p3.", 6, 6, real, gsEvalAngle)
	scalar(r, "geo_from_wkt", "geo_from_wkt(wkt: string): dynamic",
		"Converts a Well-Known Text geometry to GeoJSON; null when the text is invalid.", 1, 1, dyn, gsEvalFromWKT)
	addGeoShapeOps(r)
}

func gsMeters(a s1.Angle) float64 { return float64(a) * gsEarthRadius }

func gsEvalDistance2Points(_ *Context, a []types.Value) types.Value {
	p, ok1 := gsPointArgs(a[0], a[1])
	q, ok2 := gsPointArgs(a[2], a[3])
	if !ok1 || !ok2 {
		return gsNullReal
	}
	return realV(gsMeters(p.point().Distance(q.point())))
}

// gsLineDistance returns the distance to the closest point of the lines
// and that point.
func gsLineDistance(pt s2.Point, lines [][]gsLL) (s1.Angle, s2.Point) {
	best, bp := s1.InfAngle(), pt
	for _, l := range lines {
		if len(l) == 1 {
			if d := pt.Distance(l[0].point()); d < best {
				best, bp = d, l[0].point()
			}
			continue
		}
		for i := 0; i+1 < len(l); i++ {
			a, b := l[i].point(), l[i+1].point()
			c := s2.Project(pt, a, b)
			if d := pt.Distance(c); d < best {
				best, bp = d, c
			}
		}
	}
	return best, bp
}

func gsEvalDistancePointToLine(_ *Context, a []types.Value) types.Value {
	p, ok := gsPointArgs(a[0], a[1])
	lines, ok2 := gsLineArg(a[2])
	if !ok || !ok2 {
		return gsNullReal
	}
	d, _ := gsLineDistance(p.point(), lines)
	return realV(gsMeters(d))
}

// gsPolyBoundary returns every ring of the polygons as open lines.
func gsPolyBoundary(ps []gsPoly) [][]gsLL {
	var out [][]gsLL
	for _, p := range ps {
		out = append(out, p.rings...)
	}
	return out
}

func gsPolysContain(ps []gsPoly, pt s2.Point) bool {
	for _, p := range ps {
		if p.contains(pt) {
			return true
		}
	}
	return false
}

func gsEvalDistancePointToPolygon(_ *Context, a []types.Value) types.Value {
	p, ok := gsPointArgs(a[0], a[1])
	ps, ok2 := gsPolygonArgCached(a[2])
	if !ok || !ok2 {
		return gsNullReal
	}
	pt := p.point()
	if gsPolysContain(ps, pt) {
		return realV(0)
	}
	d, _ := gsLineDistance(pt, gsPolyBoundary(ps))
	return realV(gsMeters(d))
}

func gsEvalPointInCircle(_ *Context, a []types.Value) types.Value {
	p, ok1 := gsPointArgs(a[0], a[1])
	c, ok2 := gsPointArgs(a[2], a[3])
	r, ok3 := asReal(a[4])
	if !ok1 || !ok2 || !ok3 || r < 0 || math.IsNaN(r) {
		return gsNullBool
	}
	return boolV(gsMeters(p.point().Distance(c.point())) <= r)
}

func gsEvalPointInPolygon(_ *Context, a []types.Value) types.Value {
	p, ok := gsPointArgs(a[0], a[1])
	ps, ok2 := gsPolygonArgCached(a[2])
	if !ok || !ok2 {
		return gsNullBool
	}
	return boolV(gsPolysContain(ps, p.point()))
}

func gsLinesLength(lines [][]gsLL) float64 {
	sum := 0.0
	for _, l := range lines {
		sum += gsMeters(gsPolyline(l).Length())
	}
	return sum
}

func gsEvalLineLength(_ *Context, a []types.Value) types.Value {
	lines, ok := gsLineArg(a[0])
	if !ok {
		return gsNullReal
	}
	return realV(gsLinesLength(lines))
}

// gsPolyArea is the area of one polygon in steradians.
func gsPolyArea(p gsPoly) float64 {
	a := p.shell.Area()
	for _, h := range p.holes {
		a -= h.Area()
	}
	return a
}

func gsEvalPolygonArea(_ *Context, a []types.Value) types.Value {
	g, ok := gsParse(a[0])
	if !ok || (g.kind != gsPolygonKind && g.kind != gsMultiPolygonKind) {
		return gsNullReal
	}
	area := 0.0
	for _, p := range gsPolys(gsUnionPolygonsGeom(g)) {
		area += gsPolyArea(p)
	}
	return realV(area * gsEarthRadius * gsEarthRadius)
}

func gsEvalPolygonPerimeter(_ *Context, a []types.Value) types.Value {
	g, ok := gsParse(a[0])
	if !ok || (g.kind != gsPolygonKind && g.kind != gsMultiPolygonKind) {
		return gsNullReal
	}
	sum := 0.0
	for _, p := range gsPolys(gsUnionPolygonsGeom(g)) {
		for _, r := range p.rings {
			sum += gsMeters(gsPolyline(r).Length())
		}
	}
	return realV(sum)
}

func gsPointValue(p s2.Point) types.Value {
	return gsDyn(gsPointJSON(gsFromPoint(p)))
}

func gsEvalLineCentroid(_ *Context, a []types.Value) types.Value {
	lines, ok := gsLineArg(a[0])
	if !ok {
		return gsNullDyn
	}
	var sum s2.Point
	for _, l := range lines {
		c := gsPolyline(l).Centroid()
		sum = s2.Point{Vector: sum.Add(c.Vector)}
	}
	if sum.Norm() == 0 {
		return gsNullDyn
	}
	return gsPointValue(s2.Point{Vector: sum.Normalize()})
}

func gsEvalPolygonCentroid(_ *Context, a []types.Value) types.Value {
	g, ok := gsParse(a[0])
	if !ok || (g.kind != gsPolygonKind && g.kind != gsMultiPolygonKind) {
		return gsNullDyn
	}
	var sum s2.Point
	for _, p := range gsPolys(gsUnionPolygonsGeom(g)) {
		sum = s2.Point{Vector: sum.Add(p.shell.Centroid().Vector)}
		for _, h := range p.holes {
			sum = s2.Point{Vector: sum.Sub(h.Centroid().Vector)}
		}
	}
	if sum.Norm() == 0 {
		return gsNullDyn
	}
	return gsPointValue(s2.Point{Vector: sum.Normalize()})
}

// gsSingleLine reads a LineString argument (interpolation works on one
// line).
func gsSingleLine(v types.Value) ([]gsLL, bool) {
	g, ok := gsParse(v)
	if !ok || g.kind != gsLineKind {
		return nil, false
	}
	return g.lines[0], true
}

func gsEvalLineInterpolate(_ *Context, a []types.Value) types.Value {
	l, ok := gsSingleLine(a[0])
	f, ok2 := asReal(a[1])
	if !ok || !ok2 || f < 0 || f > 1 || math.IsNaN(f) {
		return gsNullDyn
	}
	p, _ := gsPolyline(l).Interpolate(f)
	return gsPointValue(p)
}

func gsEvalLineLocate(_ *Context, a []types.Value) types.Value {
	l, ok := gsSingleLine(a[0])
	p, ok2 := gsPointArgs(a[1], a[2])
	if !ok || !ok2 {
		return gsNullReal
	}
	pl := gsPolyline(l)
	if pl.Length() == 0 {
		return realV(0)
	}
	q, next := pl.Project(p.point())
	return realV(pl.Uninterpolate(q, next))
}

func gsEvalClosestOnLine(_ *Context, a []types.Value) types.Value {
	p, ok := gsPointArgs(a[0], a[1])
	lines, ok2 := gsLineArg(a[2])
	if !ok || !ok2 {
		return gsNullDyn
	}
	_, c := gsLineDistance(p.point(), lines)
	return gsPointValue(c)
}

func gsEvalClosestOnPolygon(_ *Context, a []types.Value) types.Value {
	p, ok := gsPointArgs(a[0], a[1])
	ps, ok2 := gsPolygonArgCached(a[2])
	if !ok || !ok2 {
		return gsNullDyn
	}
	pt := p.point()
	if gsPolysContain(ps, pt) {
		return gsDyn(gsPointJSON(p))
	}
	_, c := gsLineDistance(pt, gsPolyBoundary(ps))
	return gsPointValue(c)
}

// gsBearing is the initial bearing in radians [0, 2π) from p to q.
func gsBearing(p, q gsLL) float64 {
	f1, f2 := p.lat*math.Pi/180, q.lat*math.Pi/180
	dl := (q.lng - p.lng) * math.Pi / 180
	y := math.Sin(dl) * math.Cos(f2)
	x := math.Cos(f1)*math.Sin(f2) - math.Sin(f1)*math.Cos(f2)*math.Cos(dl)
	b := math.Atan2(y, x)
	if b < 0 {
		b += 2 * math.Pi
	}
	return b
}

func gsSame(p, q gsLL) bool { return p.point().Distance(q.point()) == 0 }

func gsEvalAzimuth(_ *Context, a []types.Value) types.Value {
	p, ok1 := gsPointArgs(a[0], a[1])
	q, ok2 := gsPointArgs(a[2], a[3])
	if !ok1 || !ok2 || gsSame(p, q) {
		return gsNullReal
	}
	return realV(gsBearing(p, q))
}

func gsEvalAngle(_ *Context, a []types.Value) types.Value {
	p1, ok1 := gsPointArgs(a[0], a[1])
	p2, ok2 := gsPointArgs(a[2], a[3])
	p3, ok3 := gsPointArgs(a[4], a[5])
	if !ok1 || !ok2 || !ok3 || gsSame(p1, p2) || gsSame(p2, p3) {
		return gsNullReal
	}
	ang := gsBearing(p2, p3) - gsBearing(p2, p1)
	if ang < 0 {
		ang += 2 * math.Pi
	}
	return realV(ang)
}
