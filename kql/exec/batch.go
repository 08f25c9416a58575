package exec

import (
	"github.com/huntpack/huntpack/kql/types"
)

// gatherColumn returns the rows idx of c as a new column.
func gatherColumn(c *types.Column, idx []int) *types.Column {
	out := &types.Column{Type: c.Type}
	switch {
	case c.Type == types.Bool:
		out.Bools = make([]bool, len(idx))
		for j, i := range idx {
			out.Bools[j] = c.Bools[i]
		}
	case c.Type.UsesInts():
		out.Ints = make([]int64, len(idx))
		for j, i := range idx {
			out.Ints[j] = c.Ints[i]
		}
	case c.Type.UsesReals():
		out.Reals = make([]float64, len(idx))
		for j, i := range idx {
			out.Reals[j] = c.Reals[i]
		}
	case c.Type.UsesStrs():
		out.Strs = make([]string, len(idx))
		for j, i := range idx {
			out.Strs[j] = c.Strs[i]
		}
		return out
	default:
		out.Dyns = make([]any, len(idx))
		for j, i := range idx {
			out.Dyns[j] = c.Dyns[i]
		}
		return out
	}
	if c.Nulls != nil {
		out.Nulls = make([]bool, len(idx))
		for j, i := range idx {
			out.Nulls[j] = c.Nulls[i]
		}
	}
	return out
}

// gather returns the rows idx of b (in that order) as a new batch.
func gather(b *types.Batch, idx []int) *types.Batch {
	out := &types.Batch{Schema: b.Schema, Cols: make([]*types.Column, len(b.Cols)), Len: len(idx)}
	for j, c := range b.Cols {
		out.Cols[j] = gatherColumn(c, idx)
	}
	return out
}

// sliceColumn returns rows [lo, hi) of c, sharing storage.
func sliceColumn(c *types.Column, lo, hi int) *types.Column {
	out := &types.Column{Type: c.Type}
	switch {
	case c.Type == types.Bool:
		out.Bools = c.Bools[lo:hi:hi]
	case c.Type.UsesInts():
		out.Ints = c.Ints[lo:hi:hi]
	case c.Type.UsesReals():
		out.Reals = c.Reals[lo:hi:hi]
	case c.Type.UsesStrs():
		out.Strs = c.Strs[lo:hi:hi]
	default:
		out.Dyns = c.Dyns[lo:hi:hi]
	}
	if c.Nulls != nil {
		out.Nulls = c.Nulls[lo:hi:hi]
	}
	return out
}

// sliceBatch returns rows [lo, hi) of b, sharing storage.
func sliceBatch(b *types.Batch, lo, hi int) *types.Batch {
	out := &types.Batch{Schema: b.Schema, Cols: make([]*types.Column, len(b.Cols)), Len: hi - lo}
	for j, c := range b.Cols {
		out.Cols[j] = sliceColumn(c, lo, hi)
	}
	return out
}

// appendColumn appends all of src to dst (same type).
func appendColumn(dst, src *types.Column) {
	n := dst.Len()
	switch {
	case dst.Type == types.Bool:
		dst.Bools = append(dst.Bools, src.Bools...)
	case dst.Type.UsesInts():
		dst.Ints = append(dst.Ints, src.Ints...)
	case dst.Type.UsesReals():
		dst.Reals = append(dst.Reals, src.Reals...)
	case dst.Type.UsesStrs():
		dst.Strs = append(dst.Strs, src.Strs...)
		return
	default:
		dst.Dyns = append(dst.Dyns, src.Dyns...)
		return
	}
	if src.Nulls == nil && dst.Nulls == nil {
		return
	}
	if dst.Nulls == nil {
		dst.Nulls = make([]bool, n, dst.Len())
	}
	if src.Nulls == nil {
		dst.Nulls = append(dst.Nulls, make([]bool, src.Len())...)
	} else {
		dst.Nulls = append(dst.Nulls, src.Nulls...)
	}
}

// concat joins batches of one schema into one batch.
func concat(s types.Schema, bs []*types.Batch) *types.Batch {
	if len(bs) == 1 {
		return bs[0]
	}
	n := 0
	for _, b := range bs {
		n += b.Len
	}
	out := types.NewBatch(s, n)
	for _, b := range bs {
		for j, c := range b.Cols {
			appendColumn(out.Cols[j], c)
		}
	}
	out.Len = n
	return out
}

// constColumn returns a column holding v n times.
func constColumn(v types.Value, t types.Type, n int) *types.Column {
	v = convert(v, t)
	c := &types.Column{Type: t}
	null := v.IsNull()
	switch {
	case t == types.Bool:
		c.Bools = make([]bool, n)
		if !null && v.I != 0 {
			for i := range c.Bools {
				c.Bools[i] = true
			}
		}
	case t.UsesInts():
		c.Ints = make([]int64, n)
		if !null && v.I != 0 {
			for i := range c.Ints {
				c.Ints[i] = v.I
			}
		}
	case t.UsesReals():
		c.Reals = make([]float64, n)
		if !null && v.F != 0 {
			for i := range c.Reals {
				c.Reals[i] = v.F
			}
		}
	case t.UsesStrs():
		c.Strs = make([]string, n)
		if v.S != "" {
			for i := range c.Strs {
				c.Strs[i] = v.S
			}
		}
		return c
	default:
		c.Dyns = make([]any, n)
		if !null {
			for i := range c.Dyns {
				c.Dyns[i] = v.D
			}
		}
		return c
	}
	if null {
		c.Nulls = make([]bool, n)
		for i := range c.Nulls {
			c.Nulls[i] = true
		}
	}
	return c
}

// valuesColumn builds a column of type t from values (converted to t).
func valuesColumn(t types.Type, vs []types.Value) *types.Column {
	c := types.NewColumn(t, len(vs))
	for _, v := range vs {
		c.Append(convert(v, t))
	}
	return c
}

// emptyBatch returns a batch of schema s with no rows.
func emptyBatch(s types.Schema) *types.Batch { return types.NewBatch(s, 0) }

// batchBytes estimates the memory a batch holds.
func batchBytes(b *types.Batch) int64 {
	var n int64
	for _, c := range b.Cols {
		switch {
		case c.Type == types.Bool:
			n += int64(len(c.Bools))
		case c.Type.UsesInts():
			n += 8 * int64(len(c.Ints))
		case c.Type.UsesReals():
			n += 8 * int64(len(c.Reals))
		case c.Type.UsesStrs():
			for _, s := range c.Strs {
				n += 16 + int64(len(s))
			}
		default:
			n += limColBytes(c) // dynamic sizes, sampled (limits.go)
		}
	}
	return n
}
