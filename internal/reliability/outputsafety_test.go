package reliability

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/huntpack/huntpack/intel/feed"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/pack"
	"github.com/huntpack/huntpack/pack/render"
)

// hostilePieces are the fragments random IOC strings are made of: every
// quote and comment delimiter of the target languages, escapes, control
// characters, Unicode (bidi override, zero-width, astral) and markup.
var hostilePieces = []string{
	"'", "\"", "\\", "\n", "\r", "\t", "]", "[", "|", "*/", "/*", "'''", "```", "`", "{", "}",
	"(", ")", ";", "<", ">", "&", "#", "$", "%", "!", "=", ",", "@", "?", "+", " ", "*", "~",
	"é", "中", "\u202e", "\u200b", "😀", "\x00", "\x1b", "\x7f", "\u2028", "a", "b", "Z", "0",
	"9", "-", "_", ".", ":", "\\n", "\\\"", "}}", "{{", "<script>alert(1)</script>", "-->",
	"$(id)", "\r\n", "@\"", "h\"", "\"\"\"", "//", "|27|", "&amp;", "<!--", "]]>", "${x}",
	"\" onerror=\"x", "javascript:", "=cmd|' /C calc'!A0", "- ", ": ", "&a", "*a", "!!str ",
}

// hostileString makes one random attacker-controlled string.
func hostileString(r *rand.Rand) string {
	var b strings.Builder
	for range 1 + r.Intn(8) {
		b.WriteString(hostilePieces[r.Intn(len(hostilePieces))])
	}
	return b.String()
}

// twinOf maps a hostile string to its benign twin: same runes where the
// builder's decisions depend on them (control characters, whitespace,
// '/', '.', ':'), 'a' elsewhere. A pack built from the twins has the same
// IOCs, skips and query splits, so its outputs have the same structure.
func twinOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 || r == utf8.RuneError || unicode.IsSpace(r):
			b.WriteRune(r)
		case r == '/' || r == '.' || r == ':':
			b.WriteRune(r)
		default:
			b.WriteByte('a')
		}
	}
	return b.String()
}

// hostileIOCs builds one pack's IOCs from random strings; mk maps each
// string (hostile or twin) so both packs are made the same way.
func hostileIOCs(strs []string, mk func(string) string) ([]pack.IOC, pack.BuildOptions) {
	s := func(i int) string { return mk(strs[i]) }
	iocs := []pack.IOC{
		{Type: "url", Value: "http://h1.example/" + s(0), Source: "threatfox", Family: "F" + s(4), Tags: []string{s(5)}, Reference: "https://r.example/" + s(6), ThreatType: "botnet_cc"},
		{Type: "url", Value: "https://h2.example/p?q=" + s(1), Source: "threatfox"},
		{Type: "domain", Value: "d3." + s(2) + ".example"},
		{Type: "domain", Value: "d4." + s(3)},
		{Type: "ip:port", Value: "192.0.2.7", Port: 8080},
		{Type: "md5", Value: "0123456789abcdef0123456789abcdef"},
	}
	opts := pack.BuildOptions{
		Family:        "F" + s(4),
		Source:        "ThreatFox " + s(7),
		Now:           time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		MaxQueryChars: 1 << 20,
	}
	return iocs, opts
}

const hostileStrings = 8

func randomStrings(r *rand.Rand) []string {
	out := make([]string, hostileStrings)
	for i := range out {
		out[i] = hostileString(r)
	}
	return out
}

// propertyIterations is the number of random packs per renderer.
func propertyIterations() int {
	if testing.Short() {
		return 30
	}
	// The race detector makes each iteration ~20x slower; CI (-race)
	// checks 25 random packs per renderer, a plain `go test` 200.
	if raceSlowdown() > 1 {
		return 25
	}
	return 200
}

