package local

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/huntpack/huntpack/hunt"
	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs"
)

// TestProgress runs queries over the example logs and checks the live
// counters: Read (bytes read from disk, per scan and in all), the last
// scan's table, size and files, and that Bytes keeps its meaning (each
// file's size, counted once per scan) for the run summary.
func TestProgress(t *testing.T) {
	dir := filepath.Join(remcos, "logs")
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	be := New(cat, Options{})
	if p := be.Progress(); p != (Progress{}) {
		t.Fatalf("progress before any scan = %+v", p)
	}
	dns, csl := be.TableBytes("DnsEvents"), be.TableBytes("CommonSecurityLog")
	if dns == 0 || csl == 0 {
		t.Fatalf("table bytes: DnsEvents %d, CommonSecurityLog %d", dns, csl)
	}
	steps := []struct {
		query string
		table string
		total int64 // bytes read in all so far
	}{
		{"DnsEvents | count", "DnsEvents", dns},
		{"CommonSecurityLog | count", "CommonSecurityLog", dns + csl},
		{"DnsEvents | take 1", "DnsEvents", 2*dns + csl},
	}
	for _, st := range steps {
		out, err := be.Run(context.Background(), hunt.Query{Name: "q"}, st.query, hunt.Window{})
		if err != nil {
			t.Fatal(err)
		}
		if out.Batch.Len == 0 {
			t.Fatalf("%s: no rows", st.query)
		}
		p := be.Progress()
		want := be.TableBytes(st.table)
		if p.Scan.Table != st.table || p.Scan.Total != want || p.Scan.TotalFiles < 1 || p.Scan.Files != p.Scan.TotalFiles {
			t.Errorf("%s: scan progress %+v, want table %s of %d bytes, every file started", st.query, p.Scan, st.table, want)
		}
		// take 1 may stop before the end of the file.
		if st.query != "DnsEvents | take 1" && (p.Scan.Read != want || p.Read != st.total) {
			t.Errorf("%s: read %d (scan) / %d (all), want %d / %d", st.query, p.Scan.Read, p.Read, want, st.total)
		}
		if p.Bytes != st.total {
			t.Errorf("%s: Bytes = %d, want %d (the files' sizes, once per scan)", st.query, p.Bytes, st.total)
		}
	}
}

// TestProgressOuterMeter checks a meter in the caller's context still
// gets the bytes a counted scan read.
func TestProgressOuterMeter(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "CommonSecurityLog.csv"), []byte("TimeGenerated,SourceIP\n2026-05-23T09:14:02Z,10.0.0.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	be := New(cat, Options{})
	m := &types.ReadMeter{}
	if _, err := be.Run(types.WithReadMeter(context.Background(), m), hunt.Query{Name: "q"}, "CommonSecurityLog", hunt.Window{}); err != nil {
		t.Fatal(err)
	}
	if m.Load() != be.TableBytes("CommonSecurityLog") || m.Load() == 0 {
		t.Errorf("outer meter = %d, want %d", m.Load(), be.TableBytes("CommonSecurityLog"))
	}
}
