package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/pack"
)

var now = time.Date(2026, 7, 25, 0, 0, 0, 0, time.UTC)

// hostile are IOC values built to break out of every target language.
var hostile = []string{
	`evil"quote.example`, `back\slash.example`, "new\nline.example", "tab\tcr\r.example",
	`brack]et.example`, `pi|pe.example`, `star*/comment.example`, `"); DnsEvents | take 100 //`,
	`a\"b\\`, `@"verbatim"`, `'single'.example`, "```fence```.example", `.*?`, `[link](javascript:x)`,
	`<script>x</script>`, `-`, `(empty)`, `[arm]`, `;sid:1;`, "#comment", "semi;colon|7C|",
}

func hostilePack(t *testing.T) *pack.Pack {
	t.Helper()
	var iocs []pack.IOC
	for n, h := range hostile {
		fs := now.Add(-time.Duration(n+1) * time.Hour)
		iocs = append(iocs,
			pack.IOC{Type: pack.TypeDomain, Value: h, FirstSeen: fs, Source: "test", SourceID: h, Tags: []string{h}},
			pack.IOC{Type: pack.TypeURL, Value: "http://h.example/" + h, FirstSeen: fs, Source: "test"})
	}
	iocs = append(iocs, pack.IOC{Type: pack.TypeIPPort, Value: "192.0.2.1", Port: 8080, FirstSeen: now, Source: "test"},
		pack.IOC{Type: pack.TypeSHA256, Value: strings.Repeat("ab", 32), FirstSeen: now})
	ex := []pack.Exclusion{{ID: "x", Scenario: hostile[7], Reason: hostile[13],
		Condition: pack.Condition{Field: "process.name", Operator: pack.OpIn, Values: hostile}}}
	p, err := pack.Build(iocs, pack.BuildOptions{Family: `Rem"cos|`, Now: now, Exclusions: ex, Title: "[t](x) | <b>"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Skipped) != 0 {
		t.Fatalf("skipped %v", p.Skipped)
	}
	return p
}

func render(t *testing.T, p *pack.Pack, format string) []Output {
	t.Helper()
	out, err := Render(p, format)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no output", format)
	}
	return out
}

func TestSentinelYAMLKeepsQueries(t *testing.T) {
	p := hostilePack(t)
	for _, format := range []string{"sentinel-hunting", "sentinel-rule"} {
		out := render(t, p, format)
		if len(out) != len(p.Queries) {
			t.Fatalf("%s: %d files for %d queries", format, len(out), len(p.Queries))
		}
		for n, o := range out {
			var doc map[string]any
			if err := yaml.Unmarshal(o.Data, &doc); err != nil {
				t.Fatalf("%s %s: %v", format, o.Path, err)
			}
			want := p.Queries[n].KQL
			if format == "sentinel-rule" {
				want, _ = pack.WithLookback(want, RuleLookback)
			}
			if doc["query"] != want {
				t.Errorf("%s %s: query changed by YAML encoding", format, o.Path)
			}
			if _, diags := syntax.Parse(o.Path, doc["query"].(string)); diags.HasErrors() {
				t.Errorf("%s %s: %v", format, o.Path, diags.Err())
			}
			if doc["name"] != p.Queries[n].Title {
				t.Errorf("%s: name %q", o.Path, doc["name"])
			}
			if d := doc["description"].(string); len([]rune(d)) > MaxDescription {
				t.Errorf("%s: description has %d characters", o.Path, len([]rune(d)))
			}
		}
	}
}

