package exec

import (
	"net/netip"
	"sort"
	"strings"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// plugWithSchema plans `evaluate plugin(...) : ([*,] col:type, ...)`: the
// plugin runs as without a schema, then its output is shaped to the
// declared columns (by name, converted to the declared type, null when
// the plugin did not produce them), after the input columns the plugin
// kept when the schema starts with `*`.
func (p *planner) plugWithSchema(o *syntax.EvaluateOp, in node, sc *scope) (node, error) {
	plain := *o
	plain.Schema, plain.SchemaStar = nil, false
	n, err := p.evaluate(&plain, in, sc)
	if err != nil {
		return nil, err
	}
	got, inS := n.schema(), in.schema()
	declared := map[string]bool{}
	for _, c := range o.Schema {
		declared[c.Name.Name] = true
	}
	var out types.Schema
	var src []int // column of the plugin output, -1 for null
	if o.SchemaStar {
		for i, f := range got {
			if inS.Index(f.Name) >= 0 && !declared[f.Name] {
				out = append(out, f)
				src = append(src, i)
			}
		}
	}
	for _, c := range o.Schema {
		out = append(out, types.Field{Name: c.Name.Name, Type: c.Type})
		src = append(src, got.Index(c.Name.Name))
	}
	return &streamNode{child: n, s: out, f: func(b *types.Batch) (*types.Batch, error) {
		res := &types.Batch{Schema: out, Len: b.Len, Cols: make([]*types.Column, len(out))}
		for j, i := range src {
			c := types.NewColumn(out[j].Type, b.Len)
			for r := 0; r < b.Len; r++ {
				if i < 0 {
					c.AppendNull()
				} else {
					c.Append(convert(b.Cols[i].Value(r), out[j].Type))
				}
			}
			res.Cols[j] = c
		}
		return res, nil
	}}, nil
}

// ipv6Lookup is `evaluate ipv6_lookup(LookupTable, SourceIP, IPv6Range
// [, ExtraKey1, ...] [, return_unmatched])`: each input row is joined to
// the lookup row whose IPv6 range (an address or address/prefix; IPv4
// addresses are mapped into ::ffff:0:0/96) holds its address, the most
// specific range winning. The output has the lookup columns, then the
// input columns. Unmatched rows are dropped unless return_unmatched is
// true.
func (p *planner) ipv6Lookup(call *syntax.CallExpr, in node, sc *scope) (node, error) {
	var pos []syntax.Expr
	unmatched := false
	for _, a := range call.Args {
		if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) == 1 {
			if ne.Names[0].Name != "return_unmatched" {
				return nil, errAt(a.Span(), "ipv6_lookup: unknown argument %s", ne.Names[0].Name)
			}
			c, err := p.expr(ne.Value, &env{sc: sc})
			if err != nil {
				return nil, err
			}
			unmatched = c.konst != nil && convert(*c.konst, types.Bool).I != 0
			continue
		}
		pos = append(pos, a)
	}
	if len(pos) > 3 { // a constant bool last argument is return_unmatched
		if c, err := p.expr(pos[len(pos)-1], &env{sc: sc}); err == nil && c.konst != nil && c.t == types.Bool {
			unmatched = c.konst.I != 0
			pos = pos[:len(pos)-1]
		}
	}
	if len(pos) < 3 {
		return nil, errAt(call.Loc, "ipv6_lookup(LookupTable, SourceIPv6Column, IPv6RangeColumn [, extra keys...] [, return_unmatched])")
	}
	lookup, src, rng, lk, rk, err := p.ipLookupArgs(pos, in, sc)
	if err != nil {
		return nil, err
	}
	inS, ls := in.schema(), lookup.schema()
	out := joinSchema(ls, inS)
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		h := &limHold{rt: rt, label: "ipv6_lookup"} // the lookup table, while held
		defer h.free()
		lb, err := collectCharged(rt, lookup, h)
		if err != nil {
			return err
		}
		idx := plugBuildV6Index(rng.eval(lb), evalAll(rk, lb), lb.Len)
		return in.run(rt, func(b *types.Batch) error {
			ips := src.eval(b)
			keys := evalAll(lk, b)
			res := types.NewBatch(out, 0)
			var buf []byte
			for r := 0; r < b.Len; r++ {
				buf = appendRowKey(buf[:0], keys, r)
				m := idx.find(types.FormatValue(ips.Value(r)), string(buf))
				if m < 0 && !unmatched {
					continue
				}
				for j, c := range lb.Cols {
					if m < 0 {
						res.Cols[j].AppendNull()
					} else {
						res.Cols[j].Append(c.Value(m))
					}
				}
				for j, c := range b.Cols {
					res.Cols[len(lb.Cols)+j].Append(c.Value(r))
				}
				res.Len++
			}
			if res.Len == 0 {
				return nil
			}
			return emit(res)
		})
	}}, nil
}

// plugV6Index maps masked addresses to lookup rows, per prefix length.
type plugV6Index struct {
	lens []int // longest first
	rows map[int]map[string]int
}

func plugBuildV6Index(ranges *types.Column, keys []*types.Column, n int) *plugV6Index {
	idx := &plugV6Index{rows: map[int]map[string]int{}}
	var buf []byte
	for r := 0; r < n; r++ {
		a, prefix, ok := funcs.ParseIPv6(types.FormatValue(ranges.Value(r)))
		if !ok {
			continue
		}
		m, seen := idx.rows[prefix]
		if !seen {
			m = map[string]int{}
			idx.rows[prefix] = m
			idx.lens = append(idx.lens, prefix)
		}
		buf = appendRowKey(plugMasked(buf[:0], a, prefix), keys, r)
		if _, dup := m[string(buf)]; !dup {
			m[string(buf)] = r
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(idx.lens)))
	return idx
}

