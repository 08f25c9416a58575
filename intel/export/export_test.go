package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/intel"
)

var now = time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)

func item(t *testing.T, value string, mod func(*intel.Indicator)) Item {
	t.Helper()
	in := intel.Indicator{Value: value}
	if err := intel.Normalize(&in); err != nil {
		t.Fatal(err)
	}
	if mod != nil {
		mod(&in)
	}
	return Item{Indicator: in, Active: true}
}

func write(t *testing.T, f Format, items []Item, o Options) string {
	t.Helper()
	o.Now = now
	var b bytes.Buffer
	if err := Write(&b, f, items, o); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// hostile is a URL whose path carries characters each format must escape.
const hostile = `http://evil.example/a'b\c"d,e=f`

func TestSTIXPatterns(t *testing.T) {
	tests := []struct {
		value, want string
	}{
		{"198.51.100.1", `[ipv4-addr:value = '198.51.100.1']`},
		{"2001:db8::1", `[ipv6-addr:value = '2001:db8::1']`},
		{"198.51.100.1:8080", `[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '198.51.100.1' AND network-traffic:dst_port = 8080]`},
		{"evil.example", `[domain-name:value = 'evil.example']`},
		{hostile, `[url:value = 'http://evil.example/a\'b\\c"d,e=f']`},
		{strings.Repeat("a", 32), `[file:hashes.MD5 = '` + strings.Repeat("a", 32) + `']`},
		{strings.Repeat("b", 40), `[file:hashes.'SHA-1' = '` + strings.Repeat("b", 40) + `']`},
		{strings.Repeat("c", 64), `[file:hashes.'SHA-256' = '` + strings.Repeat("c", 64) + `']`},
	}
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			it := item(t, tc.value, nil)
			if got := stixPattern(&it.Indicator, false); got != tc.want {
				t.Errorf("pattern = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestSTIXBundle(t *testing.T) {
	items := []Item{
		item(t, "198.51.100.1:8080", func(in *intel.Indicator) {
			in.Malware = intel.Malware{Name: "Remcos", Aliases: []string{"RemcosRAT"}}
			in.Confidence, in.FirstSeen = 80, now.Add(-time.Hour)
		}),
		item(t, "evil.example", func(in *intel.Indicator) { in.Malware.Name = "Remcos" }),
	}
	out := write(t, STIX, items, Options{})
	var b struct {
		Type    string           `json:"type"`
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, o := range b.Objects {
		kinds[o["type"].(string)]++
		if o["spec_version"] != "2.1" || !strings.HasPrefix(o["id"].(string), o["type"].(string)+"--") {
			t.Errorf("object %v", o)
		}
	}
	if kinds["indicator"] != 2 || kinds["malware"] != 1 || kinds["relationship"] != 2 {
		t.Errorf("objects = %v", kinds)
	}
	if out2 := write(t, STIX, items, Options{}); out2 != out {
		t.Error("STIX output is not stable")
	}
}

func TestCSVEscaping(t *testing.T) {
	items := []Item{item(t, hostile, func(in *intel.Indicator) {
		in.Tags = []string{"=cmd|' /C calc'!A0", "x"}
		in.Reference = "@SUM(1)"
	})}
	out := write(t, CSV, items, Options{})
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	row := recs[1]
	if row[1] != hostile || row[10] != "'=cmd|' /C calc'!A0,x" || row[11] != "'@SUM(1)" {
		t.Errorf("row = %q", row)
	}
	out = write(t, CSV, items, Options{Defang: true})
	if !strings.Contains(out, "hxxp://evil[.]example/") {
		t.Errorf("defanged csv:\n%s", out)
	}
}

func TestZeekEscaping(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "-"},
		{"-", `\x2d`},
		{"a\tb", `a\x09b`},
		{"line\nbreak", `line\x0abreak`},
		{`back\slash`, `back\x5cslash`},
		{"(empty)", `\x28empty)`},
		{"plain,comma", "plain,comma"},
	}
	for _, tc := range tests {
		if got := zeekEscape(tc.in); got != tc.want {
			t.Errorf("zeekEscape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	items := []Item{
		item(t, "198.51.100.1:8080", func(in *intel.Indicator) { in.Malware.Name = "Re\tmcos" }),
		item(t, "198.51.100.1:9090", nil),
		item(t, hostile, nil),
		item(t, strings.Repeat("a", 64), nil),
	}
	out := write(t, Zeek, items, Options{})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("lines:\n%s", out)
	}
	for _, l := range lines[1:] {
		if strings.Count(l, "\t") != 4 {
			t.Errorf("line has a stray tab: %q", l)
		}
	}
	if lines[1] != "198.51.100.1\tIntel::ADDR\thuntpack\tRe\\x09mcos port 8080\t-" {
		t.Errorf("addr line %q", lines[1])
	}
	if lines[2] != `evil.example/a'b\x5cc"d,e=f`+"\tIntel::URL\thuntpack\t-\t-" {
		t.Errorf("url line %q", lines[2])
	}
}

func TestMISPAndJSON(t *testing.T) {
	items := []Item{
		item(t, "198.51.100.1:8080", func(in *intel.Indicator) { in.Malware.Name = `Rem"cos` }),
		item(t, "8.8.8.8", func(in *intel.Indicator) {
			in.Decisions = []intel.Decision{{Action: intel.ActionExclude, List: "public-dns-v4"}}
		}),
	}
	out := write(t, MISP, items, Options{Title: "t"})
	var ev struct {
		Event struct {
			Info      string `json:"info"`
			Attribute []struct {
				Type  string `json:"type"`
				Value string `json:"value"`
				ToIDS bool   `json:"to_ids"`
				Tag   []struct {
					Name string `json:"name"`
				} `json:"Tag"`
			} `json:"Attribute"`
		} `json:"Event"`
	}
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatal(err)
	}
	a := ev.Event.Attribute
	if len(a) != 2 || a[0].Type != "ip-dst|port" || a[0].Value != "198.51.100.1|8080" || !a[0].ToIDS ||
		a[0].Tag[0].Name != `misp-galaxy:malpedia="Rem"cos"` || a[1].Type != "ip-dst" || a[1].ToIDS {
		t.Errorf("attributes = %+v", a)
	}
	out = write(t, JSON, nil, Options{})
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("empty json = %q", out)
	}
}

func TestTableDefangsAndSanitises(t *testing.T) {
	items := []Item{item(t, "http://evil.example/x", func(in *intel.Indicator) {
		in.Malware.Name = "bad\x1b[31mred"
	})}
	out := write(t, Table, items, Options{})
	if !strings.Contains(out, "hxxp://evil[.]example/x") || strings.Contains(out, "\x1b") || !strings.Contains(out, `bad\x1b[31mred`) {
		t.Errorf("table:\n%q", out)
	}
	out = write(t, Plain, items, Options{Defang: true})
	if out != "hxxp://evil[.]example/x\n" {
		t.Errorf("plain = %q", out)
	}
	var b bytes.Buffer
	if err := Write(&b, "yaml", items, Options{}); err == nil {
		t.Error("unknown format accepted")
	}
}
