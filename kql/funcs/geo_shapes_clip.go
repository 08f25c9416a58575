package funcs

import (
	"sort"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// Polygon overlay on the sphere (intersection and union of polygons,
// line clipping). Edges are geodesics. Both inputs' edges are split where
// they cross or touch; each piece is kept or dropped by testing its
// midpoint against the other shape; the kept directed pieces are chained
// into loops, which are then sorted into shells and holes.

// gsV is a vertex: its s2 point and the coordinates to print.
type gsV struct {
	p  s2.Point
	ll gsLL
}

func gsVOf(ll gsLL) gsV { return gsV{p: ll.point(), ll: ll} }

func gsVOfPoint(p s2.Point) gsV { return gsV{p: p, ll: gsFromPoint(p)} }

// gsEdge is a directed edge.
type gsEdge struct{ a, b gsV }

// gsOnEdgeEps is how close (radians, ~0.6 mm) a vertex must be to an edge
// to count as lying on it.
const gsOnEdgeEps = s1.Angle(1e-10)

// gsOrientedRing returns the ring's distinct vertices ordered so that the
// polygon interior is on the left: shells counterclockwise around the
// smaller region, holes the other way.
func gsOrientedRing(r []gsLL, hole bool) []gsV {
	vs := gsRingVertices(r)
	pts := make([]s2.Point, len(vs))
	for i, p := range vs {
		pts[i] = p.point()
	}
	l := s2.LoopFromPoints(pts)
	reverse := !l.IsNormalized()
	if hole {
		reverse = !reverse
	}
	out := make([]gsV, len(vs))
	for i, p := range vs {
		out[i] = gsV{p: pts[i], ll: p}
	}
	if reverse {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out
}

// gsPolyEdges returns the directed boundary edges of the polygons.
func gsPolyEdges(polys [][][]gsLL) []gsEdge {
	var out []gsEdge
	for _, rings := range polys {
		for i, r := range rings {
			vs := gsOrientedRing(r, i > 0)
			for j := range vs {
				out = append(out, gsEdge{vs[j], vs[(j+1)%len(vs)]})
			}
		}
	}
	return out
}

// gsLineEdges returns the edges of lines (zero-length edges dropped).
func gsLineEdges(lines [][]gsLL) []gsEdge {
	var out []gsEdge
	for _, l := range lines {
		for i := 0; i+1 < len(l); i++ {
			if l[i] != l[i+1] {
				out = append(out, gsEdge{gsVOf(l[i]), gsVOf(l[i+1])})
			}
		}
	}
	return out
}

// gsSplit splits the edges of both sets where they cross, and where a
// vertex of one lies on an edge of the other. It returns the pieces of
// each set, in order, and the points where the two sets touch.
func gsSplit(ea, eb []gsEdge) (pa, pb []gsEdge, touch []gsV) {
	sa := make([][]gsV, len(ea))
	sb := make([][]gsV, len(eb))
	seen := map[s2.Point]bool{}
	addTouch := func(v gsV) {
		if !seen[v.p] {
			seen[v.p] = true
			touch = append(touch, v)
		}
	}
	for i, e := range ea {
		for j, f := range eb {
			if s2.CrossingSign(e.a.p, e.b.p, f.a.p, f.b.p) == s2.Cross {
				x := gsVOfPoint(s2.Intersection(e.a.p, e.b.p, f.a.p, f.b.p))
				if !gsNearAny(x.p, e.a.p, e.b.p, f.a.p, f.b.p) {
					sa[i] = append(sa[i], x)
					sb[j] = append(sb[j], x)
					addTouch(x)
					continue
				}
				// the crossing is at a vertex: handled as a vertex on an edge
			}
			for _, v := range []gsV{f.a, f.b} {
				if v.p == e.a.p || v.p == e.b.p {
					addTouch(v)
				} else if s2.DistanceFromSegment(v.p, e.a.p, e.b.p) < gsOnEdgeEps {
					sa[i] = append(sa[i], v)
					addTouch(v)
				}
			}
			for _, v := range []gsV{e.a, e.b} {
				if v.p == f.a.p || v.p == f.b.p {
					continue
				}
				if s2.DistanceFromSegment(v.p, f.a.p, f.b.p) < gsOnEdgeEps {
					sb[j] = append(sb[j], v)
					addTouch(v)
				}
			}
		}
	}
	return gsPieces(ea, sa), gsPieces(eb, sb), touch
}

// gsNearAny reports whether p is within gsOnEdgeEps of one of the points.
func gsNearAny(p s2.Point, qs ...s2.Point) bool {
	for _, q := range qs {
		if p.Distance(q) < gsOnEdgeEps {
			return true
		}
	}
	return false
}

func gsPieces(es []gsEdge, splits [][]gsV) []gsEdge {
	var out []gsEdge
	for i, e := range es {
		s := splits[i]
		sort.SliceStable(s, func(x, y int) bool { return e.a.p.Distance(s[x].p) < e.a.p.Distance(s[y].p) })
		prev := e.a
		for _, v := range s {
			if !gsNearAny(v.p, prev.p, e.b.p) {
				out = append(out, gsEdge{prev, v})
				prev = v
			}
		}
		out = append(out, gsEdge{prev, e.b})
	}
	return out
}

func gsMid(e gsEdge) s2.Point { return s2.Point{Vector: e.a.p.Add(e.b.p.Vector).Normalize()} }

// gsOnBoundary reports whether p lies on one of the edges.
func gsOnBoundary(p s2.Point, es []gsEdge) bool {
	for _, e := range es {
		if s2.DistanceFromSegment(p, e.a.p, e.b.p) < gsOnEdgeEps {
			return true
		}
	}
	return false
}

// gsHasPiece reports whether the pieces hold an edge from a to b.
func gsHasPiece(ps []gsEdge, a, b s2.Point) bool {
	for _, e := range ps {
		if e.a.p == a && e.b.p == b {
			return true
		}
	}
	return false
}

type gsOverlayOp int

const (
	gsOpIntersection gsOverlayOp = iota
	gsOpUnion
)

// gsOverlay computes the intersection or union of two polygon sets. Each
// set must be a valid (multi)polygon whose parts do not overlap.
func gsOverlay(a, b [][][]gsLL, op gsOverlayOp) (polys [][][]gsLL, touch []gsLL) {
	ea, eb := gsPolyEdges(a), gsPolyEdges(b)
	pa, pb, tv := gsSplit(ea, eb)
	ga, gb := gsPolys(&gsGeom{polys: a}), gsPolys(&gsGeom{polys: b})
	var kept []gsEdge
	keep := func(pieces, otherPieces, otherEdges []gsEdge, other []gsPoly, first bool) {
		for _, e := range pieces {
			m := gsMid(e)
			if gsOnBoundary(m, otherEdges) {
				// shared boundary: kept once (from the first set) when both
				// interiors are on the same side
				if first && gsHasPiece(otherPieces, e.a.p, e.b.p) {
					kept = append(kept, e)
				}
				continue
			}
			in := gsPolysContain(other, m)
			if (op == gsOpIntersection) == in {
				kept = append(kept, e)
			}
		}
	}
	keep(pa, pb, eb, gb, true)
	keep(pb, pa, ea, ga, false)
	polys = gsAssemble(kept)
	if op == gsOpIntersection {
		onResult := map[s2.Point]bool{}
		for _, e := range kept {
			onResult[e.a.p], onResult[e.b.p] = true, true
		}
		for _, v := range tv {
			if !onResult[v.p] {
				touch = append(touch, v.ll)
			}
		}
	}
	return polys, touch
}

// gsAssemble chains directed edges into closed loops and groups them into
// polygons (shells with the holes they contain).
func gsAssemble(edges []gsEdge) [][][]gsLL {
	used := make([]bool, len(edges))
	from := map[s2.Point][]int{}
	for i, e := range edges {
		from[e.a.p] = append(from[e.a.p], i)
	}
	var loops [][]gsV
	for i := range edges {
		if used[i] {
			continue
		}
		start := edges[i].a.p
		var loop []gsV
		cur := i
		for steps := 0; steps <= len(edges); steps++ {
			used[cur] = true
			loop = append(loop, edges[cur].a)
			end := edges[cur].b.p
			if end == start {
				break
			}
			next := -1
			for _, j := range from[end] {
				if !used[j] {
					next = j
					break
				}
			}
			if next < 0 {
				loop = nil // open chain: numerical trouble; drop it
				break
			}
			cur = next
		}
		if len(loop) >= 3 {
			loops = append(loops, loop)
		}
	}
	type shell struct {
		loop  *s2.Loop
		rings [][]gsLL
	}
	var shells []*shell
	var holes [][]gsV
	for _, l := range loops {
		pts := make([]s2.Point, len(l))
		for i, v := range l {
			pts[i] = v.p
		}
		sl := s2.LoopFromPoints(pts)
		if sl.IsNormalized() {
			shells = append(shells, &shell{loop: sl, rings: [][]gsLL{gsClose(l)}})
		} else {
			holes = append(holes, l)
		}
	}
	for _, h := range holes {
		for _, s := range shells {
			if s.loop.ContainsPoint(gsMid(gsEdge{h[0], h[1]})) {
				s.rings = append(s.rings, gsClose(h))
				break
			}
		}
	}
	out := make([][][]gsLL, len(shells))
	for i, s := range shells {
		out[i] = s.rings
	}
	return out
}

func gsClose(l []gsV) []gsLL {
	out := make([]gsLL, 0, len(l)+1)
	for _, v := range l {
		out = append(out, v.ll)
	}
	return append(out, l[0].ll)
}

// gsUnionAll unions polygons one by one, in order.
func gsUnionAll(polys [][][]gsLL) [][][]gsLL {
	if len(polys) == 0 {
		return nil
	}
	acc := [][][]gsLL{polys[0]}
	for _, p := range polys[1:] {
		acc, _ = gsOverlay(acc, [][][]gsLL{p}, gsOpUnion)
	}
	return acc
}

// gsUnionPolygonsGeom returns a (multi)polygon whose parts do not overlap.
func gsUnionPolygonsGeom(g *gsGeom) *gsGeom {
	if len(g.polys) < 2 {
		return g
	}
	u := gsUnionAll(g.polys)
	if len(u) == 0 {
		return g
	}
	return &gsGeom{kind: gsMultiPolygonKind, polys: u}
}

// gsClipLines returns the parts of the lines inside (or on the boundary
// of) the polygons, as chains, and the points where a line only touches
// the boundary.
func gsClipLines(lines [][]gsLL, polys [][][]gsLL) (out [][]gsLL, pts []gsLL) {
	ps := gsPolys(&gsGeom{polys: polys})
	pe := gsPolyEdges(polys)
	onPart := map[gsLL]bool{}
	var touches []gsV
	for _, l := range lines {
		el := gsLineEdges([][]gsLL{l})
		pl, _, tv := gsSplit(el, pe)
		touches = append(touches, tv...)
		var cur []gsLL
		flush := func() {
			if len(cur) >= 2 {
				out = append(out, cur)
				for _, p := range cur {
					onPart[p] = true
				}
			}
			cur = nil
		}
		for _, e := range pl {
			m := gsMid(e)
			if gsPolysContain(ps, m) || gsOnBoundary(m, pe) {
				if len(cur) == 0 {
					cur = append(cur, e.a.ll)
				} else if cur[len(cur)-1] != e.a.ll {
					flush()
					cur = append(cur, e.a.ll)
				}
				cur = append(cur, e.b.ll)
				continue
			}
			flush()
		}
		flush()
	}
	// the line touches the boundary at points outside the kept parts
	for _, v := range touches {
		if !onPart[v.ll] && !gsContainsLL(pts, v.ll) {
			pts = append(pts, v.ll)
		}
	}
	return out, pts
}

func gsContainsLL(ps []gsLL, p gsLL) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}
