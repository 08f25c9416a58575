package jsonl

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/record"
)

// hashKeep is a filter on columns b and a whose answer depends on every
// byte of both values (and on nil versus empty), so a fast path that
// hands the filter different text is caught about half the time.
var hashKeep = &types.RawFilter{Columns: []string{"b", "a"}, Keep: func(f [][]byte) bool {
	h := uint32(7)
	for _, v := range f {
		if v == nil {
			h = h*31 + 1
			continue
		}
		h = h*31 + crc32.ChecksumIEEE(v) + 2
	}
	return h&1 == 0
}}

// filtered reads in through a Source like record.Run and the sink do:
// the rows the filter keeps, every warning and error in order, and the
// count that goes to ScanStats.Rows. With pre the source applies the
// filter itself first.
func filtered(t *testing.T, in string, cols []record.Col, f *types.RawFilter, need []bool, fast bool) (out []string, rows int64) {
	t.Helper()
	s := NewSource(io.NopCloser(strings.NewReader(in)), Options{Columns: cols})
	if need != nil {
		s.Need(need)
	}
	var stats types.ScanStats
	if fast {
		s.PreFilter(context.Background(), f, &stats)
	} else {
		s.fastState().off = true
	}
	filt := make([]int, len(f.Columns))
	for j, name := range f.Columns {
		filt[j] = -1
		for i, c := range cols {
			if c.Name == name {
				filt[j] = i
				break
			}
		}
	}
	vals := make([][]byte, len(filt))
	for range 100000 {
		fields, line, err := s.NextRecord()
		if err == io.EOF {
			break
		}
		var re *record.Error
		if err != nil {
			out = append(out, fmt.Sprintf("%d: error %v", line, err))
			if !errors.As(err, &re) {
				break
			}
			if !re.Keep {
				continue
			}
		}
		rows++
		for j, i := range filt {
			vals[j] = nil
			if i >= 0 {
				vals[j] = fields[i]
			}
		}
		if !f.Keep(vals) {
			continue
		}
		var parts []string
		for _, v := range fields {
			if v == nil {
				parts = append(parts, "<nil>")
			} else {
				parts = append(parts, fmt.Sprintf("%q", v))
			}
		}
		out = append(out, fmt.Sprintf("%d: %s", line, strings.Join(parts, " ")))
	}
	return out, rows + stats.Rows
}

// exactKeep keeps a = 1.2.3.4 or b = "q" (with the quotes), as an IOC
// list would.
var exactKeep = &types.RawFilter{Columns: []string{"b", "a"}, Keep: func(f [][]byte) bool {
	return string(f[1]) == "1.2.3.4" || string(f[0]) == `"q"`
}}

func colsOf(names ...string) []record.Col {
	var cols []record.Col
	for _, n := range names {
		c, _ := record.ParseHeader(n, len(cols))
		cols = append(cols, c)
	}
	return cols
}

// keepAll is a filter that keeps every record.
var keepAll = &types.RawFilter{Keep: func([][]byte) bool { return true }}

// sameAsFull checks that the fast path and the pre-filter change nothing
// the scan sees but the work done.
func sameAsFull(t *testing.T, in string, cols []record.Col, f *types.RawFilter) {
	t.Helper()
	sameAsFullNeed(t, in, cols, f, nil)
}

func sameAsFullNeed(t *testing.T, in string, cols []record.Col, f *types.RawFilter, need []bool) {
	t.Helper()
	want, wantRows := filtered(t, in, cols, f, need, false)
	got, gotRows := filtered(t, in, cols, f, need, true)
	if gotRows != wantRows {
		t.Fatalf("input %.300q: %d rows read with the fast path, %d with the full scan", in, gotRows, wantRows)
	}
	for i := range max(len(got), len(want)) {
		g, w := "<none>", "<none>"
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Fatalf("input %.300q: output %d differs\nfast path: %s\nfull scan: %s", in, i, g, w)
		}
	}
}

