package exec

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"unsafe"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/types"
)

// Typed grouping: when every group key is a string or an int-stored
// value (int, long, datetime, timespan), summarize and distinct hash the
// key columns directly (no per-row key encoding or Value boxing) into an
// open-addressing table, and keep group state in paged column arrays
// (no object per group): keys in a byte arena, count() as an int64 per
// group. Other aggregates keep one accumulator per group and call.
// bin(TimeGenerated, 1h) is already a typed int64 column here (fastCall).

// tgPageBits sets the page size of group-state arrays (64Ki entries):
// pages never move, so growing costs no copy and no doubling peak.
const tgPageBits = 16

// tgPages is an append-only array stored in fixed-size pages.
type tgPages[T any] struct {
	pages [][]T
	n     int
	mem   *agMem // pages come from here (only for pointer-free T), else make
}

func (p *tgPages[T]) add(v T) {
	if p.n>>tgPageBits == len(p.pages) {
		var page []T
		if p.mem != nil {
			var z T
			page = agSlice[T](p.mem.bytes(int(unsafe.Sizeof(z))<<tgPageBits), 1<<tgPageBits)
		} else {
			page = make([]T, 1<<tgPageBits)
		}
		p.pages = append(p.pages, page)
	}
	p.pages[p.n>>tgPageBits][p.n&(1<<tgPageBits-1)] = v
	p.n++
}

func (p *tgPages[T]) at(i int) *T { return &p.pages[i>>tgPageBits][i&(1<<tgPageBits-1)] }

// tgArena stores key strings: each is a uvarint length and the bytes, in
// chunks that never move; a string is referenced by chunk<<32 | offset.
type tgArena struct {
	chunks [][]byte
	bytes  int64
	mem    *agMem // chunks come from here, else make
}

const tgChunk = 1 << 20

func (a *tgArena) add(s string) uint64 {
	need := binary.MaxVarintLen64 + len(s)
	if len(a.chunks) == 0 || cap(a.chunks[len(a.chunks)-1])-len(a.chunks[len(a.chunks)-1]) < need {
		var c []byte
		if a.mem != nil {
			c = a.mem.bytes(max(tgChunk, need))[:0]
		} else {
			c = make([]byte, 0, max(tgChunk, need))
		}
		a.chunks = append(a.chunks, c)
		a.bytes += int64(max(tgChunk, need))
	}
	ci := len(a.chunks) - 1
	c := a.chunks[ci]
	off := len(c)
	c = binary.AppendUvarint(c, uint64(len(s)))
	a.chunks[ci] = append(c, s...)
	return uint64(ci)<<32 | uint64(off)
}

// get returns the string at ref, viewing the arena (no copy).
func (a *tgArena) get(ref uint64) string {
	c := a.chunks[ref>>32]
	off := int(uint32(ref))
	n, k := binary.Uvarint(c[off:])
	if n == 0 {
		return ""
	}
	return unsafe.String(&c[off+k], int(n))
}

// tgKey is the state of one key column.
type tgKey struct {
	str   bool
	t     types.Type
	refs  tgPages[uint64] // str: arena refs
	ints  tgPages[int64]  // int-stored values
	nulls tgPages[bool]   // int-stored: null flags (only once a null was seen)
	any   bool            // some null seen
}

// tgTable is the typed grouper's state.
type tgTable struct {
	g       *grouper
	keys    []tgKey
	arena   tgArena
	slots   []uint64                     // tag<<32 | group+1; 0 = empty
	shift   uint                         // home slot of hash h: h >> shift (top bits)
	n       int                          // groups
	counts  []*tgPages[int64]            // per call: count() per group, else nil
	generic bool                         // some call keeps accumulators
	accs    tgPages[[]funcs.Accumulator] // per group, when generic
	seed    maphash.Seed
	mem     agMem // slots, number pages and key bytes (summarize_mem.go)
}

