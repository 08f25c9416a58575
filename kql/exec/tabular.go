package exec

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// tabular plans a tabular expression.
func (p *planner) tabular(e syntax.Expr, sc *scope) (node, error) {
	switch x := e.(type) {
	case *syntax.PipeExpr:
		return p.pipe(x, sc, nil)
	case *syntax.ParenExpr:
		return p.tabular(x.X, sc)
	case *syntax.Ident:
		return p.tableRef(x, sc, nil)
	case *syntax.DataTableExpr:
		return p.datatable(x, sc)
	case *syntax.PrintOp:
		return p.print(x, sc)
	case *syntax.RangeOp:
		return p.rangeOp(x, sc)
	case *syntax.UnionOp:
		return p.union(x, nil, sc)
	case *syntax.CallExpr:
		return p.tabularCall(x, sc)
	case *syntax.ExternalDataExpr:
		return p.externalData(x, sc)
	case *syntax.EvaluateOp:
		return nil, errAt(x.Loc, "evaluate %s is not supported as a source", callName(x.Call))
	case *syntax.SearchOp:
		return p.search(x, nil, sc)
	case *syntax.FindOp:
		return p.find(x, sc)
	case *syntax.BadExpr:
		return nil, errAt(x.Loc, "cannot parse this expression")
	}
	return nil, errAt(e.Span(), "expected a tabular expression")
}

func callName(c *syntax.CallExpr) string {
	if c == nil || c.Name == nil {
		return "?"
	}
	return c.Name.Name
}

// tableRef resolves a table name: a tabular let, then the catalog. ops,
// when given, are the operators that follow (for push-down).
func (p *planner) tableRef(id *syntax.Ident, sc *scope, ops []syntax.Operator) (node, error) {
	if b, ok := sc.lookup(id.Name); ok {
		if b.tab != nil {
			return b.tab()
		}
		if b.fn != nil && len(b.fn.Params) == 0 {
			return p.callFunction(b, &syntax.CallExpr{Loc: id.Loc, Name: id}, sc)
		}
		return nil, errAt(id.Loc, "%s is a scalar, not a table", id.Name)
	}
	t, ok := p.cat.Table(id.Name)
	if !ok {
		if fc, ok := p.cat.(types.FunctionCatalog); ok {
			if tf, ok := fc.TableFunction(id.Name); ok {
				return p.callTableFunction(tf, &syntax.CallExpr{Loc: id.Loc, Name: id}, sc)
			}
		}
		return nil, errAt(id.Loc, "unknown table %q%s", id.Name, suggest(id.Name, p.tableNames(sc)))
	}
	if len(t.Schema()) == 0 {
		// A table known only from files that could not be read has no
		// columns: say why now, instead of "unknown column" at the first
		// column the query names.
		if re, ok := t.(interface{ ReadError() error }); ok {
			if err := re.ReadError(); err != nil {
				return nil, &runtimeError{fmt.Errorf("scan %s: %w", t.Name(), err)}
			}
		}
	}
	return p.scan(t, ops, sc), nil
}

// scan builds a scan node with projection and pre-filter push-down from
// the operators that follow it.
func (p *planner) scan(t types.Table, ops []syntax.Operator, sc *scope) node {
	full := t.Schema()
	n := &scanNode{t: t, s: full, timeCol: -1, timeCol2: -1}
	if cols, ok := neededColumns(ops, full); ok && len(full) > 0 {
		if len(cols) == 0 {
			cols = []string{full[0].Name} // readers need a column to count rows
		}
		n.cols, n.s = cols, nil
		for _, c := range cols {
			n.s = append(n.s, full[full.Index(c)])
		}
	}
	p.addTimeWindow(n, full)
	if len(ops) > 0 {
		if w, ok := ops[0].(*syntax.WhereOp); ok {
			n.filter = p.rawFilter(w.Pred, full, sc)
		}
	}
	return n
}

// addTimeWindow applies Options.From/To to TimeGenerated or Timestamp.
func (p *planner) addTimeWindow(n *scanNode, full types.Schema) {
	o := p.rt.opts
	if o.From.IsZero() && o.To.IsZero() {
		return
	}
	// A table may carry both columns (Sentinel's Device* and UrlClickEvents
	// schemas list TimeGenerated and Timestamp); a Defender export fills
	// only Timestamp. A row is in the window by its first non-null one.
	found := 0
	for _, name := range []string{"TimeGenerated", "Timestamp"} {
		i := full.Index(name)
		if i < 0 || full[i].Type != types.DateTime {
			continue
		}
		j := n.s.Index(name)
		if j < 0 {
			n.s = append(n.s, full[i])
			n.cols = append(n.cols, name)
			j = len(n.s) - 1
		}
		if found == 0 {
			n.timeCol = j
		} else {
			n.timeCol2 = j
		}
		found++
	}
	if found == 0 {
		return
	}
	if !o.From.IsZero() {
		n.from = types.TicksFromTime(o.From)
	}
	if !o.To.IsZero() {
		n.to = types.TicksFromTime(o.To)
	}
}

