package exec

import (
	"fmt"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// datatable plans datatable(schema)[values].
func (p *planner) datatable(x *syntax.DataTableExpr, sc *scope) (node, error) {
	s := make(types.Schema, len(x.Columns))
	for i, c := range x.Columns {
		s[i] = types.Field{Name: c.Name.Name, Type: c.Type}
	}
	if len(s) == 0 {
		return nil, errAt(x.Loc, "datatable needs at least one column")
	}
	if len(x.Values)%len(s) != 0 {
		return nil, errAt(x.Loc, "datatable has %d values, not a multiple of its %d columns", len(x.Values), len(s))
	}
	b := types.NewBatch(s, len(x.Values)/len(s))
	for i, ve := range x.Values {
		c, err := p.expr(ve, &env{sc: sc})
		if err != nil {
			return nil, err
		}
		if c.konst == nil {
			return nil, errAt(ve.Span(), "datatable values must be constants")
		}
		f := s[i%len(s)]
		v := *c.konst
		cv := convert(v, f.Type)
		if cv.IsNull() && !v.IsNull() && f.Type != types.String {
			return nil, errAt(ve.Span(), "value %s does not fit column %s of type %s", types.FormatValue(v), f.Name, f.Type)
		}
		b.Cols[i%len(s)].Append(cv)
	}
	b.Len = len(x.Values) / len(s)
	return &batchNode{b: b}, nil
}

// print plans `print [Name=]Expr, ...`: one row.
func (p *planner) print(x *syntax.PrintOp, sc *scope) (node, error) {
	var s types.Schema
	var cols []*types.Column
	one := &types.Batch{Len: 1}
	for i, it := range x.Cols {
		e, name := it, fmt.Sprintf("print_%d", i)
		var names []string
		if ne, ok := it.(*syntax.NamedExpr); ok {
			e = ne.Value
			for _, n := range ne.Names {
				names = append(names, n.Name)
			}
			name = names[0]
		}
		// functions with several outputs (array_sort_asc(a, b),
		// series_fit_line, ...) give one column per output
		outs, outNames, err := p.multiOutput(e, names, &env{sc: sc, row: &rowCtx{}})
		if err != nil {
			return nil, err
		}
		if outs != nil {
			for j, o := range outs {
				s = append(s, types.Field{Name: outNames[j], Type: o.t})
				cols = append(cols, o.eval(one))
			}
			continue
		}
		if len(names) > 1 {
			return nil, errAt(it.Span(), "tuple assignment needs a function with several outputs")
		}
		c, err := p.expr(e, &env{sc: sc, row: &rowCtx{}})
		if err != nil {
			return nil, err
		}
		t := c.t
		if t == types.Null {
			t = types.String
			c = retype(c, t)
		}
		s = append(s, types.Field{Name: name, Type: t})
		cols = append(cols, c.eval(one))
	}
	return &batchNode{b: &types.Batch{Schema: s, Cols: cols, Len: 1}}, nil
}

// rangeOp plans `range Name from F to T step S` (inclusive of T).
func (p *planner) rangeOp(x *syntax.RangeOp, sc *scope) (node, error) {
	args, err := p.exprs([]syntax.Expr{x.From, x.To, x.Step}, &env{sc: sc})
	if err != nil {
		return nil, err
	}
	for i, a := range args {
		if a.konst == nil {
			return nil, errAt([]syntax.Expr{x.From, x.To, x.Step}[i].Span(), "range bounds must be constants")
		}
	}
	from, to, step := *args[0].konst, *args[1].konst, *args[2].konst
	t := from.T
	if t == types.Int {
		t = types.Long
	}
	if from.T.IsIntegral() && (to.T.UsesReals() || step.T.UsesReals()) {
		t = types.Real
	}
	s := types.Schema{{Name: x.Name.Name, Type: t}}
	if _, err := rangeGen(t, from, to, step); err != nil {
		return nil, errAt(x.Loc, "range: %v", err)
	}
	return &funcNode{s: s, f: func(rt *runtime, out emitFunc) error {
		gen, _ := rangeGen(t, from, to, step)
		for {
			b := types.NewBatch(s, types.BatchSize)
			for b.Len < types.BatchSize {
				v, ok := gen()
				if !ok {
					break
				}
				b.Cols[0].Append(v)
				b.Len++
			}
			if b.Len == 0 {
				return nil
			}
			if err := rt.ctx.Err(); err != nil {
				return err
			}
			if err := out(b); err != nil {
				return err
			}
		}
	}}, nil
}

// rangeGen returns a generator of range values.
func rangeGen(t types.Type, from, to, step types.Value) (func() (types.Value, bool), error) {
	if from.IsNull() || to.IsNull() || step.IsNull() {
		return func() (types.Value, bool) { return types.Value{}, false }, nil
	}
	switch {
	case t == types.Real:
		f, _ := asReal(from)
		e, _ := asReal(to)
		st, _ := asReal(step)
		if st == 0 {
			return nil, fmt.Errorf("step must not be zero")
		}
		i := 0
		return func() (types.Value, bool) {
			v := f + float64(i)*st
			if (st > 0 && v > e) || (st < 0 && v < e) {
				return types.Value{}, false
			}
			i++
			return types.RealValue(v), true
		}, nil
	case t.UsesInts():
		if !to.T.UsesInts() || !step.T.UsesInts() {
			return nil, fmt.Errorf("incompatible bounds %s, %s and step %s", from.T, to.T, step.T)
		}
		cur, end, st := from.I, to.I, step.I
		if st == 0 {
			return nil, fmt.Errorf("step must not be zero")
		}
		return func() (types.Value, bool) {
			if (st > 0 && cur > end) || (st < 0 && cur < end) {
				return types.Value{}, false
			}
			v := types.Value{T: t, I: cur}
			cur += st
			return v, true
		}, nil
	}
	return nil, fmt.Errorf("cannot range over %s", t)
}
