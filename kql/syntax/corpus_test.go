package syntax

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir returns the shared data folder (../shared from the repo root,
// or $HUNTPACK_SHARED), skipping the test when it is absent.
func sharedDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("HUNTPACK_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "corpus", "kql", "parser-results.tsv")); err != nil {
		tb.Skipf("shared corpus not found at %s (set HUNTPACK_SHARED): %v", dir, err)
	}
	return dir
}

// corpusCase is one row of corpus/kql/parser-results.tsv.
type corpusCase struct {
	path   string // absolute path of the query file
	rel    string // path relative to corpus/kql
	msErrs string // Microsoft's parser errors ("" = accepted)
	src    string
}

func loadCorpus(tb testing.TB) []corpusCase {
	tb.Helper()
	root := filepath.Join(sharedDir(tb), "corpus", "kql")
	f, err := os.Open(filepath.Join(root, "parser-results.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var cases []corpusCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 2 {
			cols = append(cols, "")
		}
		b, err := os.ReadFile(filepath.Join(root, cols[0]))
		if err != nil {
			tb.Fatalf("%s: %v", cols[0], err)
		}
		cases = append(cases, corpusCase{path: filepath.Join(root, cols[0]), rel: cols[0], msErrs: cols[1], src: string(b)})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return cases
}

// TestCorpusAccepted: every query Microsoft's parser accepts parses
// without error.
func TestCorpusAccepted(t *testing.T) {
	cases := loadCorpus(t)
	n, bad := 0, 0
	for _, c := range cases {
		if c.msErrs != "" {
			continue
		}
		n++
		_, diags := Parse(c.rel, c.src)
		if diags.HasErrors() {
			bad++
			if bad <= 30 {
				t.Errorf("%s", diags.Errors().Format(c.rel, c.src))
			}
		}
	}
	t.Logf("accepted by Microsoft: %d, rejected by us: %d", n, bad)
}

// TestCorpusRejected: every query Microsoft's parser rejects is rejected.
func TestCorpusRejected(t *testing.T) {
	cases := loadCorpus(t)
	n, bad := 0, 0
	for _, c := range cases {
		if c.msErrs == "" {
			continue
		}
		n++
		_, diags := Parse(c.rel, c.src)
		if !diags.HasErrors() {
			bad++
			t.Errorf("%s: accepted, but Microsoft reports: %s", c.rel, c.msErrs)
		}
	}
	t.Logf("rejected by Microsoft: %d, accepted by us: %d", n, bad)
}

// utf16Offset converts a UTF-16 code-unit offset (what Microsoft's
// JavaScript parser reports) to a byte offset in src.
func utf16Offset(src string, u int) int {
	n := 0
	for i, r := range src {
		if n >= u {
			return i
		}
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return len(src)
}

// TestCorpusRejectedPosition: for every query Microsoft rejects, our first
// error is on the same line as Microsoft's first error (offsets recorded in
// testdata/ms-rejected.tsv with tools/kql-oracle).
func TestCorpusRejectedPosition(t *testing.T) {
	root := filepath.Join(sharedDir(t), "corpus", "kql")
	b, err := os.ReadFile(filepath.Join("testdata", "ms-rejected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")[1:]
	same := 0
	for _, ln := range lines {
		cols := strings.Split(ln, "\t")
		src, err := os.ReadFile(filepath.Join(root, cols[0]))
		if err != nil {
			t.Fatal(err)
		}
		var msOff int
		if _, err := fmt.Sscan(cols[1], &msOff); err != nil {
			t.Fatalf("%s: bad offset %q", cols[0], cols[1])
		}
		msLine := PositionOf(string(src), utf16Offset(string(src), msOff)).Line
		_, diags := Parse(cols[0], string(src))
		errs := diags.Errors()
		if len(errs) == 0 {
			t.Errorf("%s: accepted, Microsoft: %s", cols[0], cols[2])
			continue
		}
		ourLine := PositionOf(string(src), errs[0].Span.Start).Line
		if ourLine != msLine {
			t.Errorf("%s: our first error on line %d, Microsoft's on line %d\nours: %s\nMicrosoft: %s", cols[0], ourLine, msLine, errs[:1].Format(cols[0], string(src)), cols[2])
			continue
		}
		same++
	}
	t.Logf("rejected by Microsoft: %d, first error on the same line: %d", len(lines), same)
}
