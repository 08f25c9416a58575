package exec

import (
	"context"
	"sync"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// concurrentTable emits its batches from several goroutines at once when
// ScanOptions.Concurrent is set, as parallel file readers do.
type concurrentTable struct {
	*MemTable
	workers int
}

func (c *concurrentTable) Scan(ctx context.Context, o types.ScanOptions, emit func(*types.Batch) error) error {
	var parts []*types.Batch
	if err := c.MemTable.Scan(ctx, o, func(b *types.Batch) error { parts = append(parts, b); return nil }); err != nil {
		return err
	}
	if !o.Concurrent {
		for _, b := range parts {
			if err := emit(b); err != nil {
				return err
			}
		}
		return nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(parts))
	for w := 0; w < c.workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(parts); i += c.workers {
				if err := emit(parts[i]); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// TestConcurrentScan runs blocking and streaming operators over a table
// that emits batches concurrently (run with -race).
func TestConcurrentScan(t *testing.T) {
	gen := genSmallCatalog(t, 50_000)
	cat := MemCatalog{}
	for name, tb := range gen {
		cat[name] = &concurrentTable{MemTable: tb.(*MemTable), workers: 4}
	}
	tests := []struct{ q, want string }{
		{`CommonSecurityLog | count`, "Count\n50000"},
		{`CommonSecurityLog | where DestinationPort < 1000 | summarize n = count() | extend ok = n > 0 | project ok`, "ok\ntrue"},
		{`CommonSecurityLog | take 10 | count`, "Count\n10"},
		{`CommonSecurityLog | summarize count() by DeviceAction`, "DeviceAction|count_\nallow|50000"},
		{`CommonSecurityLog | top 1 by DestinationPort asc | project DestinationPort`, "DestinationPort\n0"},
		{`CommonSecurityLog | distinct DeviceAction`, "DeviceAction\nallow"},
		{`CommonSecurityLog | join kind=leftsemi (print DeviceAction = "allow") on DeviceAction | count`, "Count\n50000"},
		{`CommonSecurityLog | serialize | extend n = row_number() | summarize max(n)`, "max_n\n50000"},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			res, err := runQ(t, cat, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(res.Tables[0].Batch); got != tc.want {
				t.Errorf("got %q want %q", got, tc.want)
			}
		})
	}
}
