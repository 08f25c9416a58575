package types

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Looser datetime literal forms that Kusto accepts in datetime(...) and
// that ParseDateTime does not: unpadded ISO dates ("1970-5-12", dayofweek
// page), US dashed dates ("12-02-2022", todatetime page) and dates written
// with spaces around the dashes ("2017 - 08 - 01", sliding_window_counts
// page) and comma-separated parts ("2025, 6, 14", endofweek page).

var m2LooseLayouts = []string{
	"2006-1-2", "2006-1-2 15:04", "2006-1-2 15:04:05.999999999", "2006-1-2T15:04:05.999999999Z07:00",
	"01-02-2006", "01-02-2006 15:04:05.999999999", "1-2-2006",
}

var m2SpacedDash = regexp.MustCompile(`^(\d{1,4})\s*-\s*(\d{1,2})\s*-\s*(\d{1,4})(.*)$`)

// m2CommaParts is datetime(year, month, day [, hour, minute, second]),
// the endofweek page's form.
var m2CommaParts = regexp.MustCompile(`^(\d{1,4})\s*,\s*(\d{1,2})\s*,\s*(\d{1,2})(?:\s*,\s*(\d{1,2})\s*,\s*(\d{1,2})(?:\s*,\s*(\d{1,2}))?)?$`)

// ParseDateTimeLoose parses s as ParseDateTime does, falling back to the
// looser forms above.
func ParseDateTimeLoose(s string) (int64, error) {
	t, err := ParseDateTime(s)
	if err == nil {
		return t, nil
	}
	s = strings.TrimSpace(s)
	if m := m2SpacedDash.FindStringSubmatch(s); m != nil {
		s = m[1] + "-" + m[2] + "-" + m[3] + m[4]
		if t, err2 := ParseDateTime(s); err2 == nil {
			return t, nil
		}
	}
	if m := m2CommaParts.FindStringSubmatch(s); m != nil {
		n := make([]int, 6)
		for i := range n {
			if m[i+1] != "" {
				n[i], _ = strconv.Atoi(m[i+1])
			}
		}
		if n[1] >= 1 && n[1] <= 12 && n[2] >= 1 && n[2] <= 31 && n[3] < 24 && n[4] < 60 && n[5] < 60 {
			tt := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, time.UTC)
			if tt.Day() == n[2] {
				return inRange(s, TicksFromTime(tt))
			}
		}
	}
	for _, l := range m2LooseLayouts {
		if tt, err2 := time.Parse(l, s); err2 == nil {
			return inRange(s, TicksFromTime(tt))
		}
	}
	return 0, err
}
