package exec

import (
	"hash/maphash"
	goruntime "runtime"
	"sync"
	"sync/atomic"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/types"
)

// Sharded typed grouping: summarize starts with one table (groups come
// out in first-seen order, as small inputs always did); once it holds
// agSplitAt groups it is split into agShardCount tables by the low bits
// of the key hash, each with its own lock, so the scan workers insert
// into different shards at the same time instead of queueing on one
// lock. A group lives in exactly one shard: no merge at the end, the
// shards are emitted one after the other.

// agBallastSize is the size of the ballast a large summarize keeps: its
// group state is off the Go heap (summarize_mem.go), so the GC's heap
// goal would follow only the few MB of batches in flight and collect
// every few MB allocated (hundreds of cycles, 15% of the CPU on the
// bench's summarize); a never-touched block of this size on the heap
// (virtual memory: no pages are faulted in) spaces the cycles out again,
// at the cost of up to about this much garbage.
const agBallastSize = 64 << 20

// agNewBallast allocates the ballast.
func agNewBallast() *[]byte {
	b := make([]byte, agBallastSize)
	return &b
}

// agSplitAt is the group count at which the single table is split (a
// variable so tests can split small inputs).
var agSplitAt = 1 << 16

// agShardBits sets the number of shards (16: with 2-8 workers two rarely
// want the same shard at once).
const agShardBits = 4

// agShard is one table of the grouping with its lock and the charge of
// its growing aggregates.
type agShard struct {
	mu      sync.Mutex
	t       *tgTable
	aggMem  limAggCharge
	retired bool // split into the shards of a newer agShards
	_       [64]byte
}

// agShards is the current list of shards: one, or 1<<agShardBits.
type agShards struct {
	list   []*agShard
	tables []*tgTable // the shards' tables, kept to free them at the end
}

// agBatch is one input batch's evaluated keys, arguments and hashes.
type agBatch struct {
	keyCols []*types.Column
	argCols [][]*types.Column
	argBufs [][]types.Value
	hashes  []uint64
}

// runTyped is grouper.run for typed keys: it groups every row of in and
// calls out with the group batch (keys, then aggregate outputs) in
// chunks of types.BatchSize groups.
func (g *grouper) runTyped(rt *runtime, in node, out func(*types.Batch) error) error {
	seed := maphash.MakeSeed()
	var cur atomic.Pointer[agShards]
	first := newTGTable(g, seed)
	cur.Store(&agShards{list: []*agShard{{t: first}}})
	var held atomic.Int64
	var ballast atomic.Pointer[[]byte]
	defer func() {
		goruntime.KeepAlive(ballast.Load())
		rt.release(held.Load())
		ss := cur.Load()
		for _, sh := range ss.list {
			sh.aggMem.free(rt)
		}
		// every table's memory, whether emitted or not (errors, take)
		first.free()
		for _, t := range ss.tables {
			t.free()
		}
	}()
	err := in.run(rt, func(b *types.Batch) error {
		if err := rt.ctx.Err(); err != nil {
			return err
		}
		ab := g.agEval(b, cur.Load().list[0].t)
		for {
			ss := cur.Load()
			if len(ss.list) > 1 {
				return ab.addSharded(rt, ss, &held)
			}
			sh := ss.list[0]
			sh.mu.Lock()
			if sh.retired {
				sh.mu.Unlock()
				continue
			}
			err := sh.addRows(rt, ab, nil, b.Len, &held)
			if err == nil && sh.t.n >= agSplitAt {
				cur.Store(agSplit(sh, seed))
				sh.retired = true
				ballast.Store(agNewBallast())
			}
			sh.mu.Unlock()
			return err
		}
	})
	if err != nil {
		return err
	}
	return agEmit(cur.Load().list, out)
}