// TestRenderersEscapeHostileValues is the output-safety property: for
// random IOC values, family names, tags, references and source names, every
// renderer's output (1) parses in its target language (KQL with huntpack's
// parser and, when HUNTPACK_KQL_ORACLE is set, Microsoft's; YAML and JSON
// with real parsers; CSV with encoding/csv; Zeek intel and STIX with
// huntpack's own feed readers), (2) has exactly the structure of the output
// for the benign twin values (no value created a token, line, option, cell,
// key or tag), and (3) carries the value exactly where a tool reads it
// back (CSV cells, Sigma selections, STIX patterns).
func TestRenderersEscapeHostileValues(t *testing.T) {
	seed := int64(20261125)
	r := rand.New(rand.NewSource(seed))
	n := propertyIterations()
	checked := map[string]int{}
	var oracleFiles []string
	oracleDir := t.TempDir()
	for it := range n {
		strs := randomStrings(r)
		hi, ho := hostileIOCs(strs, func(s string) string { return s })
		ti, to := hostileIOCs(strs, twinOf)
		hp, err := pack.Build(hi, ho)
		if err != nil {
			t.Fatalf("iteration %d (seed %d): Build: %v\nstrings %q", it, seed, err, strs)
		}
		tp, err := pack.Build(ti, to)
		if err != nil {
			t.Fatalf("iteration %d: Build twin: %v", it, err)
		}
		if len(hp.IOCs) != len(tp.IOCs) || len(hp.Queries) != len(tp.Queries) {
			t.Fatalf("iteration %d: hostile pack has %d IOCs / %d queries, twin %d / %d (strings %q)", it, len(hp.IOCs), len(hp.Queries), len(tp.IOCs), len(tp.Queries), strs)
		}
		fail := func(format, path, msg string) {
			t.Errorf("iteration %d (seed %d), %s %s: %s\nhostile strings: %q", it, seed, format, path, msg, strs)
		}
		for qi, q := range hp.Queries {
			checkKQL(fail, "pack-query", q.ID, q.KQL, tp.Queries[qi].KQL)
			if it < 40 {
				f := filepath.Join(oracleDir, fmt.Sprintf("q%03d_%02d.kql", it, qi))
				os.WriteFile(f, []byte(q.KQL), 0o644)
				oracleFiles = append(oracleFiles, f)
			}
		}
		checked["kql (pack queries)"]++
		for _, name := range render.FormatNames() {
			hout, err := render.Render(hp, name)
			if err != nil {
				fail(name, "", "render: "+err.Error())
				continue
			}
			tout, err := render.Render(tp, name)
			if err != nil || len(tout) != len(hout) {
				fail(name, "", fmt.Sprintf("twin rendered %d files (err %v), hostile %d", len(tout), err, len(hout)))
				continue
			}
			for i := range hout {
				if !checkOutput(fail, name, hout[i], tout[i], hp) {
					t.Fatalf("format %q has no safety check in this test: add one", name)
				}
			}
			checked[name]++
		}
		if t.Failed() {
			break
		}
	}
	for name, c := range checked {
		t.Logf("%-20s %d random packs checked, 0 failures", name, c)
	}
	runKQLOracle(t, oracleFiles)
}

type failFunc func(format, path, msg string)

// checkKQL parses the hostile query and compares its skeleton to the twin's.
func checkKQL(fail failFunc, format, path, hostile, twin string) {
	if _, diags := syntax.Parse(path, hostile); diags.HasErrors() {
		fail(format, path, "KQL does not parse: "+diags.Format(path, hostile))
		return
	}
	hs, _, herr := kqlSkeleton(hostile)
	ts, _, terr := kqlSkeleton(twin)
	if herr != nil || terr != nil {
		fail(format, path, fmt.Sprintf("KQL lexing: %v / twin %v", herr, terr))
		return
	}
	if hs != ts {
		fail(format, path, "KQL structure differs from the benign twin's:\n"+firstDiff(hs, ts))
	}
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("hostile: %q\ntwin:    %q", clip(a[lo:], 200), clip(b[lo:], 200))
}

