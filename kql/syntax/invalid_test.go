package syntax

import (
	"strconv"
	"strings"
	"testing"
)

// TestInvalidQueries: every query in testdata/invalid.kql is rejected. The
// "@N" after each case name is where Microsoft's parser reports its first
// error ("@-" when Microsoft accepts the syntax but the query cannot run);
// our first error must be on the same line.
func TestInvalidQueries(t *testing.T) {
	exact := 0
	cases := loadQueries(t, "testdata/invalid.kql")
	for _, q := range cases {
		name, at, _ := strings.Cut(q.name, " @")
		t.Run(name, func(t *testing.T) {
			_, diags := Parse(name, q.src)
			errs := diags.Errors()
			if len(errs) == 0 {
				t.Fatalf("accepted")
			}
			if at == "-" {
				return
			}
			ms, err := strconv.Atoi(at)
			if err != nil {
				t.Fatalf("bad offset %q", at)
			}
			ms = utf16Offset(q.src, ms)
			got := errs[0].Span.Start
			if PositionOf(q.src, got).Line != PositionOf(q.src, ms).Line {
				t.Errorf("first error at %d, Microsoft at %d:\n%s", got, ms, errs.Format(name, q.src))
			}
			if got == ms {
				exact++
			}
		})
	}
	t.Logf("%d invalid queries; first error at Microsoft's exact offset: %d", len(cases), exact)
}
