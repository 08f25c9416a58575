package exec

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/huntpack/huntpack/kql/types"
)

// limJoinSmall is the row count under which a join side counts as small:
// the join first buffers up to this many left rows; when the left side
// ends within it and the right side does not, the hash table is built on
// the left and the right side is streamed (any join kind can be run
// either way round). Otherwise the right side is built, as Kusto does.
var limJoinSmall = 1 << 16

// joinRun executes one join or lookup.
type joinRun struct {
	kind        string
	keys        *joinKeys
	left, right node
	out         types.Schema
	label       string // operator and position, for limit errors
}

// run executes the join: it decides which side to build (see
// limJoinSmall), builds a typed hash index on it and streams the other
// side through it, emitting output in chunks of at most limChunkRows.
// The buffered and built sides are charged to MaxMemory while held and
// every output chunk while it is passed on; the context is checked per
// batch, per output chunk and every limCtxEvery rows of a build.
func (j *joinRun) run(rt *runtime, emit emitFunc) error {
	build := &limHold{rt: rt, label: j.label}
	defer build.free()
	buf := &limHold{rt: rt, label: j.label}
	defer buf.free()
	// If the left side is large: build the right side, stream the left.
	pr, lbuf, err := bufferThenProbe(rt, j.left, buf, func() (*joinProber, error) {
		rb, err := collectCharged(rt, j.right, build)
		if err != nil {
			return nil, err
		}
		return j.newProber(rt, rb, false, build)
	}, emit)
	if err != nil {
		return err
	}
	if pr != nil {
		return pr.finish(rt, emit)
	}
	return j.runSmallLeft(rt, lbuf, build, emit)
}

// runSmallLeft continues a join whose left side ended within
// limJoinSmall rows (lbuf): the right side is buffered up to the same
// size; if it ends there the right side is built (Kusto's orientation,
// output in left order), else the left side is built and the right side
// streamed through it.
func (j *joinRun) runSmallLeft(rt *runtime, lbuf []*types.Batch, build *limHold, emit emitFunc) error {
	rhold := &limHold{rt: rt, label: j.label}
	defer rhold.free()
	pr, rbuf, err := bufferThenProbe(rt, j.right, rhold, func() (*joinProber, error) {
		return j.newProber(rt, concatOrEmpty(j.left.schema(), lbuf), true, build)
	}, emit)
	if err != nil {
		return err
	}
	if pr != nil {
		return pr.finish(rt, emit)
	}
	p, err := j.newProber(rt, concatOrEmpty(j.right.schema(), rbuf), false, build)
	if err != nil {
		return err
	}
	for _, x := range lbuf {
		if err := p.probe(rt, x, emit); err != nil {
			return err
		}
	}
	return p.finish(rt, emit)
}

