package pack

import (
	"testing"

	"github.com/huntpack/huntpack/kql/syntax"
)

// FuzzWithLookback (issue #10): rewriting the lookback of a (possibly
// hand-written, hostile) query never panics and keeps a query that parsed
// parsing.
func FuzzWithLookback(f *testing.F) {
	f.Add("let lookback = 14d;\nT | where TimeGenerated > ago(lookback)", "30d")
	f.Add("// let lookback = 1d;\nlet lookback = 2h; T", "1h")
	f.Add("let lookback = \"14d\"; T", "7d")
	f.Add("T | take 1", "7d")
	f.Fuzz(func(t *testing.T, kql, span string) {
		out, ok := WithLookback(kql, span)
		LookbackLiteral(kql)
		if !ok {
			return
		}
		if _, d := syntax.Parse("in.kql", kql); d.HasErrors() {
			return
		}
		if _, d := syntax.Parse("out.kql", out); d.HasErrors() {
			t.Fatalf("WithLookback(%q, %q) = %q does not parse: %s", kql, span, out, d.Format("out.kql", out))
		}
	})
}
