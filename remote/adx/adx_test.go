package adx

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

type fakeCred struct{ err error }

func (f fakeCred) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if f.err != nil {
		return azcore.AccessToken{}, f.err
	}
	return azcore.AccessToken{Token: secretToken, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

type reply struct {
	status  int
	headers map[string]string
	body    string
}

type server struct {
	*httptest.Server
	calls   atomic.Int32
	lastReq atomic.Value
}

// newServer is a fake ADX cluster: the documented auth metadata
// (public cloud) and /v2/rest/query answering replies in
// order (the last repeats).
func newServer(t *testing.T, replies ...reply) *server {
	s := &server{}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/rest/auth/metadata" {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"AzureAD":{"LoginEndpoint":"https://login.microsoftonline.com","LoginMfaRequired":false,"KustoClientAppId":"db662dc1-0cfe-4e1c-a843-19a68e65be58","KustoClientRedirectUri":"https://microsoft/kustoclient","KustoServiceResourceId":"https://kusto.kusto.windows.net","FirstPartyAuthorityUrl":"https://login.microsoftonline.com/f8cdef31-a31e-4b4a-93e4-5f571e91255a"}}`)
			return
		}
		if r.URL.Path != "/v2/rest/query" {
			t.Errorf("unexpected path %s", r.URL.Path)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+secretToken {
			t.Errorf("Authorization = %q", got)
		}
		b, _ := io.ReadAll(r.Body)
		s.lastReq.Store(string(b))
		n := int(s.calls.Add(1)) - 1
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
	c, err := New(s.URL, "SecurityLogs", Options{Credential: cred, HTTPClient: s.Server.Client(), MaxRetries: 2, MaxRetryDelay: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestRecordedResponse(t *testing.T) {
	body, err := os.ReadFile("testdata/msticpy_kusto_raw_resp.json")
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, reply{status: 200, body: string(body)})
	from := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	res, err := s.client(t, fakeCred{}).Query(context.Background(), "SecurityAlert | take 10", from, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Batch.Len != 10 || len(res.Batch.Schema) != 130 || res.Partial != "" {
		t.Fatalf("got %d rows, %d columns, partial %q", res.Batch.Len, len(res.Batch.Schema), res.Partial)
	}
	var req struct {
		DB         string `json:"db"`
		CSL        string `json:"csl"`
		Properties struct {
			Options map[string]any `json:"Options"`
		} `json:"properties"`
	}
	if err := json.Unmarshal([]byte(s.lastReq.Load().(string)), &req); err != nil {
		t.Fatal(err)
	}
	if req.DB != "SecurityLogs" || req.CSL != "SecurityAlert | take 10" || req.Properties.Options["query_datetimescope_from"] != "2020-01-01T00:00:00Z" {
		t.Errorf("request = %+v", req)
	}
}

func TestReadFramesProgressive(t *testing.T) {
	body := `[{"FrameType":"DataSetHeader","IsProgressive":true,"Version":"v2.0"},
{"FrameType":"TableHeader","TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":[{"ColumnName":"TimeGenerated","ColumnType":"datetime"},{"ColumnName":"RemoteIP","ColumnType":"string"},{"ColumnName":"RemotePort","ColumnType":"int"},{"ColumnName":"Extra","ColumnType":"dynamic"}]},
{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":1,"Rows":[["2026-05-23T09:14:01.9Z","1.1.1.1",1,null]]},
{"FrameType":"TableFragment","TableFragmentType":"DataReplace","TableId":1,"Rows":[["2026-05-23T09:14:01.9Z","46.151.182.76",8080,{"a":[1,2]}]]},
{"FrameType":"TableProgress","TableId":1,"TableProgress":50.0},
{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":1,"Rows":[["2026-05-24T02:31:09.5Z","193.29.13.23",443,null],{"OneApiErrors":[{"error":{"code":"LimitsExceeded","message":"Request is invalid and cannot be executed.","@message":"Query result set has exceeded the internal record count limit 500000"}}]}]},
{"FrameType":"TableCompletion","TableId":1,"RowCount":2},
{"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false}]`
	res, err := ReadFrames(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if res.Batch.Len != 2 {
		t.Fatalf("rows = %d, want 2 (DataReplace drops the first fragment)", res.Batch.Len)
	}
	if got := types.FormatValue(res.Batch.Cols[3].Value(0)); got != `{"a":[1,2]}` {
		t.Errorf("dynamic = %s", got)
	}
	if !strings.Contains(res.Partial, "internal record count limit 500000") {
		t.Errorf("partial = %q", res.Partial)
	}
}

func TestReadFramesBad(t *testing.T) {
	for name, body := range map[string]string{
		"not json":      "<html>",
		"object":        `{"Tables":[]}`,
		"no primary":    `[{"FrameType":"DataSetHeader"},{"FrameType":"DataSetCompletion"}]`,
		"bad row":       `[{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","Columns":[{"ColumnName":"n","ColumnType":"long"}],"Rows":[["x"]]}]`,
		"short row":     `[{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","Columns":[{"ColumnName":"n","ColumnType":"long"}],"Rows":[[]]}]`,
		"cut mid-frame": `[{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","Columns":[`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ReadFrames(strings.NewReader(body)); err == nil {
				t.Fatal("no error")
			}
		})
	}
	t.Run("truncated after table", func(t *testing.T) {
		res, err := ReadFrames(strings.NewReader(`[{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","Columns":[{"ColumnName":"n","ColumnType":"long"}],"Rows":[[1]]}]`))
		if err != nil || !strings.Contains(res.Partial, "truncated") {
			t.Fatalf("err %v partial %q", err, res.Partial)
		}
	})
}

func FuzzReadFrames(f *testing.F) {
	f.Add(`[{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","Columns":[{"ColumnName":"n","ColumnType":"long"}],"Rows":[[1],{"OneApiErrors":[]}]},{"FrameType":"DataSetCompletion"}]`)
	f.Add(`[{"FrameType":"TableHeader","TableId":1,"TableKind":"PrimaryResult","Columns":[{"ColumnName":"t","ColumnType":"datetime"}]},{"FrameType":"TableFragment","TableId":1,"Rows":[["2020-01-01"]]}]`)
	f.Fuzz(func(t *testing.T, s string) {
		res, err := ReadFrames(strings.NewReader(s))
		if err == nil && res.Batch == nil {
			t.Fatal("nil batch without error")
		}
	})
}

const okBody = `[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":[{"ColumnName":"RemoteIP","ColumnType":"string"},{"ColumnName":"RemotePort","ColumnType":"int"}],"Rows":[["46.151.182.76",8080]]},{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]`

func TestFaults(t *testing.T) {
	tests := []struct {
		name    string
		cred    azcore.TokenCredential
		replies []reply
		calls   int
		wantErr error
		fatal   bool
		msg     []string
	}{
		{name: "throttled then ok", replies: []reply{{429, map[string]string{"Retry-After": "1"}, `{"error":{"code":"TooManyRequests","message":"slow down"}}`}, {200, nil, okBody}}, calls: 2},
		{name: "throttled past max delay", replies: []reply{{429, map[string]string{"Retry-After": "3600"}, `{"error":{"code":"TooManyRequests","message":"Request is throttled","@message":"The request was throttled: too many concurrent queries"}}`}}, calls: 1,
			wantErr: ErrThrottled, fatal: true, msg: []string{"HTTP 429", "too many concurrent queries"}},
		{name: "401", replies: []reply{{401, nil, `{"error":{"code":"Unauthorized","message":"The token is expired"}}`}}, calls: 1, wantErr: ErrAuth, fatal: true, msg: []string{"HTTP 401", "az login", "expired"}},
		{name: "403", replies: []reply{{403, nil, `{"error":{"code":"Forbidden","message":"Principal 'x' is not authorized to access database 'SecurityLogs'"}}`}}, calls: 1, wantErr: ErrForbidden, fatal: true, msg: []string{"HTTP 403", "Viewer", "not authorized"}},
		{name: "bad query", replies: []reply{{400, nil, `{"error":{"code":"General_BadRequest","message":"Request is invalid and cannot be executed.","@message":"Syntax error: Query could not be parsed: . Query: 'DeviceNetworkEvents | wher'"}}`}}, calls: 1, wantErr: ErrQuery, msg: []string{"HTTP 400", "Query could not be parsed"}},
		{name: "credential fails", cred: fakeCred{err: errors.New("DefaultAzureCredential: failed to acquire a token")}, replies: []reply{{200, nil, okBody}}, calls: 0, wantErr: ErrAuth, fatal: true, msg: []string{"could not get a token"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, tc.replies...)
			cred := tc.cred
			if cred == nil {
				cred = fakeCred{}
			}
			be := &Backend{Client: s.client(t, cred), Target: "test/SecurityLogs"}
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
				t.Errorf("error leaks the token")
			}
		})
	}
}