func TestARMTemplate(t *testing.T) {
	p := hostilePack(t)
	out := render(t, p, "arm")
	var tmpl struct {
		Resources []struct {
			Name       string         `json:"name"`
			Properties map[string]any `json:"properties"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(out[0].Data, &tmpl); err != nil {
		t.Fatal(err)
	}
	if len(tmpl.Resources) != len(p.Queries) {
		t.Fatalf("%d rules for %d queries", len(tmpl.Resources), len(p.Queries))
	}
	for n, r := range tmpl.Resources {
		want, _ := pack.WithLookback(p.Queries[n].KQL, RuleLookback)
		if r.Properties["query"] != want {
			t.Errorf("rule %d: query changed", n)
		}
		// ARM evaluates strings that start with "[": the title must be escaped.
		if got := r.Properties["displayName"].(string); got != "[["+strings.TrimPrefix(p.Queries[n].Title, "[") && !strings.HasPrefix(p.Queries[n].Title, "[") && got != p.Queries[n].Title {
			t.Errorf("displayName %q", got)
		}
	}
	if got := armString("[x]"); got != "[[x]" {
		t.Errorf("armString = %q", got)
	}
}

func TestDefenderRules(t *testing.T) {
	p := hostilePack(t)
	out := render(t, p, "defender")
	for _, o := range out {
		var body struct {
			QueryCondition struct{ QueryText string } `json:"queryCondition"`
		}
		if err := json.Unmarshal(o.Data, &body); err != nil {
			t.Fatal(err)
		}
		if pack.LookbackLiteral(body.QueryCondition.QueryText) != DefenderLookback {
			t.Errorf("%s: lookback not %s", o.Path, DefenderLookback)
		}
		for _, col := range []string{"Timestamp", "ReportId"} {
			if !strings.Contains(body.QueryCondition.QueryText, col) {
				t.Errorf("%s: custom detections need %s", o.Path, col)
			}
		}
	}
}

// stixLiteral reads the STIX string literals of a pattern.
func stixLiterals(pattern string) []string {
	var out []string
	for i := 0; i < len(pattern); i++ {
		if pattern[i] != '\'' {
			continue
		}
		var b strings.Builder
		for i++; i < len(pattern) && pattern[i] != '\''; i++ {
			if pattern[i] == '\\' {
				i++
			}
			b.WriteByte(pattern[i])
		}
		out = append(out, b.String())
	}
	return out
}

func TestSTIXBundle(t *testing.T) {
	p := hostilePack(t)
	var bundle struct {
		Type    string           `json:"type"`
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal(render(t, p, "stix")[0].Data, &bundle); err != nil {
		t.Fatal(err)
	}
	values := map[string]bool{}
	for _, o := range bundle.Objects {
		if o["type"] != "indicator" {
			continue
		}
		lits := stixLiterals(o["pattern"].(string))
		values[lits[len(lits)-1]] = true
		if o["spec_version"] != "2.1" || o["pattern_type"] != "stix" {
			t.Errorf("bad indicator %v", o)
		}
	}
	for _, i := range p.IOCs {
		if !values[i.Value] {
			t.Errorf("no indicator pattern holds %q", i.Value)
		}
	}
	if pat, _ := stixPattern(pack.IOC{Type: pack.TypeIPPort, Value: "192.0.2.1", Port: 8080}); pat != "[network-traffic:dst_ref.value = '192.0.2.1' AND network-traffic:dst_port = 8080]" {
		t.Errorf("ip:port pattern %s", pat)
	}
}

func TestCSV(t *testing.T) {
	p := hostilePack(t)
	recs, err := csv.NewReader(bytes.NewReader(render(t, p, "csv")[0].Data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(p.IOCs)+1 {
		t.Fatalf("%d records for %d IOCs", len(recs), len(p.IOCs))
	}
	for n, i := range p.IOCs {
		if recs[n+1][2] != i.Value || recs[n+1][0] != i.Key() {
			t.Errorf("row %d: %q, want %q", n+1, recs[n+1][2], i.Value)
		}
	}
}

func TestZeekIntel(t *testing.T) {
	p := hostilePack(t)
	text := string(render(t, p, "zeek")[0].Data)
	got := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			t.Fatalf("line has %d fields: %q", len(f), line)
		}
		got[f[0]] = true
	}
	for _, i := range p.IOCs {
		v, _ := zeekIndicator(i)
		if zeekUnsafe(v) {
			if got[v] {
				t.Errorf("unsafe value %q written", v)
			}
			if !strings.Contains(text, "# skipped") {
				t.Errorf("unsafe value %q not reported", v)
			}
			continue
		}
		if !got[v] {
			t.Errorf("missing %q", v)
		}
	}
	if !got["192.0.2.1"] || !strings.Contains(text, "IOC ports 8080") {
		t.Error("ip:port not written as ADDR with its port")
	}
}

// suricataOptions splits a rule's option list at unescaped semicolons.
func suricataOptions(t *testing.T, rule string) []string {
	t.Helper()
	open := strings.Index(rule, "(")
	if open < 0 || !strings.HasSuffix(rule, ")") {
		t.Fatalf("not a rule: %q", rule)
	}
	body := rule[open+1 : len(rule)-1]
	var opts []string
	var cur strings.Builder
	inQuote := false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\\' && inQuote:
			cur.WriteByte(c)
			i++
			cur.WriteByte(body[i])
			continue
		case c == '"':
			inQuote = !inQuote
		case c == ';' && !inQuote:
			opts = append(opts, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	if inQuote || strings.TrimSpace(cur.String()) != "" {
		t.Fatalf("unbalanced rule %q", rule)
	}
	return opts
}

func decodeContent(t *testing.T, s string) string {
	t.Helper()
	s = strings.TrimSuffix(strings.TrimPrefix(s, `"`), `"`)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '|' {
			b.WriteByte(s[i])
			continue
		}
		end := strings.IndexByte(s[i+1:], '|')
		for _, h := range strings.Fields(s[i+1 : i+1+end]) {
			v, err := strconv.ParseUint(h, 16, 8)
			if err != nil {
				t.Fatalf("bad hex %q", h)
			}
			b.WriteByte(byte(v))
		}
		i += end + 1
	}
	return b.String()
}

func TestSuricataRules(t *testing.T) {
	p := hostilePack(t)
	text := string(render(t, p, "suricata")[0].Data)
	domains := map[string]bool{}
	rules := 0
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		rules++
		for _, o := range suricataOptions(t, line) {
			if strings.HasPrefix(o, "content:") && strings.HasPrefix(line, "alert dns") {
				domains[decodeContent(t, strings.TrimPrefix(o, "content:"))] = true
			}
		}
	}
	for _, i := range p.IOCs {
		if i.Type == pack.TypeDomain && !domains["."+i.Value] {
			t.Errorf("no DNS rule matches %q", i.Value)
		}
	}
	if !strings.Contains(text, "alert tcp $HOME_NET any -> 192.0.2.1 8080 (") {
		t.Error("ip:port rule missing or port dropped")
	}
	if want := len(p.IOCs) - 1; rules != want { // hashes have no rule
		t.Errorf("%d rules, want %d", rules, want)
	}
}

// sigmaUnescape decodes a Sigma value (backslash escapes *, ? and \).
func sigmaUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`*?\`, s[i+1]) >= 0 {
			i++
		} else if s[i] == '*' || s[i] == '?' {
			return "\x00wildcard"
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestSigmaRules(t *testing.T) {
	p := hostilePack(t)
	got := map[string]bool{}
	for _, o := range render(t, p, "sigma") {
		var r struct {
			Detection map[string]any `yaml:"detection"`
		}
		if err := yaml.Unmarshal(o.Data, &r); err != nil {
			t.Fatalf("%s: %v", o.Path, err)
		}
		for k, sel := range r.Detection {
			if k == "condition" {
				continue
			}
			for _, v := range sel.(map[string]any) {
				switch x := v.(type) {
				case string:
					got[sigmaUnescape(x)] = true
				case []any:
					for _, e := range x {
						got[sigmaUnescape(fmt.Sprint(e))] = true
					}
				}
			}
		}
	}
	for _, i := range p.IOCs {
		want := i.Value
		if i.IsHash() {
			want = "SHA256=" + i.Value
		}
		if !got[want] {
			t.Errorf("no Sigma value matches exactly %q", want)
		}
	}
}

// quotedLiterals reads the double-quoted literals of SPL / ES|QL text
// (backslash escapes), failing on an unterminated literal.
func quotedLiterals(t *testing.T, text string, esc map[byte]byte) []string {
	t.Helper()
	var out []string
	for i := 0; i < len(text); i++ {
		if text[i] != '"' {
			continue
		}
		var b strings.Builder
		i++
		for ; i < len(text) && text[i] != '"'; i++ {
			if text[i] == '\\' {
				i++
				if r, ok := esc[text[i]]; ok {
					b.WriteByte(r)
					continue
				}
			}
			if text[i] == '\n' {
				t.Fatalf("raw newline inside a literal: %q", b.String())
			}
			b.WriteByte(text[i])
		}
		if i >= len(text) {
			t.Fatalf("unterminated literal")
		}
		out = append(out, b.String())
	}
	return out
}

func TestSPLAndESQLLiterals(t *testing.T) {
	p := hostilePack(t)
	cases := []struct {
		format string
		esc    map[byte]byte
		value  func(pack.IOC) string
	}{
		{"splunk", map[byte]byte{'"': '"', '\\': '\\'}, func(i pack.IOC) string {
			if i.Type == pack.TypeURL {
				return pack.URLKey(i.Value)
			}
			return i.Value
		}},
		{"esql", map[byte]byte{'"': '"', '\\': '\\', 'n': '\n', 'r': '\r', 't': '\t'}, func(i pack.IOC) string {
			return strings.ToLower(i.Value)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.format, func(t *testing.T) {
			lits := map[string]bool{}
			for _, o := range render(t, p, tc.format) {
				for _, l := range quotedLiterals(t, stripComments(string(o.Data)), tc.esc) {
					lits[l] = true
				}
			}
			for _, i := range p.IOCs {
				if i.Type == pack.TypeIPPort || tc.format == "splunk" && (i.Type == pack.TypeDomain || splUnsafe(i.Value)) {
					continue
				}
				if !lits[tc.value(i)] {
					t.Errorf("no literal equals %q", tc.value(i))
				}
			}
		})
	}
	// SPL domains go through a regex: each value must be quoted for the regex.
	spl := string(render(t, p, "splunk")[0].Data)
	for _, h := range hostile {
		if splUnsafe(h) {
			if !strings.Contains(spl, "skipped") {
				t.Errorf("SPL does not report skipping %q", h)
			}
			continue
		}
		if !strings.Contains(spl, splString(regexp.QuoteMeta(strings.ToLower(h)))[1:len(splString(regexp.QuoteMeta(strings.ToLower(h))))-1]) {
			t.Errorf("SPL regex lacks escaped %q", h)
		}
	}
}

// stripComments drops SPL (```) and ES|QL (//) comment lines.
func stripComments(s string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(line, "```") && !strings.HasPrefix(line, "//") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

// markupText removes fenced blocks and code spans: what is left is text
// Markdown interprets.
func markupText(md string) string {
	var b strings.Builder
	in, fence := false, ""
	for _, line := range strings.Split(md, "\n") {
		if !in && strings.HasPrefix(line, "```") {
			in, fence = true, strings.TrimRight(line, "kql")
			continue
		}
		if in {
			if line == fence {
				in = false
			}
			continue
		}
		b.WriteString(stripCodeSpans(line) + "\n")
	}
	return b.String()
}

// stripCodeSpans replaces CommonMark code spans (a backtick run closed
// by a run of the same length) by CODE.
func stripCodeSpans(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		if line[i] != '`' {
			b.WriteByte(line[i])
			i++
			continue
		}
		n := 0
		for i+n < len(line) && line[i+n] == '`' {
			n++
		}
		end := -1
		for j := i + n; j < len(line); {
			if line[j] != '`' {
				j++
				continue
			}
			m := 0
			for j+m < len(line) && line[j+m] == '`' {
				m++
			}
			if m == n {
				end = j + m
				break
			}
			j += m
		}
		if end < 0 {
			b.WriteString(line[i : i+n])
			i += n
			continue
		}
		b.WriteString("CODE")
		i = end
	}
	return b.String()
}

func TestREADMEEscapesAndDefangs(t *testing.T) {
	p := hostilePack(t)
	md := string(README(p))
	text := markupText(md)
	for _, bad := range []string{`(^|[^\\])<script`, `(^|[^\\])\]\(`, `http://h\.example`, `192\.0\.2\.1`} {
		if m := regexp.MustCompile(bad).FindString(text); m != "" {
			t.Errorf("README text (outside code) has markup or a live IOC: %q", m)
		}
	}
	if !insideFence(md, "http://h.example") {
		t.Error("a real URL appears outside query blocks")
	}
	// Every IOC table row has exactly 7 cells (no value breaks the table).
	inTable := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| Type | Value |") {
			inTable = true
			continue
		}
		if inTable && !strings.HasPrefix(line, "|") {
			inTable = false
		}
		if inTable && !strings.HasPrefix(line, "|---") {
			if n := unescapedPipes(line); n != 8 {
				t.Errorf("row has %d cell separators: %q", n, line)
			}
		}
	}
	for _, want := range []string{"## Hypothesis", "## IOC summary", "## Queries", "## Sentinel tables", "## False-positive scenarios", "192[.]0[.]2[.]1:8080"} {
		if !strings.Contains(md, want) {
			t.Errorf("README lacks %q", want)
		}
	}
}

func unescapedPipes(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		if line[i] == '\\' {
			i++
			continue
		}
		if line[i] == '|' {
			n++
		}
	}
	return n
}

