package exec

import (
	"math/bits"
	"unsafe"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// rawNode is a predicate over raw field text, pushed down to readers.
// Leaves test one string column; inner nodes are and/or.
type rawNode struct {
	and, or  bool
	kids     []*rawNode
	col      string
	test     func(s string) bool
	position int
	set      *iocSet // the set test is set.has of, if it is one (compiled inline)
}

// rawFilter derives a conservative pre-filter from a where predicate on
// a scanned table, or nil when no part of it can be pushed down. Only
// string columns are used: their raw text equals their value.
func (p *planner) rawFilter(pred syntax.Expr, full types.Schema, sc *scope) *types.RawFilter {
	root := p.rawNodeOf(pred, full, sc)
	if root == nil {
		return nil
	}
	pos := map[string]int{}
	var cols []string
	var assign func(n *rawNode)
	assign = func(n *rawNode) {
		if n.test != nil {
			i, ok := pos[n.col]
			if !ok {
				i = len(cols)
				pos[n.col] = i
				cols = append(cols, n.col)
			}
			n.position = i
		}
		for _, k := range n.kids {
			assign(k)
		}
	}
	assign(root)
	keep := compileRaw(root)
	return &types.RawFilter{Columns: cols, Keep: keep}
}

func compileRaw(n *rawNode) func(fields [][]byte) bool {
	if f := jxCompileSets(n); f != nil {
		return f
	}
	if n.test != nil {
		i, test := n.position, n.test
		return func(fields [][]byte) bool { return test(bytesString(fields[i])) }
	}
	a, b := compileRaw(n.kids[0]), compileRaw(n.kids[1])
	if n.and {
		return func(f [][]byte) bool { return a(f) && b(f) }
	}
	return func(f [][]byte) bool { return a(f) || b(f) }
}

// bytesString views b as a string without copying; the string must not
// outlive the call it is passed to.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func (p *planner) rawNodeOf(e syntax.Expr, full types.Schema, sc *scope) *rawNode {
	switch x := e.(type) {
	case *syntax.ParenExpr:
		return p.rawNodeOf(x.X, full, sc)
	case *syntax.BinaryExpr:
		switch x.Op {
		case syntax.OpAnd, syntax.OpOr:
			l, r := p.rawNodeOf(x.X, full, sc), p.rawNodeOf(x.Y, full, sc)
			if x.Op == syntax.OpAnd {
				switch {
				case l == nil:
					return r
				case r == nil:
					return l
				}
				return &rawNode{and: true, kids: []*rawNode{l, r}}
			}
			if l == nil || r == nil {
				return nil
			}
			return &rawNode{or: true, kids: []*rawNode{l, r}}
		}
		col, ok := stringColumn(x.X, full)
		if !ok {
			return nil
		}
		k, ok := p.constString(x.Y, sc)
		if !ok {
			return nil
		}
		var test func(string) bool
		switch x.Op {
		case syntax.OpEq:
			test = func(s string) bool { return s == k }
		case syntax.OpEqCi:
			test = func(s string) bool { return funcs.EqualFold(s, k) }
		case syntax.OpHas, syntax.OpHasCs:
			test = func(s string) bool { return funcs.Has(s, k) }
		case syntax.OpContains, syntax.OpContainsCs:
			test = func(s string) bool { return funcs.Contains(s, k) }
		default:
			return nil
		}
		return &rawNode{col: col, test: test}
	case *syntax.InExpr:
		col, ok := stringColumn(x.X, full)
		if !ok {
			return nil
		}
		if n := p.rawSetNode(x, col, sc); n != nil {
			return n
		}
		vals, ok := p.constList(x.List, sc)
		if !ok {
			return nil
		}
		switch x.Op {
		case syntax.OpIn, syntax.OpInCi:
			fold := x.Op == syntax.OpInCi
			set := map[string]struct{}{}
			for _, v := range vals {
				s := types.FormatValue(v)
				if fold {
					s = lowerASCII(s)
				}
				set[s] = struct{}{}
			}
			return &rawNode{col: col, test: func(s string) bool {
				if fold {
					s = lowerASCII(s)
				}
				_, ok := set[s]
				return ok
			}}
		case syntax.OpHasAny:
			var terms []string
			for _, v := range vals {
				terms = append(terms, types.FormatValue(v))
			}
			ts := funcs.NewTermSet(terms, false)
			return &rawNode{col: col, test: ts.Match}
		}
	}
	return nil
}

