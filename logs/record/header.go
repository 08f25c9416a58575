package record

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // portal exports name zones; don't depend on the host's tz database
)

// ParseHeader cleans one export column header. The Log Analytics portal
// renames datetime columns to `<Col> [<display zone>]` (`TimeGenerated
// [UTC]`, `TimeGenerated [Pacific Time (US and Canada) Tijuana]`) and
// writes their values in that zone; ParseHeader returns the bare column
// name with Loc set. An empty header becomes Column<i+1>, as Kusto names
// unnamed columns. An unrecognised zone is an error (the column keeps
// its name and UTC).
func ParseHeader(h string, i int) (Col, error) {
	h = strings.TrimSpace(h)
	if h == "" {
		return Col{Name: "Column" + strconv.Itoa(i+1)}, nil
	}
	if !strings.HasSuffix(h, "]") {
		return Col{Name: h}, nil
	}
	open := strings.LastIndex(h, " [")
	if open <= 0 {
		return Col{Name: h}, nil
	}
	name, zone := h[:open], h[open+2:len(h)-1]
	loc, err := Zone(zone)
	if err != nil {
		return Col{Name: name, Key: h}, fmt.Errorf("column %q: %w", h, err)
	}
	return Col{Name: name, Key: h, Loc: loc}, nil
}

// zoneKeywords maps words of Windows / portal display zone names to IANA
// zones. The first match wins, so more specific names come first.
var zoneKeywords = []struct{ key, iana string }{
	{"Tijuana", "America/Tijuana"}, // "Pacific Time (US and Canada) Tijuana": same rules as Pacific
	{"Pacific Time", "America/Los_Angeles"},
	{"Mountain Time", "America/Denver"},
	{"Arizona", "America/Phoenix"},
	{"Central Time", "America/Chicago"},
	{"Eastern Time", "America/New_York"},
	{"Atlantic Time", "America/Halifax"},
	{"Alaska", "America/Anchorage"},
	{"Hawaii", "Pacific/Honolulu"},
	{"Brasilia", "America/Sao_Paulo"},
	{"Buenos Aires", "America/Argentina/Buenos_Aires"},
	{"Mexico City", "America/Mexico_City"},
	{"Coordinated Universal Time", "UTC"},
	{"Dublin", "Europe/London"},
	{"London", "Europe/London"},
	{"Greenwich", "Europe/London"},
	{"Amsterdam", "Europe/Berlin"},
	{"Berlin", "Europe/Berlin"},
	{"Brussels", "Europe/Paris"},
	{"Paris", "Europe/Paris"},
	{"Madrid", "Europe/Madrid"},
	{"Sarajevo", "Europe/Warsaw"},
	{"Warsaw", "Europe/Warsaw"},
	{"Belgrade", "Europe/Belgrade"},
	{"Prague", "Europe/Prague"},
	{"Athens", "Europe/Athens"},
	{"Helsinki", "Europe/Helsinki"},
	{"Kyiv", "Europe/Kyiv"},
	{"Jerusalem", "Asia/Jerusalem"},
	{"Istanbul", "Europe/Istanbul"},
	{"Moscow", "Europe/Moscow"},
	{"Dubai", "Asia/Dubai"},
	{"Abu Dhabi", "Asia/Dubai"},
	{"Chennai", "Asia/Kolkata"},
	{"Kolkata", "Asia/Kolkata"},
	{"Mumbai", "Asia/Kolkata"},
	{"Singapore", "Asia/Singapore"},
	{"Kuala Lumpur", "Asia/Kuala_Lumpur"},
	{"Beijing", "Asia/Shanghai"},
	{"Hong Kong", "Asia/Hong_Kong"},
	{"Taipei", "Asia/Taipei"},
	{"Seoul", "Asia/Seoul"},
	{"Tokyo", "Asia/Tokyo"},
	{"Osaka", "Asia/Tokyo"},
	{"Brisbane", "Australia/Brisbane"},
	{"Sydney", "Australia/Sydney"},
	{"Canberra", "Australia/Sydney"},
	{"Melbourne", "Australia/Melbourne"},
	{"Perth", "Australia/Perth"},
	{"Adelaide", "Australia/Adelaide"},
	{"Auckland", "Pacific/Auckland"},
	{"Johannesburg", "Africa/Johannesburg"},
	{"Cairo", "Africa/Cairo"},
}

// Zone resolves a portal display zone name ("UTC", "Pacific Time (US and
// Canada) Tijuana"), an IANA name ("Europe/Berlin") or a fixed offset
// ("UTC+01:00", "UTC-8").
func Zone(name string) (*time.Location, error) {
	n := strings.TrimSpace(name)
	switch strings.ToUpper(n) {
	case "UTC", "GMT", "Z", "":
		return time.UTC, nil
	}
	if off, ok := fixedOffset(n); ok {
		return time.FixedZone(n, off), nil
	}
	// "(UTC-08:00) Pacific Time (US & Canada)" style: words decide.
	norm := strings.ReplaceAll(n, "&", "and")
	for _, z := range zoneKeywords {
		if strings.Contains(norm, z.key) {
			return time.LoadLocation(z.iana)
		}
	}
	if strings.Contains(n, "/") {
		if loc, err := time.LoadLocation(n); err == nil {
			return loc, nil
		}
	}
	return nil, fmt.Errorf("unknown time zone %q", name)
}

// fixedOffset parses "UTC+01:00", "UTC-8", "+0530".
func fixedOffset(s string) (int, bool) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "UTC"), "GMT")
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	body := strings.ReplaceAll(s[1:], ":", "")
	if len(body) <= 2 {
		body += "00"
	}
	if len(body) == 3 {
		body = "0" + body
	}
	if len(body) != 4 {
		return 0, false
	}
	h, err1 := strconv.Atoi(body[:2])
	m, err2 := strconv.Atoi(body[2:])
	if err1 != nil || err2 != nil || h > 14 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}
