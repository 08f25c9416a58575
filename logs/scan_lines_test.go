package logs

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// TestJSONLinesRanges checks that a JSON lines file scanned in many
// byte ranges (cut without counting lines) gives the same rows, the same
// warnings with the same file line numbers, and the same counts as a
// sequential scan: bad values, syntax errors, blank lines, CRLF, a last
// line without a line break, lines with leading white space or an array
// (also where a range starts), with and without a raw filter.
func TestJSONLinesRanges(t *testing.T) {
	oldSplit, oldMin := splitMin, jxMinRange
	splitMin, jxMinRange = 1, 1
	defer func() { splitMin, jxMinRange = oldSplit, oldMin }()
	var jl strings.Builder
	for i := range 4000 {
		port := fmt.Sprint(i)
		if i%250 == 0 {
			port = `"bad"`
		}
		switch {
		case i%333 == 0:
			jl.WriteString("\n") // blank line
		case i%401 == 0:
			jl.WriteString(`{"SourceIP":"10.0.0.1",` + "\n") // syntax error
		case i%97 == 0:
			jl.WriteString("  {bad\n") // placed after its leading spaces
		case i%89 == 0:
			jl.WriteString("[1,2]\n") // an array line, not an array file
		case i > 3000 && i%53 == 0:
			jl.WriteString(`{"SourceIP":"10.9.9.9","Extra":1}` + "\n") // reported once per file
		}
		end := "\n"
		if i%3 == 0 {
			end = "\r\n"
		}
		if i == 3999 {
			end = ""
		}
		fmt.Fprintf(&jl, "{\"SourceIP\":\"10.0.%d.%d\",\"Message\":\"m %d\",\"DestinationPort\":%s}%s", i/256, i%256, i, port, end)
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "CommonSecurityLog.jsonl"), jl.String())
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := cat.Table("CommonSecurityLog")
	keep := &types.RawFilter{Columns: []string{"SourceIP"}, Keep: func(f [][]byte) bool { return !strings.HasSuffix(string(f[0]), "7") }}
	collect := func(concurrent bool, filter *types.RawFilter) (string, string, *types.ScanStats) {
		var mu sync.Mutex
		var rows []string
		st := &types.ScanStats{}
		err := tb.Scan(context.Background(), types.ScanOptions{Columns: []string{"SourceIP", "Message", "DestinationPort"}, Concurrent: concurrent, Stats: st, Filter: filter},
			func(b *types.Batch) error {
				mu.Lock()
				defer mu.Unlock()
				for i := range b.Len {
					rows = append(rows, b.Cols[0].Strs[i]+"|"+b.Cols[1].Strs[i]+"|"+cell(b, i, "DestinationPort"))
				}
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		var ws []string
		for _, w := range st.Warnings() {
			// An unknown key is reported once per file, by whichever
			// range meets it first: its line may differ.
			ws = append(ws, jxAnyLine.ReplaceAllString(w.String(), ":N: key "))
		}
		sort.Strings(rows)
		sort.Strings(ws)
		return strings.Join(rows, "\n"), strings.Join(ws, "\n"), st
	}
	items, err := tb.(*Table).workItems(2)
	if err != nil || len(items) < 10 {
		t.Fatalf("%d work items (%v), want the file cut into many ranges", len(items), err)
	}
	for _, filter := range []*types.RawFilter{nil, keep} {
		seqRows, seqWarn, seqSt := collect(false, filter)
		parRows, parWarn, parSt := collect(true, filter)
		if !strings.Contains(seqWarn, "syntax error") || strings.Count(seqWarn, "\n") < 20 || strings.Count(seqWarn, `:N: key "Extra"`) != 1 {
			t.Fatalf("sequential warnings: %s", seqWarn)
		}
		if parRows != seqRows {
			t.Error("parallel rows differ from sequential rows")
		}
		if parWarn != seqWarn {
			t.Errorf("parallel warnings differ:\n%s\nsequential:\n%s", parWarn, seqWarn)
		}
		if parSt.Rows != seqSt.Rows || parSt.Malformed != seqSt.Malformed || parSt.Files != 1 || parSt.Bytes != seqSt.Bytes {
			t.Errorf("parallel stats rows %d malformed %d files %d bytes %d, sequential rows %d malformed %d bytes %d",
				parSt.Rows, parSt.Malformed, parSt.Files, parSt.Bytes, seqSt.Rows, seqSt.Malformed, seqSt.Bytes)
		}
	}
}

// jxAnyLine matches the line number of an unknown-key warning.
var jxAnyLine = regexp.MustCompile(`:[0-9]+: key `)

// FuzzJSONLinesRanges checks that any JSON lines file scanned in byte
// ranges gives the sequential scan's rows, warnings (with their line
// numbers) and counts.
func FuzzJSONLinesRanges(f *testing.F) {
	f.Add("{\"SourceIP\":\"1.2.3.4\",\"Message\":\"a\"}\n{\"SourceIP\":5}\n\n{bad\n{\"Message\":\"\\u00e9\"}\r\n{\"x\":1}")
	f.Add("\n\n{\"SourceIP\":\"10.0.0.1\"}\n\xff\n")
	f.Fuzz(func(t *testing.T, text string) {
		oldSplit, oldMin := splitMin, jxMinRange
		splitMin, jxMinRange = 1, 1
		defer func() { splitMin, jxMinRange = oldSplit, oldMin }()
		dir := t.TempDir()
		write(t, filepath.Join(dir, "CommonSecurityLog.jsonl"), text)
		cat, err := Open(OpenOptions{Dirs: []string{dir}})
		if err != nil {
			return
		}
		tb, ok := cat.Table("CommonSecurityLog")
		if !ok {
			return
		}
		scan := func(concurrent bool) (string, string, [2]int64) {
			var mu sync.Mutex
			var rows []string
			st := &types.ScanStats{}
			err := tb.Scan(context.Background(), types.ScanOptions{Columns: []string{"SourceIP", "Message"}, Concurrent: concurrent, Stats: st}, func(b *types.Batch) error {
				mu.Lock()
				defer mu.Unlock()
				for i := range b.Len {
					rows = append(rows, cell(b, i, "SourceIP")+"|"+cell(b, i, "Message"))
				}
				return nil
			})
			if err != nil {
				return "error: " + err.Error(), "", [2]int64{}
			}
			var ws []string
			for _, w := range st.Warnings() {
				// An unknown key is reported once per file, by whichever
				// range meets it first: its line may differ.
				ws = append(ws, jxAnyLine.ReplaceAllString(w.String(), ":N: key "))
			}
			sort.Strings(rows)
			sort.Strings(ws)
			return strings.Join(rows, "\n"), strings.Join(ws, "\n"), [2]int64{st.Rows, st.Malformed}
		}
		sr, sw, sc := scan(false)
		pr, pw, pc := scan(true)
		if sr != pr || sc != pc {
			t.Fatalf("parallel rows %q %v, sequential %q %v", pr, pc, sr, sc)
		}
		if sw != pw {
			t.Fatalf("parallel warnings (%v):\n%s\nsequential (%v):\n%s", pc, pw, sc, sw)
		}
	})
}

// TestJSONLinesRangeStarts: a range that starts at a line with leading
// white space or at an array line reads that line as the whole-file scan
// does (the same warning, at the same byte; no "JSON array" error).
func TestJSONLinesRangeStarts(t *testing.T) {
	oldSplit, oldMin := splitMin, jxMinRange
	splitMin, jxMinRange = 1, 1
	defer func() { splitMin, jxMinRange = oldSplit, oldMin }()
	var jl strings.Builder
	for i := range 300 {
		if i%2 == 0 {
			fmt.Fprintf(&jl, "  {\"SourceIP\":\"10.0.0.%d\"}\n", i%256)
		} else {
			jl.WriteString("  [1]\n")
		}
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "CommonSecurityLog.jsonl"), jl.String())
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := cat.Table("CommonSecurityLog")
	warnings := func(concurrent bool) string {
		st := &types.ScanStats{}
		if err := tb.Scan(context.Background(), types.ScanOptions{Columns: []string{"SourceIP"}, Concurrent: concurrent, Stats: st}, func(*types.Batch) error { return nil }); err != nil {
			t.Fatal(err)
		}
		var ws []string
		for _, w := range st.Warnings() {
			// An unknown key is reported once per file, by whichever
			// range meets it first: its line may differ.
			ws = append(ws, jxAnyLine.ReplaceAllString(w.String(), ":N: key "))
		}
		sort.Strings(ws)
		return strings.Join(ws, "\n")
	}
	seq, par := warnings(false), warnings(true)
	if strings.Count(seq, "\n") != 149 || !strings.Contains(seq, ":2: JSON syntax error at byte 3") {
		t.Fatalf("sequential warnings:\n%s", seq)
	}
	if par != seq {
		t.Errorf("parallel warnings:\n%s\nsequential:\n%s", par, seq)
	}
}