// checkOutput applies the checks of one format; false means the format is
// unknown to this test.
func checkOutput(fail failFunc, name string, h, tw render.Output, hp *pack.Pack) bool {
	hd, td := string(h.Data), string(tw.Data)
	switch name {
	case "readme":
		hs, err := markdownSkeleton(hd)
		if err != nil {
			fail(name, h.Path, err.Error())
			return true
		}
		ts, _ := markdownSkeleton(td)
		if hs != ts {
			fail(name, h.Path, "Markdown structure differs from the twin's:\n"+firstDiff(hs, ts))
		}
	case "csv":
		checkCSV(fail, name, h, tw, hp)
	case "sentinel-hunting", "sentinel-rule", "sigma":
		hs, hv, err := yamlShape(h.Data)
		if err != nil {
			fail(name, h.Path, "YAML does not parse: "+err.Error())
			return true
		}
		ts, tv, _ := yamlShape(tw.Data)
		if hs != ts {
			fail(name, h.Path, "YAML shape differs from the twin's:\n"+firstDiff(hs, ts))
		}
		if name == "sigma" {
			checkSigmaValues(fail, h.Path, hv, hp)
		} else {
			checkEmbeddedKQL(fail, name, h.Path, hv, tv, "query")
		}
	case "defender", "arm", "stix":
		hs, hv, err := jsonShape(h.Data)
		if err != nil {
			fail(name, h.Path, "JSON does not parse: "+err.Error())
			return true
		}
		ts, tv, _ := jsonShape(tw.Data)
		if hs != ts {
			fail(name, h.Path, "JSON shape differs from the twin's:\n"+firstDiff(hs, ts))
		}
		switch name {
		case "defender":
			checkEmbeddedKQL(fail, name, h.Path, hv, tv, "queryText")
		case "arm":
			checkEmbeddedKQL(fail, name, h.Path, hv, tv, "query")
		case "stix":
			checkSTIX(fail, h, hv, hp)
		}
	case "splunk", "esql":
		lex := splSkeleton
		if name == "esql" {
			lex = esqlSkeleton
		}
		hs, _, err := lex(hd)
		if err != nil {
			fail(name, h.Path, "does not lex: "+err.Error())
			return true
		}
		ts, _, _ := lex(td)
		if hs != ts {
			fail(name, h.Path, "structure differs from the twin's:\n"+firstDiff(hs, ts))
		}
	case "suricata":
		hs, err := suricataSkeleton(hd)
		if err != nil {
			fail(name, h.Path, err.Error())
			return true
		}
		ts, _ := suricataSkeleton(td)
		if hs != ts {
			fail(name, h.Path, "rule structure differs from the twin's:\n"+firstDiff(hs, ts))
		}
	case "zeek":
		if hs, ts := tsvSkeleton(hd), tsvSkeleton(td); hs != ts {
			fail(name, h.Path, "TSV structure differs from the twin's:\n"+firstDiff(hs, ts))
		}
		if _, err := feed.ParseBytes(h.Data, h.Path, feed.ZeekIntel); err != nil {
			fail(name, h.Path, "huntpack's Zeek intel reader rejects it: "+err.Error())
		}
	default:
		return false
	}
	return true
}

func checkEmbeddedKQL(fail failFunc, format, path string, hv, tv any, key string) {
	var hq, tq []string
	stringsIn(hv, key, &hq)
	stringsIn(tv, key, &tq)
	if len(hq) == 0 || len(hq) != len(tq) {
		fail(format, path, fmt.Sprintf("%d %q fields, twin %d", len(hq), key, len(tq)))
		return
	}
	for i := range hq {
		checkKQL(fail, format, path, hq[i], tq[i])
	}
}

