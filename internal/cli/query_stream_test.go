package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// failingStdout accepts n bytes, then fails every write.
type failingStdout struct {
	n      int
	failed int // writes that failed
}

var errStdoutClosed = errors.New("stdout closed")

func (f *failingStdout) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		f.failed++
		return 0, errStdoutClosed
	}
	return len(p), nil
}

func runCLIOut(t *testing.T, stdout *failingStdout, args ...string) (int, string) {
	t.Helper()
	var errb bytes.Buffer
	code := Run(context.Background(), args, Env{
		Stdin:  strings.NewReader(""),
		Stdout: stdout,
		Stderr: &errb,
		Now:    func() time.Time { return time.Date(2026, 5, 26, 0, 0, 0, 0, time.UTC) },
	})
	return code, errb.String()
}

// TestQueryStreamLimits: the streamed output keeps --max-rows,
// --max-memory, --timeout and write-error behaviour.
func TestQueryStreamLimits(t *testing.T) {
	const many = "range x from 1 to 300000 step 1 | summarize count() by k = x % 100000"
	t.Run("max-rows", func(t *testing.T) {
		for _, format := range []string{"csv", "jsonl", "json", "table"} {
			code, out, errOut := runCLI(t, "", "query", "--format", format, "--max-rows", "3", "range x from 1 to 10 step 1 | order by x asc")
			if code != ExitOK {
				t.Fatalf("%s: exit %d: %s", format, code, errOut)
			}
			if !strings.Contains(errOut, "truncated to 3 rows") {
				t.Errorf("%s: stderr %q, want the truncation note", format, errOut)
			}
			if strings.Contains(out, "4") || !strings.Contains(out, "3") {
				t.Errorf("%s: output %q, want rows 1-3", format, out)
			}
		}
	})
	t.Run("max-memory", func(t *testing.T) {
		for _, format := range []string{"csv", "table"} {
			code, _, errOut := runCLI(t, "", "query", "--format", format, "--max-memory", "1MB", many)
			if code != ExitBadInput || !strings.Contains(errOut, "raise --max-memory") {
				t.Errorf("%s: exit %d, stderr %q; want 2 and the memory message", format, code, errOut)
			}
		}
	})
	t.Run("timeout", func(t *testing.T) {
		code, _, errOut := runCLI(t, "", "query", "--format", "csv", "--timeout", "20ms", "range x from 1 to 1000000000 step 1 | summarize count() by x")
		if code != ExitBadInput || !strings.Contains(errOut, "--timeout reached") {
			t.Errorf("exit %d, stderr %q; want 2 and the timeout message", code, errOut)
		}
	})
	for _, n := range []int{0, 100, 300000} {
		t.Run(fmt.Sprintf("write error after %d bytes", n), func(t *testing.T) {
			for _, format := range []string{"csv", "json", "jsonl"} {
				out := &failingStdout{n: n}
				code, errOut := runCLIOut(t, out, "query", "--format", format, many)
				if code != ExitBackend || !strings.Contains(errOut, errStdoutClosed.Error()) {
					t.Errorf("%s after %d bytes: exit %d, stderr %q; want 3 and the write error", format, n, code, errOut)
				}
				if out.failed != 1 {
					t.Errorf("%s: %d failed writes: the query went on after the first", format, out.failed)
				}
			}
		})
	}
}
