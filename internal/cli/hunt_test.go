package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/huntpack/huntpack/hunt"
	"github.com/huntpack/huntpack/hunt/local"
	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs"
	"github.com/huntpack/huntpack/pack"
	"github.com/huntpack/huntpack/remote/adx"
	"github.com/huntpack/huntpack/remote/sentinel"
)

const huntExample = "../../examples/remcos"

var huntNow = func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }

func runHuntCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runHuntCLIAt(t, huntNow(), args...)
}

// runHuntCLIAt runs `huntpack hunt` with now as the clock.
func runHuntCLIAt(t *testing.T, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), append([]string{"hunt"}, args...), Env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return now }})
	return code, out.String(), errb.String()
}

func TestHuntExampleTable(t *testing.T) {
	code, out, errs := runHuntCLI(t, huntExample)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"== 01_CommonSecurityLog_ips (CommonSecurityLog): 5 hits",
		"== 02_DeviceNetworkEvents_ips (DeviceNetworkEvents): 4 hits",
		"== 03_DnsEvents_domains (DnsEvents): 4 hits",
		"13 hits in 3 queries; 4 of 4 IOCs hit (3 exact ip:port, 0 ip only, 1 domain); 0 suppressed; 1 before first_seen.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The README's expected rows: every ip:port IOC has its exact hits;
	// the rows on an IOC's IP with another port (193.29.13.23:443) or with
	// no port (138.9.254.121 as source) are one "ip only" line per IP.
	for ioc, want := range map[string]string{
		"sls[.]in[.]net":           "domain 4",
		"46[.]151[.]182[.]76:8080": "ip:port 3",
		"193[.]29[.]13[.]23:5758":  "ip:port 2",
		"138[.]9[.]254[.]121:8015": "ip:port 1",
		"193[.]29[.]13[.]23":       "ip (from ip:port IOCs) 2",
		"138[.]9[.]254[.]121":      "ip (from ip:port IOCs) 1",
	} {
		if got := huntFindingLine(out, ioc); !strings.HasPrefix(got, want+" ") {
			t.Errorf("finding %s: %q, want type and hits %q", ioc, got, want)
		}
	}
	for _, want := range []string{"ran 3 of 3 queries", "CommonSecurityLog", "rows/s"} {
		if !strings.Contains(errs, want) {
			t.Errorf("summary lacks %q:\n%s", want, errs)
		}
	}
}

// huntFindingLine returns the fields after the IOC of ioc's line in the
// "Findings per IOC" table, joined by single spaces ("" when absent).
func huntFindingLine(out, ioc string) string {
	_, sec, _ := strings.Cut(out, "== Findings per IOC\n")
	for _, ln := range strings.Split(sec, "\n") {
		if f := strings.Fields(ln); len(f) > 1 && f[0] == ioc {
			return strings.Join(f[1:], " ")
		}
	}
	return ""
}

// TestHuntThreatFoxAttribution runs the generated ThreatFox pack (286
// ip:port IOCs, many on one IP) over its example logs. Its queries name
// the IOC of every row: an exact ip:port hit credits only that IOC, an
// "ip only" hit is one hit of the IP, and the findings add up to the
// total.
func TestHuntThreatFoxAttribution(t *testing.T) {
	dir := "../../examples/remcos-threatfox"
	window := []string{"--from", "2026-07-12", "--to", "2026-07-26", "--quiet"}
	code, out, errs := runHuntCLI(t, append([]string{dir}, window...)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"6 hits in 12 queries; 5 of 286 IOCs hit (4 exact ip:port, 1 ip only); 2 suppressed; 1 before first_seen.",
		"   281 IOCs had no hits\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for ioc, want := range map[string]string{
		"204[.]44[.]93[.]75:14648":   "ip:port 1",
		"204[.]44[.]93[.]75":         "ip (from ip:port IOCs) 1",
		"103[.]83[.]86[.]48":         "ip (from ip:port IOCs) 1",
		"155[.]103[.]71[.]115:15609": "ip:port 1",
		"204[.]44[.]93[.]75:14641":   "", // shares the IP, other port: not listed
		"155[.]103[.]71[.]115:15608": "",
	} {
		if got := huntFindingLine(out, ioc); !strings.HasPrefix(got+" ", want+" ") || (want == "") != (got == "") {
			t.Errorf("finding %s: %q, want %q", ioc, got, want)
		}
	}
	if got := huntFindingLine(out, "204[.]44[.]93[.]75"); !strings.Contains(got, "ip only; IOC ports 14641,14642,14648,14649") {
		t.Errorf("ip only finding lacks its IOC ports: %q", got)
	}
	if got := huntFindingLine(out, "155[.]103[.]71[.]115:15609"); !strings.Contains(got, " 10.20.1.40 ") {
		t.Errorf("inbound hit from the C2 port should name the internal host: %q", got)
	}

	code, js, errs := runHuntCLI(t, append([]string{dir, "--format", "json"}, window...)...)
	if code != ExitOK {
		t.Fatalf("json: exit %d: %s", code, errs)
	}
	var res hunt.Result
	if err := json.Unmarshal([]byte(js), &res); err != nil {
		t.Fatal(err)
	}
	sum, iocs := 0, 0
	for _, f := range res.Findings {
		sum += f.Hits
		if !f.IPOnly() {
			iocs++
		}
	}
	if sum+res.Totals.Unattributed != res.Totals.Hits || iocs != 286 || len(res.Findings) != 288 {
		t.Errorf("findings hits %d + unattributed %d != total %d, or %d IOC findings (want 286) of %d",
			sum, res.Totals.Unattributed, res.Totals.Hits, iocs, len(res.Findings))
	}
	if tt := res.Totals; tt.IOCsHit != 5 || tt.IOCsExact != 4 || tt.IOCsIPOnly != 1 || tt.IPOnlyHits != 2 {
		t.Errorf("totals %+v", tt)
	}
}

func TestHuntExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"fail on findings", []string{huntExample, "--fail-on-findings", "--quiet"}, ExitFindings, ""},
		{"no hits in window", []string{huntExample, "--fail-on-findings", "--quiet", "--from", "2020-01-01", "--to", "2020-02-01"}, ExitOK, ""},
		{"no such pack", []string{"testdata/no-such-pack"}, ExitBadInput, "no-such-pack"},
		{"bad format", []string{huntExample, "--format", "pdf"}, ExitBadInput, "pdf"},
		{"bad lookback", []string{huntExample, "--lookback", "soon"}, ExitBadInput, "--lookback"},
		{"lookback and from", []string{huntExample, "--lookback", "1d", "--from", "2026-01-01"}, ExitBadInput, "not both"},
		{"two backends", []string{huntExample, "--logs", "x", "--workspace", "w"}, ExitBadInput, "pick one backend"},
		{"bad adx target", []string{huntExample, "--adx", "nodatabase"}, ExitBadInput, "CLUSTER-URI/DATABASE"},
		{"missing args", nil, ExitBadInput, "accepts 1 arg"},
		{"workspace name not id", []string{huntExample, "--workspace", "my-sentinel"}, ExitBadInput, "a GUID"},
		{"remote window in the future", []string{huntExample, "--workspace", "11111111-2222-3333-4444-555555555555", "--from", "2026-07-01"}, ExitBadInput, "--from 2026-07-01T00:00:00Z is not before --to"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runHuntCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.msg) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, tc.code, errs, tc.msg)
			}
		})
	}
}

func TestHuntBadQueryExit2(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "queries"), 0o755)
	os.WriteFile(filepath.Join(dir, "queries", "q.kql"), []byte("CommonSecurityLog\n| wher x\n"), 0o644)
	code, out, errs := runHuntCLI(t, dir, "--logs", filepath.Join(huntExample, "logs"))
	if code != ExitBadInput || !strings.Contains(errs, "q.kql:2:") || !strings.Contains(out, "ERROR") {
		t.Errorf("exit %d, stderr %q, stdout %q", code, errs, out)
	}
}

func TestHuntMaxHits(t *testing.T) {
	code, out, errs := runHuntCLI(t, huntExample, "--max-hits", "2")
	if code != ExitOK || !strings.Contains(out, "01_CommonSecurityLog_ips (CommonSecurityLog): 2 hits") || !strings.Contains(out, "warning:") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
}

// TestHuntMaxMemory: a query over --max-memory fails with the limit named,
// the others still run, and the exit code says queries failed.
func TestHuntMaxMemory(t *testing.T) {
	code, out, errs := runHuntCLI(t, huntExample, "--max-memory", "1KB", "--quiet")
	if code != ExitBackend || !strings.Contains(errs, "query memory limit exceeded") || !strings.Contains(out, "2 queries FAILED") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := runHuntCLI(t, huntExample, "--max-memory", "lots"); code != ExitBadInput || !strings.Contains(errs, "--max-memory") {
		t.Errorf("bad value: exit %d, %s", code, errs)
	}
	if code, out, _ := runHuntCLI(t, huntExample, "--max-memory", "1GB", "--query-timeout", "10m", "--quiet"); code != ExitOK || strings.Contains(out, "FAILED") {
		t.Errorf("generous limits: exit %d\n%s", code, out)
	}
}

func TestHuntHTMLFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.html")
	code, out, errs := runHuntCLI(t, huntExample, "--format", "html", "-o", path, "--quiet")
	if code != ExitOK || out != "" || errs != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<title>Hunt report: Remcos C2 hunt", "46[.]151[.]182[.]76:8080", "<svg", "data-report-ok"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".report.html.*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

func TestHuntProgressPlain(t *testing.T) {
	old := huntPlainInterval
	huntPlainInterval = time.Millisecond
	defer func() { huntPlainInterval = old }()
	var out, errb bytes.Buffer
	p := newHuntProgress(Env{Stderr: &errb}, false, nil, 3)
	p.onQuery(1, 3, hunt.Query{Name: "02_x"})
	time.Sleep(20 * time.Millisecond)
	p.stop()
	if !strings.Contains(errb.String(), "huntpack: progress: [######--------------] query 2/3 02_x") || out.Len() != 0 {
		t.Errorf("progress = %q", errb.String())
	}
}

// --- remote equivalence -------------------------------------------------

// huntLocalRowsIn runs text with the local engine over the logs in dir,
// with now as the clock and the time window w: the rows the fake remote
// servers answer with.
func huntLocalRowsIn(t *testing.T, dir string, now time.Time) func(text string, w hunt.Window) *types.Batch {
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	be := local.New(cat, local.Options{Now: now})
	return func(text string, w hunt.Window) *types.Batch {
		out, err := be.Run(context.Background(), hunt.Query{Name: "q"}, text, w)
		if err != nil {
			t.Errorf("local run of %q: %v", text, err)
			return nil
		}
		return out.Batch
	}
}

type huntFakeCred struct{}

func (huntFakeCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "fake", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func huntWireValue(v types.Value) any {
	if v.IsNull() && v.T != types.String {
		return nil
	}
	switch v.T {
	case types.Dynamic:
		return types.FormatValue(v) // Log Analytics sends dynamic as JSON text
	case types.DateTime, types.TimeSpan, types.GUID:
		return types.FormatValue(v)
	}
	return types.ToJSON(v)
}

func huntWireRows(b *types.Batch) [][]any {
	out := make([][]any, 0, b.Len)
	for i := 0; i < b.Len; i++ {
		row := make([]any, len(b.Cols))
		for j, c := range b.Cols {
			row[j] = huntWireValue(c.Value(i))
		}
		out = append(out, row)
	}
	return out
}

// huntLABody encodes a batch as a Log Analytics query response.
func huntLABody(b *types.Batch) []byte {
	type col struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}
	var cols []col
	for _, f := range b.Schema {
		cols = append(cols, col{f.Name, f.Type.String()})
	}
	body, _ := json.Marshal(map[string]any{"tables": []any{map[string]any{"name": "PrimaryResult", "columns": cols, "rows": huntWireRows(b)}}})
	return body
}

// huntADXBody encodes a batch as Kusto v2 frames, the rows split in two
// progressive fragments.
func huntADXBody(b *types.Batch) []byte {
	type col struct {
		ColumnName string
		ColumnType string
	}
	var cols []col
	for _, f := range b.Schema {
		cols = append(cols, col{f.Name, f.Type.String()})
	}
	rows := huntWireRows(b)
	half := len(rows) / 2
	frames := []any{
		map[string]any{"FrameType": "DataSetHeader", "IsProgressive": true, "Version": "v2.0"},
		map[string]any{"FrameType": "TableHeader", "TableId": 1, "TableKind": "PrimaryResult", "TableName": "PrimaryResult", "Columns": cols},
		map[string]any{"FrameType": "TableFragment", "TableFragmentType": "DataAppend", "TableId": 1, "Rows": rows[:half]},
		map[string]any{"FrameType": "TableFragment", "TableFragmentType": "DataAppend", "TableId": 1, "Rows": rows[half:]},
		map[string]any{"FrameType": "TableCompletion", "TableId": 1, "RowCount": len(rows)},
		map[string]any{"FrameType": "DataSetCompletion", "HasErrors": false, "Cancelled": false},
	}
	body, _ := json.Marshal(frames)
	return body
}

