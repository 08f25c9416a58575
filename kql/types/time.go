package types

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Tick constants: KQL datetimes and timespans count 100 ns ticks.
const (
	TicksPerMicrosecond int64 = 10
	TicksPerMillisecond int64 = 10_000
	TicksPerSecond      int64 = 10_000_000
	TicksPerMinute      int64 = 60 * TicksPerSecond
	TicksPerHour        int64 = 60 * TicksPerMinute
	TicksPerDay         int64 = 24 * TicksPerHour
)

// UnixEpochTicks is 1970-01-01T00:00:00Z in ticks since 0001-01-01.
const UnixEpochTicks int64 = 621355968000000000

// MinTicks and MaxTicks bound valid datetimes (0001-01-01 to 9999-12-31T23:59:59.9999999).
const (
	MinTicks int64 = 0
	MaxTicks int64 = 3155378975999999999
)

// TicksFromTime converts a time.Time to datetime ticks.
func TicksFromTime(t time.Time) int64 {
	t = t.UTC()
	secs := t.Unix() // seconds since 1970
	return UnixEpochTicks + secs*TicksPerSecond + int64(t.Nanosecond())/100
}

// TimeFromTicks converts datetime ticks to a UTC time.Time.
func TimeFromTicks(ticks int64) time.Time {
	d := ticks - UnixEpochTicks
	secs := d / TicksPerSecond
	rem := d % TicksPerSecond
	if rem < 0 {
		rem += TicksPerSecond
		secs--
	}
	return time.Unix(secs, rem*100).UTC()
}

// FormatDateTime renders ticks as ISO 8601 UTC with a trailing Z and 7
// fractional digits trimmed of trailing zeros (but at least the seconds),
// which is how Kusto writes datetimes in CSV and JSON.
func FormatDateTime(ticks int64) string {
	t := TimeFromTicks(ticks)
	var b strings.Builder
	b.Grow(28)
	b.WriteString(t.Format("2006-01-02T15:04:05"))
	frac := (ticks % TicksPerSecond)
	if frac < 0 {
		frac += TicksPerSecond
	}
	fs := fmt.Sprintf("%07d", frac)
	fs = strings.TrimRight(fs, "0")
	if fs != "" {
		b.WriteByte('.')
		b.WriteString(fs)
	}
	b.WriteByte('Z')
	return b.String()
}

var datetimeLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02 15:04:05.999999999",
	"2006/01/02",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST",
	"02 Jan 06 15:04 MST",
	time.RFC850,
	"Monday, 02-Jan-06 15:04:05 MST",
	"1/2/2006, 3:04:05.999999999 PM",
	"1/2/2006 3:04:05.999999999 PM",
	"1/2/2006 15:04:05.999999999",
	"1/2/2006",
}

// ParseDateTime parses the datetime forms Kusto accepts in todatetime() and
// datetime(...) literals: ISO 8601 with or without T, seconds, fraction
// and zone; RFC 822/1123 and RFC 850; and the US "M/D/YYYY, h:mm:ss.fff AM"
// form of Log Analytics portal exports. A value without a zone is UTC.
func ParseDateTime(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty datetime")
	}
	if t, ok := fastISO(s); ok {
		return inRange(s, t)
	}
	for _, l := range datetimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return inRange(s, TicksFromTime(t))
		}
	}
	return 0, fmt.Errorf("cannot parse %q as a datetime", s)
}

// inRange rejects datetimes outside 0001-01-01 .. 9999-12-31, which Kusto
// cannot represent (year 0 parses in Go but not in Kusto).
func inRange(s string, ticks int64) (int64, error) {
	if ticks < MinTicks || ticks > MaxTicks {
		return 0, fmt.Errorf("datetime %q is outside 0001-01-01 .. 9999-12-31", s)
	}
	return ticks, nil
}

// fastISO parses YYYY-MM-DD[T ]hh:mm:ss[.fffffff][Z] without allocating;
// it keeps 7 fractional digits exactly (time.Parse would lose nothing
// either, but this path is hot in log readers).
func fastISO(s string) (int64, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	num := func(a, b int) (int, bool) {
		n := 0
		for i := a; i < b; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	h, ok4 := num(11, 13)
	mi, ok5 := num(14, 16)
	se, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59 {
		return 0, false
	}
	rest := s[19:]
	var frac int64
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		scale := TicksPerSecond / 10
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			if scale > 0 {
				frac += int64(rest[i]-'0') * scale
				scale /= 10
			}
			i++
		}
		if i == 1 {
			return 0, false
		}
		rest = rest[i:]
	}
	if rest != "" && rest != "Z" && rest != "z" {
		return 0, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC)
	if t.Day() != d { // e.g. Feb 30
		return 0, false
	}
	return TicksFromTime(t) + frac, true
}