// rawSetNode is the raw filter leaf of an in/in~/has_any over a constant
// list of strings, sharing the query's cached set; nil otherwise.
func (p *planner) rawSetNode(x *syntax.InExpr, col string, sc *scope) *rawNode {
	if iocSetsDisabled || x.Op != syntax.OpIn && x.Op != syntax.OpInCi && x.Op != syntax.OpHasAny {
		return nil
	}
	var konsts []*types.Value
	for _, e := range x.List {
		if p.isTabular(e, sc) {
			return nil
		}
		c, err := p.expr(e, &env{sc: sc})
		if err != nil || c.konst == nil {
			return nil
		}
		konsts = append(konsts, c.konst)
	}
	if x.Op == syntax.OpHasAny {
		if ts := p.termSetOf(konsts); ts != nil {
			return &rawNode{col: col, test: ts.Match}
		}
		return nil
	}
	if set := p.iocSetOf(konsts, x.Op == syntax.OpInCi); set != nil {
		return &rawNode{col: col, test: set.has, set: set}
	}
	return nil
}

// stringColumn reports whether e names a string column of the table.
func stringColumn(e syntax.Expr, full types.Schema) (string, bool) {
	id, ok := e.(*syntax.Ident)
	if !ok {
		return "", false
	}
	i := full.Index(id.Name)
	if i < 0 || full[i].Type != types.String {
		return "", false
	}
	return id.Name, true
}

// constString evaluates e as a constant string, if it is one.
func (p *planner) constString(e syntax.Expr, sc *scope) (string, bool) {
	c, err := p.expr(e, &env{sc: sc})
	if err != nil || c.konst == nil || c.t != types.String {
		return "", false
	}
	return c.konst.S, true
}

// constList evaluates an in-list of constants (dynamic arrays flattened).
func (p *planner) constList(es []syntax.Expr, sc *scope) ([]types.Value, bool) {
	var vals []types.Value
	for _, e := range es {
		if p.isTabular(e, sc) {
			return nil, false
		}
		c, err := p.expr(e, &env{sc: sc})
		if err != nil || c.konst == nil {
			return nil, false
		}
		vals = flatten(*c.konst, vals)
	}
	for _, v := range vals {
		if v.IsNull() {
			return nil, false
		}
	}
	return vals, true
}

// IOC sets: the constant lists of `in`, `in~`, `!in`, `!in~` and
// `has_any`, usually one let-bound dynamic array of thousands of IPs or
// domains used several times in a query (`DestinationIP in (iocs) or
// SourceIP in (iocs)`, plus the raw pre-filter). Each distinct list is
// built into a set once per query (planner.iocSets, keyed by the array's
// identity). A set of strings stores canonical dotted-quad IPv4 addresses
// as uint32s in an open-addressing table, so a 1,000,000-IP list costs a
// parse of the row's text and one probe of a flat array, like a 10-IP
// list; other strings go to a Go map.

// iocSetsDisabled turns the cached sets off (tests compare with the
// general code).
var iocSetsDisabled bool

// iocKey identifies a constant list: the backing array of its dynamic
// array (the let value's, shared by every use) and how it is used.
type iocKey struct {
	data unsafe.Pointer
	n    int
	kind uint8 // iocIn, iocInFold, iocTerms
}

const (
	iocIn = iota
	iocInFold
	iocTerms
)

// iocStrings returns the strings of a constant in-list when every
// element is a string (a string constant or a dynamic array of strings),
// and the identity of the list when it is one dynamic array.
func iocStrings(konsts []*types.Value) ([]string, unsafe.Pointer, bool) {
	var arr []any
	n := 0
	for _, k := range konsts {
		switch {
		case k == nil:
			return nil, nil, false
		case k.T == types.String:
			n++
		case k.T == types.Dynamic:
			a, ok := k.D.([]any)
			if !ok {
				return nil, nil, false
			}
			arr = a
			n += len(a)
		default:
			return nil, nil, false
		}
	}
	out := make([]string, 0, n)
	for _, k := range konsts {
		if k.T == types.String {
			out = append(out, k.S)
			continue
		}
		for _, e := range k.D.([]any) {
			s, ok := e.(string)
			if !ok {
				return nil, nil, false
			}
			out = append(out, s)
		}
	}
	var id unsafe.Pointer
	if len(konsts) == 1 && len(arr) > 0 {
		id = unsafe.Pointer(unsafe.SliceData(arr))
	}
	return out, id, true
}

