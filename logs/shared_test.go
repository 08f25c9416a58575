package logs

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// sharedDir returns the shared data folder (../shared beside the repo
// root, or $HUNTPACK_SHARED), skipping the test when it is absent.
func sharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("HUNTPACK_SHARED"); d != "" {
		return d
	}
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repo root not found")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared")
	if _, err := os.Stat(filepath.Join(d, "data", "logs")); err != nil {
		t.Skipf("shared data not found at %s (set HUNTPACK_SHARED): %v", d, err)
	}
	return d
}

// scanAll reads a whole table.
func scanAll(t testing.TB, tb types.Table, opts types.ScanOptions) (*types.Batch, *types.ScanStats) {
	t.Helper()
	if opts.Stats == nil {
		opts.Stats = &types.ScanStats{}
	}
	schema := tb.Schema()
	if opts.Columns != nil {
		schema = nil
		for _, c := range opts.Columns {
			schema = append(schema, tb.Schema()[tb.Schema().Index(c)])
		}
	}
	all := types.NewBatch(schema, 0)
	err := tb.Scan(context.Background(), opts, func(b *types.Batch) error {
		for i := 0; i < b.Len; i++ {
			for j, v := range b.Row(i) {
				all.Cols[j].Append(v)
			}
			all.Len++
		}
		return nil
	})
	if err != nil {
		t.Fatalf("scan %s: %v", tb.Name(), err)
	}
	return all, opts.Stats
}

// linkDir makes a directory holding symlinks to files.
func linkDir(t testing.TB, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		if err := os.Symlink(f, filepath.Join(dir, filepath.Base(f))); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// cell returns a value of the first row as text ("<null>" for nulls).
func cell(b *types.Batch, row int, col string) string {
	i := b.Schema.Index(col)
	if i < 0 {
		return "<no column>"
	}
	v := b.Cols[i].Value(row)
	if v.IsNull() {
		return "<null>"
	}
	return types.FormatValue(v)
}