// neededColumns finds the table columns a pipeline can reference before
// an operator that fixes the output columns (project, summarize, count,
// distinct). ok is false when every column may be needed.
func neededColumns(ops []syntax.Operator, full types.Schema) ([]string, bool) {
	refs := map[string]bool{}
	okRefs := true
	note := func(n syntax.Node) {
		walkAST(n, func(x syntax.Node) bool {
			switch y := x.(type) {
			case *syntax.Ident:
				refs[y.Name] = true
			case *syntax.Literal:
				if y.Value.T == types.String {
					refs[y.Value.S] = true // column_ifexists("name", ...)
				}
			case *syntax.StarExpr, *syntax.WildcardExpr:
				okRefs = false
			case *syntax.CallExpr:
				if y.Name != nil && (strings.HasPrefix(y.Name.Name, "pack_all") || y.Name.Name == "bag_pack_columns") {
					okRefs = false
				}
			}
			return true
		})
	}
	joined := false
	for _, op := range ops {
		switch op.(type) {
		case *syntax.WhereOp, *syntax.ExtendOp, *syntax.SortOp, *syntax.TakeOp, *syntax.TopOp,
			*syntax.ParseOp, *syntax.MvExpandOp:
			note(op)
		case *syntax.JoinOp, *syntax.LookupOp:
			joined = limJoinOnNote(op, note)
		case *syntax.ProjectOp, *syntax.SummarizeOp, *syntax.CountOp, *syntax.DistinctOp:
			note(op)
			if !okRefs {
				return nil, false
			}
			if joined {
				limJoinBases(refs)
			}
			var cols []string
			for _, f := range full {
				if refs[f.Name] {
					cols = append(cols, f.Name)
				}
			}
			return cols, true
		default:
			return nil, false
		}
		if !okRefs {
			return nil, false
		}
	}
	return nil, false
}

// pipe plans `Source | op | op ...`. input is the implicit input of a
// sub-pipeline with a nil Source.
func (p *planner) pipe(pe *syntax.PipeExpr, sc *scope, input node) (node, error) {
	var n node
	var err error
	switch src := pe.Source.(type) {
	case nil:
		if input == nil {
			return nil, errAt(pe.Loc, "pipeline has no input")
		}
		n = input
	case *syntax.Ident:
		n, err = p.tableRef(src, sc, pe.Ops)
	default:
		n, err = p.tabular(src, sc)
	}
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(pe.Ops); i++ {
		// sort followed by take/limit is a top: only N rows are kept.
		if so, ok := pe.Ops[i].(*syntax.SortOp); ok && i+1 < len(pe.Ops) {
			if tk, ok := pe.Ops[i+1].(*syntax.TakeOp); ok {
				if cnt, err := p.constLong(tk.Count, sc); err == nil && cnt >= 0 {
					if n, err = p.sort(so.By, n, sc, cnt); err != nil {
						return nil, err
					}
					i++
					continue
				}
			}
		}
		p.rest = pe.Ops[i+1:] // for push-down into a join's right side
		n, err = p.operator(pe.Ops[i], n, sc)
		if err != nil {
			return nil, err
		}
	}
	return n, nil
}