// iocSetOf returns the (cached) set for a constant list of strings, or
// nil when the list has other values.
func (p *planner) iocSetOf(konsts []*types.Value, fold bool) *iocSet {
	kind := uint8(iocIn)
	if fold {
		kind = iocInFold
	}
	v, ok := p.iocCached(konsts, kind, func(strs []string) any { return newIOCSet(strs, fold) })
	if !ok {
		return nil
	}
	return v.(*iocSet)
}

// termSetOf returns the (cached) has_any term set of a constant list of
// strings, or nil.
func (p *planner) termSetOf(konsts []*types.Value) *funcs.TermSet {
	v, ok := p.iocCached(konsts, iocTerms, func(strs []string) any { return funcs.NewTermSet(strs, false) })
	if !ok {
		return nil
	}
	return v.(*funcs.TermSet)
}

func (p *planner) iocCached(konsts []*types.Value, kind uint8, build func([]string) any) (any, bool) {
	// A cheap look at the identity first: the strings are only copied
	// out of the array when the set is not built yet.
	if len(konsts) == 1 && konsts[0] != nil && konsts[0].T == types.Dynamic {
		if a, ok := konsts[0].D.([]any); ok && len(a) > 0 {
			if v, ok := p.iocSets[iocKey{unsafe.Pointer(unsafe.SliceData(a)), len(a), kind}]; ok {
				return v, true
			}
		}
	}
	strs, id, ok := iocStrings(konsts)
	if !ok {
		return nil, false
	}
	v := build(strs)
	if id != nil {
		if p.iocSets == nil {
			p.iocSets = map[iocKey]any{}
		}
		p.iocSets[iocKey{id, len(strs), kind}] = v
	}
	return v, true
}

// iocSet is a set of strings; with fold, ASCII letters are folded on
// both sides (in~).
type iocSet struct {
	fold bool
	ips  ipv4Set
	strs map[string]struct{}
	// sieve answers most probes of a set of addresses and no other
	// strings (for a large set it is as big as the /24 bitmap, and
	// spares the parse as well);
	// nil otherwise (rawfilter_sieve.go).
	sieve *jxSieve
}

func newIOCSet(strs []string, fold bool) *iocSet {
	s := &iocSet{fold: fold}
	s.ips.init(len(strs))
	sieve := jxSieveFor(len(strs))
	for _, x := range strs {
		if ip, ok := parseIPv4(x); ok {
			s.ips.add(ip)
			if sieve != nil {
				sieve.add(x)
			}
			continue
		}
		if s.strs == nil {
			s.strs = map[string]struct{}{}
		}
		if fold {
			x = lowerASCII(x)
		}
		s.strs[x] = struct{}{}
	}
	if s.strs == nil {
		s.sieve = sieve
	}
	return s
}

// has reports whether x is in the set. A canonical IPv4 address equals a
// string of the set only if that string is the same address, so it is
// only looked up among the addresses.
func (s *iocSet) has(x string) bool {
	if s.sieve != nil && !s.sieve.mayHave(x) {
		return false // not the text of an address of the set, and no other strings
	}
	return s.hasExact(x)
}

// hasExact is has after the sieve (for callers that probed it inline).
func (s *iocSet) hasExact(x string) bool {
	if ip, ok := parseIPv4(x); ok {
		return s.ips.has(ip)
	}
	if s.strs == nil {
		return false
	}
	if s.fold {
		x = lowerASCII(x)
	}
	_, ok := s.strs[x]
	return ok
}