// huntFakeRemote serves the local engine's rows over the logs in dir for
// whatever query text it receives, as Log Analytics
// (/v1/workspaces/ID/query) and ADX (/v2/rest/query) would: the window
// sent with the request (timespan; query_datetimescope_from/to) bounds the
// rows, and ago() counts from the service's clock, now.
func huntFakeRemote(t *testing.T, dir string, now time.Time) *httptest.Server {
	rowsFor := huntLocalRowsIn(t, dir, now)
	instant := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Errorf("request time %q: %v", s, err)
		}
		return tm
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		var req struct {
			Query      string `json:"query"`
			Timespan   string `json:"timespan"`
			CSL        string `json:"csl"`
			Properties struct {
				Options map[string]any `json:"Options"`
			} `json:"properties"`
		}
		switch r.URL.Path {
		case "/v1/rest/auth/metadata":
			io.WriteString(w, `{"AzureAD":{"LoginEndpoint":"https://login.microsoftonline.com","KustoServiceResourceId":"https://kusto.kusto.windows.net"}}`)
		case "/v1/workspaces/11111111-2222-3333-4444-555555555555/query":
			json.NewDecoder(r.Body).Decode(&req)
			var win hunt.Window
			if from, to, ok := strings.Cut(req.Timespan, "/"); ok {
				win = hunt.Window{From: instant(from), To: instant(to)}
			}
			w.Write(huntLABody(rowsFor(req.Query, win)))
		case "/v2/rest/query":
			json.NewDecoder(r.Body).Decode(&req)
			from, _ := req.Properties.Options["query_datetimescope_from"].(string)
			to, _ := req.Properties.Options["query_datetimescope_to"].(string)
			w.Write(huntADXBody(rowsFor(req.CSL, hunt.Window{From: instant(from), To: instant(to)})))
		default:
			t.Errorf("unexpected request %s", r.URL.Path)
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// huntComparable strips what legitimately differs between backends.
func huntComparable(t *testing.T, out string) string {
	t.Helper()
	var res hunt.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	res.Backend, res.Started, res.Elapsed, res.Scan = "", time.Time{}, 0, hunt.ScanSummary{}
	for i := range res.Queries {
		res.Queries[i].Elapsed = 0
	}
	b, _ := json.MarshalIndent(res, "", " ")
	return string(b)
}

// TestHuntRemoteSameFindings runs packs locally, then on fake Sentinel
// and ADX servers that serve the same rows (the local engine's rows for
// each query text they receive, in the documented response formats: a Log
// Analytics table, Kusto v2 progressive frames in two fragments), and
// wants the same findings. The packs: the seed, one generated by
// pack.Build (structured exclusions, so suppressed hits are compared too)
// and the generated ThreatFox example (12 queries, 286 ip:port IOCs).
func TestHuntRemoteSameFindings(t *testing.T) {
	oldS, oldA := huntSentinelOptions, huntADXOptions
	defer func() { huntSentinelOptions, huntADXOptions = oldS, oldA }()
	seedLogs := filepath.Join(huntExample, "logs")
	packs := []struct {
		name, dir, logs string
		now             time.Time // the clock of the CLI and the services
		window          []string
		want            string // must be in the local result
	}{
		{"seed", huntExample, seedLogs, huntNow(), nil, `"hits": 13`},
		{"generated", huntGeneratedPack(t), seedLogs, huntNow(), []string{"--lookback", "30d"}, `"suppressed": 1`},
		// A past window: remote lookback reaches back to --from from now.
		{"threatfox", "../../examples/remcos-threatfox", "../../examples/remcos-threatfox/logs", time.Date(2026, 9, 3, 10, 0, 0, 0, time.UTC),
			[]string{"--from", "2026-07-12", "--to", "2026-07-26"}, `"ip_only_hits": 2`},
	}
	for _, pk := range packs {
		srv := huntFakeRemote(t, pk.logs, pk.now)
		huntSentinelOptions = sentinel.Options{Credential: huntFakeCred{}, Endpoint: srv.URL + "/v1", Transport: srv.Client()}
		huntADXOptions = adx.Options{Credential: huntFakeCred{}, HTTPClient: srv.Client()}
		args := append([]string{pk.dir, "--format", "json", "--quiet"}, pk.window...)
		code, want, errs := runHuntCLIAt(t, pk.now, append(args, "--logs", pk.logs)...)
		if code != ExitOK {
			t.Fatalf("%s local: exit %d: %s", pk.name, code, errs)
		}
		a := huntComparable(t, want)
		if !strings.Contains(a, pk.want) {
			t.Fatalf("%s: local run lacks %s:\n%s", pk.name, pk.want, a)
		}
		for _, backend := range [][]string{{"--workspace", "11111111-2222-3333-4444-555555555555"}, {"--adx", srv.URL + "/SecurityLogs"}} {
			t.Run(pk.name+backend[0], func(t *testing.T) {
				code, got, errs := runHuntCLIAt(t, pk.now, append(args, backend...)...)
				if code != ExitOK {
					t.Fatalf("exit %d: %s", code, errs)
				}
				if b := huntComparable(t, got); a != b {
					t.Errorf("findings differ from the local run:\nlocal:\n%s\nremote:\n%s", a, b)
				}
			})
		}
	}
}

// huntGeneratedPack writes a pack built by pack.Build from the seed's
// IOCs (default exclusions) to a temporary directory.
func huntGeneratedPack(t *testing.T) string {
	t.Helper()
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	iocs := []pack.IOC{
		{Type: pack.TypeIPPort, Value: "46.151.182.76", Port: 8080, FirstSeen: day("2026-05-22"), Confidence: 75, ThreatType: "botnet_cc", Source: "threatfox"},
		{Type: pack.TypeIPPort, Value: "138.9.254.121", Port: 8015, FirstSeen: day("2026-05-22"), Confidence: 75, ThreatType: "botnet_cc", Source: "threatfox"},
		{Type: pack.TypeDomain, Value: "sls.in.net", FirstSeen: day("2026-05-22"), Confidence: 75, ThreatType: "botnet_cc", Source: "threatfox"},
		{Type: pack.TypeIPPort, Value: "193.29.13.23", Port: 5758, FirstSeen: day("2026-05-21"), Confidence: 75, ThreatType: "botnet_cc", Source: "threatfox"},
	}
	p, err := pack.Build(iocs, pack.BuildOptions{Family: "Remcos", Now: huntNow(), Lookback: "14d"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "remcos-generated")
	if err := p.Save(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestHuntInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := Run(ctx, []string{"hunt", huntExample}, Env{Stdout: &out, Stderr: &errb, Now: huntNow})
	if code != ExitBackend || !strings.Contains(out.String(), "INTERRUPTED") || !strings.Contains(errb.String(), "interrupted after 0 of the pack's queries") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, out.String(), errb.String())
	}
}

func TestHuntProgressTerminal(t *testing.T) {
	old := huntBarInterval
	huntBarInterval = time.Millisecond
	defer func() { huntBarInterval = old }()
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{filepath.Join(huntExample, "logs")}})
	if err != nil {
		t.Fatal(err)
	}
	lb := local.New(cat, local.Options{})
	if _, err := lb.Run(context.Background(), hunt.Query{Name: "q"}, "DnsEvents | count", hunt.Window{}); err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	p := newHuntProgress(Env{Stderr: &errb, StderrIsTerminal: true}, false, lb, 1)
	p.onQuery(0, 1, hunt.Query{Name: "dns", Table: "DnsEvents"})
	time.Sleep(20 * time.Millisecond)
	p.stop()
	s := errb.String()
	if !strings.Contains(s, "\r\033[K[##########] 100% 1/1 DnsEvents 1.5/1.5 KiB 1/1 files ") || !strings.Contains(s, " rows/s") || !strings.HasSuffix(s, "\r\033[K") {
		t.Errorf("progress = %q", s)
	}
	var quiet bytes.Buffer
	q := newHuntProgress(Env{Stderr: &quiet, StderrIsTerminal: true}, true, lb, 1)
	time.Sleep(5 * time.Millisecond)
	q.stop()
	if quiet.Len() != 0 {
		t.Errorf("--quiet printed %q", quiet.String())
	}
}

// TestHuntExampleGolden pins the default table output of the example
// pack (go test -update rewrites testdata/golden/hunt_remcos.table).
func TestHuntExampleGolden(t *testing.T) {
	code, out, errs := runHuntCLI(t, huntExample, "--quiet")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	path := filepath.Join("testdata", "golden", "hunt_remcos.table")
	if *update {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if out != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, out)
	}
}
