package syntax

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks, for any input: Parse does not panic, every node span
// lies inside the source, diagnostics render, and accepted input survives
// a print/parse round trip unchanged.
func FuzzParse(f *testing.F) {
	for _, file := range []string{"testdata/valid.kql", "testdata/invalid.kql"} {
		for _, q := range loadQueries(f, file) {
			f.Add(q.src)
		}
	}
	// A few real queries when the shared corpus is present.
	if dir := os.Getenv("HUNTPACK_SHARED"); dir != "" || true {
		if dir == "" {
			dir = filepath.Join("..", "..", "..", "shared")
		}
		matches, _ := filepath.Glob(filepath.Join(dir, "corpus", "kql", "sentinel-2022-08", "Detections__A*.kql"))
		for _, m := range matches {
			if b, err := os.ReadFile(m); err == nil {
				f.Add(string(b))
			}
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		q, diags := Parse("fuzz", src)
		if q == nil {
			t.Fatal("nil query")
		}
		if err := spanErrors(q, len(src)); err != nil {
			t.Fatal(err)
		}
		for _, d := range diags {
			if d.Span.Start < 0 || d.Span.End > len(src) || d.Span.End < d.Span.Start {
				t.Fatalf("diagnostic span %+v outside source of %d bytes", d.Span, len(src))
			}
		}
		_ = diags.Format("fuzz", src)
		if diags.HasErrors() {
			return
		}
		out := Print(q)
		q2, d2 := Parse("printed", out)
		if d2.HasErrors() {
			t.Fatalf("printed query does not parse:\n%s\nprinted:\n%s", d2.Format("printed", out), out)
		}
		if diff := astDiff(q, q2); diff != "" {
			t.Fatalf("round trip changed the AST at %s\nprinted:\n%s", diff, out)
		}
	})
}
