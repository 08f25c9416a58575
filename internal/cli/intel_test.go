package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

const intelTestdata = "../../intel/feed/testdata"

var intelNow = time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)

// intelRun runs huntpack with a fixed clock and environment.
func intelRun(t *testing.T, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return intelNow }}
	code = Run(context.Background(), args, e)
	return code, out.String(), errb.String()
}

func intelDB(t *testing.T) string { return filepath.Join(t.TempDir(), "intel.db") }

func TestIntelImportAndReimport(t *testing.T) {
	db := intelDB(t)
	files := []string{"threatfox_export.json", "threatfox_14col.csv", "misp_event.json", "stix_bundle.json"}
	var args []string
	for _, f := range files {
		args = append(args, filepath.Join(intelTestdata, f))
	}
	code, out, errs := intelRun(t, nil, "", append([]string{"intel", "import", "--db", db}, args...)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"threatfox_export.json: threatfox-json (source threatfox): 8 indicators, 8 added",
		"threatfox_14col.csv: threatfox-csv (source threatfox): 2 indicators, 2 added, 0 updated, 0 unchanged, 1 excluded as false positives, 1 rejected (port out of range=1)",
		"misp_event.json: misp (source misp): 11 indicators",
		"skipped misp email-src=1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, "threatfox_14col.csv:9: \"1.2.3.4:99999\"") {
		t.Errorf("stderr lacks the rejected line with its position:\n%s", errs)
	}
	// Re-importing the same files changes nothing.
	code, out, errs = intelRun(t, nil, "", append([]string{"intel", "import", "--db", db, "--json"}, args...)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var sums []intelImportSummary
	if err := json.Unmarshal([]byte(out), &sums); err != nil {
		t.Fatal(err)
	}
	for _, s := range sums {
		if s.Result.Added != 0 || s.Result.Updated != 0 || s.Result.Unchanged != s.Result.Total {
			t.Errorf("re-import of %s changed something: %+v", s.File, s.Result)
		}
	}
}

func TestIntelImportStdinDefanged(t *testing.T) {
	db := intelDB(t)
	in := "46[.]151[.]182[.]76\nhxxp://evil[.]example/gate.php\nevil(dot)example\n8.8.8.8\nnope nope\n"
	code, out, errs := intelRun(t, nil, in, "intel", "import", "--db", db, "--source", "analyst", "-")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "<stdin>: plain (source analyst): 4 indicators, 4 added, 0 updated, 0 unchanged, 3 excluded as false positives, 1 rejected (unknown indicator type=1)") {
		t.Errorf("stdout:\n%s", out)
	}
	if !strings.Contains(errs, "<stdin>:5:") {
		t.Errorf("stderr:\n%s", errs)
	}
	code, out, _ = intelRun(t, nil, "", "intel", "ls", "--db", db, "--format", "plain")
	// evil.example is under a reserved TLD and 8.8.8.8 a public resolver: both excluded.
	if code != ExitOK || out != "46.151.182.76\n" {
		t.Errorf("ls plain = %d %q", code, out)
	}
	code, out, _ = intelRun(t, nil, "", "intel", "ls", "--db", db, "--source", "analyst", "--include-excluded")
	if code != ExitOK || !strings.Contains(out, "46[.]151[.]182[.]76") || !strings.Contains(out, "hxxp://evil[.]example/gate[.]php") ||
		!strings.Contains(out, "excluded:public-dns-v4") || !strings.Contains(out, "excluded:special-use") || strings.Contains(out, "46.151.182.76") {
		t.Errorf("ls table = %d\n%s", code, out)
	}
}

func TestIntelImportErrors(t *testing.T) {
	db := intelDB(t)
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte("{\n\"1\": [}\n"), 0o644)
	good := filepath.Join(intelTestdata, "feodo.json")
	code, out, errs := intelRun(t, nil, "", "intel", "import", "--db", db, bad, good, filepath.Join(t.TempDir(), "missing.txt"))
	if code != ExitBadInput {
		t.Errorf("exit %d, want %d", code, ExitBadInput)
	}
	if !strings.Contains(errs, "bad.json:2: looks like JSON but is not valid") || !strings.Contains(errs, "missing.txt") || !strings.Contains(errs, "2 of 3 files not imported") {
		t.Errorf("stderr:\n%s", errs)
	}
	if !strings.Contains(out, "feodo.json: feodo-json (source feodo): 5 indicators, 5 added") {
		t.Errorf("good file not imported:\n%s", out)
	}
	if code, _, errs := intelRun(t, nil, "", "intel", "import", "--db", db, "--format", "nope", good); code != ExitBadInput || !strings.Contains(errs, "unknown --format") {
		t.Errorf("bad format: %d %s", code, errs)
	}
	if code, _, errs := intelRun(t, nil, "", "intel", "import", "--db", db, "--expire-after", "soon", good); code != ExitBadInput || !strings.Contains(errs, "bad duration") {
		t.Errorf("bad expiry: %d %s", code, errs)
	}
	if code, _, errs := intelRun(t, nil, "", "intel", "ls"); code != ExitBadInput || !strings.Contains(errs, "pass --db") {
		t.Errorf("no data dir: %d %s", code, errs)
	}
}

