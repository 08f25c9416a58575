package exec

import (
	"cmp"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// sortKey is one compiled sort key.
type sortKey struct {
	e          *cexpr
	desc       bool
	nullsFirst bool
}

// compileSortKeys compiles sort/top keys with Kusto's defaults: desc, and
// nulls last for desc, first for asc.
func (p *planner) compileSortKeys(by []*syntax.SortExpr, s types.Schema, sc *scope) ([]sortKey, error) {
	keys := make([]sortKey, 0, len(by))
	for _, k := range by {
		e, err := p.expr(k.X, &env{schema: s, sc: sc})
		if err != nil {
			return nil, err
		}
		desc := k.Order != "asc"
		nf := !desc
		switch k.Nulls {
		case "first":
			nf = true
		case "last":
			nf = false
		}
		keys = append(keys, sortKey{e: e, desc: desc, nullsFirst: nf})
	}
	return keys, nil
}

// sort plans sort (limit < 0) and top (limit >= 0).
func (p *planner) sort(by []*syntax.SortExpr, in node, sc *scope, limit int64) (node, error) {
	s := in.schema()
	keys, err := p.compileSortKeys(by, s, sc)
	if err != nil {
		return nil, err
	}
	label := "sort"
	if limit >= 0 {
		label = "top"
	}
	if len(by) > 0 {
		label = p.opLabel(label, by[0].X.Span()) // names the first sort key
	}
	return &funcNode{s: s, f: func(rt *runtime, out emitFunc) error {
		var mu sync.Mutex
		var parts []*types.Batch
		rows, held := 0, int64(0)
		defer func() { rt.release(held) }()
		err := in.run(rt, func(b *types.Batch) error {
			mu.Lock()
			defer mu.Unlock()
			parts = append(parts, b)
			rows += b.Len
			if limit >= 0 && rows > 2*int(limit)+types.BatchSize {
				all := sortBatch(concat(s, parts), keys, int(limit))
				parts, rows = []*types.Batch{all}, all.Len
				rt.release(held)
				held = batchBytes(all) // the kept top rows stay held
				if err := rt.reserve(label, held); err != nil {
					return err
				}
			}
			n := batchBytes(b)
			held += n
			return rt.reserve(label, n)
		})
		if err != nil {
			return err
		}
		if len(parts) == 0 {
			return nil
		}
		return (&batchNode{b: sortBatch(concat(s, parts), keys, int(limit))}).run(rt, out)
	}}, nil
}

// sortBatch sorts b by keys (stable) and keeps the first limit rows
// (limit < 0: all).
func sortBatch(b *types.Batch, keys []sortKey, limit int) *types.Batch {
	cmps := make([]func(i, j int) int, len(keys))
	for k, key := range keys {
		cmps[k] = columnComparator(key.e.eval(b), key.desc, key.nullsFirst)
	}
	idx := make([]int, b.Len)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, c int) bool {
		for _, f := range cmps {
			if r := f(idx[a], idx[c]); r != 0 {
				return r < 0
			}
		}
		return false
	})
	if limit >= 0 && limit < len(idx) {
		idx = idx[:limit]
	}
	return gather(b, idx)
}

// columnComparator returns a row comparator for one key column.
func columnComparator(c *types.Column, desc, nullsFirst bool) func(i, j int) int {
	isNull := func(i int) bool { return c.Nulls != nil && c.Nulls[i] }
	var order func(i, j int) int
	switch {
	case c.Type == types.Bool:
		order = func(i, j int) int { return cmp.Compare(b2i(c.Bools[i]), b2i(c.Bools[j])) }
	case c.Type.UsesInts():
		order = func(i, j int) int { return cmp.Compare(c.Ints[i], c.Ints[j]) }
	case c.Type.UsesReals():
		isNull = func(i int) bool { return (c.Nulls != nil && c.Nulls[i]) || math.IsNaN(c.Reals[i]) }
		order = func(i, j int) int { return cmp.Compare(c.Reals[i], c.Reals[j]) }
	case c.Type.UsesStrs():
		isNull = func(int) bool { return false }
		order = func(i, j int) int { return strings.Compare(c.Strs[i], c.Strs[j]) }
	default:
		isNull = func(i int) bool { return isNullOrNaN(c.Value(i)) }
		order = func(i, j int) int { return sortCompare(c.Value(i), c.Value(j)) }
	}
	return func(i, j int) int {
		ni, nj := isNull(i), isNull(j)
		switch {
		case ni && nj:
			return 0
		case ni:
			if nullsFirst {
				return -1
			}
			return 1
		case nj:
			if nullsFirst {
				return 1
			}
			return -1
		}
		r := order(i, j)
		if desc {
			return -r
		}
		return r
	}
}
