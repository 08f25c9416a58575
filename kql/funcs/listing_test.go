package funcs

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocURLPages checks function page links against the page names of
// the documentation snapshot (kql-docs INDEX.tsv and REJECTED.tsv list
// every page that has an example): every function whose page is in the
// snapshot under another spelling must be in docPages.
func TestDocURLPages(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "corpus", "kql-docs")
	pages := map[string]bool{}
	for _, f := range []string{"INDEX.tsv", "REJECTED.tsv"} {
		fh, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			t.Skipf("no page index: %v", err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			cols := strings.Split(sc.Text(), "\t")
			if len(cols) > 1 {
				pages[strings.TrimSuffix(cols[1], ".md")] = true
			}
		}
		fh.Close()
	}
	for _, e := range Builtins().Entries("") {
		slug := e.URL[strings.LastIndexByte(e.URL, '/')+1:]
		if pages[slug] {
			continue
		}
		// A page in the snapshot whose name differs only by dashes means
		// the link is wrong.
		squash := func(s string) string { return strings.ReplaceAll(s, "-", "") }
		for p := range pages {
			if squash(p) == squash(slug) {
				t.Errorf("%s links to %s but the page is %s", e.Name, slug, p)
			}
		}
	}
	for name, p := range docPages {
		if !pages[p] {
			t.Errorf("docPages[%s] = %s is not a page of the snapshot", name, p)
		}
	}
}