// operator plans one tabular operator over its input.
func (p *planner) operator(op syntax.Operator, in node, sc *scope) (node, error) {
	switch o := op.(type) {
	case *syntax.WhereOp:
		return p.where(o, in, sc)
	case *syntax.ProjectOp:
		return p.project(o.Cols, in, sc, false)
	case *syntax.ExtendOp:
		return p.project(o.Cols, in, sc, true)
	case *syntax.ProjectAwayOp:
		return p.projectAway(o, in)
	case *syntax.ProjectKeepOp:
		return p.projectKeep(o, in)
	case *syntax.ProjectRenameOp:
		return p.projectRename(o, in)
	case *syntax.ProjectReorderOp:
		return p.projectReorder(o, in)
	case *syntax.SortOp:
		return p.sort(o.By, in, sc, -1)
	case *syntax.TopOp:
		cnt, err := p.constLong(o.Count, sc)
		if err != nil {
			return nil, err
		}
		return p.sort(o.By, in, sc, cnt)
	case *syntax.TakeOp:
		cnt, err := p.constLong(o.Count, sc)
		if err != nil {
			return nil, err
		}
		return &takeNode{child: in, n: cnt}, nil
	case *syntax.CountOp:
		return p.count(o, in), nil
	case *syntax.DistinctOp:
		return p.distinct(o, in, sc)
	case *syntax.SummarizeOp:
		return p.summarize(o, in, sc)
	case *syntax.JoinOp:
		return p.join(o, in, sc)
	case *syntax.LookupOp:
		return p.lookup(o, in, sc)
	case *syntax.UnionOp:
		return p.union(o, in, sc)
	case *syntax.MvExpandOp:
		return p.mvExpand(o, in, sc)
	case *syntax.MvApplyOp:
		return p.mvApply(o, in, sc)
	case *syntax.ParseOp:
		return p.parse(o, in, sc)
	case *syntax.ParseKvOp:
		return p.parseKv(o, in, sc)
	case *syntax.MakeSeriesOp:
		return p.makeSeries(o, in, sc)
	case *syntax.EvaluateOp:
		return p.evaluate(o, in, sc)
	case *syntax.TopNestedOp:
		return p.topNested(o, in, sc)
	case *syntax.SerializeOp:
		if len(o.Cols) == 0 {
			return in, nil
		}
		return p.project(o.Cols, in, sc, true)
	case *syntax.AsOp:
		if o.Name != nil {
			b := &materialized{}
			name := o.Name.Name
			inner := in
			sc.names[name] = &binding{mat: b, tab: func() (node, error) {
				return &lazyNode{s: inner.schema(), get: func() (*types.Batch, error) {
					b.once.Do(func() { b.batch, b.err = collect(p.rt, inner) })
					return b.batch, b.err
				}}, nil
			}}
		}
		return in, nil
	case *syntax.RenderOp:
		p.rt.note(fmt.Sprintf("render %s ignored", o.Chart))
		return in, nil
	case *syntax.GetSchemaOp:
		return getSchema(in.schema()), nil
	case *syntax.SampleOp:
		cnt, err := p.constLong(o.Count, sc)
		if err != nil {
			return nil, err
		}
		return sampleNode(in, cnt), nil
	case *syntax.SampleDistinctOp:
		cnt, err := p.constLong(o.Count, sc)
		if err != nil {
			return nil, err
		}
		d, err := p.distinct(&syntax.DistinctOp{Loc: o.Loc, Cols: []syntax.Expr{o.Of}}, in, sc)
		if err != nil {
			return nil, err
		}
		return sampleNode(d, cnt), nil
	case *syntax.InvokeOp:
		return p.invoke(o, in, sc)
	case *syntax.SearchOp:
		return p.search(o, in, sc)
	case *syntax.PartitionOp:
		return p.partition(o, in, sc)
	case *syntax.ScanOp:
		return p.scanOp(o, in, sc)
	case *syntax.ReduceOp:
		return p.plugReduce(o, in, sc)
	case *syntax.ForkOp, *syntax.FacetOp:
		return nil, errAt(op.Span(), "fork and facet must be the last operator of a statement")
	case *syntax.BadOp:
		return nil, errAt(o.Loc, "cannot parse this operator")
	case *syntax.GenericOp:
		if o.Name == "project-by-names" {
			return p.projectByNames(o, in, sc)
		}
		if graphIsOp(o.Name) {
			return p.graphOperator(o, in, sc)
		}
		return nil, errAt(o.Loc, "operator %s is not supported", o.Name)
	}
	return nil, errAt(op.Span(), "operator %s is not supported", opName(op))
}

// opName returns the keyword of an operator for messages.
func opName(op syntax.Operator) string {
	s := fmt.Sprintf("%T", op)
	s = strings.TrimPrefix(s, "*syntax.")
	s = strings.TrimSuffix(s, "Op")
	return strings.ToLower(s)
}

// constLong evaluates a constant integer expression (take N, top N).
func (p *planner) constLong(e syntax.Expr, sc *scope) (int64, error) {
	c, err := p.expr(e, &env{sc: sc})
	if err != nil {
		return 0, err
	}
	if c.konst == nil {
		return 0, errAt(e.Span(), "expected a constant number")
	}
	v := convert(*c.konst, types.Long)
	if v.IsNull() {
		return 0, errAt(e.Span(), "expected a number, got %s", c.t)
	}
	return v.I, nil
}

