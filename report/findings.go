package report

import (
	"fmt"
	"strings"

	"github.com/huntpack/huntpack/hunt"
)

// listedFindings returns the findings a report for people lists (those
// with hits or suppressed hits, in the result's order: most hits first,
// then first hit) and how many IOCs it leaves out (no hits at all).
// JSON and CSV keep every finding instead.
func listedFindings(res *hunt.Result) ([]hunt.Finding, int) {
	var out []hunt.Finding
	none := 0
	for _, f := range res.Findings {
		switch {
		case f.Listed():
			out = append(out, f)
		case !f.IPOnly():
			none++
		}
	}
	return out, none
}

// noHitsText is the line that stands for the IOCs without hits.
func noHitsText(n int) string {
	if n == 1 {
		return "1 IOC had no hits"
	}
	return fmt.Sprintf("%d IOCs had no hits", n)
}

// iocsHitText says how many of the pack's IOCs were hit, e.g. "5 of 286
// IOCs hit (4 exact ip:port, 1 ip only)". The breakdown is given when the
// pack has ip:port IOCs: exact ip:port hits, IPs of ip:port IOCs hit only
// on other ports (once per IP, and only when none of that IP's IOCs had
// an exact hit), then the other IOC types with hits.
func iocsHitText(res *hunt.Result) string {
	s := fmt.Sprintf("%d of %d %s hit", res.Totals.IOCsHit, len(res.Indicators), word(len(res.Indicators), "IOC"))
	if b := iocBreakdown(res); b != "" {
		s += " (" + b + ")"
	}
	return s
}

// iocsHitShort is iocsHitText without the words "IOCs hit", for a row
// already labelled so: "5 of 286 (4 exact ip:port, 1 ip only)".
func iocsHitShort(res *hunt.Result) string {
	s := fmt.Sprintf("%d of %d", res.Totals.IOCsHit, len(res.Indicators))
	if b := iocBreakdown(res); b != "" {
		s += " (" + b + ")"
	}
	return s
}

func iocBreakdown(res *hunt.Result) string {
	hasPorts := false
	for _, f := range res.Findings {
		hasPorts = hasPorts || f.PortMatch == hunt.MatchExact
	}
	if !hasPorts {
		return ""
	}
	t := res.Totals
	parts := []string{fmt.Sprintf("%d exact ip:port", t.IOCsExact), fmt.Sprintf("%d ip only", t.IOCsIPOnly)}
	var types []string
	count := map[string]int{}
	for _, f := range res.Findings {
		if f.Hits == 0 || f.PortMatch != "" {
			continue
		}
		if count[f.Indicator.Type] == 0 {
			types = append(types, f.Indicator.Type)
		}
		count[f.Indicator.Type]++
	}
	for _, typ := range types {
		parts = append(parts, fmt.Sprintf("%d %s", count[typ], typ))
	}
	return strings.Join(parts, ", ")
}

// portCell describes how a finding's hits matched: "ip:port" for an
// ip:port IOC with hits (its port matched), "ip only; IOC ports a,b,c"
// for an "ip only" finding (with the hits that had no port), "-" else.
func portCell(f hunt.Finding) string {
	switch {
	case f.IPOnly():
		s := hunt.MatchIPOnly
		if f.PortUnknown > 0 {
			s += fmt.Sprintf(", %d without port", f.PortUnknown)
		}
		if len(f.IOCPorts) > 0 {
			s += "; IOC " + word(len(f.IOCPorts), "port") + " " + shortList(f.IOCPorts, 4)
		}
		return s
	case f.PortMatch == hunt.MatchExact && f.Hits > 0:
		return hunt.MatchExact
	}
	return "-"
}

// iocLabel is a finding's IOC for headings: defanged, and for an "ip
// only" finding marked as such with the IOC ports.
func iocLabel(f hunt.Finding) string {
	s := Defang(f.Indicator.Type, f.Indicator.Value)
	if f.IPOnly() {
		s += " (" + portCell(f) + ")"
	}
	return s
}

// shortList joins the first show items with commas and counts the rest.
func shortList(xs []string, show int) string {
	s := strings.Join(xs[:min(show, len(xs))], ",")
	if len(xs) > show {
		s += fmt.Sprintf(" +%d", len(xs)-show)
	}
	return s
}
