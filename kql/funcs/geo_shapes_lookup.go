package funcs

import (
	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"

	"github.com/huntpack/huntpack/kql/types"
)

// GeoShape is a parsed GeoJSON line or polygon, prepared once for many
// point queries (the geo_polygon_lookup and geo_line_lookup plugins).
type GeoShape struct {
	polys []gsPoly
	lines [][]gsLL
	bound s2.Rect // of every vertex and edge
}

func newGeoShape(polys []gsPoly, lines [][]gsLL) *GeoShape {
	b := s2.EmptyRect()
	for _, l := range lines {
		b = b.Union(gsPolyline(l).RectBound())
	}
	for _, p := range polys { // covers the interior, poles included
		b = b.Union(p.shell.RectBound())
	}
	return &GeoShape{polys: polys, lines: lines, bound: b}
}

// NewGeoPolygon parses a GeoJSON Polygon or MultiPolygon; ok is false
// when the value is not a valid one.
func NewGeoPolygon(v types.Value) (*GeoShape, bool) {
	ps, ok := gsPolygonArg(v)
	if !ok {
		return nil, false
	}
	return newGeoShape(ps, gsPolyBoundary(ps)), true
}

// NewGeoLine parses a GeoJSON LineString or MultiLineString.
func NewGeoLine(v types.Value) (*GeoShape, bool) {
	ls, ok := gsLineArg(v)
	if !ok {
		return nil, false
	}
	return newGeoShape(nil, ls), true
}

// Contains reports whether a polygon shape holds the coordinate (as
// geo_point_in_polygon); lines hold nothing. Invalid coordinates give
// false.
func (g *GeoShape) Contains(lng, lat float64) bool {
	if !gsValid(lng, lat) {
		return false
	}
	return gsPolysContain(g.polys, gsLL{lng, lat}.point())
}

// Distance returns the distance in meters from the coordinate to the
// shape (0 inside a polygon), as geo_distance_point_to_polygon and
// geo_distance_point_to_line; ok is false for invalid coordinates.
func (g *GeoShape) Distance(lng, lat float64) (float64, bool) {
	if !gsValid(lng, lat) {
		return 0, false
	}
	pt := gsLL{lng, lat}.point()
	if gsPolysContain(g.polys, pt) {
		return 0, true
	}
	d, _ := gsLineDistance(pt, g.lines)
	return gsMeters(d), true
}

// Within reports whether the coordinate is at most radius meters from the
// shape (inside a polygon counts as 0), checking the shape's bounding
// rectangle first.
func (g *GeoShape) Within(lng, lat, radius float64) bool {
	if !gsValid(lng, lat) || radius < 0 {
		return false
	}
	pt := gsLL{lng, lat}.point()
	if !g.bound.IsEmpty() {
		c := g.bound.CapBound()
		if !s2.CapFromCenterAngle(c.Center(), c.Radius()+s1.Angle(radius/gsEarthRadius)).ContainsPoint(pt) {
			return false
		}
	}
	d, ok := g.Distance(lng, lat)
	return ok && d <= radius
}