// checkCSV: the file parses, has the twin's shape, and its value column
// holds every IOC value exactly.
func checkCSV(fail failFunc, name string, h, tw render.Output, hp *pack.Pack) {
	hr, err := csv.NewReader(bytes.NewReader(h.Data)).ReadAll()
	if err != nil {
		fail(name, h.Path, "CSV does not parse: "+err.Error())
		return
	}
	tr, _ := csv.NewReader(bytes.NewReader(tw.Data)).ReadAll()
	if len(hr) != len(tr) {
		fail(name, h.Path, fmt.Sprintf("%d records, twin %d", len(hr), len(tr)))
		return
	}
	col := -1
	for i, c := range hr[0] {
		if c == "value" {
			col = i
		}
	}
	got := map[string]bool{}
	for _, rec := range hr[1:] {
		got[rec[col]] = true
	}
	for _, ioc := range hp.IOCs {
		// encoding/csv turns \r\n inside a quoted field into \n.
		if !got[strings.ReplaceAll(ioc.Value, "\r\n", "\n")] {
			fail(name, h.Path, fmt.Sprintf("IOC value %q not found exactly in the value column", ioc.Value))
		}
	}
}

// checkSigmaValues: every URL IOC is a selection value, Sigma-unescaped.
func checkSigmaValues(fail failFunc, path string, v any, hp *pack.Pack) {
	if !strings.Contains(path, "url") {
		return
	}
	var all []string
	stringsIn(v, "", &all)
	got := map[string]bool{}
	for _, s := range all {
		got[sigmaUnescape(s)] = true
	}
	for _, ioc := range hp.IOCs {
		if ioc.Type == "url" && !got[ioc.Value] {
			fail("sigma", path, fmt.Sprintf("URL %q not found (Sigma-unescaped) in the rule", ioc.Value))
		}
	}
}

func sigmaUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`*?\`, s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// checkSTIX: huntpack's STIX reader accepts the bundle and every URL IOC
// is a pattern's string literal exactly (STIX escapes \' and \\).
func checkSTIX(fail failFunc, h render.Output, v any, hp *pack.Pack) {
	if _, err := feed.ParseBytes(h.Data, h.Path, feed.STIX); err != nil {
		fail("stix", h.Path, "huntpack's STIX reader rejects the bundle: "+err.Error())
	}
	var pats []string
	stringsIn(v, "pattern", &pats)
	lits := map[string]bool{}
	for _, p := range pats {
		for i := 0; i < len(p); i++ {
			if p[i] != '\'' {
				continue
			}
			s, n, err := stixString(p[i:])
			if err != nil {
				fail("stix", h.Path, fmt.Sprintf("pattern %q: %v", p, err))
				return
			}
			lits[s] = true
			i += n - 1
		}
	}
	for _, ioc := range hp.IOCs {
		if ioc.Type == "url" && !lits[ioc.Value] {
			fail("stix", h.Path, fmt.Sprintf("URL %q is not a pattern literal", ioc.Value))
		}
	}
}

// runKQLOracle checks the hostile queries with Microsoft's parser (one node
// process for all files) when HUNTPACK_KQL_ORACLE is set.
func runKQLOracle(t *testing.T, files []string) {
	dir := os.Getenv("HUNTPACK_KQL_ORACLE")
	if dir == "" {
		t.Log("HUNTPACK_KQL_ORACLE not set: Microsoft's KQL parser not run (huntpack's parser was)")
		return
	}
	list := filepath.Join(t.TempDir(), "list")
	os.WriteFile(list, []byte(strings.Join(files, "\n")), 0o644)
	out, err := exec.Command("node", filepath.Join(dir, "parse.js"), "--list", list).CombinedOutput()
	bad := 0
	for _, line := range strings.Split(string(out), "\n") {
		f, errs, ok := strings.Cut(line, "\t")
		if ok && errs != "" {
			bad++
			src, _ := os.ReadFile(f)
			t.Errorf("Microsoft's parser rejects %s: %s\n%s", f, errs, clip(string(src), 3000))
		}
	}
	if err != nil && bad == 0 {
		t.Fatalf("kql oracle: %v\n%s", err, out)
	}
	t.Logf("Microsoft's KQL parser: %d hostile queries, %d rejected", len(files), bad)
}
