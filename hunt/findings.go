package hunt

import (
	"time"
)

// Indicator is one IOC of a pack, refanged (the value a query matches).
type Indicator struct {
	// Type is one of "ip", "ip:port", "domain", "url", "md5", "sha1",
	// "sha256" or "hash".
	Type       string    `json:"type"`
	Value      string    `json:"value"`
	ThreatType string    `json:"threat_type,omitempty"`
	Malware    string    `json:"malware,omitempty"`
	FirstSeen  time.Time `json:"first_seen,omitzero"`
	Confidence int       `json:"confidence,omitempty"`
}

// Window is the query time window; a zero bound is open.
type Window struct {
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
}

// Result is everything one hunt run produced. Reports render it.
type Result struct {
	Pack       string        `json:"pack"`
	Hypothesis string        `json:"hypothesis,omitempty"`
	Backend    string        `json:"backend"`
	Window     Window        `json:"window"`
	Started    time.Time     `json:"started"`
	Elapsed    time.Duration `json:"elapsed_ns"`
	// Interrupted is set when the run was cancelled; the result holds
	// what was done until then.
	Interrupted bool `json:"interrupted,omitempty"`

	Indicators []Indicator       `json:"indicators"`
	Queries    []QueryResult     `json:"queries"`
	Findings   []Finding         `json:"findings"`
	Scenarios  []ScenarioResult  `json:"exclusions"`
	Timeline   []TimelineBucket  `json:"timeline"`
	Scan       ScanSummary       `json:"scan"`
	Limits     Limits            `json:"limits"`
	Totals     Totals            `json:"totals"`
	Warnings   []string          `json:"warnings,omitempty"`
	Extra      map[string]string `json:"extra,omitempty"`
}

// Limits are the caps applied to what a result keeps.
type Limits struct {
	// EvidencePerIOC is the most evidence rows kept per IOC.
	EvidencePerIOC int `json:"evidence_per_ioc"`
	// RowsPerQuery is the most rows kept per query.
	RowsPerQuery int `json:"rows_per_query"`
}

// Totals sums a result up.
type Totals struct {
	Hits            int `json:"hits"`
	Suppressed      int `json:"suppressed"`
	Unattributed    int `json:"unattributed"`
	IOCsHit         int `json:"iocs_hit"`
	BeforeFirstSeen int `json:"before_first_seen"`
	FailedQueries   int `json:"failed_queries"`
}

// QueryResult is what one query of the pack returned.
type QueryResult struct {
	Name  string `json:"name"`
	File  string `json:"file,omitempty"`
	Table string `json:"table,omitempty"`
	// Hits is the number of rows the query returned (after exclusions).
	Hits int `json:"hits"`
	// Suppressed is the number of rows the query's exclusions removed.
	Suppressed int `json:"suppressed"`
	// Unattributed counts hits that matched no IOC of the pack.
	Unattributed int        `json:"unattributed"`
	Columns      []string   `json:"columns"`
	Rows         [][]string `json:"rows"`
	// RowsOmitted is how many hit rows are not in Rows (over the cap).
	RowsOmitted int           `json:"rows_omitted"`
	Error       string        `json:"error,omitempty"`
	Warnings    []string      `json:"warnings,omitempty"`
	Elapsed     time.Duration `json:"elapsed_ns"`
}

// Port match states of an ip:port hit.
const (
	PortMatch    = "match"
	PortMismatch = "mismatch"
	PortUnknown  = "unknown"
)

// Finding is what the run found for one IOC.
type Finding struct {
	Indicator Indicator `json:"indicator"`
	Hits      int       `json:"hits"`
	FirstHit  time.Time `json:"first_hit,omitzero"`
	LastHit   time.Time `json:"last_hit,omitzero"`
	Hosts     []string  `json:"hosts"`
	Users     []string  `json:"users"`
	Tables    []string  `json:"tables"`
	Queries   []string  `json:"queries"`
	// Port counts, for ip:port IOCs only.
	PortMatched    int `json:"port_matched"`
	PortMismatched int `json:"port_mismatched"`
	PortUnknown    int `json:"port_unknown"`
	// BeforeFirstSeen counts hits dated before the IOC's first_seen.
	BeforeFirstSeen int `json:"before_first_seen"`
	// Suppressed counts hits of this IOC that exclusions removed.
	Suppressed int        `json:"suppressed"`
	Evidence   []Evidence `json:"evidence"`
	// EvidenceOmitted is how many hits are not in Evidence (over the cap).
	EvidenceOmitted int `json:"evidence_omitted"`
}

// Evidence is one hit row of a finding.
type Evidence struct {
	Query  string    `json:"query"`
	Table  string    `json:"table,omitempty"`
	Time   time.Time `json:"time,omitzero"`
	Column string    `json:"column"` // the column that matched the IOC
	// Port is PortMatch, PortMismatch or PortUnknown for ip:port IOCs.
	Port            string   `json:"port,omitempty"`
	BeforeFirstSeen bool     `json:"before_first_seen,omitempty"`
	Columns         []string `json:"columns"`
	Values          []string `json:"values"`
}

// ScenarioResult says what one false-positive scenario did.
type ScenarioResult struct {
	Name string `json:"name"`
	// Applied is false when the pack's scenario could not be applied
	// (e.g. its filter names no column of the queried tables).
	Applied bool   `json:"applied"`
	Note    string `json:"note,omitempty"`
	// Suppressed is the number of hits this scenario's exclusion lines
	// remove on their own, over all queries.
	Suppressed int      `json:"suppressed"`
	Queries    []string `json:"queries,omitempty"`
}

// TimelineBucket counts hits in one hour (Start is the hour, UTC).
type TimelineBucket struct {
	Start time.Time `json:"start"`
	Hits  int       `json:"hits"`
}

// ScanSummary is what a local run read (remote runs leave it mostly empty).
type ScanSummary struct {
	Tables    []TableScan   `json:"tables"`
	Files     int64         `json:"files"`
	Bytes     int64         `json:"bytes"`
	Rows      int64         `json:"rows"`
	Malformed int64         `json:"malformed"`
	Elapsed   time.Duration `json:"elapsed_ns"`
	// Warnings are the first problems the readers reported (file:line:
	// message), at most MaxScanWarnings.
	Warnings []string `json:"warnings,omitempty"`
}

// MaxScanWarnings caps ScanSummary.Warnings.
const MaxScanWarnings = 20

// RowsPerSecond is the scan rate.
func (s ScanSummary) RowsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Rows) / s.Elapsed.Seconds()
}

// TableScan is what was read from one table.
type TableScan struct {
	Name      string `json:"name"`
	Files     int64  `json:"files"`
	Bytes     int64  `json:"bytes"`
	Rows      int64  `json:"rows"`
	Malformed int64  `json:"malformed"`
}
