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

// Totals sums a result up. Every hit is either unattributed or credited
// to exactly one finding, so Hits == Unattributed + the sum of the
// findings' Hits.
type Totals struct {
	Hits         int `json:"hits"`
	Suppressed   int `json:"suppressed"`
	Unattributed int `json:"unattributed"`
	// IOCsHit counts the IOCs of the pack that were hit: IOCsExact +
	// IOCsIPOnly + the other IOCs (domains, URLs, hashes, plain IPs) with
	// hits. It is never more than the number of IOCs.
	IOCsHit int `json:"iocs_hit"`
	// IOCsExact counts the ip:port IOCs with a hit where the port matched.
	IOCsExact int `json:"iocs_exact"`
	// IOCsIPOnly counts the IPs of ip:port IOCs seen only on other ports
	// (or with no port in the row): one per IP, and only when none of
	// that IP's ip:port IOCs had an exact hit.
	IOCsIPOnly int `json:"iocs_ip_only"`
	// IPOnlyHits is the number of hits credited to "ip only" findings.
	IPOnlyHits      int `json:"ip_only_hits"`
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

// Match kinds of a finding (Finding.PortMatch), named as the generated
// queries' PortMatch column names them.
const (
	// MatchExact: an ip:port IOC whose IP and port both matched.
	MatchExact = "ip:port"
	// MatchIPOnly: the IP of ip:port IOCs, seen on another port or with
	// no port in the row.
	MatchIPOnly = "ip only"
)

// TypeIPOnly is the Indicator.Type of an "ip only" finding: its Value is
// the bare IP of one or more ip:port IOCs of the pack.
const TypeIPOnly = "ip (from ip:port IOCs)"

// Finding is what the run found for one IOC, or, for hits on the IP of
// ip:port IOCs where no IOC's port matched, for that IP (an "ip only"
// finding: Indicator.Type is TypeIPOnly, Indicator.Value the bare IP,
// IOCPorts the ports of the pack's IOCs on that IP).
type Finding struct {
	Indicator Indicator `json:"indicator"`
	// PortMatch is MatchExact for ip:port IOCs, MatchIPOnly for "ip only"
	// findings and empty for other IOCs.
	PortMatch string `json:"port_match,omitempty"`
	// IOCPorts lists, for an "ip only" finding, the ports of the pack's
	// ip:port IOCs on that IP (numerically sorted).
	IOCPorts []string  `json:"ioc_ports,omitempty"`
	Hits     int       `json:"hits"`
	FirstHit time.Time `json:"first_hit,omitzero"`
	LastHit  time.Time `json:"last_hit,omitzero"`
	Hosts    []string  `json:"hosts"`
	Users    []string  `json:"users"`
	Tables   []string  `json:"tables"`
	Queries  []string  `json:"queries"`
	// Port counts of ip:port IOCs and "ip only" findings: an ip:port IOC
	// only gets hits whose port matched; an "ip only" finding gets the
	// others (port mismatch, or no port in the row).
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

// IPOnly reports whether f is an "ip only" finding (see Finding).
func (f Finding) IPOnly() bool { return f.PortMatch == MatchIPOnly }

// Listed reports whether a report for people lists f: it has hits, or
// hits its exclusions suppressed.
func (f Finding) Listed() bool { return f.Hits > 0 || f.Suppressed > 0 }

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
