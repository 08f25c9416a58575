package exec

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// formatResult prints every result table for golden files.
func formatResult(res *Result) string {
	var sb strings.Builder
	for i, t := range res.Tables {
		if i > 0 {
			sb.WriteString("\n")
		}
		sb.WriteString("## " + t.Name + "\n")
		b := t.Batch
		var hdr []string
		for _, f := range b.Schema {
			hdr = append(hdr, f.Name+":"+f.Type.String())
		}
		sb.WriteString(strings.Join(hdr, " | ") + "\n")
		for r := 0; r < b.Len; r++ {
			cells := make([]string, len(b.Cols))
			for j, c := range b.Cols {
				v := c.Value(r)
				if v.IsNull() {
					cells[j] = "<null>"
				} else {
					cells[j] = types.FormatValue(v)
				}
			}
			sb.WriteString(strings.Join(cells, " | ") + "\n")
		}
	}
	for _, n := range res.Notes {
		sb.WriteString("note: " + n + "\n")
	}
	return sb.String()
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.kql"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden queries")
	}
	cat := testCatalog(t)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".kql")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res, err := RunString(context.Background(), f, string(src), Options{Catalog: cat, Now: testNow})
			if err != nil {
				var de *syntax.DiagError
				if errors.As(err, &de) {
					t.Fatalf("%s", de.Diags.Format(f, string(src)))
				}
				t.Fatal(err)
			}
			got := formatResult(res)
			golden := strings.TrimSuffix(f, ".kql") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("result differs from %s (run with -update and review the diff):\n%s", golden, got)
			}
		})
	}
}
