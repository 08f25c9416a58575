package csv

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/huntpack/huntpack/logs/record"
)

func readAll(t *testing.T, in string) ([][]string, []int64, []error) {
	t.Helper()
	p := NewParser(strings.NewReader(in))
	var recs [][]string
	var lines []int64
	var errs []error
	for {
		fields, line, err := p.Read()
		if err == io.EOF {
			break
		}
		if err != nil && !errors.Is(err, ErrInvalidUTF8) {
			errs = append(errs, err)
			if !errors.Is(err, ErrRecordTooLong) {
				break
			}
			continue
		}
		var rec []string
		for _, f := range fields {
			rec = append(rec, string(f))
		}
		recs = append(recs, rec)
		lines = append(lines, line)
	}
	return recs, lines, errs
}

func TestParser(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  string // records joined by "\n", fields by "|"
		lines []int64
	}{
		{"lf", "a,b\n1,2\n", "a|b\n1|2", []int64{1, 2}},
		{"crlf", "a,b\r\n1,2\r\n", "a|b\n1|2", []int64{1, 2}},
		{"no final newline", "a,b\n1,2", "a|b\n1|2", []int64{1, 2}},
		{"quoted comma", "a,b\n\"x,y\",2\n", "a|b\nx,y|2", nil},
		{"doubled quotes", "a\n\"\"\"Web\"\"\"\n", "a\n\"Web\"", nil},
		{"quoted newline", "a,b\n\"line1\nline2\",2\n3,4\n", "a|b\nline1\nline2|2\n3|4", []int64{1, 2, 4}},
		{"quoted crlf", "a,b\r\n\"l1\r\nl2\",2\r\n", "a|b\nl1\r\nl2|2", nil},
		{"empty fields", "a,b,c\n,,\n", "a|b|c\n||", nil},
		{"quoted then crlf", "a,\"b\"\r\n", "a|b", nil},
		{"embedded json", "x,\"{\"\"k\"\":1}\"\n", "x|{\"k\":1}", nil},
		{"bare quote inside", "a\"b,c\n", "a\"b|c", nil},
		{"cr inside field", "a\rb,c\n", "a\rb|c", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, lines, errs := readAll(t, tc.in)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			var got []string
			for _, r := range recs {
				got = append(got, strings.Join(r, "|"))
			}
			if g := strings.Join(got, "\n"); g != tc.want {
				t.Errorf("got %q, want %q", g, tc.want)
			}
			if tc.lines != nil {
				for i, l := range tc.lines {
					if i >= len(lines) || lines[i] != l {
						t.Errorf("lines %v, want %v", lines, tc.lines)
						break
					}
				}
			}
		})
	}
}

func TestParserInvalidUTF8(t *testing.T) {
	p := NewParser(strings.NewReader("a,b\nok,\xff\xfe\n"))
	p.Read()
	f, line, err := p.Read()
	if !errors.Is(err, ErrInvalidUTF8) || line != 2 {
		t.Fatalf("err %v line %d", err, line)
	}
	if string(f[1]) != "\uFFFD\uFFFD" {
		t.Errorf("sanitized %q", f[1])
	}
}

func TestSourceBadInput(t *testing.T) {
	long := strings.Repeat("x", 10<<20) // a 10 MB line
	in := "\ufeffTimeGenerated [UTC],Port\n" +
		"\"11/20/2020, 4:20:29.443 PM\",443\n" +
		"only-one-field\n" +
		"\"11/20/2020, 4:20:30.000 PM\"," + long + "\n" +
		"bad\xffutf8,80\n" +
		"\"11/20/2020, 4:20:31.000 PM\",8080\n"
	s, err := NewSource(io.NopCloser(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	cols := s.Columns()
	if cols[0].Name != "TimeGenerated" || cols[0].Loc == nil || cols[1].Name != "Port" {
		t.Fatalf("columns %+v", cols)
	}
	fields := make([][]byte, 2)
	type res struct {
		line int64
		ok   bool
		keep bool
	}
	var got []res
	for {
		line, err := s.Next(fields)
		if err == io.EOF {
			break
		}
		var re *record.Error
		switch {
		case err == nil:
			got = append(got, res{line, true, false})
		case errors.As(err, &re):
			got = append(got, res{re.Line, false, re.Keep})
		default:
			t.Fatal(err)
		}
	}
	want := []res{{2, true, false}, {3, false, false}, {4, true, false}, {5, false, true}, {6, true, false}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestTruncatedGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	for i := 0; i < 2000; i++ {
		zw.Write([]byte("a,b\n1,2\n"))
	}
	zw.Close()
	path := filepath.Join(t.TempDir(), "t.csv.gz")
	os.WriteFile(path, buf.Bytes()[:buf.Len()/2], 0o600)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fields := make([][]byte, 2)
	n := 0
	for {
		line, err := s.Next(fields)
		if err == io.EOF {
			t.Fatal("truncated gzip read to EOF without error")
		}
		if err != nil {
			if line <= 1 {
				t.Errorf("error without a line number: %v", err)
			}
			break
		}
		n++
	}
	if n == 0 {
		t.Error("no records read before the truncation")
	}
}

func FuzzParser(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a\n\"x\ny\"\n", "\"\"\"\",\r\n", "a,\"b\"c,d\n", "\ufeffx [UTC]\n1/1/2020\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := NewParser(strings.NewReader(s))
		prev := int64(0)
		for i := 0; i < 10000; i++ {
			_, line, err := p.Read()
			if err == io.EOF {
				return
			}
			if line <= prev && err == nil {
				t.Fatalf("line numbers not increasing: %d after %d", line, prev)
			}
			prev = line
			if err != nil && !errors.Is(err, ErrInvalidUTF8) && !errors.Is(err, ErrRecordTooLong) && !errors.Is(err, ErrUnterminatedQuote) {
				t.Fatalf("unexpected error %v", err)
			}
		}
		t.Fatal("parser did not reach EOF")
	})
}

// FuzzParserChunks checks that records do not depend on how the input is
// cut into reads (buffer refills in the middle of quoted fields, doubled
// quotes and CRLFs), by reading one byte at a time.
func FuzzParserChunks(f *testing.F) {
	for _, s := range parserSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		whole := dump(NewParser(strings.NewReader(s)))
		bytewise := dump(NewParser(iotest.OneByteReader(strings.NewReader(s))))
		if whole != bytewise {
			t.Fatalf("whole read:\n%s\none byte at a time:\n%s", whole, bytewise)
		}
		if !strings.ContainsAny(s, "\"\r") && utf8.ValidString(s) {
			// Without quotes a record is a line split at commas.
			var want strings.Builder
			lines := strings.Split(s, "\n")
			if lines[len(lines)-1] == "" {
				lines = lines[:len(lines)-1]
			}
			for i, l := range lines {
				fmt.Fprintf(&want, "%d %q err=<nil>\n", i+1, strings.Split(l, ","))
			}
			fmt.Fprintf(&want, "EOF at %d\n", len(lines))
			if whole != want.String() {
				t.Fatalf("got\n%s\nwant\n%s", whole, want.String())
			}
		}
	})
}

func TestParserSkipsUnneededFields(t *testing.T) {
	p := NewParser(strings.NewReader("a,\"b,\"\"x\"\"\nmore\",c\r\n1,2,3\n"))
	p.skip = []bool{false, true, false}
	for _, want := range []string{"a||c", "1||3"} {
		f, _, err := p.Read()
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, x := range f {
			parts = append(parts, string(x))
		}
		if got := strings.Join(parts, "|"); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