// insideFence reports whether every occurrence of s is inside a fenced
// code block (queries hold real values on purpose).
func insideFence(md, s string) bool {
	in := false
	fence := ""
	for _, line := range strings.Split(md, "\n") {
		if !in && strings.HasPrefix(line, "```") {
			in, fence = true, strings.TrimRight(line, "kql")
			continue
		}
		if in && line == fence {
			in = false
			continue
		}
		if !in && strings.Contains(line, s) {
			return false
		}
	}
	return true
}

func TestAbridge(t *testing.T) {
	kql := "let IOCs = datatable(A:string) [\n    \"1\",\n    \"2\",\n    \"3\",\n    \"4\",\n    \"5\",\n];\nT"
	got := Abridge(kql, "q.kql")
	want := "let IOCs = datatable(A:string) [\n    \"1\",\n    \"2\",\n    \"3\",\n    // ... 2 more rows in q.kql\n];\nT"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestFormatsRegistered(t *testing.T) {
	want := "arm csv defender esql readme sentinel-hunting sentinel-rule sigma splunk stix suricata zeek"
	if got := strings.Join(FormatNames(), " "); got != want {
		t.Errorf("formats %s, want %s", got, want)
	}
}

var update = flag.Bool("update", false, "rewrite golden files")

// TestREADMEGolden keeps the README of a small pack (every IOC kind, a
// merged duplicate, a split-free query set) under testdata/README.golden.md;
// run with -update after a deliberate layout change and review the diff.
func TestREADMEGolden(t *testing.T) {
	fs := func(d int) time.Time { return time.Date(2026, 7, d, 12, 0, 0, 0, time.UTC) }
	iocs := []pack.IOC{
		{Type: pack.TypeIPPort, Value: "46.151.182.76", Port: 8080, FirstSeen: fs(22), Confidence: 75, ThreatType: "botnet_cc", Source: "threatfox", SourceID: "1856001"},
		{Type: pack.TypeIPPort, Value: "46.151.182.76", Port: 2404, FirstSeen: fs(20), Confidence: 75, ThreatType: "botnet_cc", Source: "threatfox", SourceID: "1856002"},
		{Type: pack.TypeDomain, Value: "sls.in.net", FirstSeen: fs(22), Confidence: 75, ThreatType: "botnet_cc", Source: "threatfox", SourceID: "1856003"},
		{Type: pack.TypeURL, Value: "http://sup.merahsm188.top/gate.php", FirstSeen: fs(23), Confidence: 100, ThreatType: "payload_delivery", Source: "urlhaus"},
		{Type: pack.TypeSHA256, Value: strings.Repeat("ab", 32), FirstSeen: fs(18), ThreatType: "payload", Source: "threatfox", SourceID: "1856004"},
	}
	p, err := pack.Build(iocs, pack.BuildOptions{Family: "Remcos", Now: now,
		Selection: &pack.Selection{Family: "Remcos", Since: "30d", From: now.AddDate(0, 0, -30), MinConfidence: 50}})
	if err != nil {
		t.Fatal(err)
	}
	got := README(p)
	path := filepath.Join("testdata", "README.golden.md")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pack/render -run TestREADMEGolden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("README differs from %s (run with -update and review the diff)", path)
	}
}

