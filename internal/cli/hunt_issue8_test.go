package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/huntpack/huntpack/hunt"
	"github.com/huntpack/huntpack/remote/adx"
	"github.com/huntpack/huntpack/remote/sentinel"
)

// TestHuntHelpDocumentsFlagsAndExitCodes checks `hunt --help` lists the
// flags issue #8 asks for and the four exit codes, and that the README's
// exit code table has them too.
func TestHuntHelpDocumentsFlagsAndExitCodes(t *testing.T) {
	code, out, _ := runHuntCLI(t, "--help")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"--logs", "--workspace", "--adx", "--from", "--to", "--lookback", "--format", "-o, --output", "--fail-on-findings", "--quiet",
		"table, json, csv, md, html",
		"Exit codes:", "\n  0  ran", "\n  1  ran and found hits, with --fail-on-findings", "\n  2  bad input or usage", "\n  3  backend failure",
		"Ctrl-C stops cleanly",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("hunt --help lacks %q", want)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(readme), "## Exit codes\n")
	if !ok {
		t.Fatal("README has no Exit codes section")
	}
	for _, re := range []string{`\| 0 \| ran`, `\| 1 \| ran and found hits, with ` + "`--fail-on-findings`", `\| 2 \| bad input or usage`, `\| 3 \| backend failure`} {
		if !regexp.MustCompile(re).MatchString(table) {
			t.Errorf("README exit codes lack %s", re)
		}
	}
}

// TestHuntInterruptedMidRun stops a run (as Ctrl-C does, by cancelling
// the context) while its second query runs on a Sentinel server: the
// report covers the first query and says it was interrupted, stderr says
// what was done and still ends with the run summary, and the exit code
// is 3.
func TestHuntInterruptedMidRun(t *testing.T) {
	rowsFor := huntLocalRowsIn(t, filepath.Join(huntExample, "logs"), huntNow())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Query string `json:"query"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		if calls.Add(1) > 1 {
			cancel() // Ctrl-C while the second query runs
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(huntLABody(rowsFor(req.Query, hunt.Window{})))
	}))
	defer srv.Close()
	old := huntSentinelOptions
	defer func() { huntSentinelOptions = old }()
	huntSentinelOptions = sentinel.Options{Credential: huntFakeCred{}, Endpoint: srv.URL + "/v1", Transport: srv.Client()}

	var out, errb bytes.Buffer
	code := Run(ctx, []string{"hunt", huntExample, "--workspace", "11111111-2222-3333-4444-555555555555"}, Env{Stdout: &out, Stderr: &errb, Now: huntNow})
	if code != ExitBackend {
		t.Errorf("exit %d, want %d", code, ExitBackend)
	}
	for _, want := range []string{"INTERRUPTED", "== 01_CommonSecurityLog_ips (CommonSecurityLog): 5 hits"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	for _, want := range []string{"huntpack: ran ", "interrupted after 1 of the pack's queries; the report covers those"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("server calls = %d, want 2 (no query after the interrupt)", n)
	}
}

// TestHuntGeneratedPackHTML is issue #8's "done when": the generated
// Remcos pack (examples/remcos-threatfox, built by build.sh from the real
// ThreatFox export) rendered as one self-contained HTML report: summary,
// per-IOC table, hourly SVG timeline, evidence rows with the cap stated,
// defanged IOCs, exclusions with suppressed counts, no external asset.
func TestHuntGeneratedPackHTML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.html")
	code, _, errs := runHuntCLI(t, "../../examples/remcos-threatfox", "--from", "2026-07-12", "--to", "2026-07-26", "--format", "html", "-o", path, "--quiet")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{
		"<title>Hunt report: ",
		`<b class="alert">6</b>hits`, "<b>5 / 286</b>IOCs hit", `<b class="alert">1</b>hits before first_seen`, "<b>2</b>suppressed by exclusions",
		"Findings per IOC", "204[.]44[.]93[.]75:14648", "155[.]103[.]71[.]115:15609",
		"<svg", "Hits per hour",
		"suppressed",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Defanged: no IOC in its live form.
	for _, live := range []string{"204.44.93.75", "155.103.71.115", "103.83.86.48"} {
		if strings.Contains(html, live) {
			t.Errorf("report holds the live IOC %s", live)
		}
	}
	// Self-contained: nothing is loaded from anywhere.
	ext := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:|//)|@import|url\(\s*["']?(https?:|//)`)
	if m := ext.FindString(html); m != "" {
		t.Errorf("report loads an external asset: %q", m)
	}
}

