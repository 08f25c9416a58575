package logs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/record"
)

// writeRaw writes bytes as they are (write() compresses by extension).
func writeRaw(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestUnreadableFiles is gap G3: an empty or corrupt file named after a
// table is reported, with what was wrong, by `logs ls` (Unrecognised) and
// by a scan of that table, instead of the table silently not existing.
func TestUnreadableFiles(t *testing.T) {
	garbageGz := []byte("\x1f\x8b\x08\x00garbage-not-deflate")
	tests := []struct {
		name  string
		files map[string][]byte
		// unrec: path base -> substring of the reason
		unrec map[string]string
		// scanErr: substring of the scan error of table Web ("" = no error)
		scanErr string
		rows    int64
		warns   []string
	}{
		{
			name:  "only broken files",
			files: map[string][]byte{"Web_empty.csv": nil, "Web_gz_garbage.csv.gz": garbageGz, "notes.txt": []byte("hello world\nsecond line\n"), "Web_blank.jsonl": []byte("\n \n")},
			unrec: map[string]string{
				"Web_empty.csv":         "empty file (0 bytes)",
				"Web_gz_garbage.csv.gz": "cannot read: gzip: ",
				"notes.txt":             `extension ".txt" is not an export (.csv, .json, .jsonl, .ndjson, .parquet) and the content is no raw log huntpack reads (CEF, Zeek, Sysmon, Suricata EVE, DNS debug log); it starts with "hello world"`,
				"Web_blank.jsonl":       "no content (3 bytes of white space)",
			},
			scanErr: "table Web: no readable file: ",
		},
		{
			name:  "broken next to a good file",
			files: map[string][]byte{"Web_empty.csv": nil, "Web_ok.csv": []byte("Host,N\nh1,1\nh2,2\n"), "Web_empty_gz.csv.gz": gzipBytes(t, "")},
			unrec: map[string]string{
				"Web_empty.csv":       "empty file (0 bytes)",
				"Web_empty_gz.csv.gz": "empty once decompressed (gzip,",
			},
			rows:  2,
			warns: []string{"Web_empty.csv: not read: empty file (0 bytes)", "Web_empty_gz.csv.gz: not read: empty once decompressed (gzip"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tt.files {
				writeRaw(t, filepath.Join(dir, name), data)
			}
			cat, err := Open(OpenOptions{Dirs: []string{dir}})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, u := range cat.Unrecognised() {
				got[filepath.Base(u.Path)] = u.Reason
			}
			if len(got) != len(tt.unrec) {
				t.Errorf("unrecognised %v, want %v", got, tt.unrec)
			}
			for name, want := range tt.unrec {
				if !strings.Contains(got[name], want) {
					t.Errorf("%s: reason %q, want %q", name, got[name], want)
				}
				if strings.Contains(got[name], dir) {
					t.Errorf("%s: reason repeats the path: %q", name, got[name])
				}
			}
			tb, ok := cat.Table("Web")
			if !ok {
				t.Fatalf("no table Web: %v", cat.TableNames())
			}
			st := &types.ScanStats{}
			err = tb.Scan(context.Background(), types.ScanOptions{Stats: st}, func(*types.Batch) error { return nil })
			if tt.scanErr != "" {
				var ue *UnreadableError
				if err == nil || !strings.Contains(err.Error(), tt.scanErr) || !errors.As(err, &ue) || !ue.NoneRead {
					t.Fatalf("scan error %v, want %q", err, tt.scanErr)
				}
				for name := range tt.unrec {
					if strings.HasPrefix(name, "Web_") && !strings.Contains(err.Error(), filepath.Join(dir, name)+": "+tt.unrec[name]) {
						t.Errorf("scan error %q does not name %s", err, name)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ws := st.Warnings()
			if st.Rows != tt.rows || st.Malformed != int64(len(tt.warns)) || len(ws) != len(tt.warns) {
				t.Fatalf("rows %d malformed %d warnings %v", st.Rows, st.Malformed, ws)
			}
			for i, w := range tt.warns {
				if !strings.Contains(ws[i].String(), w) {
					t.Errorf("warning %d = %q, want %q", i, ws[i], w)
				}
			}
			strict, err := Open(OpenOptions{Dirs: []string{dir}, Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			stb, _ := strict.Table("Web")
			if err := stb.Scan(context.Background(), types.ScanOptions{}, func(*types.Batch) error { return nil }); err == nil || !strings.Contains(err.Error(), "unreadable file") {
				t.Errorf("strict scan error %v", err)
			}
		})
	}
}

func gzipBytes(t *testing.T, text string) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.gz")
	write(t, p, text)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestUTF16Exports is gap G2 through the catalog: UTF-16 CSV and JSON
// lines (with and without a byte order mark) load like their UTF-8 form,
// and are never cut into byte ranges.
func TestUTF16Exports(t *testing.T) {
	csvText := "TimeGenerated,Host,Url\n2026-01-01T00:00:00Z,h1,http://a/é\n2026-01-01T00:00:01Z,h2,http://b/\n"
	jsonText := "{\"Host\":\"h1\",\"N\":1}\n{\"Host\":\"h2\",\"N\":2}\n{\"Host\":\"h3\",\"N\":3}\n"
	dir := t.TempDir()
	writeRaw(t, filepath.Join(dir, "Web_le.csv"), utf16Bytes(csvText, false, true))
	writeRaw(t, filepath.Join(dir, "Web_be.csv"), utf16Bytes(csvText, true, false))
	writeRaw(t, filepath.Join(dir, "Ev_le.jsonl"), utf16Bytes(jsonText, false, true))
	old := splitMin
	splitMin = 1
	defer func() { splitMin = old }()
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if u := cat.Unrecognised(); len(u) != 0 {
		t.Fatalf("unrecognised %v", u)
	}
	for _, f := range cat.Files() {
		if f.Encoding == "" || f.splittable() {
			t.Errorf("%s: encoding %q splittable %v", f.Path, f.Encoding, f.splittable())
		}
	}
	web, _ := cat.Table("Web")
	if s := web.Schema(); len(s) != 3 || s[0].Name != "TimeGenerated" || s[0].Type != types.DateTime || s[2].Name != "Url" {
		t.Errorf("Web schema %v", s)
	}
	var mu sync.Mutex
	urls := map[string]bool{}
	st := &types.ScanStats{}
	err = web.Scan(context.Background(), types.ScanOptions{Concurrent: true, Stats: st, Columns: []string{"Url"}}, func(b *types.Batch) error {
		mu.Lock()
		defer mu.Unlock()
		for i := 0; i < b.Len; i++ {
			urls[b.Cols[0].Strs[i]] = true
		}
		return nil
	})
	if err != nil || st.Rows != 4 || st.Malformed != 0 {
		t.Fatalf("Web: %v, %d rows, %v", err, st.Rows, st.Warnings())
	}
	if !urls["http://a/é"] || !urls["http://b/"] {
		t.Errorf("urls %v", urls)
	}
	ev, _ := cat.Table("Ev")
	b, st := scanAll(t, ev, types.ScanOptions{})
	if b.Len != 3 || st.Malformed != 0 || cell(b, 0, "Host") != "h1" || cell(b, 0, "N") != "1" {
		t.Fatalf("Ev: %d rows %v %s", b.Len, st.Warnings(), ev.Schema())
	}
}

func utf16Bytes(s string, big, bom bool) []byte {
	var out []byte
	put := func(u uint16) {
		if big {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	if bom {
		put(0xFEFF)
	}
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			put(uint16(0xD800 + r>>10))
			put(uint16(0xDC00 + r&0x3FF))
			continue
		}
		put(uint16(r))
	}
	return out
}

// TestMergeFileColumnsWide is gap G10: merging file columns is linear in
// the column count (it was quadratic: 100k columns took 20 s), and keeps
// its rules: schema columns keep their type for known tables, new
// columns are appended once in first-seen order, types widen across files.
func TestMergeFileColumnsWide(t *testing.T) {
	const n = 100000
	known := types.Schema{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "Host", Type: types.String}}
	a := &File{}
	b := &File{}
	for i := range n {
		name := "c" + strconv.Itoa(i)
		a.cols = append(a.cols, record.Col{Name: name})
		a.inferred = append(a.inferred, types.Long)
		b.cols = append(b.cols, record.Col{Name: name})
		b.inferred = append(b.inferred, types.Long)
	}
	a.cols = append(a.cols, record.Col{Name: "TimeGenerated"}, record.Col{Name: "c5"})
	a.inferred = append(a.inferred, types.String, types.String)
	b.inferred[7] = types.Real
	start := time.Now()
	out := mergeFileColumns(known, true, []*File{a, b})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("merging %d columns took %v", n, d)
	}
	if len(out) != n+2 {
		t.Fatalf("%d columns, want %d", len(out), n+2)
	}
	for i, want := range []types.Field{known[0], known[1], {Name: "c0", Type: types.Long}, {Name: "c5", Type: types.String}, {Name: "c7", Type: types.Real}} {
		j := i
		if i >= 2 {
			j = 2 + []int{0, 5, 7}[i-2]
		}
		if out[j] != want {
			t.Errorf("column %d = %v, want %v", j, out[j], want)
		}
	}
}