var fastSeeds = []string{
	`{"a":"1.2.3.4","b":"x","c":1,"d":null}`,
	`{"a":"1.2.3.4","b":"x"}` + "\n" + `{"b":"y","a":"5.6.7.8"}` + "\n" + `{"a":"1.2.3.4","b":"x"}`,
	`{"a":"1\u002e2.3.4","b":"x"}`,
	`{"a":"1.2.3.4\/","b":"\"q\""}`,
	`{"a":"x","a":"y","b":null}`,
	`{"a":"x","b":"y","a":null}`,
	`{ "a" : "x" , "b" : "y" }` + "\n" + `{"a":"x","b":"y"}`,
	`{"x":"unknown","a":"1","b":"2"}` + "\n" + `{"x":"unknown","a":"1","b":"3"}`,
	`{"a":{"b":"nested"},"b":[1,"]",{"a":2}]}`,
	`{"a":true,"b":false,"c":-1.5e3,"d":"é"}`,
	"{\"a\":\"bad\xff\",\"b\":\"x\"}",
	"{\"a\":\"1\",\"b\":\"x\",\"c\":\"bad\xff\"}\n{\"a\":\"1\",\"b\":\"y\",\"d\":[\"\xff\"]}",
	"{\"a\":\"é\",\"b\":\"x\"}",
	`{"a":"1","b":"2"} trailing`,
	`{"a":"1","b":"2",}`,
	`{"a":01,"b":-,"c":1.}`,
	"{\"a\":\"tab\there\",\"b\":\"1\"}",
	`{"a":"x\u12","b":"y"}`,
	`{"a\"":"x","b":"y"}`,
	`{}`,
	`[1]`,
	`{"a":"1","b":"2"`,
	`{"c":"\ud83d\ude00","a":"1","b":"2"}`,
	"{\"a\":\"1\",\"b\":\"2\"}\r\n\n  \n{\"a\":\"3\",\"b\":\"4\"}\n",
	`{"a":"2025-06-01T00:00:00.564Z","b":"10.3.27.51","c":63972,"d":"96.233.1.229"}
{"a":"2025-06-01T00:00:01.540Z","b":"10.7.53.167","c":36462,"d":"194.41.168.189"}
{"a":"2025-06-01T00:00:02.099Z","b":"1.2.3.4","c":22988,"d":"80.77.147.194"}`,
	"[\n {\"a\": \"x\",\n  \"b\": [1, 2]},\n {\"b\": \"y\", \"a\": null}\n]\n",
}

func TestFastFilterSameAsFull(t *testing.T) {
	cols := colsOf("a", "b", "c", "d")
	for i, in := range fastSeeds {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			sameAsFull(t, in, cols, hashKeep)
			sameAsFull(t, in, cols, &types.RawFilter{Columns: []string{"b", "a"}, Keep: func([][]byte) bool { return false }})
			sameAsFull(t, in, cols, exactKeep)
			sameAsFull(t, in, cols, keepAll)
			sameAsFullNeed(t, in, cols, keepAll, []bool{false, true, true, false})
		})
	}
}

// TestFastPathHandles checks that the fast path does the work: plain
// objects, and escapes, non-ASCII text and nested values anywhere, are
// read (and here rejected) without the full scan; the rest goes to it.
func TestFastPathHandles(t *testing.T) {
	never := &types.RawFilter{Columns: []string{"a"}, Keep: func([][]byte) bool { return false }}
	tests := []struct {
		name, line string
		fast       bool
	}{
		{"plain", `{"a":"1.2.3.4","b":"x","c":1,"d":null}`, true},
		{"spaces", ` { "a" : "1.2.3.4" , "b" : "x" } `, true},
		{"escape elsewhere", `{"a":"1.2.3.4","b":"x\"y"}`, true},
		{"escape in the filter value", `{"a":"1.2.3\u002e4","b":"x"}`, true},
		{"non-ASCII", `{"a":"é","b":"ü"}`, true},
		{"nested", `{"a":{"k":1},"b":{"k":[1,"\"]"]}}`, true},
		{"invalid UTF-8", "{\"a\":\"1\",\"b\":\"\xff\"}", false},
		{"escaped key", `{"\u0061":"1"}`, false},
		{"new unknown key", `{"a":"1","zz":2}`, false},
		{"syntax error", `{"a":"1",}`, false},
		{"bad escape", `{"a":"1","b":"\x"}`, false},
		{"control character", "{\"a\":\"1\",\"b\":\"\t\"}", false},
		{"fraction and exponent", `{"a":"1","c":-1.5e3,"d":1E+2}`, true},
		{"bad number", `{"a":"1","c":1.5.2}`, false},
		{"lone minus", `{"a":"1","c":-}`, false},
		{"trailing text", `{"a":"1"} x`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSource(io.NopCloser(strings.NewReader(tt.line)), Options{Columns: colsOf("a", "b", "c", "d")})
			s.PreFilter(context.Background(), never, nil)
			rec, ok := s.fastRecord([]byte(tt.line))
			if ok != tt.fast || ok && rec != nil {
				t.Errorf("fast path = %v (record %q), want %v and rejected", ok, rec, tt.fast)
			}
		})
	}
}

