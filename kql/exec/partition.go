package exec

import (
	"sync"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// partition plans `partition by Col (SubQuery)`: the sub-query runs once
// per distinct value of Col over that value's rows; the results are
// concatenated. The legacy `{ ... }` form is not supported.
func (p *planner) partition(o *syntax.PartitionOp, in node, sc *scope) (node, error) {
	if o.Braces || o.Sub == nil || o.Sub.Source != nil {
		return nil, errAt(o.Loc, "partition: only the `partition by Col (subquery)` form is supported")
	}
	inS := in.schema()
	key, err := p.expr(o.By, &env{schema: inS, sc: sc})
	if err != nil {
		return nil, err
	}
	v := &varNode{s: inS}
	sub, err := p.pipe(o.Sub, sc, v)
	if err != nil {
		return nil, err
	}
	return &funcNode{s: sub.schema(), f: func(rt *runtime, emit emitFunc) error {
		all, err := collect(rt, in)
		if err != nil {
			return err
		}
		n := batchBytes(all)
		if err := rt.reserve("partition", n); err != nil {
			return err
		}
		defer rt.release(n)
		groups := map[string]int{}
		var members [][]int
		kc := []*types.Column{key.eval(all)}
		var buf []byte
		for r := 0; r < all.Len; r++ {
			buf = appendRowKey(buf[:0], kc, r)
			g, ok := groups[string(buf)]
			if !ok {
				g = len(members)
				groups[string(buf)] = g
				members = append(members, nil)
			}
			members[g] = append(members[g], r)
		}
		var mu sync.Mutex
		for _, rows := range members {
			v.b = gather(all, rows)
			res, err := collect(rt, sub)
			if err != nil {
				return err
			}
			mu.Lock()
			err = (&batchNode{b: res}).run(rt, emit)
			mu.Unlock()
			if err != nil {
				return err
			}
		}
		return nil
	}}, nil
}