// agEmit emits the groups of the shards: one table in order; several
// from up to GOMAXPROCS goroutines (out may be called concurrently, as
// by a parallel scan), each shard's groups in chunks of types.BatchSize.
func agEmit(list []*agShard, out func(*types.Batch) error) error {
	for _, sh := range list {
		sh.t.dropSlots() // lookups are over
	}
	var next atomic.Int32
	var failed atomic.Bool
	work := func() error {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(list) || failed.Load() {
				return nil
			}
			t := list[i].t
			for lo := 0; lo < t.n; lo += types.BatchSize {
				if err := out(t.batch(lo, min(lo+types.BatchSize, t.n))); err != nil {
					failed.Store(true)
					return err
				}
				if failed.Load() {
					return nil
				}
			}
			t.free() // the batches hold copies of the keys
		}
	}
	workers := min(goruntime.GOMAXPROCS(0), len(list))
	if workers <= 1 {
		return work()
	}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = work()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// agEval evaluates the key and argument columns of b and hashes its rows
// (no lock needed: t is only read for its seed and key kinds).
func (g *grouper) agEval(b *types.Batch, t *tgTable) *agBatch {
	ab := &agBatch{keyCols: make([]*types.Column, len(g.keys)), argCols: make([][]*types.Column, len(g.calls))}
	for i, k := range g.keys {
		ab.keyCols[i] = k.eval(b)
	}
	for i, c := range g.calls {
		if t.counts[i] != nil {
			continue
		}
		for _, a := range c.args {
			ab.argCols[i] = append(ab.argCols[i], a.eval(b))
		}
	}
	ab.hashes = make([]uint64, b.Len)
	for r := range ab.hashes {
		ab.hashes[r] = t.hashRow(ab.keyCols, r)
	}
	ab.argBufs = make([][]types.Value, len(ab.argCols))
	for i, cols := range ab.argCols {
		ab.argBufs[i] = make([]types.Value, len(cols))
	}
	return ab
}

