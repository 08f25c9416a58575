package logs

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/record"
)

// Scan implements types.Table: it reads every file of the table, in
// parallel when opts.Concurrent is set.
func (t *Table) Scan(ctx context.Context, opts types.ScanOptions, emit func(*types.Batch) error) error {
	if _, err := record.Project(t.schema, opts.Columns); err != nil {
		return fmt.Errorf("table %s: %w", t.name, err)
	}
	if !opts.Concurrent || len(t.files) < 2 {
		for _, f := range t.files {
			if err := t.scanFile(ctx, f, opts, emit); err != nil {
				return err
			}
		}
		return nil
	}
	return t.scanParallel(ctx, opts, emit)
}

func (t *Table) scanParallel(ctx context.Context, opts types.ScanOptions, emit func(*types.Batch) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan *File)
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	workers := min(runtime.GOMAXPROCS(0), len(t.files))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				if err := t.scanFile(ctx, f, opts, emit); err != nil {
					once.Do(func() { firstErr = err; cancel() })
				}
			}
		}()
	}
	for _, f := range t.files {
		select {
		case work <- f:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

func (t *Table) scanFile(ctx context.Context, f *File, opts types.ScanOptions, emit func(*types.Batch) error) error {
	if opts.Stats != nil {
		atomic.AddInt64(&opts.Stats.Files, 1)
		atomic.AddInt64(&opts.Stats.Bytes, f.Size)
	}
	src, err := openSource(f)
	if err != nil {
		return fmt.Errorf("table %s: %w", t.name, err)
	}
	defer src.Close()
	plan, err := record.NewPlan(t.schema, src.Columns(), opts)
	if err != nil {
		return fmt.Errorf("table %s: %s: %w", t.name, f.Path, err)
	}
	sink := record.NewSink(plan, record.SinkOptions{File: f.Path, Strict: t.strict, Stats: opts.Stats, Emit: emit})
	for _, p := range f.problems {
		if err := sink.Problem(0, p); err != nil {
			return err
		}
	}
	return record.Run(ctx, src, sink)
}
