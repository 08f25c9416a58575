package exec

import (
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// scanStep is one compiled step of the scan operator.
type scanStep struct {
	cond    *cexpr
	assigns []*cexpr // one per declared column it assigns, else nil
	output  string   // "all" (default), "last" or "none"
}

// scanPlan is a compiled scan operator. Conditions and assignments are
// compiled against a schema made of the record's columns (input plus
// declared), then one copy of those columns per step (`s1.Col`), filled
// from the state when evaluated.
type scanPlan struct {
	width   int // input + declared columns
	inWidth int
	defs    []types.Value // declared defaults
	evalS   types.Schema
	steps   []scanStep
	matchID bool
}

// scanState is one step's state: the records of steps 1..k of the
// ongoing sequence and its match id.
type scanState struct {
	active  bool
	id      int64
	rows    [][]types.Value
	pending []types.Value // output=last: the step's latest record, not yet emitted
}

// scanOp plans `scan [with_match_id=Id] [declare (...)] with (steps)`
// with Kusto's matching logic (scan-operator.md "Scan logic"): each record
// is checked against the steps from last to first; a step matches when the
// previous step has an active sequence (promoting it) or, failing that,
// when its own sequence is active or it is the first step.
func (p *planner) scanOp(o *syntax.ScanOp, in node, sc *scope) (node, error) {
	if len(o.PartitionBy) > 0 {
		return nil, errAt(o.Loc, "scan partition by is not supported; use partition by Col (... | scan ...)")
	}
	if len(o.OrderBy) > 0 {
		var err error
		if in, err = p.sort(o.OrderBy, in, sc, -1); err != nil {
			return nil, err
		}
	}
	inS := in.schema()
	sp := &scanPlan{inWidth: len(inS)}
	recS := append(types.Schema(nil), inS...)
	for _, d := range o.Declare {
		def := types.NullOf(d.Type)
		if d.Default != nil {
			c, err := p.expr(d.Default, &env{sc: sc})
			if err != nil {
				return nil, err
			}
			if c.konst == nil {
				return nil, errAt(d.Default.Span(), "scan: declared defaults must be constants")
			}
			def = convert(*c.konst, d.Type)
		}
		recS = append(recS, types.Field{Name: d.Name.Name, Type: d.Type})
		sp.defs = append(sp.defs, def)
	}
	sp.width = len(recS)
	sp.evalS = append(types.Schema(nil), recS...)
	stepNames := map[string]bool{}
	for _, st := range o.Steps {
		stepNames[st.Name.Name] = true
		for _, f := range recS {
			sp.evalS = append(sp.evalS, types.Field{Name: st.Name.Name + "." + f.Name, Type: f.Type})
		}
	}
	en := &env{schema: sp.evalS, sc: sc, steps: stepNames}
	for _, st := range o.Steps {
		cond, err := p.expr(st.Pred, en)
		if err != nil {
			return nil, err
		}
		step := scanStep{cond: cond, assigns: make([]*cexpr, sp.width), output: strings.ToLower(st.Output)}
		switch step.output {
		case "", "all", "last", "none":
		default:
			return nil, errAt(st.Loc, "scan: step output must be all, last or none, not %s", st.Output)
		}
		for _, a := range st.Assigns {
			i := recS.Index(a.Names[0].Name)
			if i < sp.inWidth {
				return nil, errAt(a.Loc, "scan can only assign declared columns, not %s", a.Names[0].Name)
			}
			c, err := p.expr(a.Value, en)
			if err != nil {
				return nil, err
			}
			step.assigns[i] = c
		}
		sp.steps = append(sp.steps, step)
	}
	out := recS
	for _, prm := range o.Params {
		if strings.EqualFold(prm.Name, "with_match_id") {
			sp.matchID = true
			out = append(append(types.Schema(nil), recS...), types.Field{Name: paramText(prm.Value), Type: types.Long})
		}
	}
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		all, err := collect(rt, in)
		if err != nil {
			return err
		}
		res := sp.run(all, out)
		return (&batchNode{b: res}).run(rt, emit)
	}}, nil
}

