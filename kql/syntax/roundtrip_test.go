package syntax

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dumpPrinted writes printed queries to $HUNTPACK_PRINT_DIR (when set) so
// they can be fed to Microsoft's parser (tools/kql-oracle) as a check that
// the printer emits valid KQL.
func dumpPrinted(t *testing.T, name, out string) {
	dir := os.Getenv("HUNTPACK_PRINT_DIR")
	if dir == "" {
		return
	}
	fn := filepath.Join(dir, strings.NewReplacer("/", "__", " ", "_").Replace(name)+".kql")
	if err := os.WriteFile(fn, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// roundTrip checks that src parses without errors and that printing and
// re-parsing gives the same AST.
func roundTrip(t *testing.T, name, src string) (ok bool) {
	t.Helper()
	q1, d1 := Parse(name, src)
	if d1.HasErrors() {
		t.Errorf("%s", d1.Errors().Format(name, src))
		return false
	}
	out := Print(q1)
	dumpPrinted(t, name, out)
	q2, d2 := Parse(name+" (printed)", out)
	if d2.HasErrors() {
		t.Errorf("%s: printed query does not parse:\n%s\nprinted:\n%s", name, d2.Format(name+" (printed)", out), out)
		return false
	}
	if diff := astDiff(q1, q2); diff != "" {
		t.Errorf("%s: round trip changed the AST at %s\nprinted:\n%s", name, diff, out)
		return false
	}
	if out2 := Print(q2); out2 != out {
		t.Errorf("%s: printing is not stable:\n%s\nvs\n%s", name, out, out2)
		return false
	}
	return true
}

func TestCorpusRoundTrip(t *testing.T) {
	cases := loadCorpus(t)
	n, bad := 0, 0
	for _, c := range cases {
		if c.msErrs != "" {
			continue
		}
		n++
		if !roundTrip(t, c.rel, c.src) {
			bad++
			if bad > 20 {
				t.Fatal("too many failures")
			}
		}
	}
	t.Logf("round trip: %d queries, %d failures", n, bad)
}
