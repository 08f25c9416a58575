package exec

import (
	"github.com/huntpack/huntpack/kql/funcs"
)

// limAggCharge charges the state of growing aggregates (make_set,
// make_list, make_bag, dcount, percentiles: funcs.SizedAccumulator) to
// MaxMemory. summarize marks the groups a batch touched (touch, O(1) per
// row) and after the batch re-measures only those (flush), charging the
// growth since the last measure.
type limAggCharge struct {
	checked bool
	sized   bool     // some aggregate of the grouper is sized
	sizes   []int64  // per group: bytes charged so far
	stamp   []uint32 // per group: epoch of the last touch
	epoch   uint32
	touched []int
	held    int64
}

// touch marks group gi as changed by the current batch.
func (c *limAggCharge) touch(gi int, accs []funcs.Accumulator) {
	if !c.checked {
		c.checked = true
		for _, a := range accs {
			if _, ok := a.(funcs.SizedAccumulator); ok {
				c.sized = true
			}
		}
		c.epoch = 1
	}
	if !c.sized {
		return
	}
	for gi >= len(c.stamp) {
		c.stamp = append(c.stamp, 0)
		c.sizes = append(c.sizes, 0)
	}
	if c.stamp[gi] != c.epoch {
		c.stamp[gi] = c.epoch
		c.touched = append(c.touched, gi)
	}
}

// flush charges the growth of the touched groups' state (label names the
// operator) and starts a new batch.
func (c *limAggCharge) flush(rt *runtime, label string, accsOf func(gi int) []funcs.Accumulator) error {
	if !c.sized || len(c.touched) == 0 {
		return nil
	}
	var delta int64
	for _, gi := range c.touched {
		var n int64
		for _, a := range accsOf(gi) {
			if s, ok := a.(funcs.SizedAccumulator); ok {
				n += s.SizeBytes()
			}
		}
		delta += n - c.sizes[gi]
		c.sizes[gi] = n
	}
	c.touched = c.touched[:0]
	c.epoch++
	c.held += delta
	return rt.reserve(label, delta)
}

// free releases everything charged.
func (c *limAggCharge) free(rt *runtime) {
	rt.release(c.held)
	c.held = 0
}