// run applies the matching logic to the records of b in order.
func (sp *scanPlan) run(b *types.Batch, out types.Schema) *types.Batch {
	n := len(sp.steps)
	states := make([]scanState, n)
	nextID := int64(0)
	res := types.NewBatch(out, 0)
	emitRow := func(row []types.Value, id int64) {
		for j, v := range row {
			res.Cols[j].Append(convert(v, out[j].Type))
		}
		if sp.matchID {
			res.Cols[len(row)].Append(types.LongValue(id))
		}
		res.Len++
	}
	// stepOut emits a step's record according to its output mode.
	stepOut := func(k int, st *scanState, row []types.Value) {
		switch sp.steps[k].output {
		case "none":
		case "last":
			st.pending = row
		default:
			emitRow(row, st.id)
		}
	}
	flush := func(st *scanState) {
		if st.pending != nil {
			emitRow(st.pending, st.id)
			st.pending = nil
		}
	}
	for r := 0; r < b.Len; r++ {
		rec := make([]types.Value, sp.width)
		for j := 0; j < sp.inWidth; j++ {
			rec[j] = b.Cols[j].Value(r)
		}
		copy(rec[sp.inWidth:], sp.defs)
		for k := n - 1; k >= 0; k-- {
			if k > 0 && states[k-1].active {
				if ext, ok := sp.try(k, rec, states[k-1].rows); ok {
					flush(&states[k-1])
					st := scanState{active: true, id: states[k-1].id, rows: append(append([][]types.Value(nil), states[k-1].rows...), ext)}
					flush(&states[k])
					states[k], states[k-1] = st, scanState{}
					stepOut(k, &states[k], ext)
					continue
				}
			}
			if states[k].active || k == 0 {
				ext, ok := sp.try(k, rec, states[k].rows)
				if !ok {
					continue
				}
				if !states[k].active {
					states[k] = scanState{active: true, id: nextID, rows: [][]types.Value{ext}}
					nextID++
				} else {
					states[k].rows[k] = ext
				}
				stepOut(k, &states[k], ext)
			}
		}
	}
	for k := range states {
		flush(&states[k])
	}
	return res
}

// try evaluates step k's condition for rec with the given state records
// (steps 1..len(state)); on a match it returns rec extended by the
// step's assignments.
func (sp *scanPlan) try(k int, rec []types.Value, state [][]types.Value) ([]types.Value, bool) {
	batch := sp.evalBatch(rec, state)
	c := sp.steps[k].cond.eval(batch).Value(0)
	if c.IsNull() || convert(c, types.Bool).I == 0 {
		return nil, false
	}
	ext := append([]types.Value(nil), rec...)
	for i, a := range sp.steps[k].assigns {
		if a != nil {
			ext[i] = convert(a.eval(batch).Value(0), sp.evalS[i].Type)
		}
	}
	return ext, true
}

// evalBatch builds the one-row batch conditions are evaluated on.
func (sp *scanPlan) evalBatch(rec []types.Value, state [][]types.Value) *types.Batch {
	b := &types.Batch{Schema: sp.evalS, Len: 1, Cols: make([]*types.Column, len(sp.evalS))}
	for j := range sp.evalS {
		var v types.Value
		switch s, i := j/sp.width, j%sp.width; {
		case s == 0:
			v = rec[i]
		case s-1 < len(state) && state[s-1] != nil:
			v = state[s-1][i]
		case i >= sp.inWidth:
			v = sp.defs[i-sp.inWidth]
		default:
			v = types.NullOf(sp.evalS[j].Type)
		}
		c := types.NewColumn(sp.evalS[j].Type, 1)
		c.Append(convert(v, sp.evalS[j].Type))
		b.Cols[j] = c
	}
	return b
}
