package logs

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/input"
	"github.com/huntpack/huntpack/logs/jsonl"
	"github.com/huntpack/huntpack/logs/record"
)

// Scan implements types.Table: it reads every file of the table, in
// parallel when opts.Concurrent is set. When ctx carries a
// types.ReadMeter, the bytes read from disk are counted into it as they
// are read (see input.Expect), for live progress.
func (t *Table) Scan(ctx context.Context, opts types.ScanOptions, emit func(*types.Batch) error) error {
	if _, err := record.Project(t.schema, opts.Columns); err != nil {
		return fmt.Errorf("table %s: %w", t.name, err)
	}
	if err := t.reportUnreadable(opts); err != nil {
		return err
	}
	if !opts.Concurrent || len(t.files) == 1 && !t.files[0].splittable() || len(t.files) == 0 {
		for _, f := range t.files {
			if err := t.scanFile(ctx, f, opts, emit); err != nil {
				return err
			}
		}
		return nil
	}
	return t.scanParallel(ctx, opts, emit)
}

// work is one unit of a parallel scan: a file or a range of one.
type work struct {
	f     *File
	rng   *input.Range
	first bool // the file's first (or only) part
	// lines is set when rng's lines are numbered from 1 (JSON lines cut
	// without counting lines): warnings are renumbered with lines.base(part).
	lines *jxLineIndex
	part  int
}

// workItems lists the files, large splittable ones cut into ranges.
func (t *Table) workItems(workers int) ([]work, error) {
	var out []work
	for _, f := range t.files {
		if !f.splittable() {
			out = append(out, work{f: f, first: true})
			continue
		}
		if f.Format == FormatJSON && !t.strict {
			items, err := jxLineItems(f, workers)
			if err != nil {
				return nil, fmt.Errorf("table %s: %w", t.name, err)
			}
			out = append(out, items...)
			continue
		}
		rs, err := f.ranges(workers * 2)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", t.name, err)
		}
		for i := range rs {
			out = append(out, work{f: f, rng: &rs[i], first: i == 0})
		}
	}
	return out, nil
}

func (t *Table) scanParallel(ctx context.Context, opts types.ScanOptions, emit func(*types.Batch) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	items, err := t.workItems(runtime.GOMAXPROCS(0))
	if err != nil {
		return err
	}
	queue := make(chan work)
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	workers := min(runtime.GOMAXPROCS(0), len(items))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w := range queue {
				if err := t.scanPart(ctx, w, opts, emit); err != nil {
					once.Do(func() { firstErr = err; cancel() })
				}
			}
		}()
	}
	for _, w := range items {
		select {
		case queue <- w:
		case <-ctx.Done():
		}
	}
	close(queue)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

func (t *Table) scanFile(ctx context.Context, f *File, opts types.ScanOptions, emit func(*types.Batch) error) error {
	return t.scanPart(ctx, work{f: f, first: true}, opts, emit)
}

// scanPart scans a file, or one byte range of it.
func (t *Table) scanPart(ctx context.Context, w work, opts types.ScanOptions, emit func(*types.Batch) error) error {
	f, rng := w.f, w.rng
	if opts.Stats != nil && w.first {
		atomic.AddInt64(&opts.Stats.Files, 1)
		atomic.AddInt64(&opts.Stats.Bytes, f.Size)
	}
	meter := types.ReadMeterFrom(ctx)
	var claim *input.Claim
	if meter != nil {
		claim = input.Expect(f.Path, meter)
	}
	src, err := openSource(f, rng)
	if claim != nil && !claim.Done() && err == nil {
		// The reader opened the file without package input (Parquet):
		// the part counts as read once it is done.
		defer meter.Add(partSize(w))
	}
	if err != nil {
		return fmt.Errorf("table %s: %w", t.name, err)
	}
	defer src.Close()
	if js, ok := src.(*jsonl.Source); ok && w.lines != nil {
		js.ShareUnknownKeys(w.lines.unknown)
	}
	plan, err := record.NewPlan(t.schema, src.Columns(), opts)
	if err != nil {
		return fmt.Errorf("table %s: %s: %w", t.name, f.Path, err)
	}
	if pr, ok := src.(record.Projector); ok {
		pr.Need(plan.Needed(len(src.Columns())))
	}
	if pf, ok := src.(preFilterer); ok && opts.Filter != nil {
		// The source filters before decoding (CSV, JSON lines); the sink
		// need not call the filter again on the rows it keeps. The where
		// the filter came from still runs on them.
		pf.PreFilter(ctx, opts.Filter, opts.Stats)
		nf := opts
		nf.Filter = nil
		if plan, err = record.NewPlan(t.schema, src.Columns(), nf); err != nil {
			return fmt.Errorf("table %s: %s: %w", t.name, f.Path, err)
		}
	}
	sinkStats := opts.Stats
	if w.lines != nil && opts.Stats != nil {
		// Line numbers are relative to the range: the warnings are kept
		// here and renumbered when the part is done; the counts are
		// passed on with every batch (for live progress) and at the end.
		fw := &jxForwarder{idx: w.lines, part: w.part, local: &types.ScanStats{}, to: opts.Stats}
		sinkStats = fw.local
		defer fw.done()
		emit = fw.wrap(emit)
	}
	sink := record.NewSink(plan, record.SinkOptions{File: f.Path, Strict: t.strict, Stats: sinkStats, Emit: emit})
	for _, p := range f.problems {
		if !w.first {
			break // reported once, with the first part
		}
		if err := sink.Problem(0, p); err != nil {
			return err
		}
	}
	return record.Run(ctx, src, sink)
}

// partSize is the bytes of a file a work item covers.
func partSize(w work) int64 {
	if w.rng != nil {
		return w.rng.Length
	}
	return w.f.Size
}

// preFilterer is a source that applies the raw filter itself, before it
// decodes the rest of a record (logs/csv, logs/jsonl).
type preFilterer interface {
	PreFilter(ctx context.Context, f *types.RawFilter, stats *types.ScanStats)
}
