package report

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/huntpack/huntpack/hunt"
)

//go:embed report.html.tmpl
var htmlSource string

//go:embed report.js
var reportJS string

var htmlTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"defang": Defang,
	"time":   isoTime,
	"date":   isoDate,
	"port":   portCell,
	"join":   strings.Join,
	"window": windowText,
	"plural": plural,
	"stamp":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
	"short":  shortTime,
	"dur":    func(d time.Duration) string { return d.Round(time.Millisecond).String() },
}).Parse(htmlSource))

// scriptHash is the CSP hash of the report's only script.
var scriptHash = func() string {
	sum := sha256.Sum256([]byte(reportJS))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}()

// htmlData is what the template sees.
type htmlData struct {
	*hunt.Result
	CSP      string
	Script   template.JS
	Timeline svgTimeline
	Evidence []htmlEvidence
	HasUsers bool // some listed finding names users (else the column is left out)
	// Listed are the findings with hits or suppressed hits; NoHits says
	// how many IOCs had none; IOCsHit is the "N of M IOCs hit (...)" text.
	Listed    []hunt.Finding
	NoHits    string
	IOCsHit   string
	Breakdown string // "4 exact ip:port, 1 ip only", or ""
}

// htmlEvidence is a finding's evidence with defanged cells.
type htmlEvidence struct {
	IOC     string
	Rows    []htmlRow
	Omitted int
}

type htmlRow struct {
	hunt.Evidence
	Cells []string // "Col=value", defanged
}

// WriteHTML writes one self-contained HTML file: inline CSS, an inline
// SVG timeline, one inline script (allowed by hash in the page's
// Content-Security-Policy, which blocks everything else, including any
// network access). Every value is escaped by html/template.
func WriteHTML(w io.Writer, res *hunt.Result) error {
	d := newCellDefanger(res.Indicators)
	data := htmlData{
		Result:   res,
		CSP:      fmt.Sprintf("default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '%s'", scriptHash),
		Script:   template.JS(reportJS),
		Timeline: newSVGTimeline(res.Timeline),
		IOCsHit:  iocsHitText(res),
	}
	data.Breakdown = iocBreakdown(res)
	listed, none := listedFindings(res)
	data.Listed = listed
	if none > 0 {
		data.NoHits = noHitsText(none)
	}
	for _, f := range listed {
		data.HasUsers = data.HasUsers || len(f.Users) > 0
		if f.Hits == 0 {
			continue
		}
		he := htmlEvidence{IOC: iocLabel(f), Omitted: f.EvidenceOmitted}
		for _, e := range f.Evidence {
			he.Rows = append(he.Rows, htmlRow{Evidence: e, Cells: cells(e, d)})
		}
		data.Evidence = append(data.Evidence, he)
	}
	return htmlTmpl.Execute(w, data)
}

func cells(e hunt.Evidence, d cellDefanger) []string {
	out := make([]string, 0, len(e.Columns))
	for i, c := range e.Columns {
		if i < len(e.Values) && e.Values[i] != "" {
			out = append(out, c+"="+d.cell(e.Values[i]))
		}
	}
	return out
}

// svgTimeline is the hits-per-hour bar chart, laid out in Go so the
// template only prints numbers.
type svgTimeline struct {
	Width, Height int
	Bars          []svgBar
	Ticks         []svgTick
	Max           int
	First, Last   string
}

// svgTick marks midnight UTC on the time axis.
type svgTick struct {
	X     string
	Label string
}

type svgBar struct {
	X, Y, W, H string
	Title      string
}

const (
	chartW, chartH = 900, 160
	chartPad       = 30
)

func newSVGTimeline(buckets []hunt.TimelineBucket) svgTimeline {
	t := svgTimeline{Width: chartW, Height: chartH + 2*chartPad}
	if len(buckets) == 0 {
		return t
	}
	for _, b := range buckets {
		t.Max = max(t.Max, b.Hits)
	}
	t.First = buckets[0].Start.Format("2006-01-02 15:00")
	t.Last = buckets[len(buckets)-1].Start.Format("2006-01-02 15:00")
	bw := float64(chartW-2*chartPad) / float64(len(buckets))
	t.Ticks = dayTicks(buckets, bw)
	for i, b := range buckets {
		if b.Hits == 0 {
			continue
		}
		h := float64(chartH) * float64(b.Hits) / float64(t.Max)
		t.Bars = append(t.Bars, svgBar{
			X: num(float64(chartPad) + bw*float64(i)), Y: num(float64(chartPad+chartH) - h),
			W: num(max(bw*0.9, 1)), H: num(h),
			Title: fmt.Sprintf("%s UTC: %s", b.Start.Format("2006-01-02 15:00"), plural(b.Hits, "hit")),
		})
	}
	return t
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// dayTicks returns a tick per day (per week beyond two weeks) for hourly
// timelines up to about two months; none for longer or sparse ones.
func dayTicks(buckets []hunt.TimelineBucket, bw float64) []svgTick {
	n := len(buckets)
	if n > 24*62 || n < 2 || buckets[n-1].Start.Sub(buckets[0].Start) != time.Duration(n-1)*time.Hour {
		return nil
	}
	step := 1
	if n > 24*14 {
		step = 7
	}
	var out []svgTick
	day := 0
	for i, b := range buckets {
		if b.Start.Hour() != 0 {
			continue
		}
		if day%step == 0 {
			out = append(out, svgTick{X: num(float64(chartPad) + bw*float64(i)), Label: b.Start.Format("01-02")})
		}
		day++
	}
	return out
}

// shortTime is a UTC time for people: seconds, and milliseconds only when
// there are any.
func shortTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	if t.Nanosecond()/1e6 != 0 {
		return t.Format("2006-01-02 15:04:05.000")
	}
	return t.Format("2006-01-02 15:04:05")
}
