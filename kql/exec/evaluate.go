package exec

import (
	"sort"
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// evaluate plans `evaluate plugin(...) [: (schema)]`: bag_unpack, the IP
// and geo lookups, and the analytics plugins of plugins_*.go.
func (p *planner) evaluate(o *syntax.EvaluateOp, in node, sc *scope) (node, error) {
	if o.Schema != nil {
		return p.plugWithSchema(o, in, sc)
	}
	switch callName(o.Call) {
	case "bag_unpack":
		return p.bagUnpack(o.Call, in, sc)
	case "ipv4_lookup":
		return p.ipv4Lookup(o.Call, in, sc)
	case "sliding_window_counts":
		return p.slidingWindowCounts(o.Call, in, sc)
	case "activity_counts_metrics":
		return p.activityCountsMetrics(o.Call, in, sc)
	case "active_users_count":
		return p.activeUsersCount(o.Call, in, sc)
	case "activity_metrics":
		return p.activityMetrics(o.Call, in, sc)
	case "new_activity_metrics":
		return p.newActivityMetrics(o.Call, in, sc)
	case "rolling_percentile":
		return p.rollingPercentile(o.Call, in, sc)
	case "dcount_intersect":
		return p.dcountIntersect(o.Call, in, sc)
	case "ipv6_lookup":
		return p.ipv6Lookup(o.Call, in, sc)
	case "rows_near":
		return p.rowsNear(o.Call, in, sc)
	case "schema_merge":
		return p.schemaMerge(o.Call, in, sc)
	case "python", "r":
		return nil, errAt(o.Loc, "evaluate %s runs code in Kusto's sandbox and is not supported by the local engine (run the query on ADX)", callName(o.Call))
	case "geo_polygon_lookup":
		return p.geoLookup(o.Call, in, sc, false)
	case "geo_line_lookup":
		return p.geoLookup(o.Call, in, sc, true)
	}
	return nil, errAt(o.Loc, "evaluate %s is not supported", callName(o.Call))
}

// bagUnpack is evaluate bag_unpack(col [, prefix] [, columnsConflict=...]
// [, ignoredProperties=...]). Its output schema depends on the data, so
// the input is read while planning.
func (p *planner) bagUnpack(call *syntax.CallExpr, in node, sc *scope) (node, error) {
	inS := in.schema()
	var colE syntax.Expr
	prefix, conflict := "", "error"
	ignored := map[string]bool{}
	pos := 0
	for _, a := range call.Args {
		name, e := "", a
		if ne, ok := a.(*syntax.NamedExpr); ok {
			name, e = ne.Names[0].Name, ne.Value
		}
		if name == "" {
			switch pos {
			case 0:
				colE = e
			case 1:
				name = "OutputColumnPrefix"
			case 2:
				name = "columnsConflict"
			case 3:
				name = "ignoredProperties"
			}
			pos++
			if colE == e {
				continue
			}
		}
		c, err := p.expr(e, &env{sc: sc})
		if err != nil {
			return nil, err
		}
		if c.konst == nil {
			return nil, errAt(e.Span(), "bag_unpack: %s must be a constant", name)
		}
		switch name {
		case "OutputColumnPrefix":
			prefix = types.FormatValue(*c.konst)
		case "columnsConflict":
			conflict = types.FormatValue(*c.konst)
		case "ignoredProperties":
			for _, v := range flatten(*c.konst, nil) {
				ignored[types.FormatValue(v)] = true
			}
		default:
			return nil, errAt(a.Span(), "bag_unpack: unknown argument %s", name)
		}
	}
	if colE == nil {
		return nil, errAt(call.Loc, "bag_unpack needs a dynamic column")
	}
	col, err := p.expr(colE, &env{schema: inS, sc: sc})
	if err != nil {
		return nil, err
	}
	b, err := collect(p.rt, in)
	if err != nil {
		return nil, err
	}
	bags := col.eval(b)
	keyTypes := map[string][]any{}
	var keys []string
	for r := 0; r < b.Len; r++ {
		m, _ := bags.Value(r).D.(map[string]any)
		for k, v := range m {
			if ignored[k] {
				continue
			}
			if _, ok := keyTypes[k]; !ok {
				keys = append(keys, k)
			}
			keyTypes[k] = append(keyTypes[k], v)
		}
	}
	sort.Strings(keys)
	// output: input columns without the bag column, then the new ones.
	var out types.Schema
	var srcCols []*types.Column
	for i, f := range inS {
		if i == col.col {
			continue
		}
		out = append(out, f)
		srcCols = append(srcCols, b.Cols[i])
	}
	newCols := map[string]int{}
	for _, k := range keys {
		name := prefix + k
		t := inferDynType(keyTypes[k])
		j := out.Index(name)
		switch {
		case j >= 0 && strings.EqualFold(conflict, "keep_source"):
			continue
		case j >= 0 && strings.EqualFold(conflict, "replace_source"):
			out[j].Type = t
		case j >= 0:
			return nil, errAt(call.Loc, "bag_unpack: property %q conflicts with column %s (use columnsConflict)", k, name)
		default:
			out = append(out, types.Field{Name: name, Type: t})
			srcCols = append(srcCols, nil)
			j = len(out) - 1
		}
		newCols[k] = j
	}
	res := &types.Batch{Schema: out, Len: b.Len, Cols: make([]*types.Column, len(out))}
	for k, j := range newCols {
		c := types.NewColumn(out[j].Type, b.Len)
		for r := 0; r < b.Len; r++ {
			m, _ := bags.Value(r).D.(map[string]any)
			c.Append(convert(types.DynamicValue(m[k]), out[j].Type))
		}
		res.Cols[j] = c
	}
	for j, c := range srcCols {
		if res.Cols[j] == nil {
			res.Cols[j] = c
		}
	}
	return &batchNode{b: res}, nil
}

// inferDynType picks a column type for a set of dynamic values: long,
// real, string or bool when all non-null values agree, else dynamic.
func inferDynType(vals []any) types.Type {
	t := types.Null
	for _, v := range vals {
		var vt types.Type
		switch v.(type) {
		case nil:
			continue
		case int64:
			vt = types.Long
		case float64:
			vt = types.Real
		case string:
			vt = types.String
		case bool:
			vt = types.Bool
		default:
			return types.Dynamic
		}
		switch {
		case t == types.Null:
			t = vt
		case t == vt:
		case (t == types.Long && vt == types.Real) || (t == types.Real && vt == types.Long):
			t = types.Real
		default:
			return types.Dynamic
		}
	}
	if t == types.Null {
		return types.Dynamic
	}
	return t
}
