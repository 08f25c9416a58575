// Package sentinel runs KQL on Microsoft Sentinel / Log Analytics
// workspaces through the Azure SDK for Go (azlogs, the current Azure
// Monitor Logs query client) and maps the result tables to *types.Batch.
//
// Credentials come only from the Azure SDK chain: azidentity's
// DefaultAzureCredential (environment, workload identity, managed
// identity, Azure CLI, Azure Developer CLI) unless a TokenCredential is
// given. Tokens and secrets are never logged or put in errors.
//
// Failures are reported with what to do about them: 401 (no or bad
// credentials), 403 (no read access to the workspace), 429 (throttled;
// retried by the SDK pipeline, honouring Retry-After, up to a limit), 400
// (the query was rejected, with the service's message) and partial
// results (HTTP 200 with an error object: the rows are kept and the error
// becomes a warning). Log Analytics does not page query results (it
// truncates them with a PartialError, which is reported). The response
// body is decoded again with exact numbers, so long values above 2^53 keep
// every digit.
package sentinel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/monitor/query/azlogs"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/remote/internal/rows"
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
	// Endpoint overrides the Log Analytics query endpoint (sovereign
	// clouds, tests), e.g. "https://api.loganalytics.io/v1".
	Endpoint string
	// Audience overrides the token audience (default: the public
	// cloud's, https://api.loganalytics.io).
	Audience string
	// Transport sends the HTTP requests (tests); nil means the SDK default.
	Transport policy.Transporter
	// Retry tunes the SDK retry policy (429 and 5xx, honouring
	// Retry-After); zero values take the SDK defaults (3 retries, delays
	// up to 60 s; a Retry-After above MaxRetryDelay is not waited for).
	Retry policy.RetryOptions
	// Wait is the server timeout in seconds (0: the service's 3 min).
	Wait int
}

// Client queries one workspace.
type Client struct {
	c         *azlogs.Client
	workspace string
	wait      int
}

// New returns a client for the workspace (its ID, a GUID).
func New(workspace string, opts Options) (*Client, error) {
	if strings.TrimSpace(workspace) == "" {
		return nil, errors.New("sentinel: empty workspace ID")
	}
	cred := opts.Credential
	if cred == nil {
		c, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("sentinel: %w: no Azure credential available (sign in with `az login` or set AZURE_CLIENT_ID/AZURE_TENANT_ID/...): %v", ErrAuth, err)
		}
		cred = c
	}
	cred = markedCredential{cred}
	co := &azlogs.ClientOptions{}
	co.Retry = opts.Retry
	if opts.Transport != nil {
		co.Transport = opts.Transport
	}
	if opts.Endpoint != "" {
		aud := opts.Audience
		if aud == "" {
			aud = "https://api.loganalytics.io"
		}
		co.Cloud = cloud.Configuration{
			ActiveDirectoryAuthorityHost: cloud.AzurePublic.ActiveDirectoryAuthorityHost,
			Services:                     map[cloud.ServiceName]cloud.ServiceConfiguration{azlogs.ServiceName: {Audience: aud, Endpoint: opts.Endpoint}},
		}
	}
	c, err := azlogs.NewClient(cred, co)
	if err != nil {
		return nil, fmt.Errorf("sentinel: %w", err)
	}
	return &Client{c: c, workspace: workspace, wait: opts.Wait}, nil
}

// Table is one result table.
type Table struct {
	Name  string
	Batch *types.Batch
}

// Result is a query's tables plus the service's partial-failure message.
type Result struct {
	Tables []Table
	// Partial is set when the service returned rows and an error (HTTP
	// 200 with an error object, e.g. code PartialError: results
	// truncated or a part of the query failed).
	Partial string
}

// Query runs kql over [from, to) (zero bounds: the query's own time
// filters only; a zero from with a non-zero to is not expressible and
// uses the service default).
func (c *Client) Query(ctx context.Context, kql string, from, to time.Time) (*Result, error) {
	body := azlogs.QueryBody{Query: &kql}
	if !from.IsZero() {
		if to.IsZero() {
			to = time.Now().UTC()
		}
		ti := azlogs.NewTimeInterval(from.UTC(), to.UTC())
		body.Timespan = &ti
	}
	var qo *azlogs.QueryWorkspaceOptions
	if c.wait > 0 {
		w := c.wait
		qo = &azlogs.QueryWorkspaceOptions{Options: &azlogs.QueryOptions{Wait: &w}}
	}
	var raw *http.Response
	resp, err := c.c.QueryWorkspace(runtime.WithCaptureResponse(ctx, &raw), c.workspace, body, qo)
	if err != nil {
		return nil, explain(ctx, err)
	}
	if raw != nil {
		// Decode the body again with json.Number, so long values above
		// 2^53 keep every digit (the SDK decodes numbers as float64).
		if payload, err := runtime.Payload(raw); err == nil {
			if res, err := decodeExact(payload); err == nil {
				return res, nil
			}
		}
	}
	res := &Result{}
	for _, t := range resp.Tables {
		b, err := tableBatch(t)
		if err != nil {
			return nil, fmt.Errorf("sentinel: %w: bad response table: %v", ErrService, err)
		}
		res.Tables = append(res.Tables, Table{Name: deref(t.Name), Batch: b})
	}
	if resp.Error != nil {
		res.Partial = errorText([]byte(resp.Error.Error()))
	}
	return res, nil
}

