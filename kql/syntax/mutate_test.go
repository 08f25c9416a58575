package syntax

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// TestMutateDump is a tool, not a check: with $HUNTPACK_MUTATE_DIR set it
// writes one mutated copy (a token deleted, duplicated or swapped) of every
// third accepted corpus query to that folder, plus ours.tsv with the byte
// offset of our first error (-1 = accepted). Run tools/kql-oracle/parse.js
// over the same files and compare verdicts and error lines to measure
// rejection parity with Microsoft's parser beyond the corpus.
// $HUNTPACK_MUTATE_SEED (its length) varies the mutations.
func TestMutateDump(t *testing.T) {
	dir := os.Getenv("HUNTPACK_MUTATE_DIR")
	if dir == "" {
		t.Skip()
	}
	cases := loadCorpus(t)
	r := rand.New(rand.NewSource(int64(len(os.Getenv("HUNTPACK_MUTATE_SEED")) + 11)))
	var out []byte
	n := 0
	for i, c := range cases {
		if c.msErrs != "" || i%3 != 0 {
			continue
		}
		toks, _ := Lex(c.src)
		if len(toks) < 3 {
			continue
		}
		k := r.Intn(len(toks) - 1)
		tk := toks[k]
		var m string
		switch r.Intn(3) {
		case 0: // delete token
			m = c.src[:tk.Start] + c.src[tk.End:]
		case 1: // duplicate token
			m = c.src[:tk.End] + " " + c.src[tk.Start:tk.End] + c.src[tk.End:]
		case 2: // swap with next
			t2 := toks[k+1]
			if t2.Kind == TokEOF {
				continue
			}
			m = c.src[:tk.Start] + c.src[t2.Start:t2.End] + c.src[tk.End:t2.Start] + c.src[tk.Start:tk.End] + c.src[t2.End:]
		}
		n++
		fn := filepath.Join(dir, fmt.Sprintf("m%04d.kql", n))
		if err := os.WriteFile(fn, []byte(m), 0o644); err != nil {
			t.Fatal(err)
		}
		_, d := Parse(fn, m)
		first := -1
		if e := d.Errors(); len(e) > 0 {
			first = e[0].Span.Start
		}
		out = append(out, fmt.Sprintf("%s\t%d\n", fn, first)...)
	}
	if err := os.WriteFile(filepath.Join(dir, "ours.tsv"), out, 0o644); err != nil {
		t.Fatal(err)
	}
}