func TestIntelDBPathFromXDG(t *testing.T) {
	xdg := t.TempDir()
	code, _, errs := intelRun(t, map[string]string{"XDG_DATA_HOME": xdg, "HOME": "/nonexistent"}, "1.2.3.4\n", "intel", "import", "-")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(xdg, "huntpack", "intel.db")); err != nil {
		t.Errorf("database not in XDG_DATA_HOME: %v", err)
	}
	home := t.TempDir()
	code, _, errs = intelRun(t, map[string]string{"HOME": home}, "1.2.3.4\n", "intel", "import", "-")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(home, ".local", "share", "huntpack", "intel.db")); err != nil {
		t.Errorf("database not in ~/.local/share: %v", err)
	}
}

// seedIntel imports the hand-made samples into a fresh database, without
// pruning (they use the reserved .example TLD and documentation ranges).
func seedIntel(t *testing.T) string {
	t.Helper()
	db := intelDB(t)
	code, _, errs := intelRun(t, nil, "", "intel", "import", "--db", db, "--no-prune",
		filepath.Join(intelTestdata, "threatfox_api.json"), filepath.Join(intelTestdata, "misp_event.json"),
		filepath.Join(intelTestdata, "threatfox_14col.csv"))
	if code != ExitOK {
		t.Fatalf("seed: exit %d: %s", code, errs)
	}
	return db
}

