package adx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huntpack/huntpack/hunt"
)

// Reliability faults (issue #10) beyond TestFaults: dropped connections,
// a stalled cluster, 5xx every time and truncated frames. Each ends in an
// error naming the backend, never in rows reported as a complete result.

func TestReliabilityRemoteFaults(t *testing.T) {
	hijackClose := func(w http.ResponseWriter) {
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
	}
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request)
		timeout time.Duration
		calls   int
		gap     string
	}{
		{name: "connection dropped every time", calls: 3, handler: func(w http.ResponseWriter, r *http.Request) { hijackClose(w) }},
		{name: "connection dropped mid-body", calls: 1, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			io.WriteString(w, okBody[:len(okBody)/2])
			w.(http.Flusher).Flush()
			hijackClose(w)
		}},
		{name: "truncated frames", calls: 1, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			io.WriteString(w, okBody[:len(okBody)-40])
		}},
		{name: "stalls past the deadline", calls: 1, timeout: 300 * time.Millisecond, handler: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}},
		{name: "500 every time", calls: 3, handler: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			io.WriteString(w, `{"error":{"code":"InternalServerError","message":"boom"}}`)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/v1/rest/auth/metadata" {
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, `{"AzureAD":{"LoginEndpoint":"https://login.microsoftonline.com","LoginMfaRequired":false,"KustoClientAppId":"db662dc1-0cfe-4e1c-a843-19a68e65be58","KustoClientRedirectUri":"https://microsoft/kustoclient","KustoServiceResourceId":"https://kusto.kusto.windows.net","FirstPartyAuthorityUrl":"https://login.microsoftonline.com/f8cdef31-a31e-4b4a-93e4-5f571e91255a"}}`)
					return
				}
				io.ReadAll(r.Body)
				calls.Add(1)
				tc.handler(w, r)
			}))
			defer s.Close()
			c, err := New(s.URL, "SecurityLogs", Options{Credential: fakeCred{}, HTTPClient: s.Client(), MaxRetries: 2, MaxRetryDelay: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			var problems []string
			defer func() {
				switch {
				case len(problems) == 0:
				case tc.gap != "":
					t.Skipf("known gap %s: %s", tc.gap, strings.Join(problems, "; "))
				default:
					t.Error(strings.Join(problems, "; "))
				}
			}()
			start := time.Now()
			out, err := (&Backend{Client: c, Target: "test/SecurityLogs"}).Run(ctx, hunt.Query{Name: "q"}, "DeviceNetworkEvents | take 1", hunt.Window{})
			if err == nil {
				problems = append(problems, fmt.Sprintf("no error; %d rows reported as a complete result", out.Batch.Len))
				return
			}
			if out != nil && out.Batch != nil && out.Batch.Len > 0 {
				problems = append(problems, fmt.Sprintf("error %v but %d rows returned", err, out.Batch.Len))
			}
			if int(calls.Load()) < tc.calls {
				problems = append(problems, fmt.Sprintf("server calls = %d, want at least %d", calls.Load(), tc.calls))
			}
			if !strings.Contains(strings.ToLower(err.Error()), "adx") && !strings.Contains(err.Error(), "SecurityLogs") {
				problems = append(problems, fmt.Sprintf("error %q does not say which backend failed", err))
			}
			if strings.Contains(err.Error(), "authentication failed") || strings.Contains(err.Error(), "az login") {
				problems = append(problems, fmt.Sprintf("a %s is reported as an authentication failure: %v", tc.name, err))
			}
			if tc.timeout > 0 && !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "deadline") && !strings.Contains(err.Error(), "timed out") {
				problems = append(problems, fmt.Sprintf("stall: error %q does not say the deadline passed", err))
			}
			if took := time.Since(start); took > 10*time.Second {
				problems = append(problems, fmt.Sprintf("took %v", took))
			}
			t.Logf("%s: %d calls, %v: %v", tc.name, calls.Load(), time.Since(start).Round(time.Millisecond), err)
		})
	}
}
