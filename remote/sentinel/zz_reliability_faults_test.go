package sentinel

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

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/huntpack/huntpack/hunt"
)

// Reliability faults (issue #10) the package's TestFaults does not cover:
// a server that drops the connection, one that stalls past the caller's
// deadline, and truncated JSON. Each ends in an error (never a result that
// looks complete), with a message that says what happened.

const fullBody = `{"tables":[{"name":"PrimaryResult","columns":[{"name":"RemoteIP","type":"string"},{"name":"RemotePort","type":"int"}],"rows":[["46.151.182.76",8080],["46.151.182.77",8081]]}]}`

func faultServer(t *testing.T, h func(n int, w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		h(int(calls.Add(1)), w, r)
	}))
	t.Cleanup(s.Close)
	return s, &calls
}

func faultBackend(t *testing.T, s *httptest.Server) *Backend {
	c, err := New("ws-1", Options{Credential: fakeCred{}, Endpoint: s.URL + "/v1", Transport: s.Client(),
		Retry: policy.RetryOptions{MaxRetries: 2, RetryDelay: time.Millisecond, MaxRetryDelay: 50 * time.Millisecond, TryTimeout: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return &Backend{Client: c, Workspace: "ws-1"}
}

func TestReliabilityRemoteFaults(t *testing.T) {
	hijackClose := func(w http.ResponseWriter) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	tests := []struct {
		name    string
		handler func(n int, w http.ResponseWriter, r *http.Request)
		timeout time.Duration
		calls   int // minimum server calls (retries)
		msg     string
		gap     string // known gap (SECURITY.md): failures are reported as a skip
	}{
		{name: "connection dropped every time", calls: 3, msg: "EOF", handler: func(n int, w http.ResponseWriter, r *http.Request) { hijackClose(w) }},
		{name: "connection dropped mid-body", calls: 1, msg: "", handler: func(n int, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "100000")
			w.WriteHeader(200)
			io.WriteString(w, fullBody[:60])
			w.(http.Flusher).Flush()
			hijackClose(w)
		}},
		{name: "truncated JSON", calls: 1, msg: "", handler: func(n int, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			io.WriteString(w, fullBody[:len(fullBody)-20])
		}},
		{name: "stalls past the deadline", calls: 1, timeout: 300 * time.Millisecond, msg: "deadline", handler: func(n int, w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}},
		{name: "500 every time", calls: 3, msg: "500", handler: func(n int, w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			io.WriteString(w, `{"error":{"code":"InternalServerError","message":"boom"}}`)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, calls := faultServer(t, tc.handler)
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			start := time.Now()
			var problems []string
			report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
			defer func() {
				switch {
				case len(problems) == 0:
				case tc.gap != "":
					t.Skipf("known gap %s: %s", tc.gap, strings.Join(problems, "; "))
				default:
					t.Error(strings.Join(problems, "; "))
				}
			}()
			out, err := faultBackend(t, s).Run(ctx, hunt.Query{Name: "q"}, "DeviceNetworkEvents | take 2", hunt.Window{})
			if err == nil {
				t.Fatalf("no error; got %d rows reported as a complete result", out.Batch.Len)
			}
			if out != nil && out.Batch != nil && out.Batch.Len > 0 {
				report("error %v but %d rows returned", err, out.Batch.Len)
			}
			if int(calls.Load()) < tc.calls {
				report("server calls = %d, want at least %d (SDK retries)", calls.Load(), tc.calls)
			}
			if tc.msg != "" && !strings.Contains(err.Error(), tc.msg) {
				report("error %q lacks %q", err, tc.msg)
			}
			if !strings.Contains(err.Error(), "sentinel") && !strings.Contains(strings.ToLower(err.Error()), "log analytics") {
				report("error %q does not say which backend failed", err)
			}
			if tc.timeout > 0 && (!errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "deadline")) {
				report("stall: error %q does not say the deadline passed", err)
			}
			if took := time.Since(start); took > 10*time.Second {
				report("took %v", took)
			}
			if !strings.Contains(tc.name, "auth") && strings.Contains(err.Error(), "authentication failed") {
				report("a %s is reported as an authentication failure: %v", tc.name, err)
			}
			t.Logf("%s: %d calls, %v: %v", tc.name, calls.Load(), time.Since(start).Round(time.Millisecond), err)
		})
	}
}
