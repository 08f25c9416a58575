package reliability

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/huntpack/huntpack/hunt"
	"github.com/huntpack/huntpack/report"
)

// hostileResult is a hunt result whose every attacker-influenced string
// (IOC values, log cells, host and user names, query names, warnings)
// comes from strs through mk.
func hostileResult(strs []string, mk func(string) string) *hunt.Result {
	s := func(i int) string { return mk(strs[i%len(strs)]) }
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	ind := []hunt.Indicator{
		{Type: "url", Value: "http://h1.example/" + s(0), Malware: s(1), ThreatType: "botnet_cc", FirstSeen: t0},
		{Type: "domain", Value: "d2." + s(2) + ".example", Malware: s(1)},
		{Type: "ip:port", Value: "192.0.2.7:8080"},
	}
	var findings []hunt.Finding
	for i, in := range ind {
		findings = append(findings, hunt.Finding{
			Indicator: in, Hits: 2, FirstHit: t0, LastHit: t0.Add(time.Hour),
			Hosts: []string{"host-" + s(3+i)}, Users: []string{s(4 + i)}, Tables: []string{"CommonSecurityLog"},
			Queries: []string{"q-" + s(5)},
			Evidence: []hunt.Evidence{{Query: "q-" + s(5), Table: "CommonSecurityLog", Time: t0, Column: "RequestURL",
				Columns: []string{"RequestURL", "DeviceName", s(6)}, Values: []string{in.Value, s(7), s(0)}}},
		})
	}
	return &hunt.Result{
		Pack: "p-" + s(1), Hypothesis: s(2), Backend: "local", Started: t0, Elapsed: time.Second,
		Indicators: ind, Findings: findings,
		Queries: []hunt.QueryResult{{Name: "q-" + s(5), File: "queries/" + s(6) + ".kql", Table: "CommonSecurityLog", Hits: 1,
			Columns: []string{"RequestURL", s(3)}, Rows: [][]string{{ind[0].Value, s(4)}}, Warnings: []string{s(7)}, Error: s(0)}},
		Warnings: []string{"warn " + s(3)},
	}
}

// htmlSkeleton is the sequence of tags and attribute names (text and
// attribute values left out).
func htmlSkeleton(data []byte) (string, error) {
	z := html.NewTokenizer(bytes.NewReader(data))
	var b strings.Builder
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return b.String(), nil
			}
			return "", z.Err()
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			fmt.Fprintf(&b, "<%d %s", tt, tok.Data)
			for _, a := range tok.Attr {
				b.WriteString(" " + a.Key)
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					return "", fmt.Errorf("event handler attribute %s", a.Key)
				}
				if v := strings.ToLower(strings.TrimSpace(a.Val)); (a.Key == "href" || a.Key == "src") && strings.HasPrefix(v, "javascript:") {
					return "", fmt.Errorf("%s=%q", a.Key, a.Val)
				}
			}
			b.WriteString(">")
		case html.CommentToken:
			b.WriteString("<!---->")
		case html.TextToken:
			b.WriteString("T")
		}
	}
}

// TestReportsEscapeHostileValues: the HTML report has the tag/attribute
// structure of the benign twin's (no value opened a tag, attribute or
// comment), the Markdown report the twin's Markdown structure, and the CSV
// report parses with the twin's shape and no cell a spreadsheet would run
// as a formula.
func TestReportsEscapeHostileValues(t *testing.T) {
	r := rand.New(rand.NewSource(99))
	n := propertyIterations()
	for it := range n {
		strs := randomStrings(r)
		hr, tr := hostileResult(strs, func(s string) string { return s }), hostileResult(strs, twinOf)
		fail := func(format, msg string) {
			t.Errorf("iteration %d, %s report: %s\nhostile strings: %q", it, format, msg, strs)
		}
		var hb, tb bytes.Buffer
		if err := report.WriteHTML(&hb, hr); err != nil {
			t.Fatal(err)
		}
		report.WriteHTML(&tb, tr)
		hs, err := htmlSkeleton(hb.Bytes())
		if err != nil {
			fail("html", err.Error())
		}
		ts, _ := htmlSkeleton(tb.Bytes())
		if hs != ts {
			fail("html", "tag structure differs from the twin's:\n"+firstDiff(hs, ts))
		}
		hb.Reset()
		tb.Reset()
		report.WriteMarkdown(&hb, hr)
		report.WriteMarkdown(&tb, tr)
		hm, err := markdownSkeleton(hb.String())
		if err != nil {
			fail("markdown", err.Error())
		}
		tm, _ := markdownSkeleton(tb.String())
		if hm != tm {
			fail("markdown", "structure differs from the twin's:\n"+firstDiff(hm, tm))
		}
		hb.Reset()
		tb.Reset()
		report.WriteCSV(&hb, hr)
		report.WriteCSV(&tb, tr)
		hc, err := csv.NewReader(bytes.NewReader(hb.Bytes())).ReadAll()
		if err != nil {
			fail("csv", "does not parse: "+err.Error())
			continue
		}
		tc, _ := csv.NewReader(bytes.NewReader(tb.Bytes())).ReadAll()
		if len(hc) != len(tc) {
			fail("csv", fmt.Sprintf("%d records, twin %d", len(hc), len(tc)))
		}
		for _, rec := range hc {
			for _, cell := range rec {
				if cell != "" && strings.IndexByte("=+-@\t\r", cell[0]) >= 0 {
					fail("csv", fmt.Sprintf("cell %q would run as a spreadsheet formula", cell))
				}
			}
		}
		if t.Failed() {
			break
		}
	}
	t.Logf("html, markdown and csv reports: %d random results each, 0 failures", n)
}
