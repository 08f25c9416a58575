package input

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzSplitRanges checks that ranges always cover the data exactly and
// that the line reader never loses bytes.
func FuzzSplitRanges(f *testing.F) {
	f.Add("a,b\n1,\"x\ny\"\n2,3\n", 3)
	f.Add("\"unterminated\n1\n2\n", 2)
	f.Add("{\"a\":1}\n\n{\"a\":2}", 5)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 64 {
			return
		}
		p := filepath.Join(dir, "x")
		os.WriteFile(p, []byte(s), 0o600)
		for _, o := range []SplitOptions{{Quotes: true, SkipHeader: true}, {}} {
			rs, err := SplitRanges(p, n, o)
			if err != nil {
				t.Fatal(err)
			}
			end := rs[0].Offset
			for _, r := range rs {
				if r.Offset != end || r.Length < 0 {
					t.Fatalf("gap or overlap: %+v", rs)
				}
				end += r.Length
			}
			if end != int64(len(s)) {
				t.Fatalf("ranges end at %d, file has %d bytes", end, len(s))
			}
		}
		l := NewLines(strings.NewReader(s))
		total := 0
		for {
			b, _, err := l.Next()
			if err == io.EOF {
				break
			}
			total += len(b) + 1
		}
		if total < len(s)-strings.Count(s, "\r") {
			t.Fatalf("lines lost bytes: %d < %d", total, len(s))
		}
	})
}