func TestIntelLsFormats(t *testing.T) {
	db := seedIntel(t)
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, out string)
	}{
		{"table remcos ip:port", []string{"--family", "Remcos", "--type", "ip:port"}, func(t *testing.T, out string) {
			if !strings.Contains(out, "193[.]29[.]13[.]23:5758") || !strings.Contains(out, "138[.]9[.]254[.]121:8015") ||
				!strings.Contains(out, "46[.]151[.]182[.]76:8080") || strings.Contains(out, "gaga") {
				t.Errorf("table:\n%s", out)
			}
		}},
		{"csv", []string{"--format", "csv", "--type", "domain"}, func(t *testing.T, out string) {
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var vals []string
			for _, r := range recs[1:] {
				vals = append(vals, r[1])
			}
			sort.Strings(vals)
			if strings.Join(vals, " ") != "evil.example gaga.com obj.example sls.in.net" || recs[0][1] != "value" {
				t.Errorf("csv values %v", vals)
			}
		}},
		{"json min confidence", []string{"--format", "json", "--min-confidence", "75"}, func(t *testing.T, out string) {
			var items []map[string]any
			if err := json.Unmarshal([]byte(out), &items); err != nil {
				t.Fatal(err)
			}
			var vals []string
			for _, it := range items {
				vals = append(vals, it["value"].(string))
			}
			if strings.Join(vals, " ") != "193.29.13.23:5758 46.151.182.76:8080 http://evil.example/gate.php" {
				t.Errorf("json values %v", vals)
			}
		}},
		{"stix", []string{"--format", "stix", "--type", "ip:port", "--source", "threatfox"}, func(t *testing.T, out string) {
			var b struct {
				Type    string           `json:"type"`
				Objects []map[string]any `json:"objects"`
			}
			if err := json.Unmarshal([]byte(out), &b); err != nil || b.Type != "bundle" {
				t.Fatalf("%v %s", err, out)
			}
			if !strings.Contains(out, `network-traffic:dst_ref.value = '193.29.13.23' AND network-traffic:dst_port = 5758`) {
				t.Errorf("stix:\n%s", out)
			}
		}},
		{"stix sentinel", []string{"--format", "stix", "--type", "ip:port", "--sentinel"}, func(t *testing.T, out string) {
			if !strings.Contains(out, `[ipv4-addr:value = '193.29.13.23']`) || strings.Contains(out, "network-traffic") {
				t.Errorf("stix sentinel:\n%s", out)
			}
		}},
		{"misp", []string{"--format", "misp", "--type", "ip:port", "--since", "2026-05-01"}, func(t *testing.T, out string) {
			if !strings.Contains(out, `"value": "193.29.13.23|5758"`) || !strings.Contains(out, `"type": "ip-dst|port"`) ||
				strings.Contains(out, "46.151.182.76|8080") {
				t.Errorf("misp:\n%s", out)
			}
		}},
		{"zeek", []string{"--format", "zeek", "--family", "remcos"}, func(t *testing.T, out string) {
			if !strings.HasPrefix(out, "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n") ||
				!strings.Contains(out, "193.29.13.23\tIntel::ADDR\thuntpack:threatfox\tRemcos port 5758\t-\n") ||
				!strings.Contains(out, "evil.example/gate.php\tIntel::URL") {
				t.Errorf("zeek:\n%s", out)
			}
		}},
		{"plain defanged", []string{"--format", "plain", "--defang", "--type", "url"}, func(t *testing.T, out string) {
			if out != "hxxp://evil[.]example/a\nhxxp://evil[.]example/gate[.]php\n" {
				t.Errorf("plain %q", out)
			}
		}},
		{"active", []string{"--format", "plain", "--active", "--type", "domain"}, func(t *testing.T, out string) {
			// misp attributes were last seen 2026-05-21 (timestamp) + 90 days: active on 2026-08-01.
			if out != "evil.example\nsls.in.net\nobj.example\n" {
				t.Errorf("active %q", out)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := intelRun(t, nil, "", append([]string{"intel", "ls", "--db", db}, tc.args...)...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			tc.check(t, out)
		})
	}
	if code, _, errs := intelRun(t, nil, "", "intel", "ls", "--db", db, "--type", "email"); code != ExitBadInput || !strings.Contains(errs, "unknown --type") {
		t.Errorf("bad type: %d %s", code, errs)
	}
	if code, _, errs := intelRun(t, nil, "", "intel", "ls", "--db", db, "--since", "yesterday"); code != ExitBadInput || !strings.Contains(errs, "bad --since") {
		t.Errorf("bad since: %d %s", code, errs)
	}
}

func TestIntelExportOut(t *testing.T) {
	db := seedIntel(t)
	out := filepath.Join(t.TempDir(), "x.intel")
	code, stdout, errs := intelRun(t, nil, "", "intel", "export", "--db", db, "--format", "zeek", "--out", out)
	if code != ExitOK || stdout != "" {
		t.Fatalf("exit %d: %s %s", code, stdout, errs)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(data), "#fields") {
		t.Errorf("export file: %v %q", err, data)
	}
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*tmp*"))
	if len(matches) != 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}

func TestIntelShowAndWhy(t *testing.T) {
	db := seedIntel(t)
	code, out, errs := intelRun(t, nil, "", "intel", "show", "--db", db, "193[.]29[.]13[.]23")
	if code != ExitOK {
		t.Fatalf("show exit %d: %s", code, errs)
	}
	for _, want := range []string{"ip:port 193[.]29[.]13[.]23:5758", "Remcos (win.remcos) aka RemcosRAT, Remvio, Socmer",
		"sighting threatfox id 1784000", "added from threatfox"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	if code, _, errs := intelRun(t, nil, "", "intel", "show", "--db", db, "nothere.example"); code != ExitFindings || !strings.Contains(errs, "not in the store") {
		t.Errorf("show missing: %d %s", code, errs)
	}
	if code, _, _ := intelRun(t, nil, "", "intel", "show", "--db", db, "not a value"); code != ExitBadInput {
		t.Errorf("show invalid: %d", code)
	}
	tests := []struct {
		value string
		want  []string
	}{
		{"sls[.]in[.]net", []string{"type:      domain, canonical sls[.]in[.]net", "ignored          tranco10k [top, not applied]: tranco10k lists in[.]net, a public suffix",
			"verdict:   kept: no warninglist applies", "sighting misp id a5"}},
		{"8.8.8.8", []string{"exclude          public-dns-v4 [benign, never hunted]", "verdict:   excluded as a false positive (public-dns-v4)", "store:     not stored"}},
		{"1.178.1.10:443", []string{"lower-confidence amazon-aws", "verdict:   kept, flagged cloud:amazon-aws"}},
		{"x.duckdns.org", []string{"flag             dynamic-dns", "verdict:   kept, flagged dynamic-dns"}},
		{"1.2.3.4:99999", []string{"invalid:", "verdict:   rejected: port out of range"}},
	}
	for _, tc := range tests {
		t.Run("why "+tc.value, func(t *testing.T) {
			code, out, errs := intelRun(t, nil, "", "intel", "why", "--db", db, tc.value)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("why lacks %q:\n%s", w, out)
				}
			}
		})
	}
	code, out, _ = intelRun(t, nil, "", "intel", "why", "--db", db, "--format", "json", "8.8.8.8")
	var rep intelWhyReport
	if code != ExitOK || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Findings) != 1 || rep.Findings[0].List != "public-dns-v4" {
		t.Errorf("why json: %d %s", code, out)
	}
}

