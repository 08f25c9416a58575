package funcs

// S2 cell functions over github.com/golang/geo/s2: points to tokens,
// tokens to points, polygons and neighbors, and fixed-level coverings of
// polygons and lines (optionally buffered by a radius in meters).

import (
	"math"
	"sort"
	"strings"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
	"github.com/huntpack/huntpack/kql/types"
)

func gcAddS2(r *Registry) {
	scalar(r, "geo_point_to_s2cell", "geo_point_to_s2cell(longitude: real, latitude: real [, level: int = 11]): string",
		"S2 cell token of a location at level 0..30; empty for invalid coordinates or level.",
		2, 3, gcResult("geo_point_to_s2cell", types.String, "nnn"), gcEvalPointToS2)
	scalar(r, "geo_s2cell_to_central_point", "geo_s2cell_to_central_point(s2cell: string): dynamic",
		"Center of an S2 cell as a GeoJSON point; null for an invalid token.",
		1, 1, gcResult("geo_s2cell_to_central_point", types.Dynamic, "s"), gcS2Unary(gcS2Center))
	scalar(r, "geo_s2cell_to_polygon", "geo_s2cell_to_polygon(s2cell: string): dynamic",
		"S2 cell as a GeoJSON polygon (geodesic edges); null for an invalid token.",
		1, 1, gcResult("geo_s2cell_to_polygon", types.Dynamic, "s"), gcS2Unary(gcS2Polygon))
	scalar(r, "geo_s2cell_neighbors", "geo_s2cell_neighbors(s2cell: string): dynamic",
		"Tokens of the 8 S2 cells around a cell at the same level; null for an invalid token.",
		1, 1, gcResult("geo_s2cell_neighbors", types.Dynamic, "s"), gcS2Unary(gcS2Neighbors))
	scalar(r, "geo_polygon_to_s2cells", "geo_polygon_to_s2cells(polygon: dynamic [, level: int = 11 [, radius: real = 0]]): dynamic",
		"Tokens of the S2 cells at one level that cover a GeoJSON polygon or multipolygon (buffered by radius meters); null when invalid or over 65536 cells.",
		1, 3, gcResult("geo_polygon_to_s2cells", types.Dynamic, "dnn"), gcEvalPolygonToS2)
	scalar(r, "geo_line_to_s2cells", "geo_line_to_s2cells(line: dynamic [, level: int = 11 [, radius: real = 0]]): dynamic",
		"Tokens of the S2 cells at one level that cover a GeoJSON line or multiline (buffered by radius meters); null when invalid or over 65536 cells.",
		1, 3, gcResult("geo_line_to_s2cells", types.Dynamic, "dnn"), gcEvalLineToS2)
}

// gcParseS2Token parses an S2 cell token (1 to 16 hex digits, trailing
// zeros optional); ok is false for anything that is not a valid cell.
func gcParseS2Token(s string) (s2.CellID, bool) {
	if len(s) == 0 || len(s) > 16 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return 0, false
		}
	}
	id := s2.CellIDFromToken(strings.ToLower(s))
	if !id.IsValid() {
		return 0, false
	}
	return id, true
}

// gcS2Unary adapts a function of one valid cell.
func gcS2Unary(f func(s2.CellID) any) EvalFunc {
	return func(_ *Context, a []types.Value) types.Value {
		s, ok := gcToken(a[0])
		if !ok {
			return nullOf(types.Dynamic)
		}
		id, ok := gcParseS2Token(s)
		if !ok {
			return nullOf(types.Dynamic)
		}
		return dynValue(f(id))
	}
}

func gcEvalPointToS2(_ *Context, a []types.Value) types.Value {
	lng, lat, ok := gcLngLat(a[0], a[1])
	level, okL := gcIntArg(a, 2, 11, 0, 30)
	if !ok || !okL {
		return strV("")
	}
	return strV(gcS2Token(lng, lat, level))
}

// gcS2Token is the token of the level cell holding a location.
func gcS2Token(lng, lat float64, level int) string {
	return s2.CellIDFromLatLng(s2.LatLngFromDegrees(lat, lng)).Parent(level).ToToken()
}

// gcS2LngLat converts a point to [longitude, latitude] degrees.
func gcS2LngLat(p s2.Point) [2]float64 {
	ll := s2.LatLngFromPoint(p)
	return [2]float64{ll.Lng.Degrees(), ll.Lat.Degrees()}
}