// TestFastFilterKeyOrder: objects whose keys change order, or that use a
// key under its raw header name, still give the full scan's rows.
func TestFastFilterKeyOrder(t *testing.T) {
	in := `{"T [UTC]":"2/4/2021, 11:57:45 PM","a":"1","b":"2"}
{"b":"2","a":"1","T [UTC]":"x"}
{"a":"1"}
{"b":"2","a":"1","T [UTC]":"y","a":"3"}
{"a":"1","b":"2","T [UTC]":"z"}
`
	sameAsFull(t, in, colsOf("T [UTC]", "a", "b"), hashKeep)
}

// TestFastFilterStats: rejected records are counted as read rows, and a
// cancelled scan stops.
func TestFastFilterStats(t *testing.T) {
	var b strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&b, "{\"a\":\"%d\",\"b\":\"x\"}\n", i)
	}
	keep := &types.RawFilter{Columns: []string{"a"}, Keep: func(f [][]byte) bool { return string(f[0]) == "5000" }}
	s := NewSource(io.NopCloser(strings.NewReader(b.String())), Options{Columns: colsOf("a", "b")})
	var stats types.ScanStats
	s.PreFilter(context.Background(), keep, &stats)
	var got []string
	for {
		f, _, err := s.NextRecord()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(f[0]))
	}
	if len(got) != 1 || got[0] != "5000" || stats.Rows != 9999 {
		t.Errorf("got %v, %d rows counted", got, stats.Rows)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s = NewSource(io.NopCloser(strings.NewReader(b.String())), Options{Columns: colsOf("a", "b")})
	s.PreFilter(ctx, keep, nil)
	if _, _, err := s.NextRecord(); err != io.EOF {
		t.Errorf("cancelled scan: err = %v, want io.EOF", err)
	}
}

// TestFastFilterNetHunt compares both paths on generated firewall lines
// with the net hunt's filter (DestinationIP or SourceIP in a set).
func TestFastFilterNetHunt(t *testing.T) {
	data := benchLines(3000, 2)
	f := ipFilter(20000)
	sameAsFull(t, string(data), benchColumns(), f)
	full, pre := scanAll(t, data, nil, nil, true), scanAll(t, data, f, nil, false)
	if full != 3000 || pre >= 100 {
		t.Errorf("full scan returned %d records, pre-filtered %d", full, pre)
	}
}

// FuzzFastPath checks that the fast path and the pre-filter return the
// full scan's records, values, warnings and row count on any input.
func FuzzFastPath(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s)
	}
	cols := colsOf("a", "b", "c", "d")
	f.Fuzz(func(t *testing.T, in string) {
		sameAsFull(t, in, cols, keepAll)
		sameAsFullNeed(t, in, cols, keepAll, []bool{false, true, true, false})
		sameAsFull(t, in, cols, hashKeep)
		sameAsFull(t, in, cols, exactKeep)
	})
}

// TestSourceEmptyStringNotNull: "" is an empty string, not a null, also
// in the first record of a file (found by FuzzFastFilter).
func TestSourceEmptyStringNotNull(t *testing.T) {
	s := NewSource(io.NopCloser(strings.NewReader(`{"a":"","b":null}`)), Options{Columns: colsOf("a", "b")})
	f, _, err := s.NextRecord()
	if err != nil || f[0] == nil || len(f[0]) != 0 || f[1] != nil {
		t.Errorf("fields %q, err %v; want a non-nil empty a and a nil b", f, err)
	}
}

