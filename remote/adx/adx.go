// Package adx runs KQL on Azure Data Explorer (Kusto) clusters through
// azure-kusto-go (azkustodata) and maps the primary result table to
// *types.Batch.
//
// The client asks azkustodata for the raw v2 response (RawV2) and reads
// the documented frames itself, one frame at a time: DataSetHeader,
// DataTable (TableKind PrimaryResult, QueryProperties,
// QueryCompletionInformation), the progressive frames TableHeader,
// TableFragment (DataAppend / DataReplace), TableProgress and
// TableCompletion, and DataSetCompletion. Errors reported inside a
// result (OneApiErrors on a row, a TableCompletion or the
// DataSetCompletion) keep the rows read and become a partial-result
// message, as Log Analytics' PartialError does.
//
// azkustodata does not retry, so the HTTP client it is given retries
// throttling (429), server and gateway failures (500, 502, 503, 504) and
// dropped connections itself, honouring Retry-After up to a limit, as the
// Azure SDK does for Log Analytics. Credentials come only from the Azure SDK chain (azidentity's
// DefaultAzureCredential unless a TokenCredential is given); tokens are
// never logged or put in errors.
package adx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-kusto-go/azkustodata"
	kerrors "github.com/Azure/azure-kusto-go/azkustodata/errors"
	"github.com/Azure/azure-kusto-go/azkustodata/kql"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/huntpack/huntpack/kql/types"
)

// Errors, wrapped by Query's errors (use errors.Is).
var (
	ErrAuth      = errors.New("authentication failed")
	ErrForbidden = errors.New("access denied")
	ErrThrottled = errors.New("throttled")
	ErrQuery     = errors.New("query rejected")
	ErrService   = errors.New("service error")
)

// Options configure a client.
type Options struct {
	// Credential authenticates requests; nil means
	// azidentity.NewDefaultAzureCredential.
	Credential azcore.TokenCredential
	// HTTPClient is the base client (tests); it is wrapped with the
	// throttling retry.
	HTTPClient *http.Client
	// MaxRetries is how often a 429/503 is retried (0: 3; negative: none).
	MaxRetries int
	// MaxRetryDelay caps the wait for one retry; a Retry-After above it
	// is not waited for (0: 60 s).
	MaxRetryDelay time.Duration
	// TimeColumn is the datetime column a time window applies to
	// (query_datetimescope_column; default TimeGenerated).
	TimeColumn string
}

// Client queries one database of a cluster.
type Client struct {
	c          *azkustodata.Client
	db         string
	timeColumn string
}

// New returns a client for database db of cluster (its URI, e.g.
// https://mycluster.westeurope.kusto.windows.net).
func New(cluster, db string, opts Options) (*Client, error) {
	if strings.TrimSpace(cluster) == "" || strings.TrimSpace(db) == "" {
		return nil, errors.New("adx: want CLUSTER/DATABASE, e.g. https://mycluster.westeurope.kusto.windows.net/SecurityLogs")
	}
	cred := opts.Credential
	if cred == nil {
		c, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("adx: %w: no Azure credential available (sign in with `az login` or set AZURE_CLIENT_ID/AZURE_TENANT_ID/...): %v", ErrAuth, err)
		}
		cred = c
	}
	base := opts.HTTPClient
	if base == nil {
		base = &http.Client{}
	}
	hc := &http.Client{Transport: newRetryTransport(base.Transport, opts.MaxRetries, opts.MaxRetryDelay), Timeout: base.Timeout}
	kcsb := azkustodata.NewConnectionStringBuilder(cluster).WithTokenCredential(cred)
	c, err := azkustodata.New(kcsb, azkustodata.WithHttpClient(hc))
	if err != nil {
		return nil, fmt.Errorf("adx: %w", err)
	}
	tc := opts.TimeColumn
	if tc == "" {
		tc = "TimeGenerated"
	}
	return &Client{c: c, db: db, timeColumn: tc}, nil
}

// Close releases the client.
func (c *Client) Close() error { return c.c.Close() }

// Result is the primary table plus any partial-failure message.
type Result struct {
	Name    string
	Batch   *types.Batch
	Partial string
}

// Query runs text over [from, to) (zero bounds are open).
func (c *Client) Query(ctx context.Context, text string, from, to time.Time) (*Result, error) {
	opts := []azkustodata.QueryOption{}
	if !from.IsZero() || !to.IsZero() {
		// The documented request properties, auto-applied as a filter on
		// that column by the service.
		opts = append(opts, azkustodata.QueryDateTimeScopeColumn(c.timeColumn))
		if !from.IsZero() {
			opts = append(opts, azkustodata.QueryDateTimeScopeFrom(from.UTC()))
		}
		if !to.IsZero() {
			opts = append(opts, azkustodata.QueryDateTimeScopeTo(to.UTC()))
		}
	}
	body, err := c.c.RawV2(ctx, c.db, kql.New("").AddUnsafe(text), opts)
	if err != nil {
		return nil, explain(ctx, err)
	}
	defer body.Close()
	res, err := ReadFrames(body)
	if err != nil {
		if ctx.Err() != nil {
			return nil, stopped(ctx)
		}
		return nil, fmt.Errorf("adx: %w: reading the response: %v", ErrService, err)
	}
	return res, nil
}

