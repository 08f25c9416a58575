package feed

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
)

// DefaultThreatFoxURL is the ThreatFox API endpoint.
const DefaultThreatFoxURL = "https://threatfox-api.abuse.ch/api/v1/"

// ErrNoAuthKey is returned when a ThreatFox call has no Auth-Key.
var ErrNoAuthKey = errors.New("ThreatFox needs an Auth-Key (free at https://auth.abuse.ch/): set THREATFOX_AUTH_KEY or pass --auth-key")

// maxAPIBody bounds an API response.
const maxAPIBody = 512 << 20

// ThreatFoxClient calls the ThreatFox API. The key is sent only in the
// Auth-Key header and never appears in errors.
type ThreatFoxClient struct {
	// BaseURL is the endpoint; empty means DefaultThreatFoxURL.
	BaseURL string
	// AuthKey is the abuse.ch Auth-Key.
	AuthKey string
	// HTTP is the client to use; nil means one with a 2-minute timeout.
	HTTP *http.Client
	// MaxRetries is how often a rate-limited (429/503 with Retry-After)
	// call is retried; 0 means 3.
	MaxRetries int
	// MaxWait caps one Retry-After wait; 0 means 5 minutes.
	MaxWait time.Duration
	// Sleep waits d or until ctx ends; nil means a real timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// UserAgent is sent as User-Agent.
	UserAgent string
}

// ThreatFoxQuery selects IOCs. With Malware set it asks for that family
// (query "malwareinfo"), else with Tag set for that tag ("taginfo"), else
// for the IOCs first seen in the last Days days ("get_iocs", 1..7). When
// both Malware and Tag are set, the family's IOCs are filtered by tag.
type ThreatFoxQuery struct {
	Days    int
	Malware string
	Tag     string
	// Limit caps malwareinfo/taginfo answers (ThreatFox: max 1000); 0 = 1000.
	Limit int
}

// Body is the JSON request body.
func (q ThreatFoxQuery) Body() ([]byte, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 1000
	}
	var body map[string]any
	switch {
	case q.Malware != "":
		body = map[string]any{"query": "malwareinfo", "malware": q.Malware, "limit": limit}
	case q.Tag != "":
		body = map[string]any{"query": "taginfo", "tag": q.Tag, "limit": limit}
	default:
		days := q.Days
		if days == 0 {
			days = 1
		}
		if days < 1 || days > 7 {
			return nil, fmt.Errorf("ThreatFox get_iocs takes 1 to 7 days, not %d", days)
		}
		body = map[string]any{"query": "get_iocs", "days": days}
	}
	return json.Marshal(body)
}

// Fetch runs q and returns the raw response body (a ThreatFox API
// response, see ThreatFoxAPI).
func (c *ThreatFoxClient) Fetch(ctx context.Context, q ThreatFoxQuery) ([]byte, error) {
	if strings.TrimSpace(c.AuthKey) == "" {
		return nil, ErrNoAuthKey
	}
	body, err := q.Body()
	if err != nil {
		return nil, err
	}
	retries := c.MaxRetries
	if retries <= 0 {
		retries = 3
	}
	for attempt := 0; ; attempt++ {
		data, wait, err := c.once(ctx, body)
		if err == nil {
			return data, nil
		}
		if wait < 0 || attempt >= retries {
			return nil, err
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// FetchThreatFox runs q and parses the answer; the tag filter of a
// combined Malware+Tag query is applied here.
func (c *ThreatFoxClient) FetchThreatFox(ctx context.Context, q ThreatFoxQuery) (*Result, error) {
	data, err := c.Fetch(ctx, q)
	if err != nil {
		return nil, err
	}
	res, err := ParseBytes(data, "ThreatFox API", ThreatFoxAPI)
	if err != nil {
		return nil, err
	}
	if q.Malware != "" && q.Tag != "" {
		kept := res.Indicators[:0]
		for _, in := range res.Indicators {
			for _, t := range in.Tags {
				if strings.EqualFold(t, q.Tag) {
					kept = append(kept, in)
					break
				}
			}
		}
		res.Indicators = kept
	}
	return res, nil
}

// once makes one call. wait >= 0 means the error is retryable after wait.
func (c *ThreatFoxClient) once(ctx context.Context, body []byte) ([]byte, time.Duration, error) {
	url := c.BaseURL
	if url == "" {
		url = DefaultThreatFoxURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, -1, fmt.Errorf("ThreatFox: %w", err)
	}
	req.Header.Set("Auth-Key", c.AuthKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 2 * time.Minute}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, -1, fmt.Errorf("ThreatFox: %w", redactErr(err, c.AuthKey))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIBody))
	if err != nil {
		return nil, -1, fmt.Errorf("ThreatFox: reading response: %w", err)
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		return data, 0, nil
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, -1, fmt.Errorf("ThreatFox refused the Auth-Key (HTTP %d)", resp.StatusCode)
	case resp.StatusCode == http.StatusTooManyRequests ||
		resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
		wait := c.retryAfter(resp.Header.Get("Retry-After"))
		return nil, wait, fmt.Errorf("ThreatFox rate limit (HTTP %d, retry after %s)", resp.StatusCode, wait)
	}
	return nil, -1, fmt.Errorf("ThreatFox: HTTP %d: %s", resp.StatusCode, truncate(strings.TrimSpace(string(data)), 200))
}

// retryAfter reads a Retry-After header (seconds or an HTTP date); absent
// or unreadable means 30 seconds. The wait is capped at MaxWait.
func (c *ThreatFoxClient) retryAfter(h string) time.Duration {
	wait := 30 * time.Second
	if n, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && n >= 0 {
		wait = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		wait = max(time.Until(t), 0)
	}
	maxWait := c.MaxWait
	if maxWait <= 0 {
		maxWait = 5 * time.Minute
	}
	return min(wait, maxWait)
}

func (c *ThreatFoxClient) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// redactErr removes the key from an error's text (a key never belongs in
// a URL, but a misconfigured base URL could carry one).
func redactErr(err error, key string) error {
	if key == "" || !strings.Contains(err.Error(), key) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), key, "[redacted]"))
}
