package exec

import (
	"github.com/huntpack/huntpack/kql/types"
)

// Join pre-filter: `Table | join kind=inner (datatable or other constant
// table) on $left.A == $right.B` reads the whole table while only rows
// whose A is one of the right side's B values can join. When the left
// input is a bare scan, the right side is a constant batch and the join
// kind drops unmatched left rows, the scan gets a raw pre-filter "A is
// one of the right keys" (the IOC set of `in`, rawfilter.go), so readers
// skip other rows before converting them, as for a where ... in (...).

// agJoinDropsUnmatchedLeft lists the join kinds whose output never holds
// a left row without a match (nor depends on such rows).
var agJoinDropsUnmatchedLeft = map[string]bool{
	"inner": true, "innerunique": true, "leftsemi": true,
	"rightsemi": true, "rightouter": true, "rightanti": true,
}

// agJoinPrefilter installs the pre-filter on left when the join allows it.
func (p *planner) agJoinPrefilter(kind string, keys *joinKeys, left, right node) {
	scan, ok := left.(*scanNode)
	if !ok || scan.filter != nil || !agJoinDropsUnmatchedLeft[kind] {
		return
	}
	rb, ok := right.(*batchNode)
	if !ok {
		return
	}
	ls := scan.schema()
	for i, lk := range keys.left {
		rk := keys.right[i]
		if lk.col < 0 || lk.col >= len(ls) || ls[lk.col].Type != types.String || lk.konst != nil ||
			rk.col < 0 || rk.t != types.String || rk.konst != nil || rk.col >= len(rb.b.Cols) {
			continue
		}
		c := rb.b.Cols[rk.col]
		if c.Type != types.String || len(c.Strs) < rb.b.Len {
			continue
		}
		set := newIOCSet(c.Strs[:rb.b.Len], false)
		scan.filter = &types.RawFilter{Columns: []string{ls[lk.col].Name}, Keep: func(f [][]byte) bool {
			return set.has(bytesString(f[0]))
		}}
		return
	}
}