// explain turns an azkustodata error into one that says what to do.
func explain(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return stopped(ctx)
	}
	var he *kerrors.HttpError
	if errors.As(err, &he) {
		return statusError(he.StatusCode, restMessage(he.Error()), he)
	}
	s := err.Error()
	if strings.Contains(s, "getting token") || strings.Contains(strings.ToLower(s), "credential") {
		return fmt.Errorf("adx: %w: could not get a token (sign in with `az login`, or set up a managed/workload identity): %v", ErrAuth, firstLine(s))
	}
	return fmt.Errorf("adx: %w: %v", ErrService, firstLine(s))
}

func statusError(code int, msg string, he *kerrors.HttpError) error {
	switch code {
	case http.StatusUnauthorized:
		return fmt.Errorf("adx: %w (HTTP 401): the token was refused; sign in again (`az login`) or check the tenant%s", ErrAuth, suffix(msg))
	case http.StatusForbidden:
		return fmt.Errorf("adx: %w (HTTP 403): the identity may not query this database (needs the Viewer role)%s", ErrForbidden, suffix(msg))
	case http.StatusTooManyRequests:
		return fmt.Errorf("adx: %w (HTTP 429): the cluster is throttling requests; retries exhausted or Retry-After too long%s", ErrThrottled, suffix(msg))
	case http.StatusBadRequest:
		return fmt.Errorf("adx: %w (HTTP 400)%s", ErrQuery, suffix(msg))
	case http.StatusNotFound:
		return fmt.Errorf("adx: %w (HTTP 404): database or cluster not found%s", ErrQuery, suffix(msg))
	}
	return fmt.Errorf("adx: %w (HTTP %d)%s", ErrService, code, suffix(msg))
}

// restMessage pulls the service's message out of an error text holding
// the documented {"error":{"code","message","@message"}} body.
func restMessage(s string) string {
	i := strings.Index(s, "{")
	if i < 0 {
		return ""
	}
	var env struct {
		Error struct {
			Code        string `json:"code"`
			Message     string `json:"message"`
			LongMessage string `json:"@message"`
		} `json:"error"`
	}
	if json.NewDecoder(strings.NewReader(s[i:])).Decode(&env) != nil {
		return ""
	}
	e := env.Error
	msg := e.LongMessage
	if msg == "" {
		msg = e.Message
	}
	if msg == "" {
		return e.Code
	}
	return strings.TrimSpace(e.Code + ": " + msg)
}

func suffix(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + msg
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// stopped names the backend in a cancellation or deadline error.
func stopped(ctx context.Context) error {
	return fmt.Errorf("adx: Azure Data Explorer query stopped: %w", context.Cause(ctx))
}

// retryable reports whether an answer is worth another try: throttling
// (429), and server or gateway failures (500, 502, 503, 504). A query is
// read-only, so repeating it is safe.
func retryable(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryTransport retries throttled and failed answers and dropped
// connections, waiting Retry-After (or an exponential delay) up to
// maxDelay, like the Azure SDK's retry policy does for Log Analytics.
type retryTransport struct {
	base       http.RoundTripper
	maxRetries int
	maxDelay   time.Duration
}

func newRetryTransport(base http.RoundTripper, maxRetries int, maxDelay time.Duration) *retryTransport {
	if base == nil {
		base = http.DefaultTransport
	}
	if maxRetries == 0 {
		maxRetries = 3
	}
	if maxDelay == 0 {
		maxDelay = 60 * time.Second
	}
	return &retryTransport{base: base, maxRetries: max(maxRetries, 0), maxDelay: maxDelay}
}

// RoundTrip implements http.RoundTripper.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	for attempt := 0; ; attempt++ {
		r := req.Clone(req.Context())
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		resp, err := t.base.RoundTrip(r)
		if attempt >= t.maxRetries || req.Context().Err() != nil {
			return resp, err
		}
		var delay time.Duration
		switch {
		case err != nil:
			// a dropped or refused connection
			delay = retryDelay(nil, attempt)
		case !retryable(resp.StatusCode):
			return resp, nil
		default:
			delay = retryDelay(resp, attempt)
			if delay > t.maxDelay && resp.Header.Get("Retry-After") != "" {
				// the service asks for a longer wait than we accept
				return resp, nil
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		delay = min(delay, t.maxDelay)
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(delay):
		}
	}
}

func retryDelay(resp *http.Response, attempt int) time.Duration {
	if resp == nil {
		return time.Duration(1<<attempt) * 200 * time.Millisecond
	}
	if v := resp.Header.Get("Retry-After"); v != "" {
		if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return time.Duration(s) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return time.Until(t)
		}
	}
	return time.Duration(1<<attempt) * 200 * time.Millisecond
}