// TestHuntRemoteFailures runs the seed pack against Sentinel and ADX
// servers that fail in the ways issue #8 lists, through the CLI: each
// gets its exit code and a message saying what to do; a partial result
// keeps its rows and is a warning in the run summary.
func TestHuntRemoteFailures(t *testing.T) {
	const partialLA = `{"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"DestinationIP","type":"string"},{"name":"DestinationPort","type":"int"}],"rows":[["2026-05-23T09:14:02Z","46.151.182.76",8080]]}],"error":{"code":"PartialError","message":"There were some errors when processing your query.","details":[{"code":"EngineError","message":"Query result set has exceeded the internal data size limit"}]}}`
	tests := []struct {
		name    string
		adx     bool
		status  int
		header  map[string]string
		body    string
		code    int
		stderr  []string
		stdout  string
		maxCall int32 // at most this many requests (no endless retry)
	}{
		{name: "sentinel 401", status: 401, body: `{"error":{"code":"InvalidTokenError","message":"The provided authentication is not valid for this resource"}}`,
			code: ExitBackend, stderr: []string{"HTTP 401", "az login"}, maxCall: 1},
		{name: "sentinel 403", status: 403, body: `{"error":{"code":"InsufficientAccessError","message":"The provided credentials have insufficient access"}}`,
			code: ExitBackend, stderr: []string{"HTTP 403", "Log Analytics Reader"}, maxCall: 1},
		{name: "sentinel 429 past the retry limit", status: 429, header: map[string]string{"Retry-After": "3600"}, body: `{"error":{"code":"TooManyRequests","message":"Rate limit exceeded"}}`,
			code: ExitBackend, stderr: []string{"HTTP 429", "retry after 3600 s"}, maxCall: 1},
		{name: "sentinel bad query", status: 400, body: `{"error":{"code":"BadArgumentError","message":"The request had some invalid properties","innererror":{"code":"SyntaxError","message":"A recognition error occurred in the query."}}}`,
			code: ExitBadInput, stderr: []string{"HTTP 400", "recognition error"}},
		{name: "sentinel partial error", status: 200, body: partialLA,
			code: ExitOK, stderr: []string{"warning:", "exceeded the internal data size limit"}, stdout: "46[.]151[.]182[.]76"},
		{name: "adx 401", adx: true, status: 401, body: `{"error":{"code":"Unauthorized","message":"The token is expired"}}`,
			code: ExitBackend, stderr: []string{"HTTP 401", "az login"}, maxCall: 1},
		{name: "adx 429 past the retry limit", adx: true, status: 429, header: map[string]string{"Retry-After": "3600"}, body: `{"error":{"code":"TooManyRequests","message":"throttled"}}`,
			code: ExitBackend, stderr: []string{"HTTP 429"}, maxCall: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/v1/rest/auth/metadata" {
					w.Write([]byte(`{"AzureAD":{"LoginEndpoint":"https://login.microsoftonline.com","KustoServiceResourceId":"https://kusto.kusto.windows.net"}}`))
					return
				}
				calls.Add(1)
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			oldS, oldA := huntSentinelOptions, huntADXOptions
			defer func() { huntSentinelOptions, huntADXOptions = oldS, oldA }()
			huntSentinelOptions = sentinel.Options{Credential: huntFakeCred{}, Endpoint: srv.URL + "/v1", Transport: srv.Client()}
			huntADXOptions = adx.Options{Credential: huntFakeCred{}, HTTPClient: srv.Client()}
			args := []string{huntExample, "--workspace", "11111111-2222-3333-4444-555555555555"}
			if tc.adx {
				args = []string{huntExample, "--adx", srv.URL + "/SecurityLogs"}
			}
			code, out, errs := runHuntCLI(t, args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, errs)
			}
			for _, want := range tc.stderr {
				if !strings.Contains(errs, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errs)
				}
			}
			if !strings.Contains(out, tc.stdout) {
				t.Errorf("report lacks %q:\n%s", tc.stdout, out)
			}
			if strings.Contains(errs, "fake") {
				t.Errorf("stderr shows the token:\n%s", errs)
			}
			if tc.maxCall > 0 && calls.Load() > tc.maxCall {
				t.Errorf("%d requests: a fatal failure should stop the run", calls.Load())
			}
		})
	}
}
