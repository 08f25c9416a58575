package feed

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

const testKey = "s3cr3t-key-do-not-log"

// recorder is an httptest handler replaying a script of answers and
// recording the requests.
type recorder struct {
	mu      sync.Mutex
	answers []answer
	bodies  []map[string]any
	keys    []string
}

type answer struct {
	status     int
	retryAfter string
	file       string
	body       string
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var body map[string]any
	data, _ := io.ReadAll(r.Body)
	json.Unmarshal(data, &body)
	rc.bodies = append(rc.bodies, body)
	rc.keys = append(rc.keys, r.Header.Get("Auth-Key"))
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "bad method or content type", http.StatusBadRequest)
		return
	}
	a := rc.answers[0]
	if len(rc.answers) > 1 {
		rc.answers = rc.answers[1:]
	}
	if a.retryAfter != "" {
		w.Header().Set("Retry-After", a.retryAfter)
	}
	out := []byte(a.body)
	if a.file != "" {
		out, _ = os.ReadFile(a.file)
	}
	w.WriteHeader(a.status)
	w.Write(out)
}

func TestThreatFoxFetch(t *testing.T) {
	tests := []struct {
		name      string
		key       string
		query     ThreatFoxQuery
		answers   []answer
		wantErr   string
		wantBody  string
		wantCalls int
		wantWaits []time.Duration
		wantIOCs  int
	}{
		{name: "get_iocs ok", key: testKey, query: ThreatFoxQuery{Days: 3},
			answers:  []answer{{status: 200, file: "testdata/threatfox_api.json"}},
			wantBody: `{"days":3,"query":"get_iocs"}`, wantCalls: 1, wantIOCs: 2},
		{name: "malwareinfo", key: testKey, query: ThreatFoxQuery{Malware: "win.remcos", Limit: 50},
			answers:  []answer{{status: 200, file: "testdata/threatfox_api.json"}},
			wantBody: `{"limit":50,"malware":"win.remcos","query":"malwareinfo"}`, wantCalls: 1, wantIOCs: 2},
		{name: "malware and tag filters", key: testKey, query: ThreatFoxQuery{Malware: "Remcos", Tag: "rat"},
			answers:  []answer{{status: 200, file: "testdata/threatfox_api.json"}},
			wantBody: `{"limit":1000,"malware":"Remcos","query":"malwareinfo"}`, wantCalls: 1, wantIOCs: 1},
		{name: "taginfo", key: testKey, query: ThreatFoxQuery{Tag: "Magecart"},
			answers:  []answer{{status: 200, file: "testdata/threatfox_api_noresult.json"}},
			wantBody: `{"limit":1000,"query":"taginfo","tag":"Magecart"}`, wantCalls: 1, wantIOCs: 0},
		{name: "no key", key: " ", query: ThreatFoxQuery{}, wantErr: "needs an Auth-Key", wantCalls: 0},
		{name: "bad days", key: testKey, query: ThreatFoxQuery{Days: 8}, wantErr: "1 to 7 days", wantCalls: 0},
		{name: "401", key: testKey, answers: []answer{{status: 401, body: "unauthorized"}},
			wantErr: "refused the Auth-Key (HTTP 401)", wantCalls: 1},
		{name: "429 then ok", key: testKey, answers: []answer{{status: 429, retryAfter: "7"}, {status: 200, file: "testdata/threatfox_api.json"}},
			wantCalls: 2, wantWaits: []time.Duration{7 * time.Second}, wantIOCs: 2},
		{name: "429 no header", key: testKey, answers: []answer{{status: 429}, {status: 200, file: "testdata/threatfox_api.json"}},
			wantCalls: 2, wantWaits: []time.Duration{30 * time.Second}, wantIOCs: 2},
		{name: "429 capped wait", key: testKey, answers: []answer{{status: 429, retryAfter: "86400"}, {status: 200, file: "testdata/threatfox_api.json"}},
			wantCalls: 2, wantWaits: []time.Duration{5 * time.Minute}, wantIOCs: 2},
		{name: "429 forever", key: testKey, answers: []answer{{status: 429, retryAfter: "1"}},
			wantErr: "rate limit (HTTP 429", wantCalls: 4, wantWaits: []time.Duration{time.Second, time.Second, time.Second}},
		{name: "500", key: testKey, answers: []answer{{status: 500, body: "boom"}}, wantErr: "HTTP 500: boom", wantCalls: 1},
		{name: "api error status", key: testKey, answers: []answer{{status: 200, body: `{"query_status":"illegal_days","data":null}`}},
			wantErr: `query_status "illegal_days"`, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rc := &recorder{answers: tc.answers}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			var waits []time.Duration
			c := &ThreatFoxClient{BaseURL: srv.URL + "/api/v1/", AuthKey: tc.key, HTTP: srv.Client(),
				Sleep: func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
			res, err := c.FetchThreatFox(context.Background(), tc.query)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), testKey) {
					t.Fatalf("error leaks the key: %v", err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if len(res.Indicators) != tc.wantIOCs {
				t.Errorf("indicators = %d, want %d", len(res.Indicators), tc.wantIOCs)
			}
			if len(rc.bodies) != tc.wantCalls {
				t.Fatalf("calls = %d, want %d", len(rc.bodies), tc.wantCalls)
			}
			for _, k := range rc.keys {
				if k != testKey {
					t.Errorf("Auth-Key header = %q", k)
				}
			}
			if tc.wantBody != "" {
				got, _ := json.Marshal(rc.bodies[0])
				if string(got) != tc.wantBody {
					t.Errorf("body = %s, want %s", got, tc.wantBody)
				}
			}
			if len(waits) != len(tc.wantWaits) {
				t.Fatalf("waits = %v, want %v", waits, tc.wantWaits)
			}
			for i := range waits {
				if waits[i] != tc.wantWaits[i] {
					t.Errorf("wait %d = %v, want %v", i, waits[i], tc.wantWaits[i])
				}
			}
		})
	}
}

func TestThreatFoxFetchCancel(t *testing.T) {
	srv := httptest.NewServer(&recorder{answers: []answer{{status: 429, retryAfter: "60"}}})
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := &ThreatFoxClient{BaseURL: srv.URL, AuthKey: testKey, HTTP: srv.Client()}
	_, err := c.Fetch(ctx, ThreatFoxQuery{})
	if !errors.Is(err, context.Canceled) && (err == nil || !strings.Contains(err.Error(), "canceled")) {
		t.Fatalf("err = %v, want cancellation", err)
	}
}
