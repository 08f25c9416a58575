package logs

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// TestScanReadMeter scans multi-MB files with a types.ReadMeter in the
// context and checks the meter advances while the scan runs (seen from
// the emit callback, before the scan ends) and ends at the bytes on disk.
func TestScanReadMeter(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		rows       int
		jsonLines  bool
		concurrent bool
		split      bool // scanned in parallel byte ranges
	}{
		{name: "csv", file: "CommonSecurityLog.csv", rows: 40000},
		{name: "jsonl gzip", file: "CommonSecurityLog.jsonl.gz", rows: 100000, jsonLines: true},
		{name: "jsonl zstd", file: "CommonSecurityLog.jsonl.zst", rows: 100000, jsonLines: true},
		{name: "csv parallel ranges", file: "CommonSecurityLog.csv", rows: 40000, concurrent: true, split: true},
		{name: "jsonl parallel ranges", file: "CommonSecurityLog.jsonl", rows: 40000, jsonLines: true, concurrent: true, split: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.split {
				old := splitMin
				splitMin = 1 << 20
				defer func() { splitMin = old }()
			}
			dir := t.TempDir()
			path := filepath.Join(dir, tc.file)
			write(t, path, genRows(tc.rows, tc.jsonLines))
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			cat, err := Open(OpenOptions{Dirs: []string{dir}})
			if err != nil {
				t.Fatal(err)
			}
			tb, ok := cat.Table("CommonSecurityLog")
			if !ok {
				t.Fatal("no CommonSecurityLog table")
			}
			if tc.split && !tb.(*Table).files[0].splittable() {
				t.Fatal("the file is not scanned in ranges")
			}
			m := &types.ReadMeter{}
			var (
				mu      sync.Mutex
				rows    int
				midways int        // emits that saw 0 < meter < file size
				first   int64 = -1 // the meter at the first emit
			)
			err = tb.Scan(types.WithReadMeter(context.Background(), m), types.ScanOptions{Columns: []string{"SourceIP"}, Concurrent: tc.concurrent}, func(b *types.Batch) error {
				mu.Lock()
				defer mu.Unlock()
				rows += b.Len
				n := m.Load()
				if first < 0 {
					first = n
				}
				if n > 0 && n < st.Size() {
					midways++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if rows != tc.rows {
				t.Errorf("rows = %d, want %d", rows, tc.rows)
			}
			if first <= 0 {
				// The reads of the part being parsed are counted, not only
				// finished parts.
				t.Errorf("the meter was %d at the first batch: reads are not counted as they happen", first)
			}
			if midways == 0 {
				t.Errorf("the meter never moved while the scan ran (final %d of %d bytes)", m.Load(), st.Size())
			}
			got := m.Load()
			if tc.split {
				// Ranges leave out the CSV header line.
				if got > st.Size() || got < st.Size()-512 {
					t.Errorf("meter = %d bytes, want about %d", got, st.Size())
				}
			} else if got != st.Size() {
				t.Errorf("meter = %d bytes, want the file's %d", got, st.Size())
			}
		})
	}
}

// TestScanWithoutMeter checks a scan without a meter leaves no claim
// behind (a later metered open is not credited to a stale one).
func TestScanWithoutMeter(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "CommonSecurityLog.csv"), genRows(100, false))
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := cat.Table("CommonSecurityLog")
	b, _ := scanAll(t, tb, types.ScanOptions{})
	if b.Len != 100 {
		t.Fatalf("rows = %d", b.Len)
	}
	m := &types.ReadMeter{}
	if err := tb.Scan(types.WithReadMeter(context.Background(), m), types.ScanOptions{}, func(*types.Batch) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(filepath.Join(dir, "CommonSecurityLog.csv")); m.Load() != st.Size() {
		t.Errorf("meter = %d, want %d", m.Load(), st.Size())
	}
}