// sharedLogs returns the real log samples folder of the shared data
// (../shared from the repository root, or $HUNTPACK_SHARED).
func sharedLogs(t *testing.T) string {
	d := os.Getenv("HUNTPACK_SHARED")
	if d == "" {
		d = filepath.Join("..", "..", "..", "shared")
	}
	d = filepath.Join(d, "data", "logs")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("shared data not found at %s (set HUNTPACK_SHARED): %v", d, err)
	}
	return d
}

// TestFastPathSharedLogs compares the fast path with the full scan on
// every real JSON log sample of the shared data (Sentinel exports,
// Suricata EVE, Sysmon, CEF test cases): records, values, warnings.
func TestFastPathSharedLogs(t *testing.T) {
	root := sharedLogs(t)
	var files []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".jsonl")) {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 10 {
		t.Fatalf("only %d JSON files under %s", len(files), root)
	}
	for _, p := range files {
		t.Run(strings.TrimPrefix(p, root+string(filepath.Separator)), func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			_, cols := readSource(t, string(data), Options{Grow: true})
			if len(cols) < 2 {
				t.Skip("fewer than two columns")
			}
			// The file's first two columns as the filter columns; a
			// projection of every other column.
			f := &types.RawFilter{Columns: []string{cols[1].Name, cols[0].Name}, Keep: hashKeep.Keep}
			need := make([]bool, len(cols))
			for i := range need {
				need[i] = i%2 == 0
			}
			in := string(data)
			sameAsFull(t, in, cols, keepAll)
			sameAsFull(t, in, cols, f)
			sameAsFullNeed(t, in, cols, f, need)
			// Columns known only in part: the other keys are unknown.
			sameAsFull(t, in, cols[:len(cols)/2+1], f)
		})
	}
}

// TestSourceLineNumbers: records read straight from the read buffer and
// through input.Lines (long lines, buffer ends) carry the right line
// numbers, with CRLF, blank lines and a bad line among them.
func TestSourceLineNumbers(t *testing.T) {
	var b strings.Builder
	want := map[int64]string{}
	for n := int64(1); n <= 5000; n++ {
		switch {
		case n%97 == 0:
			b.WriteString("\r\n") // blank
		case n%1000 == 500:
			b.WriteString(`{"a":"bad",}` + "\n")
			want[n] = "error"
		default:
			pad := ""
			if n%1500 == 0 {
				pad = strings.Repeat("x", 300<<10) // longer than the read buffer
			}
			fmt.Fprintf(&b, "{\"a\":\"%d\",\"b\":\"%s\"}", n, pad)
			if n%3 == 0 {
				b.WriteString("\r")
			}
			b.WriteString("\n")
			want[n] = fmt.Sprint(n)
		}
	}
	s := NewSource(io.NopCloser(strings.NewReader(b.String())), Options{Columns: colsOf("a", "b")})
	got := 0
	for {
		f, line, err := s.NextRecord()
		if err == io.EOF {
			break
		}
		got++
		v := "error"
		if err == nil {
			v = string(f[0])
		}
		if want[line] != v {
			t.Fatalf("line %d: got %q, want %q (err %v)", line, v, want[line], err)
		}
	}
	if got != len(want) {
		t.Errorf("%d records, want %d", got, len(want))
	}
}

// TestSpecial checks the eight-byte test against a byte loop: every byte
// value at every position over a background of plain bytes, and random
// words.
func TestSpecial(t *testing.T) {
	first := func(w [8]byte) int {
		for i, c := range w {
			if c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
				return i
			}
		}
		return 8
	}
	check := func(w [8]byte) {
		got := 8
		if m := special(binary.LittleEndian.Uint64(w[:])); m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if want := first(w); got != want {
			t.Fatalf("special(% x): first special byte %d, want %d", w, got, want)
		}
	}
	for c := range 256 {
		for pos := range 8 {
			for _, bg := range []byte{'a', ' ', '!', '#', '[', ']', '~', 0x7f} {
				var w [8]byte
				for i := range w {
					w[i] = bg
				}
				w[pos] = byte(c)
				check(w)
				if pos < 7 {
					w[pos+1] = 0 // a second special byte after the first
					check(w)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var w [8]byte
		for i := range w {
			w[i] = byte(r.IntN(256))
			if r.IntN(2) == 0 {
				w[i] = byte(0x20 + r.IntN(0x60)) // mostly plain
			}
		}
		check(w)
	}
}
