package logs

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/input"
	"github.com/huntpack/huntpack/logs/jsonl"
)

// Parallel scans of JSON lines cut the file at line ends found by a short
// read at each cut (input.SplitLines) instead of counting every line
// before the scan starts (input.SplitRanges reads the file up to its last
// cut: for a 3 GB file about 0.15 s before any worker starts). The lines
// of each range are numbered from 1; the few records with warnings get
// their file line numbers afterwards, from one counting pass made only
// when some part has warnings (jxLineIndex).

// jxRangesPerWorker is how many ranges a JSON lines file is cut into per
// worker: small ranges even out workers slowed by other processes.
const jxRangesPerWorker = 8

// jxMinRange is the smallest range worth a part of its own (a variable
// so tests can lower it).
var jxMinRange int64 = 1 << 20

// jxLineItems cuts a splittable JSON lines file into work items whose
// line numbers are relative to their range.
func jxLineItems(f *File, workers int) ([]work, error) {
	n := max(1, min(workers*jxRangesPerWorker, int(f.Size/jxMinRange)))
	rs, err := input.SplitLines(f.Path, n)
	if err != nil {
		return nil, err
	}
	idx := &jxLineIndex{path: f.Path, unknown: &jsonl.UnknownKeys{}}
	out := make([]work, len(rs))
	for i := range rs {
		rs[i].FirstLine = 1 // relative: see jxLineIndex
		idx.offsets = append(idx.offsets, rs[i].Offset)
		out[i] = work{f: f, rng: &rs[i], first: i == 0, lines: idx, part: i}
	}
	return out, nil
}

// jxLineIndex gives the line number before each range of a file, counted
// once, on first use.
type jxLineIndex struct {
	path    string
	offsets []int64 // ascending
	once    sync.Once
	bases   []int64
	err     error
	// unknown is shared by the parts' sources: a key that is not a
	// column is reported once per file, as in a whole-file scan.
	unknown *jsonl.UnknownKeys
}

// base is the number of lines of the file before range part.
func (x *jxLineIndex) base(part int) (int64, error) {
	x.once.Do(func() { x.bases, x.err = input.LineBases(x.path, x.offsets) })
	if x.err != nil {
		return 0, x.err
	}
	return x.bases[part], nil
}

// jxForwarder passes on what a part's sink counts in local to the
// scan's stats: row and malformed counts as they grow, the warnings, with
// their line numbers made the file's, when the part is done.
type jxForwarder struct {
	idx        *jxLineIndex
	part       int
	local, to  *types.ScanStats
	rows, errs int64 // counts passed on so far
}

// wrap returns emit, passing the counts on before each batch.
func (f *jxForwarder) wrap(emit func(*types.Batch) error) func(*types.Batch) error {
	return func(b *types.Batch) error {
		f.counts()
		return emit(b)
	}
}

func (f *jxForwarder) counts() {
	rows, errs := atomic.LoadInt64(&f.local.Rows), atomic.LoadInt64(&f.local.Malformed)
	atomic.AddInt64(&f.to.Rows, rows-f.rows)
	atomic.AddInt64(&f.to.Malformed, errs-f.errs)
	f.rows, f.errs = rows, errs
}

// done passes on the rest of the counts and the warnings.
func (f *jxForwarder) done() {
	f.counts()
	ws := f.local.Warnings()
	if len(ws) == 0 {
		return
	}
	base, err := f.idx.base(f.part)
	if err != nil {
		f.to.Warn(types.Warning{File: f.idx.path, Msg: fmt.Sprintf("line numbers of the warnings below are relative to byte offset %d: %v", f.idx.offsets[f.part], err)})
	}
	for _, w := range ws {
		if w.Line > 0 {
			w.Line += base
		}
		f.to.Warn(w)
	}
}