func plugMasked(buf []byte, a netip.Addr, prefix int) []byte {
	p, err := a.Prefix(prefix)
	if err == nil {
		a = p.Addr()
	}
	b := a.As16()
	return append(buf, b[:]...)
}

// find returns the lookup row of the most specific range holding addr.
func (idx *plugV6Index) find(addr, extraKey string) int {
	a, _, ok := funcs.ParseIPv6(addr)
	if !ok {
		return -1
	}
	var buf []byte
	for _, l := range idx.lens {
		buf = append(plugMasked(buf[:0], a, l), extraKey...)
		if r, ok := idx.rows[l][string(buf)]; ok {
			return r
		}
	}
	return -1
}

// rowsNear is `evaluate rows_near(Condition, NumberOfRows [, RowsAfter])`
// over serialized rows: the rows that match Condition and the
// NumberOfRows rows before (and RowsAfter, default NumberOfRows, after)
// each of them, in input order.
func (p *planner) rowsNear(call *syntax.CallExpr, in node, sc *scope) (node, error) {
	inS := in.schema()
	a, err := p.plugCompile(call, inS, sc)
	if err != nil {
		return nil, err
	}
	if err := a.need(2, "rows_near(Condition, NumberOfRows [, RowsAfter])"); err != nil {
		return nil, err
	}
	before, err := a.konst(1, "NumberOfRows", types.Long)
	if err != nil {
		return nil, err
	}
	after := before
	if len(a.pos) > 2 {
		if after, err = a.konst(2, "RowsAfter", types.Long); err != nil {
			return nil, err
		}
	}
	if before.I < 0 || after.I < 0 {
		return nil, errAt(call.Loc, "rows_near: the row counts must not be negative")
	}
	cond := a.pos[0]
	return plugTableNode(in, inS, "rows_near", func(b *types.Batch, o *plugOutput) {
		c := asBoolCol(cond.eval(b))
		keep := make([]bool, b.Len)
		for r := 0; r < b.Len; r++ {
			if !c.Bools[r] {
				continue
			}
			for k := max(0, r-int(before.I)); k <= min(b.Len-1, r+int(after.I)); k++ {
				keep[k] = true
			}
		}
		for r := 0; r < b.Len; r++ {
			if keep[r] {
				row := make([]types.Value, len(b.Cols))
				for j, col := range b.Cols {
					row[j] = col.Value(r)
				}
				o.add(row...)
			}
		}
	}), nil
}

// schemaMerge is `evaluate schema_merge([PreserveOrder])` over tables in
// getschema's shape (ColumnName, ColumnOrdinal, DataType, ColumnType),
// one schema after another (each starting at ordinal 0): the merged
// schema. A column new in a later schema is inserted at its ordinal; with
// PreserveOrder (the default) a column whose ordinal differs from the one
// it first had is reported as an error row, as Kusto does. A column seen
// with several types becomes dynamic.
func (p *planner) schemaMerge(call *syntax.CallExpr, in node, sc *scope) (node, error) {
	preserve := true
	for _, arg := range call.Args {
		e := arg
		if ne, ok := arg.(*syntax.NamedExpr); ok {
			if !strings.EqualFold(ne.Names[0].Name, "PreserveOrder") {
				return nil, errAt(arg.Span(), "schema_merge: unknown argument %s", ne.Names[0].Name)
			}
			e = ne.Value
		}
		c, err := p.expr(e, &env{sc: sc})
		if err != nil {
			return nil, err
		}
		if c.konst == nil {
			return nil, errAt(e.Span(), "schema_merge: PreserveOrder must be a constant bool")
		}
		preserve = convert(*c.konst, types.Bool).I != 0
	}
	inS := in.schema()
	nameI, ordI, typeI := inS.Index("ColumnName"), inS.Index("ColumnOrdinal"), inS.Index("ColumnType")
	if nameI < 0 || ordI < 0 || typeI < 0 {
		return nil, errAt(call.Loc, "schema_merge needs getschema output (ColumnName, ColumnOrdinal, ColumnType)")
	}
	out := types.Schema{{Name: "ColumnName", Type: types.String}, {Name: "ColumnOrdinal", Type: types.Int},
		{Name: "DataType", Type: types.String}, {Name: "ColumnType", Type: types.String}}
	return plugTableNode(in, out, "schema_merge", func(b *types.Batch, o *plugOutput) {
		type col struct {
			name, typ string
			first     int64
			bad       bool
		}
		var merged []*col
		byName := map[string]*col{}
		for r := 0; r < b.Len; r++ {
			name := types.FormatValue(b.Cols[nameI].Value(r))
			ord := convert(b.Cols[ordI].Value(r), types.Long).I
			typ := types.FormatValue(b.Cols[typeI].Value(r))
			c, ok := byName[name]
			if !ok {
				c = &col{name: name, typ: typ, first: ord}
				byName[name] = c
				at := min(max(int(ord), 0), len(merged))
				merged = append(merged[:at], append([]*col{c}, merged[at:]...)...)
				continue
			}
			if c.typ != typ {
				c.typ = "dynamic"
			}
			if preserve && ord != c.first {
				c.bad = true
			}
		}
		for i, c := range merged {
			if c.bad {
				o.add(types.StringValue(c.name), types.IntValue(-1),
					types.StringValue("ERROR(unknown CSL type:ERROR(columns are out of order))"),
					types.StringValue("ERROR(columns are out of order)"))
				continue
			}
			t, ok := types.ParseType(c.typ)
			dn := "System.Object"
			if ok {
				dn = dotnetType(t)
			}
			o.add(types.StringValue(c.name), types.IntValue(int64(i)), types.StringValue(dn), types.StringValue(c.typ))
		}
	}), nil
}
