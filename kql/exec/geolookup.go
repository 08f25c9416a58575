package exec

import (
	"math"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// geoLookupSpec is a parsed `evaluate geo_polygon_lookup(...)` or
// `evaluate geo_line_lookup(...)` call:
//
//	geo_polygon_lookup(LookupTable, LookupPolygonKey, SourceLongitude, SourceLatitude
//	    [, radius] [, return_unmatched] [, lookup_area_radius] [, return_lookup_key])
//	geo_line_lookup(LookupTable, LookupLineKey, SourceLongitude, SourceLatitude, radius
//	    [, return_unmatched] [, lookup_area_radius] [, return_lookup_key])
//
// Each input row is joined to every lookup row whose shape holds its
// coordinate (polygon without radius) or lies within radius meters of it.
type geoLookupSpec struct {
	line      bool
	radius    float64 // NaN: none (polygon containment)
	unmatched bool
	withKey   bool
}

var geoLookupParams = []string{"radius", "return_unmatched", "lookup_area_radius", "return_lookup_key"}

func (p *planner) geoLookup(call *syntax.CallExpr, in node, sc *scope, line bool) (node, error) {
	name := "geo_polygon_lookup"
	if line {
		name = "geo_line_lookup"
	}
	var pos []syntax.Expr
	named := map[string]syntax.Expr{}
	for _, a := range call.Args {
		if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) == 1 {
			named[ne.Names[0].Name] = ne.Value
			continue
		}
		pos = append(pos, a)
	}
	if len(pos) < 4 || len(pos) > 8 {
		return nil, errAt(call.Loc, "%s(LookupTable, LookupKey, SourceLongitude, SourceLatitude [, radius] [, return_unmatched] [, lookup_area_radius] [, return_lookup_key])", name)
	}
	for i, e := range pos[4:] {
		if _, dup := named[geoLookupParams[i]]; dup {
			return nil, errAt(e.Span(), "%s: %s given twice", name, geoLookupParams[i])
		}
		named[geoLookupParams[i]] = e
	}
	spec := geoLookupSpec{line: line, radius: math.NaN()}
	for k, e := range named {
		c, err := p.expr(e, &env{sc: sc})
		if err != nil {
			return nil, err
		}
		if c.konst == nil {
			return nil, errAt(e.Span(), "%s: %s must be a constant", name, k)
		}
		v := *c.konst
		switch k {
		case "radius":
			if !v.IsNull() {
				spec.radius = convert(v, types.Real).F
				if spec.radius < 0 || math.IsNaN(spec.radius) {
					return nil, errAt(e.Span(), "%s: radius must be a non-negative number", name)
				}
			}
		case "return_unmatched":
			spec.unmatched = !v.IsNull() && convert(v, types.Bool).I != 0
		case "return_lookup_key":
			spec.withKey = !v.IsNull() && convert(v, types.Bool).I != 0
		case "lookup_area_radius":
			// a performance hint only
		default:
			return nil, errAt(e.Span(), "%s: unknown argument %s", name, k)
		}
	}
	if line && math.IsNaN(spec.radius) {
		return nil, errAt(call.Loc, "%s: radius is required", name)
	}
	lookup, err := p.tabular(pos[0], sc)
	if err != nil {
		return nil, err
	}
	inS, ls := in.schema(), lookup.schema()
	key, err := p.expr(pos[1], &env{schema: ls, sc: sc})
	if err != nil {
		return nil, err
	}
	keyCol := -1
	if id, ok := pos[1].(*syntax.Ident); ok {
		keyCol = ls.Index(id.Name)
	}
	lng, err := p.expr(pos[2], &env{schema: inS, sc: sc})
	if err != nil {
		return nil, err
	}
	lat, err := p.expr(pos[3], &env{schema: inS, sc: sc})
	if err != nil {
		return nil, err
	}
	var keep []int // lookup columns in the output
	var outLs types.Schema
	for i, f := range ls {
		if i == keyCol && !spec.withKey {
			continue
		}
		keep = append(keep, i)
		outLs = append(outLs, f)
	}
	out := joinSchema(inS, outLs)
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		lb, err := collect(rt, lookup)
		if err != nil {
			return err
		}
		n := batchBytes(lb)
		if err := rt.reserve(name, n); err != nil {
			return err
		}
		defer rt.release(n)
		shapes := geoLookupShapes(key.eval(lb), lb.Len, line)
		return in.run(rt, func(b *types.Batch) error {
			xs, ys := lng.eval(b), lat.eval(b)
			var li, ri []int
			for r := 0; r < b.Len; r++ {
				x, okx := geoLookupReal(xs.Value(r))
				y, oky := geoLookupReal(ys.Value(r))
				found := false
				for j, s := range shapes {
					if s != nil && okx && oky && spec.matches(s, x, y) {
						li, ri = append(li, r), append(ri, j)
						found = true
					}
				}
				if !found && spec.unmatched {
					li, ri = append(li, r), append(ri, -1)
				}
			}
			if len(li) == 0 {
				return nil
			}
			return emit(geoLookupCombine(out, b, lb, keep, li, ri))
		})
	}}, nil
}

func (s geoLookupSpec) matches(g *funcs.GeoShape, x, y float64) bool {
	if !s.line && math.IsNaN(s.radius) {
		return g.Contains(x, y)
	}
	return g.Within(x, y, s.radius)
}

// geoLookupShapes parses the lookup shapes (nil for invalid ones, which
// match nothing).
func geoLookupShapes(c *types.Column, n int, line bool) []*funcs.GeoShape {
	out := make([]*funcs.GeoShape, n)
	for r := 0; r < n; r++ {
		var g *funcs.GeoShape
		var ok bool
		if line {
			g, ok = funcs.NewGeoLine(c.Value(r))
		} else {
			g, ok = funcs.NewGeoPolygon(c.Value(r))
		}
		if ok {
			out[r] = g
		}
	}
	return out
}

func geoLookupReal(v types.Value) (float64, bool) {
	if v.IsNull() {
		return 0, false
	}
	switch v.T {
	case types.Int, types.Long, types.Real, types.Decimal, types.Dynamic:
		f := convert(v, types.Real)
		return f.F, !f.IsNull()
	}
	return 0, false
}

// geoLookupCombine builds output rows from input rows li and lookup rows
// ri (-1: nulls), keeping the lookup columns in keep.
func geoLookupCombine(s types.Schema, b, lb *types.Batch, keep, li, ri []int) *types.Batch {
	out := &types.Batch{Schema: s, Len: len(li)}
	for _, c := range b.Cols {
		nc := types.NewColumn(c.Type, len(li))
		for _, r := range li {
			nc.Append(c.Value(r))
		}
		out.Cols = append(out.Cols, nc)
	}
	for _, k := range keep {
		c := lb.Cols[k]
		nc := types.NewColumn(c.Type, len(ri))
		for _, r := range ri {
			if r < 0 {
				nc.AppendNull()
			} else {
				nc.Append(c.Value(r))
			}
		}
		out.Cols = append(out.Cols, nc)
	}
	return out
}