// typedGroups reports whether the grouper can run typed.
func (g *grouper) typedGroups() bool {
	if len(g.keys) == 0 {
		return false
	}
	for _, k := range g.keys {
		if k.t != types.String && !k.t.UsesInts() {
			return false
		}
	}
	return true
}

func newTGTable(g *grouper, seed maphash.Seed) *tgTable {
	t := &tgTable{g: g, seed: seed, shift: 64 - 10}
	t.slots = agSlice[uint64](t.mem.bytes(8*1024), 1024)
	t.arena.mem = &t.mem
	for _, k := range g.keys {
		t.keys = append(t.keys, tgKey{str: k.t == types.String, t: k.t,
			refs: tgPages[uint64]{mem: &t.mem}, ints: tgPages[int64]{mem: &t.mem}, nulls: tgPages[bool]{mem: &t.mem}})
	}
	for _, c := range g.calls {
		if c.f.Name == "count" && len(c.args) == 0 {
			t.counts = append(t.counts, &tgPages[int64]{mem: &t.mem})
		} else {
			t.counts = append(t.counts, nil)
			t.generic = true
		}
	}
	return t
}

// hashRow hashes row r of the key columns.
func (t *tgTable) hashRow(cols []*types.Column, r int) uint64 {
	var h uint64
	for i, c := range cols {
		var x uint64
		if t.keys[i].str {
			x = maphash.String(t.seed, c.Strs[r])
		} else if c.Nulls != nil && c.Nulls[r] {
			x = 0x9e3779b97f4a7c15
		} else {
			x = uint64(c.Ints[r])*0xbf58476d1ce4e5b9 ^ 0x94d049bb133111eb
			x ^= x >> 31
			x *= 0x9e3779b97f4a7c15
		}
		h = bits.RotateLeft64(h, 23) ^ x
		h *= 0xff51afd7ed558ccd
	}
	return h ^ h>>29
}

// equal reports whether group gi has row r's keys.
func (t *tgTable) equal(gi int, cols []*types.Column, r int) bool {
	for i, c := range cols {
		k := &t.keys[i]
		if k.str {
			if t.arena.get(*k.refs.at(gi)) != c.Strs[r] {
				return false
			}
			continue
		}
		rowNull := c.Nulls != nil && c.Nulls[r]
		gNull := k.any && *k.nulls.at(gi)
		if rowNull != gNull || !rowNull && *k.ints.at(gi) != c.Ints[r] {
			return false
		}
	}
	return true
}

// find returns row r's group, adding it when new (added reports that,
// with the bytes the new group holds).
func (t *tgTable) find(cols []*types.Column, r int, h uint64) (gi int, added int64) {
	mask := uint64(len(t.slots) - 1)
	tag := h >> 32
	for i := h >> t.shift; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			gi = t.n
			t.slots[i] = tag<<32 | uint64(gi+1)
			added = t.add(cols, r)
			if t.n*4 >= len(t.slots)*3 {
				t.grow()
			}
			return gi, added
		}
		if s>>32 == tag && t.equal(int(uint32(s))-1, cols, r) {
			return int(uint32(s)) - 1, 0
		}
	}
}

// add appends row r's keys as a new group and returns its size in bytes.
func (t *tgTable) add(cols []*types.Column, r int) int64 {
	size := int64(16) // two table slots at most
	for i, c := range cols {
		k := &t.keys[i]
		if k.str {
			s := c.Strs[r]
			k.refs.add(t.arena.add(s))
			size += int64(9 + len(s))
			continue
		}
		null := c.Nulls != nil && c.Nulls[r]
		if null && !k.any {
			k.any = true
			for j := 0; j < t.n; j++ {
				k.nulls.add(false)
			}
		}
		if k.any {
			k.nulls.add(null)
		}
		var v int64
		if !null {
			v = c.Ints[r]
		}
		k.ints.add(v)
		size += 9
	}
	for _, cp := range t.counts {
		if cp != nil {
			cp.add(0)
			size += 8
		}
	}
	if t.generic {
		accs := make([]funcs.Accumulator, len(t.g.calls))
		for i, c := range t.g.calls {
			if t.counts[i] == nil {
				accs[i] = c.f.New(c.argTs, c.consts)
				size += 64
			}
		}
		t.accs.add(accs)
		size += 24
	}
	t.n++
	return size
}

