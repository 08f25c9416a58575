package exec

import (
	"strings"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// ipv4Lookup is `evaluate ipv4_lookup(LookupTable, SourceIP, Range
// [, ExtraKey1, ...] [, return_unmatched=true])`: each input row is joined
// to the lookup row whose IPv4 range (CIDR or single address) holds its
// IP, the most specific range winning. Unmatched rows are dropped unless
// return_unmatched is true.
func (p *planner) ipv4Lookup(call *syntax.CallExpr, in node, sc *scope) (node, error) {
	var pos []syntax.Expr
	unmatched := false
	for _, a := range call.Args {
		if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) == 1 {
			if ne.Names[0].Name != "return_unmatched" {
				return nil, errAt(a.Span(), "ipv4_lookup: unknown argument %s", ne.Names[0].Name)
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
	if len(pos) < 3 {
		return nil, errAt(call.Loc, "ipv4_lookup(LookupTable, SourceIPColumn, IPv4RangeColumn [, extra keys...])")
	}
	lookup, src, rng, lk, rk, err := p.ipLookupArgs(pos, in, sc)
	if err != nil {
		return nil, err
	}
	inS, ls := in.schema(), lookup.schema()
	out := joinSchema(inS, ls)
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		h := &limHold{rt: rt, label: "ipv4_lookup"} // the lookup table, while held
		defer h.free()
		lb, err := collectCharged(rt, lookup, h)
		if err != nil {
			return err
		}
		idx := buildPrefixIndex(rng.eval(lb), evalAll(rk, lb), lb.Len)
		j := &joinRun{out: out}
		return in.run(rt, func(b *types.Batch) error {
			ips := src.eval(b)
			keys := evalAll(lk, b)
			var li, ri []int
			var buf []byte
			for r := 0; r < b.Len; r++ {
				buf = appendRowKey(buf[:0], keys, r)
				m := idx.find(types.FormatValue(ips.Value(r)), string(buf))
				if m >= 0 || unmatched {
					li, ri = append(li, r), append(ri, m)
				}
			}
			if len(li) == 0 {
				return nil
			}
			return emit(j.combine(b, lb, li, ri))
		})
	}}, nil
}

// prefixIndex finds the lookup row whose range holds an address: one map
// per prefix length, from the address masked to that length.
type prefixIndex struct {
	lens []int // prefix lengths present, longest first
	rows map[int]map[string]int
}

func buildPrefixIndex(ranges *types.Column, keys []*types.Column, n int) *prefixIndex {
	idx := &prefixIndex{rows: map[int]map[string]int{}}
	var buf []byte
	for r := 0; r < n; r++ {
		ip, prefix, ok := funcs.ParseIPv4(strings.TrimSpace(types.FormatValue(ranges.Value(r))))
		if !ok {
			continue
		}
		m, seen := idx.rows[prefix]
		if !seen {
			m = map[string]int{}
			idx.rows[prefix] = m
			idx.lens = append(idx.lens, prefix)
		}
		buf = appendRowKey(appendInt64(buf[:0], int64(ip&mask(prefix))), keys, r)
		if _, dup := m[string(buf)]; !dup {
			m[string(buf)] = r
		}
	}
	for i := 1; i < len(idx.lens); i++ { // sort longest prefix first
		for j := i; j > 0 && idx.lens[j] > idx.lens[j-1]; j-- {
			idx.lens[j], idx.lens[j-1] = idx.lens[j-1], idx.lens[j]
		}
	}
	return idx
}

func mask(prefix int) uint32 {
	if prefix <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - prefix)
}

// find returns the row of the most specific range holding addr, or -1.
func (idx *prefixIndex) find(addr, extraKey string) int {
	ip, _, ok := funcs.ParseIPv4(strings.TrimSpace(addr))
	if !ok {
		return -1
	}
	var buf []byte
	for _, l := range idx.lens {
		buf = append(appendInt64(buf[:0], int64(ip&mask(l))), extraKey...)
		if r, ok := idx.rows[l][string(buf)]; ok {
			return r
		}
	}
	return -1
}

// ipLookupArgs plans the arguments ipv4_lookup and ipv6_lookup share:
// the lookup table, the source address (over the input), the range column
// (over the lookup table) and the extra key columns, compiled on both sides.
func (p *planner) ipLookupArgs(pos []syntax.Expr, in node, sc *scope) (lookup node, src, rng *cexpr, lk, rk []*cexpr, err error) {
	lookup, err = p.tabular(pos[0], sc)
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	inS, ls := in.schema(), lookup.schema()
	if src, err = p.expr(pos[1], &env{schema: inS, sc: sc}); err != nil {
		return nil, nil, nil, nil, nil, err
	}
	if rng, err = p.expr(pos[2], &env{schema: ls, sc: sc}); err != nil {
		return nil, nil, nil, nil, nil, err
	}
	for _, k := range pos[3:] {
		l, err := p.expr(k, &env{schema: inS, sc: sc})
		if err != nil {
			return nil, nil, nil, nil, nil, err
		}
		r, err := p.expr(k, &env{schema: ls, sc: sc})
		if err != nil {
			return nil, nil, nil, nil, nil, err
		}
		lk, rk = append(lk, l), append(rk, r)
	}
	return lookup, src, rng, lk, rk, nil
}