// addSharded adds the batch's rows to their shards, taking whichever
// shard lock is free first.
func (ab *agBatch) addSharded(rt *runtime, ss *agShards, held *atomic.Int64) error {
	const n = 1 << agShardBits
	var start [n + 1]int32
	for _, h := range ab.hashes {
		start[h&(n-1)+1]++
	}
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	rows := make([]int32, len(ab.hashes))
	next := start
	for r, h := range ab.hashes {
		s := h & (n - 1)
		rows[next[s]] = int32(r)
		next[s]++
	}
	var pending [n]int
	np := 0
	for s := 0; s < n; s++ {
		if start[s+1] > start[s] {
			pending[np] = s
			np++
		}
	}
	for np > 0 {
		took := -1
		for i := 0; i < np; i++ {
			if ss.list[pending[i]].mu.TryLock() {
				took = i
				break
			}
		}
		if took < 0 {
			took = 0
			ss.list[pending[0]].mu.Lock()
		}
		s := pending[took]
		pending[took] = pending[np-1]
		np--
		sh := ss.list[s]
		rs := rows[start[s]:start[s+1]]
		err := sh.addRows(rt, ab, rs, len(rs), held)
		sh.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// addRows adds rows (nil: the first n rows) of ab to the shard's table
// and charges what it grew by. The caller holds sh.mu.
func (sh *agShard) addRows(rt *runtime, ab *agBatch, rows []int32, n int, held *atomic.Int64) error {
	t := sh.t
	var grown int64
	if len(t.slots) >= agPrefetchFrom {
		agTouch(t, ab.hashes, rows, n)
	}
	for k := 0; k < n; k++ {
		r := k
		if rows != nil {
			r = int(rows[k])
		}
		gi, added := t.find(ab.keyCols, r, ab.hashes[r])
		grown += added
		for _, cp := range t.counts {
			if cp != nil {
				*cp.at(gi)++
			}
		}
		if !t.generic {
			continue
		}
		accs := *t.accs.at(gi)
		sh.aggMem.touch(gi, accs)
		for i, cols := range ab.argCols {
			if t.counts[i] != nil {
				continue
			}
			args := ab.argBufs[i]
			for j, c := range cols {
				args[j] = c.Value(r)
			}
			accs[i].Add(args)
		}
	}
	if grown > 0 {
		held.Add(grown)
		if err := rt.reserve("summarize", grown); err != nil {
			return err
		}
	}
	if !t.generic {
		return nil
	}
	return sh.aggMem.flush(rt, "summarize", func(gi int) []funcs.Accumulator { return *t.accs.at(gi) })
}

// agSplit moves the groups of sh (in first-seen order) into new shards
// by the low bits of their hash. The charge of growing aggregates moves
// with them. The caller holds sh.mu.
func agSplit(sh *agShard, seed maphash.Seed) *agShards {
	src := sh.t
	ss := &agShards{list: make([]*agShard, 1<<agShardBits)}
	for i := range ss.list {
		ss.list[i] = &agShard{t: newTGTable(src.g, seed)}
		ss.tables = append(ss.tables, ss.list[i].t)
	}
	sized := sh.aggMem.sized
	for gi := 0; gi < src.n; gi++ {
		h := src.hashGroup(gi)
		dst := ss.list[h&(1<<agShardBits-1)]
		ni := dst.t.moveFrom(src, gi, h)
		if sized {
			m := &dst.aggMem
			m.checked, m.sized, m.epoch = true, true, 1
			for ni >= len(m.sizes) {
				m.sizes = append(m.sizes, 0)
				m.stamp = append(m.stamp, 0)
			}
			m.sizes[ni] = sh.aggMem.sizes[gi]
			m.held += sh.aggMem.sizes[gi]
		}
	}
	if sized {
		sh.aggMem.held = 0
	}
	src.free() // every key was copied
	return ss
}

// hashGroup is hashRow of group gi's keys.
func (t *tgTable) hashGroup(gi int) uint64 {
	cols := make([]*types.Column, len(t.keys))
	for i := range t.keys {
		k := &t.keys[i]
		c := &types.Column{Type: k.t}
		if k.str {
			c.Strs = []string{t.arena.get(*k.refs.at(gi))}
		} else {
			c.Ints = []int64{*k.ints.at(gi)}
			if k.any && *k.nulls.at(gi) {
				c.Nulls = []bool{true}
			}
		}
		cols[i] = c
	}
	return t.hashRow(cols, 0)
}

// moveFrom adds group gi of src (hash h, a key t does not hold yet) with
// its counts and accumulators, and returns its index in t.
func (t *tgTable) moveFrom(src *tgTable, gi int, h uint64) int {
	ni := t.n
	mask := uint64(len(t.slots) - 1)
	i := h >> t.shift
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = h>>32<<32 | uint64(ni+1)
	for ki := range t.keys {
		k, sk := &t.keys[ki], &src.keys[ki]
		if k.str {
			k.refs.add(t.arena.add(src.arena.get(*sk.refs.at(gi))))
			continue
		}
		null := sk.any && *sk.nulls.at(gi)
		if null && !k.any {
			k.any = true
			for j := 0; j < t.n; j++ {
				k.nulls.add(false)
			}
		}
		if k.any {
			k.nulls.add(null)
		}
		k.ints.add(*sk.ints.at(gi))
	}
	for ci, cp := range t.counts {
		if cp != nil {
			cp.add(*src.counts[ci].at(gi))
		}
	}
	if t.generic {
		t.accs.add(*src.accs.at(gi))
	}
	t.n++
	if t.n*4 >= len(t.slots)*3 {
		t.grow()
	}
	return ni
}

// agPrefetchFrom is the slot count from which addRows first reads the
// home slot of every row: the table no longer fits in the caches, and
// these loads do not depend on each other, so the CPU overlaps their
// misses; the finds that follow then hit the cache.
const agPrefetchFrom = 1 << 16

// agTouched keeps agTouch's sum alive so the loads are not dropped.
var agTouched atomic.Uint64

// agTouch loads the home slot of the rows (nil: the first n).
func agTouch(t *tgTable, hashes []uint64, rows []int32, n int) {
	var sum uint64
	slots, shift := t.slots, t.shift
	if rows == nil {
		for _, h := range hashes[:n] {
			sum += slots[h>>shift]
		}
	} else {
		for _, r := range rows[:n] {
			sum += slots[hashes[r]>>shift]
		}
	}
	if sum == 1 {
		agTouched.Add(1)
	}
}
