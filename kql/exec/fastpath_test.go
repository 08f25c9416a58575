package exec

import (
	"fmt"
	"strings"
	"testing"
)

// TestFastPathsMatchRegistry compares the vectorised builtins (column
// input) with the registry's implementation (constant input, folded).
func TestFastPathsMatchRegistry(t *testing.T) {
	exprs := []string{"bin(v, 7)", "floor(v, 3)", "bin(d, 1h)", "bin(d, 7d)", "bin(ts, 90s)", "isnull(v)", "isnotnull(d)", "isempty(s)", "isnotempty(s)"}
	rows := [][3]string{
		{"-15", "datetime(2026-01-01 10:59:59.9999999)", `""`},
		{"0", "datetime(1601-02-03)", `"a"`},
		{"long(null)", "datetime(null)", `" "`},
		{"123456789", "datetime(9999-12-31)", `"x"`},
	}
	for _, r := range rows {
		for _, e := range exprs {
			folded := fmt.Sprintf("let v = %s; let d = %s; let s = %s; let ts = 1d; print r = %s", r[0], r[1], r[2], e)
			column := fmt.Sprintf("datatable(v:long, d:datetime, s:string, ts:timespan)[%s, %s, %s, 1d] | project r = %s", r[0], r[1], r[2], e)
			a, err := runQ(t, nil, folded)
			if err != nil {
				t.Fatal(err)
			}
			b, err := runQ(t, nil, column)
			if err != nil {
				t.Fatal(err)
			}
			ga, gb := render(a.Tables[0].Batch), render(b.Tables[0].Batch)
			if strings.TrimPrefix(ga, "r\n") != strings.TrimPrefix(gb, "r\n") {
				t.Errorf("%s with %v: registry %q, fast path %q", e, r, ga, gb)
			}
		}
	}
}