// decodeExact decodes a query response body
// ({"tables":[{"name","columns":[{"name","type"}],"rows"}],"error"}) with
// numbers kept exact.
func decodeExact(payload []byte) (*Result, error) {
	var body struct {
		Tables []struct {
			Name    string        `json:"name"`
			Columns []rows.Column `json:"columns"`
			Rows    [][]any       `json:"rows"`
		} `json:"tables"`
		Error json.RawMessage `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		return nil, err
	}
	res := &Result{}
	for _, t := range body.Tables {
		b, err := rows.Batch(t.Columns, t.Rows)
		if err != nil {
			return nil, fmt.Errorf("sentinel: %w: bad response table: %v", ErrService, err)
		}
		res.Tables = append(res.Tables, Table{Name: t.Name, Batch: b})
	}
	if len(body.Error) > 0 && string(body.Error) != "null" {
		res.Partial = errorText(body.Error)
	}
	return res, nil
}

func tableBatch(t azlogs.Table) (*types.Batch, error) {
	cols := make([]rows.Column, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = rows.Column{Name: deref(c.Name)}
		if c.Type != nil {
			cols[i].Type = string(*c.Type)
		}
	}
	data := make([][]any, len(t.Rows))
	for i, r := range t.Rows {
		data[i] = r
	}
	return rows.Batch(cols, data)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// explain turns an SDK error into one that says what happened and what
// to do, wrapping one of the package's errors.
func explain(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("sentinel: Log Analytics query stopped: %w", context.Cause(ctx))
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return statusError(re)
	}
	var af *azidentity.AuthenticationFailedError
	var ar *azidentity.AuthenticationRequiredError
	if errors.As(err, &af) || errors.As(err, &ar) || isCredentialError(err) {
		return fmt.Errorf("sentinel: %w: could not get a token (sign in with `az login`, or set up a managed/workload identity): %v", ErrAuth, firstLine(err.Error()))
	}
	return fmt.Errorf("sentinel: %w: %v", ErrService, err)
}

func statusError(re *azcore.ResponseError) error {
	msg := ""
	if re.RawResponse != nil {
		msg = responseMessage(re.RawResponse)
	}
	switch re.StatusCode {
	case http.StatusUnauthorized:
		return fmt.Errorf("sentinel: %w (HTTP 401): the token was refused; sign in again (`az login`) or check the tenant%s", ErrAuth, suffix(msg))
	case http.StatusForbidden:
		return fmt.Errorf("sentinel: %w (HTTP 403): the identity has no read access to the workspace (needs Log Analytics Reader or Sentinel Reader)%s", ErrForbidden, suffix(msg))
	case http.StatusTooManyRequests:
		return fmt.Errorf("sentinel: %w (HTTP 429): Log Analytics is rate-limiting this identity; retries exhausted%s%s", ErrThrottled, retryAfter(re.RawResponse), suffix(msg))
	case http.StatusBadRequest:
		return fmt.Errorf("sentinel: %w (HTTP 400)%s", ErrQuery, suffix(msg))
	case http.StatusNotFound:
		return fmt.Errorf("sentinel: %w (HTTP 404): workspace not found; check the workspace ID (a GUID, not the name)%s", ErrQuery, suffix(msg))
	}
	return fmt.Errorf("sentinel: %w (HTTP %d)%s", ErrService, re.StatusCode, suffix(msg))
}

func suffix(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + msg
}

func retryAfter(resp *http.Response) string {
	if resp == nil {
		return ""
	}
	if v := resp.Header.Get("Retry-After"); v != "" {
		return "; the service asks to retry after " + v + " s"
	}
	return ""
}

// responseMessage reads the error body of a failed response: the
// documented {"error":{"code","message","innererror":{...}}} shape.
func responseMessage(resp *http.Response) string {
	var env struct {
		Error json.RawMessage `json:"error"`
	}
	body, err := readBody(resp)
	if err != nil || json.Unmarshal(body, &env) != nil || env.Error == nil {
		return ""
	}
	return errorText(env.Error)
}

// errorText renders an error object: code, message and the innermost
// details (where Log Analytics puts the query's syntax error).
func errorText(raw []byte) string {
	type errObj struct {
		Code       string          `json:"code"`
		Message    string          `json:"message"`
		InnerError json.RawMessage `json:"innererror"`
		Details    []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"details"`
	}
	var parts []string
	for depth := 0; depth < 8 && len(raw) > 0; depth++ {
		var e errObj
		if json.Unmarshal(raw, &e) != nil {
			break
		}
		if e.Message != "" {
			parts = append(parts, strings.TrimSpace(e.Code+": "+e.Message))
		}
		for _, d := range e.Details {
			if d.Message != "" {
				parts = append(parts, d.Message)
			}
		}
		raw = e.InnerError
	}
	return strings.Join(dedupe(parts), "; ")
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func readBody(resp *http.Response) ([]byte, error) { return runtime.Payload(resp) }

// credentialError marks an error returned by the credential itself, so a
// token failure is told apart from a failed query (a body cut mid-download
// is a service error, not an authentication one).
type credentialError struct{ err error }

func (e *credentialError) Error() string { return e.err.Error() }
func (e *credentialError) Unwrap() error { return e.err }

// markedCredential wraps the caller's credential and marks its errors.
type markedCredential struct{ azcore.TokenCredential }

func (m markedCredential) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tok, err := m.TokenCredential.GetToken(ctx, o)
	if err != nil {
		return tok, &credentialError{err}
	}
	return tok, nil
}

// isCredentialError recognises a token acquisition failure: any error the
// credential returned (azcore's bearer-token policy passes it through).
func isCredentialError(err error) bool {
	var ce *credentialError
	return errors.As(err, &ce)
}
