package sentinel

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/huntpack/huntpack/hunt"
	"github.com/huntpack/huntpack/kql/types"
)

const secretToken = "fake-token-SECRET"

// fakeCred is an azcore.TokenCredential for tests; err makes it fail.
type fakeCred struct{ err error }

func (f fakeCred) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if f.err != nil {
		return azcore.AccessToken{}, f.err
	}
	return azcore.AccessToken{Token: secretToken, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// server is a fake Log Analytics query endpoint answering with the
// responses in order (the last one repeats).
type server struct {
	*httptest.Server
	calls    atomic.Int32
	lastBody atomic.Value
}

type reply struct {
	status  int
	headers map[string]string
	body    string
}

func newServer(t *testing.T, replies ...reply) *server {
	s := &server{}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.calls.Add(1)) - 1
		if got := r.Header.Get("Authorization"); got != "Bearer "+secretToken {
			t.Errorf("Authorization = %q", got)
		}
		if !strings.HasSuffix(r.URL.Path, "/workspaces/ws-1/query") {
			t.Errorf("path = %s", r.URL.Path)
		}
		b, _ := io.ReadAll(r.Body)
		s.lastBody.Store(string(b))
		rp := replies[min(n, len(replies)-1)]
		for k, v := range rp.headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rp.status)
		io.WriteString(w, rp.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) client(t *testing.T, cred azcore.TokenCredential) *Client {
	t.Helper()
	c, err := New("ws-1", Options{Credential: cred, Endpoint: s.URL + "/v1", Transport: s.Server.Client(),
		Retry: policy.RetryOptions{MaxRetries: 2, RetryDelay: time.Millisecond, MaxRetryDelay: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRecordedResponse(t *testing.T) {
	body, err := os.ReadFile("testdata/msticpy_az_mon_raw_query.json")
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, reply{status: 200, body: string(body)})
	from := time.Date(2023, 2, 1, 0, 0, 0, 0, time.UTC)
	res, err := s.client(t, fakeCred{}).Query(context.Background(), "SecurityAlert | take 3", from, from.Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	b := res.Tables[0].Batch
	if res.Tables[0].Name != "PrimaryResult" || b.Len != 3 || len(b.Schema) != 34 {
		t.Fatalf("got table %s with %d rows, %d columns", res.Tables[0].Name, b.Len, len(b.Schema))
	}
	tg := b.Cols[b.Schema.Index("TimeGenerated")].Value(0)
	if tg.T != types.DateTime || types.FormatValue(tg) != "2023-02-20T11:04:02.6371632Z" {
		t.Errorf("TimeGenerated = %v", types.FormatValue(tg))
	}
	if v := b.Cols[b.Schema.Index("IsIncident")].Value(0); v.T != types.Bool || v.Bool() {
		t.Errorf("IsIncident = %+v", v)
	}
	if v := b.Cols[b.Schema.Index("ConfidenceScore")].Value(0); !v.IsNull() {
		t.Errorf("ConfidenceScore = %+v, want null", v)
	}
	var req struct{ Query, Timespan string }
	json.Unmarshal([]byte(s.lastBody.Load().(string)), &req)
	if req.Query != "SecurityAlert | take 3" || req.Timespan != "2023-02-01T00:00:00Z/2023-03-03T00:00:00Z" {
		t.Errorf("request = %+v", req)
	}
}

const okBody = `{"tables":[{"name":"PrimaryResult","columns":[{"name":"RemoteIP","type":"string"},{"name":"RemotePort","type":"int"}],"rows":[["46.151.182.76",8080]]}]}`

func TestLongPrecision(t *testing.T) {
	s := newServer(t, reply{status: 200, body: `{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"},{"name":"d","type":"dynamic"}],"rows":[[9007199254740993,"{\"id\":9007199254740993}"]]}]}`})
	res, err := s.client(t, fakeCred{}).Query(context.Background(), "T", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Tables[0].Batch
	if got := types.FormatValue(b.Cols[0].Value(0)); got != "9007199254740993" {
		t.Errorf("long = %s, want 9007199254740993 (every digit)", got)
	}
	if got := types.FormatValue(b.Cols[1].Value(0)); got != `{"id":9007199254740993}` {
		t.Errorf("dynamic = %s", got)
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name    string
		cred    azcore.TokenCredential
		replies []reply
		calls   int
		wantErr error
		fatal   bool
		msg     []string
		partial string
	}{
		{name: "throttled then ok", replies: []reply{{429, map[string]string{"Retry-After": "1"}, `{"error":{"code":"TooManyRequests","message":"slow down"}}`}, {200, nil, okBody}}, calls: 2},
		{name: "throttled past max delay", replies: []reply{{429, map[string]string{"Retry-After": "3600"}, `{"error":{"code":"TooManyRequests","message":"Rate limit exceeded"}}`}}, calls: 1,
			wantErr: ErrThrottled, fatal: true, msg: []string{"HTTP 429", "retry after 3600 s", "Rate limit exceeded"}},
		{name: "throttled every time", replies: []reply{{429, map[string]string{"retry-after-ms": "5"}, `{}`}}, calls: 3, wantErr: ErrThrottled, fatal: true},
		{name: "401", replies: []reply{{401, nil, `{"error":{"code":"InvalidTokenError","message":"The provided authentication is not valid for this resource"}}`}}, calls: 1,
			wantErr: ErrAuth, fatal: true, msg: []string{"HTTP 401", "az login", "not valid for this resource"}},
		{name: "403", replies: []reply{{403, nil, `{"error":{"code":"InsufficientAccessError","message":"The provided credentials have insufficient access"}}`}}, calls: 1,
			wantErr: ErrForbidden, fatal: true, msg: []string{"HTTP 403", "Log Analytics Reader", "insufficient access"}},
		{name: "bad query", replies: []reply{{400, nil, `{"error":{"code":"BadArgumentError","message":"The request had some invalid properties","innererror":{"code":"SyntaxError","message":"A recognition error occurred in the query.","innererror":{"code":"SYN0002","message":"Query could not be parsed at 'wher' on line [2,2]"}}}}`}}, calls: 1,
			wantErr: ErrQuery, msg: []string{"HTTP 400", "Query could not be parsed at 'wher' on line [2,2]"}},
		{name: "server error retried", replies: []reply{{503, nil, `{}`}, {200, nil, okBody}}, calls: 2},
		{name: "partial error keeps rows", replies: []reply{{200, nil, `{"tables":[{"name":"PrimaryResult","columns":[{"name":"RemoteIP","type":"string"},{"name":"RemotePort","type":"int"}],"rows":[["46.151.182.76",8080]]}],"error":{"code":"PartialError","message":"There were some errors when processing your query.","details":[{"code":"EngineError","message":"Query result set has exceeded the internal data size limit"}]}}`}}, calls: 1,
			partial: "Query result set has exceeded the internal data size limit"},
		{name: "credential fails", cred: fakeCred{err: errors.New("DefaultAzureCredential: failed to acquire a token")}, replies: []reply{{200, nil, okBody}}, calls: 0,
			wantErr: ErrAuth, fatal: true, msg: []string{"could not get a token"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, tc.replies...)
			cred := tc.cred
			if cred == nil {
				cred = fakeCred{}
			}
			be := &Backend{Client: s.client(t, cred), Workspace: "ws-1"}
			out, err := be.Run(context.Background(), hunt.Query{Name: "q"}, "DeviceNetworkEvents | take 1", hunt.Window{})
			if got := int(s.calls.Load()); got != tc.calls {
				t.Errorf("server calls = %d, want %d", got, tc.calls)
			}
			if tc.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if out.Batch.Len != 1 || types.FormatValue(out.Batch.Cols[1].Value(0)) != "8080" {
					t.Errorf("rows = %d", out.Batch.Len)
				}
				if tc.partial != "" && (len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], tc.partial)) {
					t.Errorf("warnings = %q, want %q", out.Warnings, tc.partial)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if errors.Is(err, hunt.ErrFatal) != tc.fatal {
				t.Errorf("fatal = %v, want %v", !tc.fatal, tc.fatal)
			}
			for _, m := range tc.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q lacks %q", err, m)
				}
			}
			if strings.Contains(err.Error(), secretToken) {
				t.Errorf("error leaks the token: %v", err)
			}
		})
	}
}