// bufferThenProbe runs src, buffering its batches (charged to hold) while
// they stay within limJoinSmall rows. Past that, switchTo builds a prober,
// the buffered batches are probed, the buffer is released and the rest of
// src streams through the prober. It returns the prober (nil when src ended
// within the limit) and otherwise the buffered batches.
func bufferThenProbe(rt *runtime, src node, hold *limHold, switchTo func() (*joinProber, error), emit emitFunc) (*joinProber, []*types.Batch, error) {
	var mu sync.Mutex
	var buf []*types.Batch
	rows := 0
	var pr *joinProber
	err := src.run(rt, func(b *types.Batch) error {
		if b.Len == 0 {
			return nil
		}
		mu.Lock()
		if pr != nil {
			p := pr
			mu.Unlock()
			return p.probe(rt, b, emit)
		}
		defer mu.Unlock()
		if err := limCheck(rt); err != nil {
			return err
		}
		if err := hold.add(limBatchBytes(b)); err != nil {
			return err
		}
		buf, rows = append(buf, b), rows+b.Len
		if rows <= limJoinSmall {
			return nil
		}
		p, err := switchTo()
		if err != nil {
			return err
		}
		for _, x := range buf {
			if err := p.probe(rt, x, emit); err != nil {
				return err
			}
		}
		buf = nil
		hold.free()
		pr = p
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return pr, buf, nil
}

func concatOrEmpty(s types.Schema, bs []*types.Batch) *types.Batch {
	if len(bs) == 0 {
		return emptyBatch(s)
	}
	return concat(s, bs)
}

// joinFlags say what a prober emits, by role (probe side streamed, build
// side indexed) rather than by left/right.
type joinFlags struct {
	pairs                  bool // matched pairs
	probeOuter, buildOuter bool // unmatched rows with nulls for the other side
	probeSemi, probeAnti   bool // probe rows with / without a match
	buildSemi, buildAnti   bool // build rows with / without a match (at the end)
	probeUnique            bool // innerunique, left streamed: first left row per key
	buildUnique            bool // innerunique, left built: first left row per key
}

func joinFlagsFor(kind string, buildLeft bool) joinFlags {
	var f joinFlags
	pl := !buildLeft // the probe side is the left side
	switch kind {
	case "inner":
		f.pairs = true
	case "innerunique":
		f.pairs, f.probeUnique, f.buildUnique = true, pl, !pl
	case "leftouter":
		f.pairs, f.probeOuter, f.buildOuter = true, pl, !pl
	case "rightouter":
		f.pairs, f.probeOuter, f.buildOuter = true, !pl, pl
	case "fullouter":
		f.pairs, f.probeOuter, f.buildOuter = true, true, true
	case "leftsemi":
		f.probeSemi, f.buildSemi = pl, !pl
	case "leftanti":
		f.probeAnti, f.buildAnti = pl, !pl
	case "rightsemi":
		f.probeSemi, f.buildSemi = !pl, pl
	case "rightanti":
		f.probeAnti, f.buildAnti = !pl, pl
	}
	return f
}

// joinProber holds the built side's index and streams probe batches.
type joinProber struct {
	j         *joinRun
	f         joinFlags
	buildLeft bool
	idx       *joinIndex
	probeKeys []*cexpr
	probeS    types.Schema
	// matched build rows and used keys (innerunique) are set by
	// concurrent probes, hence atomic.
	matched []atomic.Bool
	used    []atomic.Bool
}

// newProber builds the index over b (the left side when buildLeft).
func (j *joinRun) newProber(rt *runtime, b *types.Batch, buildLeft bool, h *limHold) (*joinProber, error) {
	f := joinFlagsFor(j.kind, buildLeft)
	bk, pk, ps := j.keys.right, j.keys.left, j.left.schema()
	if buildLeft {
		bk, pk, ps = j.keys.left, j.keys.right, j.right.schema()
	}
	idx, err := buildJoinIndex(rt, b, bk, pk, f.buildUnique, h)
	if err != nil {
		return nil, err
	}
	p := &joinProber{j: j, f: f, buildLeft: buildLeft, idx: idx, probeKeys: pk, probeS: ps}
	if f.buildOuter || f.buildSemi || f.buildAnti {
		p.matched = make([]atomic.Bool, b.Len)
	}
	if f.probeUnique {
		p.used = make([]atomic.Bool, b.Len)
	}
	if err := h.add(4 * int64(len(p.matched)+len(p.used))); err != nil { // atomic.Bool is 4 bytes
		return nil, err
	}
	return p, nil
}

// joinOut collects output row pairs and emits them in chunks.
type joinOut struct {
	p      *joinProber
	pb     *types.Batch
	pi, bi []int
	semi   []int // probe rows (semi/anti)
}

func (o *joinOut) flush(rt *runtime, emit emitFunc) error {
	if err := limCheck(rt); err != nil {
		return err
	}
	var b *types.Batch
	switch {
	case len(o.pi) > 0:
		b = o.p.combine(o.pb, o.pi, o.bi)
		o.pi, o.bi = o.pi[:0], o.bi[:0]
	case len(o.semi) > 0:
		b = gather(o.pb, o.semi)
		o.semi = o.semi[:0]
	default:
		return nil
	}
	return limTransient(rt, o.p.j.label, limBatchBytes(b), func() error { return emit(b) })
}

func (o *joinOut) pair(rt *runtime, emit emitFunc, pr, br int) error {
	o.pi, o.bi = append(o.pi, pr), append(o.bi, br)
	if len(o.pi) >= limChunkRows {
		return o.flush(rt, emit)
	}
	return nil
}

// probe streams one batch of the probe side through the index.
func (p *joinProber) probe(rt *runtime, pb *types.Batch, emit emitFunc) error {
	if err := limCheck(rt); err != nil {
		return err
	}
	cols := evalAll(p.probeKeys, pb)
	o := &joinOut{p: p, pb: pb}
	var buf []byte
	f := p.f
	for r := 0; r < pb.Len; r++ {
		var head int32
		head, buf = p.idx.find(cols, r, buf)
		switch {
		case f.probeSemi:
			if head >= 0 {
				o.semi = append(o.semi, r)
			}
			continue
		case f.probeAnti:
			if head < 0 {
				o.semi = append(o.semi, r)
			}
			continue
		}
		if head < 0 {
			if f.probeOuter {
				if err := o.pair(rt, emit, r, -1); err != nil {
					return err
				}
			}
			continue
		}
		if f.probeUnique && !p.used[head].CompareAndSwap(false, true) {
			continue // a left row of this key was joined already
		}
		for x := head; x >= 0; x = p.idx.next[x] {
			if p.matched != nil && !p.matched[x].Load() {
				p.matched[x].Store(true)
			}
			if f.pairs {
				if err := o.pair(rt, emit, r, int(x)); err != nil {
					return err
				}
			}
		}
	}
	return o.flush(rt, emit)
}

// finish emits what depends on the whole probe side: unmatched build rows
// (outer joins) and the build side's semi/anti rows.
func (p *joinProber) finish(rt *runtime, emit emitFunc) error {
	f := p.f
	if !f.buildOuter && !f.buildSemi && !f.buildAnti {
		return nil
	}
	var rows []int
	for x := range p.matched {
		if p.matched[x].Load() == f.buildSemi {
			rows = append(rows, x)
		}
	}
	b := p.idx.b
	for lo := 0; lo < len(rows); lo += limChunkRows {
		if err := limCheck(rt); err != nil {
			return err
		}
		part := rows[lo:min(lo+limChunkRows, len(rows))]
		var out *types.Batch
		if f.buildOuter {
			none := make([]int, len(part))
			for i := range none {
				none[i] = -1
			}
			out = p.combine(emptyBatch(p.probeS), none, part)
		} else {
			out = gather(b, part)
		}
		if err := limTransient(rt, p.j.label, limBatchBytes(out), func() error { return emit(out) }); err != nil {
			return err
		}
	}
	return nil
}

// combine builds output rows from probe rows pi and build rows bi (-1:
// null), left columns first.
func (p *joinProber) combine(pb *types.Batch, pi, bi []int) *types.Batch {
	lb, li, rb, ri := pb, pi, p.idx.b, bi
	if p.buildLeft {
		lb, li, rb, ri = p.idx.b, bi, pb, pi
	}
	out := &types.Batch{Schema: p.j.out, Len: len(pi), Cols: make([]*types.Column, 0, len(lb.Cols)+len(rb.Cols))}
	for _, c := range lb.Cols {
		out.Cols = append(out.Cols, limGatherNullable(c, li))
	}
	for _, c := range rb.Cols {
		out.Cols = append(out.Cols, limGatherNullable(c, ri))
	}
	return out
}

// limGatherNullable gathers rows idx of c; index -1 gives a null ("" for
// strings).
func limGatherNullable(c *types.Column, idx []int) *types.Column {
	neg := false
	for _, i := range idx {
		if i < 0 {
			neg = true
			break
		}
	}
	if !neg {
		return gatherColumn(c, idx)
	}
	out := &types.Column{Type: c.Type}
	switch {
	case c.Type.UsesStrs():
		out.Strs = make([]string, len(idx))
		for j, i := range idx {
			if i >= 0 {
				out.Strs[j] = c.Strs[i]
			}
		}
		return out
	case c.Type == types.Bool:
		out.Bools = make([]bool, len(idx))
		for j, i := range idx {
			if i >= 0 {
				out.Bools[j] = c.Bools[i]
			}
		}
	case c.Type.UsesInts():
		out.Ints = make([]int64, len(idx))
		for j, i := range idx {
			if i >= 0 {
				out.Ints[j] = c.Ints[i]
			}
		}
	case c.Type.UsesReals():
		out.Reals = make([]float64, len(idx))
		for j, i := range idx {
			if i >= 0 {
				out.Reals[j] = c.Reals[i]
			}
		}
	default:
		out.Dyns = make([]any, len(idx))
		for j, i := range idx {
			if i >= 0 {
				out.Dyns[j] = c.Dyns[i]
			}
		}
		return out
	}
	out.Nulls = make([]bool, len(idx))
	for j, i := range idx {
		out.Nulls[j] = i < 0 || (c.Nulls != nil && c.Nulls[i])
	}
	return out
}

// joinKeyMode is how a join hashes its keys.
type joinKeyMode uint8

const (
	jkBytes joinKeyMode = iota // canonical row key bytes (appendRowKey)
	jkStr                      // one string key on both sides
	jkInt                      // one integer-like key on both sides
)

// joinIndex maps key values of the built side to chains of its rows (in
// row order): head row per key, next row of the same key in next.
type joinIndex struct {
	mode     joinKeyMode
	b        *types.Batch
	keys     []*types.Column
	strs     map[string]int32
	ints     map[int64]int32
	raw      map[string]int32
	nullHead int32 // jkInt: chain of null keys; -1 when absent
	nullOK   bool  // jkInt: null keys match (same type on both sides)
	next     []int32
}

// pickJoinKeyMode chooses typed hashing when both sides have one key of
// the same kind; the typed keys match exactly when appendRowKey's bytes
// would (string kinds, int/long, datetime, timespan).
func pickJoinKeyMode(bk, pk []*cexpr) (joinKeyMode, bool) {
	if len(bk) != 1 {
		return jkBytes, false
	}
	a, b := bk[0].t, pk[0].t
	switch {
	case a.UsesStrs() && b.UsesStrs():
		return jkStr, false
	case a.IsIntegral() && b.IsIntegral():
		return jkInt, a == b
	case a == b && (a == types.DateTime || a == types.TimeSpan):
		return jkInt, true
	}
	return jkBytes, false
}

// buildJoinIndex indexes b by the keys bk (compared with probe keys pk).
// With unique only the first row of each key is kept.
func buildJoinIndex(rt *runtime, b *types.Batch, bk, pk []*cexpr, unique bool, h *limHold) (*joinIndex, error) {
	if b.Len > math.MaxInt32 {
		return nil, fmt.Errorf("%s: build side has %d rows, more than a join can index", h.label, b.Len)
	}
	mode, nullOK := pickJoinKeyMode(bk, pk)
	ix := &joinIndex{mode: mode, b: b, keys: evalAll(bk, b), nullHead: -1, nullOK: nullOK, next: make([]int32, b.Len)}
	switch mode {
	case jkStr:
		ix.strs = make(map[string]int32)
	case jkInt:
		ix.ints = make(map[int64]int32)
	default:
		ix.raw = make(map[string]int32)
	}
	var buf []byte
	link := func(r int) {
		var head *int32
		var h int32
		ok := false
		switch mode {
		case jkStr:
			s := ix.keys[0].Strs[r]
			h, ok = ix.strs[s]
			if !ok || !unique {
				if !ok {
					h = -1
				}
				ix.strs[s] = int32(r)
			}
		case jkInt:
			c := ix.keys[0]
			if c.Nulls != nil && c.Nulls[r] {
				head = &ix.nullHead
				h, ok = *head, *head >= 0
				if !ok || !unique {
					*head = int32(r)
				}
				break
			}
			h, ok = ix.ints[c.Ints[r]]
			if !ok || !unique {
				if !ok {
					h = -1
				}
				ix.ints[c.Ints[r]] = int32(r)
			}
		default:
			buf = appendRowKey(buf[:0], ix.keys, r)
			h, ok = ix.raw[string(buf)]
			if !ok || !unique {
				if !ok {
					h = -1
				}
				ix.raw[string(buf)] = int32(r)
			}
		}
		if unique {
			ix.next[r] = -1
		} else {
			ix.next[r] = h
		}
	}
	// Insert from the last row so that chains run in row order; with
	// unique, from the first row so that the first row of a key wins
	// (later rows of the key are not linked).
	for i := 0; i < b.Len; i++ {
		if i%limCtxEvery == 0 {
			if err := limCheck(rt); err != nil {
				return nil, err
			}
		}
		r := b.Len - 1 - i
		if unique {
			r = i
		}
		link(r)
	}
	n := int64(4 * b.Len)
	switch mode {
	case jkStr:
		n += 48 * int64(len(ix.strs))
	case jkInt:
		n += 32 * int64(len(ix.ints))
	default:
		n += 48 * int64(len(ix.raw))
		for k := range ix.raw {
			n += int64(len(k))
		}
	}
	if err := h.add(n); err != nil {
		return nil, err
	}
	return ix, nil
}

// find returns the first built row whose key equals row r of the probe
// key columns, or -1.
func (ix *joinIndex) find(cols []*types.Column, r int, buf []byte) (int32, []byte) {
	switch ix.mode {
	case jkStr:
		if h, ok := ix.strs[cols[0].Strs[r]]; ok {
			return h, buf
		}
		return -1, buf
	case jkInt:
		c := cols[0]
		if c.Nulls != nil && c.Nulls[r] {
			if ix.nullOK {
				return ix.nullHead, buf
			}
			return -1, buf
		}
		if h, ok := ix.ints[c.Ints[r]]; ok {
			return h, buf
		}
		return -1, buf
	}
	buf = appendRowKey(buf[:0], cols, r)
	if h, ok := ix.raw[string(buf)]; ok {
		return h, buf
	}
	return -1, buf
}

// combine builds output rows from left rows li and right rows ri (-1:
// null), for callers that pair rows themselves (ipv4_lookup).
func (j *joinRun) combine(lb, rb *types.Batch, li, ri []int) *types.Batch {
	out := &types.Batch{Schema: j.out, Len: len(li), Cols: make([]*types.Column, 0, len(lb.Cols)+len(rb.Cols))}
	for _, c := range lb.Cols {
		out.Cols = append(out.Cols, limGatherNullable(c, li))
	}
	for _, c := range rb.Cols {
		out.Cols = append(out.Cols, limGatherNullable(c, ri))
	}
	return out
}
