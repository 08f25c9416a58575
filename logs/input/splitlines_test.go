package input

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSplitLines checks that SplitLines cuts at line ends only, covers
// the file exactly once, and that LineBases counts the lines before each
// range, for files with and without a final line break, with long lines
// spanning cuts and for more ranges than lines.
func TestSplitLines(t *testing.T) {
	var b strings.Builder
	for i := range 3000 {
		if i%100 == 0 {
			b.WriteString(strings.Repeat("x", 70000)) // longer than one read at a cut
		}
		fmt.Fprintf(&b, "{\"n\":%d}\r\n", i)
	}
	texts := map[string]string{"final-break": b.String(), "no-final-break": b.String() + "{\"n\":-1}", "one-line": "{}", "empty": ""}
	for name, text := range texts {
		p := filepath.Join(t.TempDir(), name+".jsonl")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{1, 2, 7, 16, 5000} {
			t.Run(fmt.Sprint(name, "/", n), func(t *testing.T) {
				rs, err := SplitLines(p, n)
				if err != nil {
					t.Fatal(err)
				}
				if n > 1 && n <= 16 && len(text) > 1<<20 && len(rs) < n/2 {
					t.Errorf("%d ranges for n=%d", len(rs), n)
				}
				var joined strings.Builder
				var offs []int64
				for i, r := range rs {
					if r.Offset > 0 && text[r.Offset-1] != '\n' {
						t.Fatalf("range %d starts mid-line at %d", i, r.Offset)
					}
					if r.Length <= 0 && len(rs) > 1 {
						t.Fatalf("range %d is empty", i)
					}
					joined.WriteString(text[r.Offset : r.Offset+r.Length])
					offs = append(offs, r.Offset)
				}
				if joined.String() != text {
					t.Fatal("the ranges do not cover the file exactly")
				}
				bases, err := LineBases(p, offs)
				if err != nil {
					t.Fatal(err)
				}
				for i, off := range offs {
					if want := int64(strings.Count(text[:off], "\n")); bases[i] != want {
						t.Errorf("range %d: %d lines before, want %d", i, bases[i], want)
					}
				}
			})
		}
	}
	if _, err := LineBases(filepath.Join(t.TempDir(), "missing"), []int64{0}); err == nil {
		t.Error("LineBases of a missing file: no error")
	}
}

// FuzzSplitLines checks that SplitLines covers any file exactly, cutting
// only after line feeds, and that LineBases counts the lines before each
// cut.
func FuzzSplitLines(f *testing.F) {
	f.Add("{\"a\":1}\n\n{\"a\":2}", 3)
	f.Add("\n\n\n", 8)
	f.Add("no line feed", 2)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 64 {
			return
		}
		p := filepath.Join(dir, "x")
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		rs, err := SplitLines(p, n)
		if err != nil {
			t.Fatal(err)
		}
		end := int64(0)
		var offs []int64
		for _, r := range rs {
			if r.Offset != end || r.Length < 0 || r.Offset > 0 && s[r.Offset-1] != '\n' {
				t.Fatalf("bad ranges %+v", rs)
			}
			end += r.Length
			offs = append(offs, r.Offset)
		}
		if end != int64(len(s)) {
			t.Fatalf("ranges end at %d, file has %d bytes", end, len(s))
		}
		bases, err := LineBases(p, offs)
		if err != nil {
			t.Fatal(err)
		}
		for i, off := range offs {
			if want := int64(strings.Count(s[:off], "\n")); bases[i] != want {
				t.Fatalf("range %d: %d lines before, want %d", i, bases[i], want)
			}
		}
	})
}
