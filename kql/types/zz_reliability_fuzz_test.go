package types

import "testing"

// Reliability fuzz targets (issue #10): datetime and timespan text comes
// from log files and queries, both attacker-influenced.

func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"2026-01-01T00:00:00Z", "11/20/2020, 4:20:29.443 PM", "7/8/2019 16:08", "20.01.2026 23:00:00",
		"Mon, 02 Jan 2006 15:04:05 GMT", "2026-01-01T00:00:00.123456789+05:30", "9999-12-31T23:59:59.9999999Z", "0001-01-01", "", "\x00", "2026-13-45T99:99:99Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ParseDateTime(s)
	})
}

func FuzzParseTimeSpan(f *testing.F) {
	for _, s := range []string{"1d", "1.02:03:04.5", "00:00:01", "-1h", "10675199d", "9223372036854775807tick", "1e308d", "1.5ms", "", "::", "1d1d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ParseTimeSpan(s)
		ParseTimeSpanLiteral(s)
	})
}
