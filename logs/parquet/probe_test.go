package parquet

import (
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// TestCorruptFiles feeds 300 randomly damaged copies of a valid file:
// each must give an error or rows, never a panic.
func TestCorruptFiles(t *testing.T) {
	p := writeFile(t, []row{{SourceIP: "x", Tags: []string{"t"}}, {SourceIP: "y"}})
	seed, _ := os.ReadFile(p)
	r := rand.New(rand.NewSource(2))
	dir := t.TempDir()
	errs := 0
	for k := 0; k < 300; k++ {
		b := append([]byte(nil), seed...)
		for m := 0; m < 1+r.Intn(4); m++ {
			b[r.Intn(len(b))] = byte(r.Intn(256))
		}
		path := filepath.Join(dir, "f.parquet")
		os.WriteFile(path, b, 0o600)
		s, err := Open(path)
		if err != nil {
			errs++
			continue
		}
		fields := make([][]byte, len(s.Columns()))
		for i := 0; i < 100; i++ {
			if _, err := s.Next(fields); err != nil {
				break
			}
		}
		s.Close()
	}
	if errs == 0 {
		t.Error("no damaged file was rejected")
	}
}