func gcS2Center(id s2.CellID) any {
	c := gcS2LngLat(s2.CellFromCellID(id).Center())
	return gcPointJSON(c[0], c[1])
}

func gcS2Polygon(id s2.CellID) any {
	cell := s2.CellFromCellID(id)
	ring := make([][2]float64, 4)
	for k := 0; k < 4; k++ {
		ring[k] = gcS2LngLat(cell.Vertex(k))
	}
	return gcPolygonJSON(ring)
}

// gcS2NeighborRank orders neighbors by compass sector (index: 0 east,
// then counterclockwise in 45° steps): the order of Microsoft's
// documented example (south-east, north-west, south-west, west, east,
// south, north, north-east). The docs do not specify the order.
var gcS2NeighborRank = [8]int{4, 7, 6, 1, 3, 2, 5, 0}

// gcSector is the compass sector (0 east, counterclockwise in 45° steps)
// of the direction from one location to another.
func gcSector(from, to [2]float64) int {
	dLng := math.Mod(to[0]-from[0]+540, 360) - 180
	dLat := to[1] - from[1]
	ang := math.Atan2(dLat, dLng*math.Cos(from[1]*math.Pi/180)) * 180 / math.Pi
	return int(math.Round(ang/45)+8) % 8
}

func gcS2Neighbors(id s2.CellID) any {
	ns := id.AllNeighbors(id.Level())
	center := gcS2LngLat(s2.CellFromCellID(id).Center())
	type nb struct {
		id   s2.CellID
		rank int
	}
	var list []nb
	seen := map[s2.CellID]bool{id: true}
	for _, n := range ns {
		if !seen[n] {
			seen[n] = true
			list = append(list, nb{n, gcS2NeighborRank[gcSector(center, gcS2LngLat(s2.CellFromCellID(n).Center()))]})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].rank < list[j].rank })
	out := make([]any, len(list))
	for i, n := range list {
		out[i] = n.id.ToToken()
	}
	return out
}

// gcS2Loop builds a normalized loop (the smaller of the two regions the
// ring bounds, so that vertex order does not matter) from a ring without
// its closing vertex; ok is false for a degenerate ring.
func gcS2Loop(ring [][2]float64) (*s2.Loop, bool) {
	pts := make([]s2.Point, 0, len(ring))
	for _, p := range ring {
		pt := s2.PointFromLatLng(s2.LatLngFromDegrees(p[1], p[0]))
		if len(pts) > 0 && pts[len(pts)-1] == pt {
			continue
		}
		pts = append(pts, pt)
	}
	for len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	if len(pts) < 3 {
		return nil, false
	}
	l := s2.LoopFromPoints(pts)
	if l.Validate() != nil {
		return nil, false
	}
	l.Normalize()
	return l, true
}

// gcS2Polygons builds one S2 polygon per GeoJSON polygon.
func gcS2Polygons(polys [][][][2]float64) ([]*s2.Polygon, bool) {
	out := make([]*s2.Polygon, 0, len(polys))
	for _, rings := range polys {
		loops := make([]*s2.Loop, 0, len(rings))
		for _, r := range rings {
			l, ok := gcS2Loop(r)
			if !ok {
				return nil, false
			}
			loops = append(loops, l)
		}
		p := s2.PolygonFromLoops(loops)
		if p.Validate() != nil {
			return nil, false
		}
		out = append(out, p)
	}
	return out, true
}

// gcS2Polylines builds S2 polylines, dropping repeated vertices.
func gcS2Polylines(lines [][][2]float64) ([]*s2.Polyline, bool) {
	out := make([]*s2.Polyline, 0, len(lines))
	for _, l := range lines {
		pts := make([]s2.Point, 0, len(l))
		for _, p := range l {
			pt := s2.PointFromLatLng(s2.LatLngFromDegrees(p[1], p[0]))
			if len(pts) > 0 && pts[len(pts)-1] == pt {
				continue
			}
			pts = append(pts, pt)
		}
		if len(pts) == 1 {
			// a line whose vertices are all equal: a degenerate edge
			pts = append(pts, pts[0])
		}
		pl := s2.Polyline(pts)
		out = append(out, &pl)
	}
	return out, true
}