// FormatTimeSpan renders ticks the way Kusto does: [-][d.]hh:mm:ss[.fffffff].
func FormatTimeSpan(ticks int64) string {
	var b strings.Builder
	if ticks < 0 {
		b.WriteByte('-')
		ticks = -ticks
	}
	days := ticks / TicksPerDay
	ticks %= TicksPerDay
	if days > 0 {
		b.WriteString(strconv.FormatInt(days, 10))
		b.WriteByte('.')
	}
	h := ticks / TicksPerHour
	ticks %= TicksPerHour
	m := ticks / TicksPerMinute
	ticks %= TicksPerMinute
	s := ticks / TicksPerSecond
	frac := ticks % TicksPerSecond
	fmt.Fprintf(&b, "%02d:%02d:%02d", h, m, s)
	if frac != 0 {
		fmt.Fprintf(&b, ".%07d", frac)
	}
	return b.String()
}

// ParseTimeSpan parses "[-][d.]hh:mm[:ss[.fffffff]]" and KQL literal forms
// such as "1d", "2h", "30m", "10s", "100ms", "1.5h", "1tick".
func ParseTimeSpan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty timespan")
	}
	if t, ok := ParseTimeSpanLiteral(s); ok {
		return t, nil
	}
	neg := false
	body := s
	if body[0] == '-' {
		neg = true
		body = body[1:]
	}
	var days int64
	parts := strings.Split(body, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("cannot parse %q as a timespan", s)
	}
	if i := strings.IndexByte(parts[0], '.'); i >= 0 {
		d, err := strconv.ParseInt(parts[0][:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("cannot parse %q as a timespan", s)
		}
		days = d
		parts[0] = parts[0][i+1:]
	}
	h, err1 := strconv.ParseInt(parts[0], 10, 64)
	m, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("cannot parse %q as a timespan", s)
	}
	var secTicks int64
	if len(parts) == 3 {
		f, err := strconv.ParseFloat(parts[2], 64)
		if err != nil {
			return 0, fmt.Errorf("cannot parse %q as a timespan", s)
		}
		secTicks = int64(f*float64(TicksPerSecond) + 0.5)
	}
	t := days*TicksPerDay + h*TicksPerHour + m*TicksPerMinute + secTicks
	if neg {
		t = -t
	}
	return t, nil
}

var timespanUnits = map[string]int64{
	"d": TicksPerDay, "day": TicksPerDay, "days": TicksPerDay,
	"h": TicksPerHour, "hr": TicksPerHour, "hrs": TicksPerHour, "hour": TicksPerHour, "hours": TicksPerHour,
	"m": TicksPerMinute, "min": TicksPerMinute, "minute": TicksPerMinute, "minutes": TicksPerMinute,
	"s": TicksPerSecond, "sec": TicksPerSecond, "second": TicksPerSecond, "seconds": TicksPerSecond,
	"ms": TicksPerMillisecond, "milli": TicksPerMillisecond, "millis": TicksPerMillisecond,
	"millisec": TicksPerMillisecond, "millisecond": TicksPerMillisecond, "milliseconds": TicksPerMillisecond,
	"micro": TicksPerMicrosecond, "micros": TicksPerMicrosecond, "microsec": TicksPerMicrosecond,
	"microsecond": TicksPerMicrosecond, "microseconds": TicksPerMicrosecond,
	"tick": 1, "ticks": 1,
}

// nanosecond units are fractional ticks and handled separately.
var nanoUnits = map[string]bool{"nano": true, "nanos": true, "nanosec": true, "nanosecond": true, "nanoseconds": true}

// ParseTimeSpanLiteral parses a KQL timespan literal such as "1d", "1.5h",
// "100ms" or "10microsecond". It reports false when s is not of that form.
func ParseTimeSpanLiteral(s string) (int64, bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i == start || i == len(s) {
		return 0, false
	}
	unit := strings.ToLower(s[i:])
	f, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, false
	}
	if nanoUnits[unit] {
		return int64(f / 100), true
	}
	mul, ok := timespanUnits[unit]
	if !ok {
		return 0, false
	}
	if !strings.ContainsRune(s[:i], '.') {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err == nil {
			return n * mul, true
		}
	}
	v := f * float64(mul)
	if v < 0 {
		return int64(v - 0.5), true
	}
	return int64(v + 0.5), true
}
