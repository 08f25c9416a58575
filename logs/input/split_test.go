package input

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSplitRanges(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,\"b\nheader\"\n")
	for i := 0; i < 500; i++ {
		if i%7 == 0 {
			b.WriteString("x,\"multi\nline \"\"quoted\"\"\nvalue\"\n")
		} else {
			b.WriteString("y,plain value\n")
		}
	}
	text := b.String()
	p := filepath.Join(t.TempDir(), "f.csv")
	os.WriteFile(p, []byte(text), 0o600)
	for _, n := range []int{1, 2, 3, 8, 50} {
		rs, err := SplitRanges(p, n, SplitOptions{Quotes: true, SkipHeader: true})
		if err != nil {
			t.Fatal(err)
		}
		if rs[0].Offset != int64(len("a,\"b\nheader\"\n")) || rs[0].FirstLine != 3 {
			t.Fatalf("n=%d first range %+v", n, rs[0])
		}
		var joined strings.Builder
		for i, r := range rs {
			part := text[r.Offset : r.Offset+r.Length]
			if !strings.HasPrefix(part, "x,") && !strings.HasPrefix(part, "y,") {
				t.Fatalf("n=%d range %d starts mid-record: %q", n, i, part[:min(20, len(part))])
			}
			if want := int64(strings.Count(text[:r.Offset], "\n")) + 1; r.FirstLine != want {
				t.Errorf("n=%d range %d FirstLine %d, want %d", n, i, r.FirstLine, want)
			}
			joined.WriteString(part)
		}
		if joined.String() != text[len("a,\"b\nheader\"\n"):] {
			t.Fatalf("n=%d ranges do not cover the data", n)
		}
		if n >= 3 && len(rs) < 2 {
			t.Errorf("n=%d gave %d ranges", n, len(rs))
		}
	}
}

func TestLinesLong(t *testing.T) {
	long := strings.Repeat("x", 10<<20)
	l := NewLines(strings.NewReader("a\r\n" + long + "\nb"))
	l.Max = 1 << 20
	var got []string
	for {
		b, n, err := l.Next()
		if err == io.EOF {
			break
		}
		if err == ErrLineTooLong {
			got = append(got, "too long@"+string(rune('0'+n)))
			continue
		}
		got = append(got, string(b)+"@"+string(rune('0'+n)))
	}
	if strings.Join(got, ",") != "a@1,too long@2,b@3" {
		t.Errorf("got %v", got)
	}
}

func TestReadAhead(t *testing.T) {
	text := strings.Repeat("0123456789abcdef", 100000) // 1.6 MB, several blocks
	ra := ReadAhead(io.NopCloser(strings.NewReader(text)))
	got, err := io.ReadAll(ra)
	if err != nil || string(got) != text {
		t.Fatalf("read %d bytes, err %v", len(got), err)
	}
	ra.Close()
	// An error from the source is passed on after the data before it.
	ra = ReadAhead(io.NopCloser(io.MultiReader(strings.NewReader("abc"), errReader{})))
	got, err = io.ReadAll(ra)
	if string(got) != "abc" || err != io.ErrUnexpectedEOF {
		t.Errorf("got %q, %v", got, err)
	}
	// Closing early stops the goroutine.
	ra = ReadAhead(io.NopCloser(strings.NewReader(text)))
	buf := make([]byte, 10)
	ra.Read(buf)
	if err := ra.Close(); err != nil {
		t.Error(err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }
