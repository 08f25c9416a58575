package cef

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/logs/record"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		o        Options
		host     string
		time     string
		header   string
		ext      string
	}{
		{"bare", `CEF:0|security|threatmanager|1.0|100|detected a \| in message|10|src=10.0.0.1 act=blocked a | dst=1.1.1.1`, Options{}, "", "",
			"0|security|threatmanager|1.0|100|detected a | in message|10", "src=10.0.0.1 act=blocked a | dst=1.1.1.1"},
		{"escapes", `CEF:0|v|p|1|id|n|5|request=https://x/?a\=1 path=C:\\Windows msg=line1\nline2 cs1=a\\=b`, Options{}, "", "",
			"0|v|p|1|id|n|5", "request=https://x/?a=1 path=C:\\Windows msg=line1\nline2 cs1=a\\=b"},
		{"keep escapes", `CEF:0|v|p|1|id|n|5|request=https://x/?a\=1`, Options{KeepEscapes: true}, "", "",
			"0|v|p|1|id|n|5", `request=https://x/?a\=1`},
		{"rfc3164", `May 18 16:02:00 radiflow-labs-isid radiflow-labs-isid[1] CEF:0|radiflow|isid|7.0.2.28|2|New Link Detected|Medium|cat='Link' id=220 SrcVendor=WAGO Kontakttechnik GmbH`, Options{Year: 2020},
			"radiflow-labs-isid", "2020-05-18T16:02:00Z", "0|radiflow|isid|7.0.2.28|2|New Link Detected|Medium", "cat='Link' id=220 SrcVendor=WAGO Kontakttechnik GmbH"},
		{"rfc5424", `<134>1 2024-03-01T10:00:00.123Z fw01 CEF - - - CEF:1|Acme|FW|2|deny|Denied|7|src=1.2.3.4 dpt=443`, Options{},
			"fw01", "2024-03-01T10:00:00.123Z", "1|Acme|FW|2|deny|Denied|7", "src=1.2.3.4 dpt=443"},
		{"epoch host", `1493738863000 hostname.example.com CEF:0|A|L|5|s:115|Ev|1|cs1=null`, Options{},
			"hostname.example.com", "2017-05-02T15:27:43Z", "0|A|L|5|s:115|Ev|1", "cs1=null"},
		{"empty extension", `CEF:0|a|b|c|d|e|f|`, Options{}, "", "", "0|a|b|c|d|e|f", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := Parse([]byte(tc.in), tc.o)
			if err != nil {
				t.Fatal(err)
			}
			h := strings.Join([]string{ev.Version, ev.DeviceVendor, ev.DeviceProduct, ev.DeviceVersion, ev.SignatureID, ev.Name, ev.Severity}, "|")
			if h != tc.header {
				t.Errorf("header %q, want %q", h, tc.header)
			}
			var kv []string
			for _, e := range ev.Ext {
				kv = append(kv, e.Key+"="+e.Value)
			}
			if got := strings.Join(kv, " "); got != tc.ext {
				t.Errorf("ext %q, want %q", got, tc.ext)
			}
			if ev.Host != tc.host {
				t.Errorf("host %q, want %q", ev.Host, tc.host)
			}
			if tc.time != "" && (!ev.HasTime || ev.Time.Format("2006-01-02T15:04:05.999Z07:00") != tc.time) {
				t.Errorf("time %v (%v), want %s", ev.Time, ev.HasTime, tc.time)
			}
		})
	}
	for _, bad := range []string{"no cef here", "CEF:0|a|b|c", "CEF:x|a|b|c|d|e|f|g|"} {
		if _, err := Parse([]byte(bad), Options{}); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

// TestCEFParserCases runs the 90 jcustenborder/cef-parser cases from the
// shared data folder: header fields and extensions must match.
func TestCEFParserCases(t *testing.T) {
	dir := filepath.Join(sharedLogs(t), "cef", "jcustenborder-cef-parser-testcases")
	files, _ := filepath.Glob(filepath.Join(dir, "Message*.json"))
	if len(files) != 90 {
		t.Fatalf("found %d cases, want 90", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			var tc struct {
				Input    string `json:"input"`
				Expected struct {
					Host       string            `json:"host"`
					Vendor     string            `json:"deviceVendor"`
					Product    string            `json:"deviceProduct"`
					Version    string            `json:"deviceVersion"`
					ClassID    string            `json:"deviceEventClassId"`
					Name       string            `json:"name"`
					Severity   string            `json:"severity"`
					Timestamp  int64             `json:"timestamp"`
					Extensions map[string]string `json:"extensions"`
				} `json:"expected"`
			}
			b, _ := os.ReadFile(f)
			if err := json.Unmarshal(b, &tc); err != nil {
				t.Fatal(err)
			}
			ev, err := Parse([]byte(tc.Input), Options{Year: 2017})
			if err != nil {
				t.Fatal(err)
			}
			e := tc.Expected
			got := []string{ev.DeviceVendor, ev.DeviceProduct, ev.DeviceVersion, ev.SignatureID, ev.Name, ev.Severity, ev.Host}
			want := []string{e.Vendor, e.Product, e.Version, e.ClassID, e.Name, e.Severity, e.Host}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("header\n got %q\nwant %q", got, want)
			}
			if len(ev.Ext) != len(e.Extensions) {
				t.Errorf("%d extensions, want %d: %v", len(ev.Ext), len(e.Extensions), ev.Ext)
			}
			for _, kv := range ev.Ext {
				if w, ok := e.Extensions[kv.Key]; !ok || w != kv.Value {
					t.Errorf("ext %s=%q, want %q", kv.Key, kv.Value, w)
				}
			}
			if e.Timestamp != 0 && (!ev.HasTime || ev.Time.UnixMilli() != e.Timestamp) {
				t.Errorf("time %v, want %d", ev.Time, e.Timestamp)
			}
		})
	}
}

func sharedLogs(t *testing.T) string {
	t.Helper()
	d := os.Getenv("HUNTPACK_SHARED")
	if d == "" {
		wd, _ := os.Getwd()
		d = filepath.Join(wd, "..", "..", "..", "shared")
	}
	d = filepath.Join(d, "data", "logs")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("shared data not found at %s (set HUNTPACK_SHARED)", d)
	}
	return d
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`CEF:0|security|threatmanager|1.0|100|detected a \| in message|10|src=10.0.0.1 act=blocked a | dst=1.1.1.1`,
		`May 18 16:02:00 host prog[1] CEF:0|r|i|7|2|N|Medium|cat='Link' x=a\=b\\c`,
		`<134>1 2024-03-01T10:00:00.123Z fw01 CEF - - - CEF:1|A|F|2|d|D|7|src=1.2.3.4`,
		`1493738863000 h CEF:0|A|L|5|s|E|1|`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ev, err := Parse([]byte(s), Options{Year: 2020})
		if err != nil {
			return
		}
		for _, kv := range ev.Ext {
			if kv.Key == "" {
				t.Fatalf("empty key in %q", s)
			}
		}
	})
}

func TestSourceInvalidUTF8AndNoise(t *testing.T) {
	in := "CEF:0|v|p|1|id|n|5|src=10.0.0.1 msg=caf\xe9\nnot a cef line\nCEF:0|v|p|1|id|n|5|src=10.0.0.2\n"
	s := NewSource(io.NopCloser(strings.NewReader(in)), Options{})
	fields := make([][]byte, len(s.Columns()))
	var got []string
	for {
		clear(fields)
		n, err := s.Next(fields)
		if err == io.EOF {
			break
		}
		msg := ""
		if re, ok := err.(*record.Error); ok {
			msg = fmt.Sprintf(" [line %d: %s keep=%v]", re.Line, re.Msg, re.Keep)
			if !re.Keep {
				got = append(got, msg)
				continue
			}
		}
		got = append(got, fmt.Sprintf("%d:%s:%s%s", n, fields[s.idx["SourceIP"]], fields[s.idx["Message"]], msg))
	}
	want := "1:10.0.0.1:caf\uFFFD [line 1: invalid UTF-8 (replaced with U+FFFD) keep=true]| [line 2: not a CEF line; skipped keep=false]|3:10.0.0.2:"
	if strings.Join(got, "|") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, "|"), want)
	}
}