// TestCSVFormulaInjection: descriptive cells starting with a formula
// character are prefixed with a single quote (OWASP CSV injection); key
// and value stay exact for the watchlist; numbers and plain text are
// untouched.
func TestCSVFormulaInjection(t *testing.T) {
	tests := []struct{ in, want string }{
		{`=HYPERLINK("http://evil.example","x")`, `'=HYPERLINK("http://evil.example","x")`},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"-1", "-1"},
		{"+1.5", "+1.5"},
		{"Remcos", "Remcos"},
		{"a=b", "a=b"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			p := &pack.Pack{ID: "x", IOCs: []pack.IOC{{Type: pack.TypeDomain, Value: "evil.example", Family: tc.in,
				Tags: []string{tc.in}, Reference: tc.in, Source: tc.in, SourceID: tc.in, ThreatType: tc.in}}}
			recs, err := csv.NewReader(bytes.NewReader(render(t, p, "csv")[0].Data)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			row := recs[1]
			if row[0] != "evil.example" || row[2] != "evil.example" {
				t.Errorf("key/value changed: %q %q", row[0], row[2])
			}
			for _, col := range []int{4, 8, 9, 10, 11, 12} {
				if row[col] != tc.want {
					t.Errorf("%s = %q, want %q", CSVHeader[col], row[col], tc.want)
				}
			}
		})
	}
}