// parseIPv4 parses a canonical dotted-quad IPv4 address (four decimal
// numbers 0-255 without leading zeros), the only text that is stored as
// a number: any other text keeps exact string semantics.
func parseIPv4(s string) (uint32, bool) {
	if len(s) < 7 || len(s) > 15 {
		return 0, false
	}
	var ip uint32
	i := 0
	for part := 0; ; part++ {
		d := uint32(s[i]) - '0'
		if d > 9 {
			return 0, false
		}
		i++
		if i < len(s) {
			if d2 := uint32(s[i]) - '0'; d2 <= 9 {
				if d == 0 {
					return 0, false // leading zero
				}
				d = d*10 + d2
				i++
				if i < len(s) {
					if d3 := uint32(s[i]) - '0'; d3 <= 9 {
						d = d*10 + d3
						i++
						if d > 255 {
							return 0, false
						}
					}
				}
			}
		}
		ip = ip<<8 | d
		if part == 3 {
			return ip, i == len(s)
		}
		if i+1 >= len(s) || s[i] != '.' {
			return 0, false
		}
		i++
	}
}

// ipv4Set is an open-addressing hash set of uint32 (0.0.0.0 kept apart,
// as 0 marks an empty slot), at most half full. A large set (whose table
// outgrows the CPU caches) has bitmaps of the /16 (8 KB) and /24 (2 MB)
// prefixes it holds in front: most addresses of a log are in no IOC's
// /24 and are answered there.
type ipv4Set struct {
	slots  []uint32
	shift  uint
	zero   bool
	nets   []uint64 // bit p: some address in the /24 p; nil for small sets
	nets16 []uint64 // bit p: some address in the /16 p (8 KB, stays in L1)
}

// ipv4NetsFrom is the set size from which the /24 bitmap is used.
const ipv4NetsFrom = 1 << 15

func (s *ipv4Set) init(n int) {
	size := 16
	for size < 2*n {
		size *= 2
	}
	s.slots = make([]uint32, size)
	s.shift = uint(32 - bits.TrailingZeros(uint(size)))
	if n >= ipv4NetsFrom {
		s.nets = make([]uint64, 1<<24/64)
		s.nets16 = make([]uint64, 1<<16/64)
	}
}

// slot is the home slot of ip: the top bits of a mixed ip (feeds are
// often runs of neighbouring addresses).
func (s *ipv4Set) slot(ip uint32) uint32 {
	h := ip ^ ip>>16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h >> s.shift
}

func (s *ipv4Set) add(ip uint32) {
	if ip == 0 {
		s.zero = true
		return
	}
	if s.nets != nil {
		s.nets[ip>>14] |= 1 << (ip >> 8 & 63)
		s.nets16[ip>>22] |= 1 << (ip >> 16 & 63)
	}
	mask := uint32(len(s.slots) - 1)
	for i := s.slot(ip); ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			s.slots[i] = ip
			return
		case ip:
			return
		}
	}
}

func (s *ipv4Set) has(ip uint32) bool {
	if ip == 0 {
		return s.zero
	}
	if s.nets != nil && (s.nets16[ip>>22]&(1<<(ip>>16&63)) == 0 || s.nets[ip>>14]&(1<<(ip>>8&63)) == 0) {
		return false
	}
	mask := uint32(len(s.slots) - 1)
	for i := s.slot(ip); ; i = (i + 1) & mask {
		switch s.slots[i] {
		case ip:
			return true
		case 0:
			return false
		}
	}
}

// constSetExpr compiles `x in (constants)` (and !in, in~, !in~) and
// `x has_any (constants)` for a string x over a constant list of strings
// with the query's cached set; nil means the caller's general code.
func (p *planner) constSetExpr(op syntax.Op, x *cexpr, list []*cexpr, span syntax.Span) *cexpr {
	if x.t != types.String || iocSetsDisabled {
		return nil
	}
	konsts := make([]*types.Value, len(list))
	for i, c := range list {
		konsts[i] = c.konst
	}
	switch op {
	case syntax.OpIn, syntax.OpNotIn, syntax.OpInCi, syntax.OpNotInCi:
		set := p.iocSetOf(konsts, op == syntax.OpInCi || op == syntax.OpNotInCi)
		if set == nil {
			return nil
		}
		if op == syntax.OpNotIn || op == syntax.OpNotInCi {
			return strPredExpr(x, func(s string) bool { return !set.has(s) }, span)
		}
		return strPredExpr(x, set.has, span)
	case syntax.OpHasAny:
		if ts := p.termSetOf(konsts); ts != nil {
			return strPredExpr(x, ts.Match, span)
		}
	}
	return nil
}