// grow doubles the table. A group's home slot is the top bits of its
// hash, which the slot's tag holds: no key is hashed again.
func (t *tgTable) grow() {
	slots := agSlice[uint64](t.mem.bytes(16*len(t.slots)), 2*len(t.slots))
	shift := t.shift - 1
	mask := uint64(len(slots) - 1)
	for _, s := range t.slots {
		if s == 0 {
			continue
		}
		i := s >> 32 << 32 >> shift
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = s
	}
	t.mem.release(agBytesOf(t.slots))
	t.slots, t.shift = slots, shift
}

// dropSlots gives back the slot table (no more lookups).
func (t *tgTable) dropSlots() {
	t.mem.release(agBytesOf(t.slots))
	t.slots = nil
}

// free gives back all the table's memory; the table is empty afterwards
// (a use would fail on a nil slice, never read freed memory).
func (t *tgTable) free() {
	t.slots = nil
	t.arena.chunks = nil
	for i := range t.keys {
		k := &t.keys[i]
		k.refs.pages, k.ints.pages, k.nulls.pages = nil, nil, nil
	}
	for _, cp := range t.counts {
		if cp != nil {
			cp.pages = nil
		}
	}
	t.n = 0
	t.mem.releaseAll()
}

// batch builds the group batch of groups lo..hi-1.
func (t *tgTable) batch(lo, hi int) *types.Batch {
	g := t.g
	n := hi - lo
	out := &types.Batch{Schema: g.post, Len: n, Cols: make([]*types.Column, len(g.post))}
	for i := range t.keys {
		k := &t.keys[i]
		c := &types.Column{Type: g.post[i].Type}
		if k.str {
			// copied out of the arena, which is freed after emission
			size := 0
			for j := 0; j < n; j++ {
				size += len(t.arena.get(*k.refs.at(lo + j)))
			}
			buf := make([]byte, 0, size)
			c.Strs = make([]string, n)
			for j := range c.Strs {
				s := t.arena.get(*k.refs.at(lo + j))
				if s == "" {
					continue
				}
				start := len(buf)
				buf = append(buf, s...)
				c.Strs[j] = unsafe.String(unsafe.SliceData(buf[start:]), len(s))
			}
		} else {
			c.Ints = make([]int64, n)
			for j := range c.Ints {
				c.Ints[j] = *k.ints.at(lo + j)
			}
			if k.any {
				c.Nulls = make([]bool, n)
				for j := range c.Nulls {
					c.Nulls[j] = *k.nulls.at(lo + j)
				}
			}
		}
		out.Cols[i] = c
	}
	col := len(t.keys)
	for i, c := range g.calls {
		if cp := t.counts[i]; cp != nil {
			oc := &types.Column{Type: types.Long, Ints: make([]int64, n)}
			for j := range oc.Ints {
				oc.Ints[j] = *cp.at(lo + j)
			}
			if c.outTs[0] != types.Long {
				oc = convertColumn(oc, c.outTs[0])
			}
			out.Cols[col] = oc
			col++
			continue
		}
		cols := make([]*types.Column, len(c.outTs))
		for j, ot := range c.outTs {
			cols[j] = types.NewColumn(ot, n)
		}
		for gi := lo; gi < hi; gi++ {
			for j, v := range aggValues(c, (*t.accs.at(gi))[i]) {
				cols[j].Append(convert(v, c.outTs[j]))
			}
		}
		for _, oc := range cols {
			out.Cols[col] = oc
			col++
		}
	}
	return out
}

// convertColumn converts a column value by value (rarely used: count()
// is long).
func convertColumn(c *types.Column, t types.Type) *types.Column {
	out := types.NewColumn(t, c.Len())
	for i := 0; i < c.Len(); i++ {
		out.Append(convert(c.Value(i), t))
	}
	return out
}