func gcEvalPolygonToS2(_ *Context, a []types.Value) types.Value {
	polys, ok := gcParsePolygons(a[0])
	level, okL := gcIntArg(a, 1, 11, 0, 30)
	radius, okR := gcRadiusArg(a, 2)
	if !ok || !okL || !okR {
		return nullOf(types.Dynamic)
	}
	sp, ok := gcS2Polygons(polys)
	if !ok {
		return nullOf(types.Dynamic)
	}
	var shapes []s2.Shape
	var contains []func(s2.Cell) bool
	area := 0.0
	for _, p := range sp {
		shapes = append(shapes, p)
		contains = append(contains, p.ContainsCell)
		area += p.Area()
	}
	// A cell covers at most MaxArea: refuse early what cannot fit.
	if math.Max(area, gcCapArea(radius))/s2.MaxAreaMetric.Value(level) > gcMaxCoverTokens {
		return nullOf(types.Dynamic)
	}
	return gcCoverValue(shapes, contains, level, radius)
}

func gcEvalLineToS2(_ *Context, a []types.Value) types.Value {
	lines, ok := gcParseLines(a[0])
	level, okL := gcIntArg(a, 1, 11, 0, 30)
	radius, okR := gcRadiusArg(a, 2)
	if !ok || !okL || !okR {
		return nullOf(types.Dynamic)
	}
	pls, _ := gcS2Polylines(lines)
	var shapes []s2.Shape
	length := 0.0
	for _, p := range pls {
		shapes = append(shapes, p)
		length += p.Length().Radians()
	}
	// A cell holds at most MaxDiag of a straight stretch of line: refuse
	// early what cannot fit. A line can cross a cell several times, so the
	// length test keeps a wide margin; the walk enforces the exact limit.
	if length/s2.MaxDiagMetric.Value(level) > 16*gcMaxCoverTokens || gcCapArea(radius)/s2.MaxAreaMetric.Value(level) > gcMaxCoverTokens {
		return nullOf(types.Dynamic)
	}
	return gcCoverValue(shapes, nil, level, radius)
}

// gcCapArea is the area, in steradians, of a disc of radiusM meters: a
// lower bound of the area of any shape buffered by radiusM.
func gcCapArea(radiusM float64) float64 {
	a := math.Min(radiusM/gcEarthRadiusM, math.Pi)
	return 2 * math.Pi * (1 - math.Cos(a))
}

// gcCoverValue covers shapes at one level and returns the tokens, or null
// when the covering exceeds gcMaxCoverTokens.
func gcCoverValue(shapes []s2.Shape, contains []func(s2.Cell) bool, level int, radiusM float64) types.Value {
	ids, ok := gcCover(shapes, contains, level, radiusM)
	if !ok {
		return nullOf(types.Dynamic)
	}
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id.ToToken()
	}
	return dynValue(out)
}

// gcCover returns, in cell id order, every cell of the level within
// radiusM meters of the shapes (intersecting them when radiusM is 0).
// contains, when given, tells whether a cell lies inside a shape, which
// lets whole subtrees be taken without testing each cell. ok is false
// when more than gcMaxCoverTokens cells qualify.
func gcCover(shapes []s2.Shape, contains []func(s2.Cell) bool, level int, radiusM float64) ([]s2.CellID, bool) {
	index := s2.NewShapeIndex()
	for _, s := range shapes {
		index.Add(s)
	}
	limit := s1.ChordAngleFromAngle(s1.Angle(radiusM / gcEarthRadiusM))
	q := s2.NewClosestEdgeQuery(index, s2.NewClosestEdgeQueryOptions().IncludeInteriors(true))
	near := func(c s2.Cell) bool {
		return q.IsDistanceLess(s2.NewMinDistanceToCellTarget(c), limit.Successor())
	}
	inside := func(c s2.Cell) bool {
		for _, f := range contains {
			if f(c) {
				return true
			}
		}
		return false
	}
	var out []s2.CellID
	var walk func(id s2.CellID) bool
	walk = func(id s2.CellID) bool {
		c := s2.CellFromCellID(id)
		if !near(c) {
			return true
		}
		if id.Level() == level {
			out = append(out, id)
			return len(out) <= gcMaxCoverTokens
		}
		if inside(c) {
			n := math.Pow(4, float64(level-id.Level()))
			if float64(len(out))+n > gcMaxCoverTokens {
				return false
			}
			for d := id.ChildBeginAtLevel(level); d != id.ChildEndAtLevel(level); d = d.Next() {
				out = append(out, d)
			}
			return true
		}
		for ch := id.ChildBegin(); ch != id.ChildEnd(); ch = ch.Next() {
			if !walk(ch) {
				return false
			}
		}
		return true
	}
	for f := 0; f < 6; f++ {
		if !walk(s2.CellIDFromFace(f)) {
			return nil, false
		}
	}
	return out, true
}
