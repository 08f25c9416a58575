package check

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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

// acceptedCorpus returns the corpus queries Microsoft's parser accepts.
func acceptedCorpus(tb testing.TB) map[string]string {
	root := filepath.Join(sharedDir(tb), "corpus", "kql")
	f, err := os.Open(filepath.Join(root, "parser-results.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	sc.Scan() // header
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) > 1 && cols[1] != "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, cols[0]))
		if err != nil {
			tb.Fatal(err)
		}
		out[cols[0]] = string(b)
	}
	return out
}

// TestCorpusNoFalseColumnAlarms: over every accepted corpus query, the
// schema check reports no unknown column. Unknown tables are expected (the
// embedded catalog holds only the tables huntpack reads) and are counted.
func TestCorpusNoFalseColumnAlarms(t *testing.T) {
	cat := EmbeddedCatalog("")
	queries, tables, bad, checked, judged := 0, 0, 0, 0, 0
	var dump strings.Builder
	for name, src := range acceptedCorpus(t) {
		queries++
		r := Source(name, src, Options{Catalog: cat})
		if n := newChecker(r.Query, cat).checked; n > 0 {
			checked += n
			judged++
		}
		for _, d := range r.Diags.Errors() {
			switch {
			case strings.HasPrefix(d.Msg, "unknown table"):
				tables++
			default:
				fmt.Fprintf(&dump, "%s\t%d\t%s\n", name, d.Span.Start, d.Msg)
				bad++
				if bad <= 40 {
					t.Errorf("%s", d.String(name, src))
				}
			}
		}
	}
	if fn := os.Getenv("HUNTPACK_CHECK_DUMP"); fn != "" {
		if err := os.WriteFile(fn, []byte(dump.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d queries: %d unknown-table diagnostics (tables outside the catalog), %d other errors; "+
		"%d column references in %d queries were judged against a known schema", queries, tables, bad, checked, judged)
	if checked < 1000 {
		t.Errorf("only %d column references were checked: the tracking gives up too early", checked)
	}
}

// TestCorpusDefenderFlavour: the Defender XDR hunting queries checked
// against the Defender XDR flavour of the catalog give no column errors.
func TestCorpusDefenderFlavour(t *testing.T) {
	cat := EmbeddedCatalog("defenderxdr")
	n, bad := 0, 0
	for name, src := range acceptedCorpus(t) {
		if !strings.HasPrefix(name, "m365d-hunting/") {
			continue
		}
		n++
		for _, d := range Source(name, src, Options{Catalog: cat}).Diags.Errors() {
			if !strings.HasPrefix(d.Msg, "unknown table") {
				bad++
				t.Errorf("%s", d.String(name, src))
			}
		}
	}
	t.Logf("%d Defender XDR queries, %d column errors", n, bad)
}
