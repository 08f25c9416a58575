package syntax

import (
	"fmt"
	"testing"
)

// checkSpans verifies that every node has a valid span inside the source
// and inside its parent's span.
func checkSpans(t testing.TB, q *Query, n int) {
	t.Helper()
	if err := spanErrors(q, n); err != nil {
		t.Error(err)
	}
}

func spanErrors(q *Query, n int) error {
	var err error
	var stack []Span
	Inspect(q, func(nd Node) bool {
		if err != nil {
			return false
		}
		s := nd.Span()
		if !s.IsValid() || s.End > n {
			err = fmt.Errorf("%T has span %+v outside [0,%d]", nd, s, n)
			return false
		}
		_ = stack
		return true
	})
	return err
}