func TestIntelStatsAndRuns(t *testing.T) {
	db := seedIntel(t)
	code, out, errs := intelRun(t, nil, "", "intel", "stats", "--db", db, "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s struct {
		Indicators int            `json:"indicators"`
		ByType     map[string]int `json:"by_type"`
		Runs       int            `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Runs != 3 || s.ByType["ip:port"] != 4 || s.Indicators != 15 || s.ByType["ipv6"] != 1 {
		t.Errorf("stats = %+v", s)
	}
	code, out, _ = intelRun(t, nil, "", "intel", "runs", "--db", db)
	if code != ExitOK || !strings.Contains(out, "RUN") || strings.Count(out, "\n") != 4 {
		t.Errorf("runs:\n%s", out)
	}
	code, out, _ = intelRun(t, nil, "", "intel", "stats", "--db", db)
	if code != ExitOK || !strings.Contains(out, "indicators: 15 (active 12, excluded as false positives 0)") {
		t.Errorf("stats text:\n%s", out)
	}
}

func TestIntelFetch(t *testing.T) {
	const key = "k3y-must-not-leak"
	resp, err := os.ReadFile(filepath.Join(intelTestdata, "threatfox_api.json"))
	if err != nil {
		t.Fatal(err)
	}
	var gotKey, gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotKey = r.Header.Get("Auth-Key")
		b := new(bytes.Buffer)
		b.ReadFrom(r.Body)
		gotBody = b.String()
		w.Write(resp)
	}))
	defer srv.Close()
	db := intelDB(t)
	code, _, errs := intelRun(t, nil, "", "intel", "fetch", "threatfox", "--db", db, "--base-url", srv.URL)
	if code != ExitBadInput || !strings.Contains(errs, "THREATFOX_AUTH_KEY") {
		t.Errorf("no key: %d %s", code, errs)
	}
	env := map[string]string{"THREATFOX_AUTH_KEY": key}
	code, out, errs := intelRun(t, env, "", "intel", "fetch", "threatfox", "--db", db, "--base-url", srv.URL, "--days", "3")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if gotKey != key || gotBody != `{"days":3,"query":"get_iocs"}` {
		t.Errorf("request key %q body %s", gotKey, gotBody)
	}
	if !strings.Contains(out, "threatfox-api days=3: threatfox-api (source threatfox): 2 indicators, 2 added") {
		t.Errorf("stdout:\n%s", out)
	}
	if strings.Contains(out+errs, key) {
		t.Error("the key was printed")
	}
	code, _, errs = intelRun(t, env, "", "intel", "fetch", "threatfox", "--db", db, "--base-url", srv.URL, "--days", "9")
	if code != ExitBadInput || !strings.Contains(errs, "1 to 7 days") {
		t.Errorf("bad days: %d %s", code, errs)
	}
	code, _, _ = intelRun(t, env, "", "intel", "fetch", "urlhaus", "--db", db)
	if code != ExitBadInput {
		t.Errorf("unknown feed: %d", code)
	}
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "denied", http.StatusUnauthorized)
	}))
	defer failing.Close()
	code, out, errs = intelRun(t, nil, "", "intel", "fetch", "threatfox", "--db", db, "--base-url", failing.URL, "--auth-key", key)
	if code != ExitBackend || !strings.Contains(errs, "refused the Auth-Key") || strings.Contains(out+errs, key) {
		t.Errorf("401: %d %s", code, errs)
	}
}

func TestIntelHelpHasExamples(t *testing.T) {
	for _, sub := range []string{"import", "fetch", "ls", "export", "show", "stats", "why", "runs"} {
		code, out, _ := intelRun(t, nil, "", "intel", sub, "--help")
		if code != ExitOK || !strings.Contains(out, "Examples:") {
			t.Errorf("intel %s --help: %d\n%s", sub, code, out)
		}
	}
}

// TestIntelRealData imports every real sample in /work/shared/data/intel
// and pins the store's counts per type and family. The numbers were
// checked independently with Python (json/csv modules, same
// canonicalisation and import order).
func TestIntelRealData(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 35k real indicators")
	}
	shared := os.Getenv("HUNTPACK_SHARED")
	if shared == "" {
		shared, _ = filepath.Abs("../../../shared")
	}
	dir := filepath.Join(shared, "data", "intel")
	var files []string
	for _, ext := range []string{"json", "csv", "txt", "intel"} {
		m, _ := filepath.Glob(filepath.Join(dir, "*."+ext))
		sort.Strings(m)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skipf("no shared intel data under %s (set HUNTPACK_SHARED)", dir)
	}
	db := intelDB(t)
	args := append([]string{"intel", "import", "--db", db, "--json"}, files...)
	code, _, errs := intelRun(t, nil, "", args...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, out, _ := intelRun(t, nil, "", "intel", "ls", "--db", db, "--include-excluded", "--format", "csv")
	if code != ExitOK {
		t.Fatal(code)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	types, fams, excl := map[string]int{}, map[string]int{}, map[string]int{}
	remcosIPPort := 0
	for _, r := range recs[1:] {
		types[r[0]]++
		fams[r[3]]++
		if r[16] != "" {
			excl[r[16]]++
		}
		if r[0] == "ip:port" && r[3] == "Remcos" {
			remcosIPPort++
		}
	}
	wantTypes := map[string]int{"url": 11549, "domain": 1260, "ip:port": 2448, "sha256": 169, "sha1": 146, "md5": 146, "ipv4": 19863}
	for k, v := range wantTypes {
		if types[k] != v {
			t.Errorf("type %s = %d, want %d", k, types[k], v)
		}
	}
	if len(recs)-1 != 35581 {
		t.Errorf("indicators = %d, want 35581", len(recs)-1)
	}
	wantFams := map[string]int{"Remcos": 289, "Cobalt Strike": 1398, "ClearFake": 406, "AsyncRAT": 299, "Pikabot": 28,
		"QakBot": 4, "Emotet": 1, "Unknown malware": 385, "": 31003}
	for k, v := range wantFams {
		if fams[k] != v {
			t.Errorf("family %q = %d, want %d", k, fams[k], v)
		}
	}
	if remcosIPPort != 286 {
		t.Errorf("Remcos ip:port = %d, want 286 (the CSV excerpt's 3 Remcos IOCs are duckdns domains)", remcosIPPort)
	}
	if excl["rfc6598"] != 8 || excl["public-dns-v4"] != 3 || excl["sinkholes"] != 1 || len(excl) != 3 {
		t.Errorf("excluded = %v", excl)
	}
	// Re-importing every file changes nothing.
	code, out, errs = intelRun(t, nil, "", args...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var sums []intelImportSummary
	if err := json.Unmarshal([]byte(out), &sums); err != nil {
		t.Fatal(err)
	}
	for _, s := range sums {
		if s.Result.Added != 0 || s.Result.Updated != 0 {
			t.Errorf("re-import of %s: %+v", filepath.Base(s.File), s.Result)
		}
	}
}

func TestIntelImportWhileListing(t *testing.T) {
	db := intelDB(t)
	var big strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&big, "45.%d.%d.%d\n", i>>16&255, i>>8&255, i&255)
	}
	file := filepath.Join(t.TempDir(), "big.txt")
	os.WriteFile(file, []byte(big.String()), 0o644)
	if code, _, errs := intelRun(t, nil, "1.2.3.4\n", "intel", "import", "--db", db, "-"); code != ExitOK {
		t.Fatal(errs)
	}
	done := make(chan string)
	go func() {
		code, _, errs := intelRun(t, nil, "", "intel", "import", "--db", db, "--no-prune", file)
		done <- fmt.Sprint(code, errs)
	}()
	for i := 0; i < 5; i++ {
		code, out, errs := intelRun(t, nil, "", "intel", "ls", "--db", db, "--format", "plain")
		if n := strings.Count(out, "\n"); code != ExitOK || (n != 1 && n != 20001) {
			t.Errorf("ls during import: exit %d, %d lines, %s", code, n, errs)
		}
	}
	if got := <-done; got != "0" {
		t.Errorf("import: %s", got)
	}
}
