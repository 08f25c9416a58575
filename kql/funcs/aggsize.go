package funcs

import "github.com/huntpack/huntpack/kql/types"

// SizedAccumulator is an Accumulator whose state grows with its input
// (make_list, make_set, make_bag, dcount, percentiles, their -if forms).
// SizeBytes estimates the bytes the state holds, in O(1) time (large
// collections are sampled), so an engine can charge aggregation state to
// a memory limit after every batch.
type SizedAccumulator interface {
	Accumulator
	SizeBytes() int64
}

// aggSample is how many elements of a collection SizeBytes measures.
const aggSample = 8

// sampledBytes estimates the bytes of n items whose sizes are given by
// size(i), from aggSample of them spread over the range.
func sampledBytes(n int, size func(i int) int64) int64 {
	if n == 0 {
		return 0
	}
	if n <= aggSample {
		var s int64
		for i := 0; i < n; i++ {
			s += size(i)
		}
		return s
	}
	var s int64
	step := n / aggSample
	for i := 0; i < aggSample; i++ {
		s += size(i * step)
	}
	return s * int64(n) / aggSample
}

// dynBytes estimates a dynamic value's bytes (interface header included),
// one level deep: nested arrays and bags count their element headers.
func dynBytes(d any) int64 {
	switch x := d.(type) {
	case nil:
		return 16
	case string:
		return 32 + int64(len(x))
	case []any:
		return 40 + 16*int64(len(x)) + sampledBytes(len(x), func(i int) int64 { return shallowBytes(x[i]) })
	case map[string]any:
		return 64 + 64*int64(len(x))
	}
	return 24
}

func shallowBytes(d any) int64 {
	if s, ok := d.(string); ok {
		return int64(len(s)) + 16
	}
	return 8
}

func valueBytes(v types.Value) int64 {
	switch {
	case v.T == types.Dynamic:
		return 48 + dynBytes(v.D)
	case v.T.UsesStrs():
		return 48 + int64(len(v.S))
	}
	return 48
}

// SizeBytes implements SizedAccumulator.
func (a *listAcc) SizeBytes() int64 {
	return 24 + 16*int64(cap(a.items)) + sampledBytes(len(a.items), func(i int) int64 { return dynBytes(a.items[i]) - 16 })
}

// SizeBytes implements SizedAccumulator: the items and the seen keys
// (about as long as the items' text).
func (a *setAcc) SizeBytes() int64 {
	items := sampledBytes(len(a.items), func(i int) int64 { return dynBytes(a.items[i]) - 16 })
	return 24 + 16*int64(cap(a.items)) + items + 48*int64(len(a.seen)) + items
}

// SizeBytes implements SizedAccumulator.
func (a *bagAcc) SizeBytes() int64 {
	return 48 + 80*int64(len(a.m)) + 16*int64(len(a.m))
}

// SizeBytes implements SizedAccumulator.
func (a *distinctAcc) SizeBytes() int64 { return 48 + 56*int64(len(a.m)) }

// SizeBytes implements SizedAccumulator: the inner aggregate's state.
func (a *ifAccumulator) SizeBytes() int64 {
	if s, ok := a.inner.(SizedAccumulator); ok {
		return s.SizeBytes()
	}
	return 0
}

// SizeBytes implements SizedAccumulator.
func (a *percentileAcc) SizeBytes() int64 {
	return 48 + sampledBytes(len(a.vals), func(i int) int64 { return valueBytes(a.vals[i]) })
}

// SizeBytes implements SizedAccumulator: the kept row.
func (a *takeAnyAcc) SizeBytes() int64 {
	var n int64
	for _, v := range a.row {
		n += valueBytes(v)
	}
	return n
}
