package syntax

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestPrintGolden prints every query of testdata/valid.kql and compares the
// result with testdata/valid.printed.golden (regenerate with -update and
// review the diff).
func TestPrintGolden(t *testing.T) {
	var b strings.Builder
	for _, q := range loadQueries(t, "testdata/valid.kql") {
		ast, diags := Parse(q.name, q.src)
		if diags.HasErrors() {
			t.Fatalf("%s", diags.Format(q.name, q.src))
		}
		b.WriteString("// ==== " + q.name + "\n")
		b.WriteString(Print(ast))
	}
	const golden = "testdata/valid.printed.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if b.String() != string(want) {
		t.Errorf("printed output differs from %s; run go test -run TestPrintGolden -update and review the diff", golden)
	}
}

func TestPrintLiterals(t *testing.T) {
	tests := []struct{ src, want string }{
		{`'it''s'`, `"its"`}, // two adjacent literals
		{`@'C:\x'`, `"C:\\x"`},
		{`h'secret'`, `h"secret"`},
		{"```a\nb```", `"a\nb"`},
		{`90m`, `90m`},
		{`1.5h`, `90m`},
		{`36h`, `36h`},
		{`48h`, `2d`},
		{`1500ms`, `1500ms`},
		{`timespan(-1d)`, `timespan(-1d)`},
		{`0x10`, `16`},
		{`1e3`, `1000.0`},
		{`real(-0.5)`, `real(-0.5)`},
		{`real(nan)`, `real(nan)`},
		{`int(-3)`, `int(-3)`},
		{`datetime(2024-01-02 03:04)`, `datetime(2024-01-02T03:04:00Z)`},
		{`guid(74BE27DE-1E4E-49D9-B579-FE0B331D3642)`, `guid(74be27de-1e4e-49d9-b579-fe0b331d3642)`},
		{`dynamic({"b":1,"a":[true,null,1.0]})`, `dynamic({"a": [true, null, 1.0], "b": 1})`},
		{`['my col']`, `["my col"]`},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			if got := PrintExpr(firstExpr(t, tc.src)); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