// where filters rows on a predicate.
func (p *planner) where(o *syntax.WhereOp, in node, sc *scope) (node, error) {
	s := in.schema()
	rc := &rowCtx{}
	pred, err := p.expr(o.Pred, &env{schema: s, sc: sc, row: rc})
	if err != nil {
		return nil, err
	}
	if pred.t != types.Bool && pred.t != types.Dynamic {
		return nil, errAt(o.Pred.Span(), "where needs a bool predicate, got %s", pred.t)
	}
	f := func(b *types.Batch) (*types.Batch, error) {
		idx := truthy(pred.eval(b), b.Len)
		if len(idx) == b.Len {
			return b, nil
		}
		return gather(b, idx), nil
	}
	if rc.used {
		return wholeInput(in, s, f), nil
	}
	return &streamNode{child: in, s: s, f: f}, nil
}

// wholeInput applies f once to the whole input (operators using
// row_number/prev/next need every row in order).
func wholeInput(in node, s types.Schema, f func(*types.Batch) (*types.Batch, error)) node {
	return &funcNode{s: s, f: func(rt *runtime, emit emitFunc) error {
		all, err := collect(rt, in)
		if err != nil {
			return err
		}
		r, err := f(all)
		if err != nil {
			return err
		}
		return (&batchNode{b: r}).run(rt, emit)
	}}
}

// count is the count operator.
func (p *planner) count(o *syntax.CountOp, in node) node {
	name := "Count"
	if o.As != nil {
		name = o.As.Name
	}
	s := types.Schema{{Name: name, Type: types.Long}}
	return &funcNode{s: s, f: func(rt *runtime, out emitFunc) error {
		var n int64
		var mu = make(chan struct{}, 1)
		err := in.run(rt, func(b *types.Batch) error {
			mu <- struct{}{}
			n += int64(b.Len)
			<-mu
			return nil
		})
		if err != nil {
			return err
		}
		b := types.NewBatch(s, 1)
		b.Cols[0].Append(types.LongValue(n))
		b.Len = 1
		return out(b)
	}}
}

// getSchema is the getschema operator.
func getSchema(s types.Schema) node {
	out := types.Schema{{Name: "ColumnName", Type: types.String}, {Name: "ColumnOrdinal", Type: types.Int},
		{Name: "DataType", Type: types.String}, {Name: "ColumnType", Type: types.String}}
	b := types.NewBatch(out, len(s))
	for i, f := range s {
		b.Cols[0].Append(types.StringValue(f.Name))
		b.Cols[1].Append(types.IntValue(int64(i)))
		b.Cols[2].Append(types.StringValue(dotnetType(f.Type)))
		b.Cols[3].Append(types.StringValue(f.Type.String()))
	}
	b.Len = len(s)
	return &batchNode{b: b}
}

func dotnetType(t types.Type) string {
	switch t {
	case types.Bool:
		return "System.SByte"
	case types.Int:
		return "System.Int32"
	case types.Long:
		return "System.Int64"
	case types.Real:
		return "System.Double"
	case types.Decimal:
		return "System.Data.SqlTypes.SqlDecimal"
	case types.String:
		return "System.String"
	case types.DateTime:
		return "System.DateTime"
	case types.TimeSpan:
		return "System.TimeSpan"
	case types.GUID:
		return "System.Guid"
	}
	return "System.Object"
}

// sampleNode keeps n rows chosen uniformly at random (reservoir sampling
// with a fixed seed, so a run is reproducible); it holds at most n rows
// (plus references to the batches they came from).
func sampleNode(in node, n int64) node {
	s := in.schema()
	type ref struct {
		b   *types.Batch
		row int
	}
	return &funcNode{s: s, f: func(rt *runtime, emit emitFunc) error {
		if n <= 0 {
			return nil
		}
		var mu sync.Mutex
		rng := rand.New(rand.NewSource(1))
		var kept []ref
		seen := int64(0)
		err := in.run(rt, func(b *types.Batch) error {
			mu.Lock()
			defer mu.Unlock()
			for r := 0; r < b.Len; r++ {
				seen++
				if int64(len(kept)) < n {
					kept = append(kept, ref{b, r})
				} else if j := rng.Int63n(seen); j < n {
					kept[j] = ref{b, r}
				}
			}
			return nil
		})
		if err != nil || len(kept) == 0 {
			return err
		}
		parts := make([]*types.Batch, len(kept))
		for i, k := range kept {
			parts[i] = gather(k.b, []int{k.row})
		}
		return (&batchNode{b: concat(s, parts)}).run(rt, emit)
	}}
}
