package types

import "testing"

func TestParseDateTimeLoose(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2024-01-02", "2024-01-02T00:00:00Z"},
		{"1970-5-12", "1970-05-12T00:00:00Z"},
		{"12-02-2022", "2022-12-02T00:00:00Z"},
		{"2017 - 08 - 01", "2017-08-01T00:00:00Z"},
		{"2025, 6, 14", "2025-06-14T00:00:00Z"},
		{"2025,6,14,13,5,9", "2025-06-14T13:05:09Z"},
		{"2025, 2, 30", ""},
		{"2025, 13, 1", ""},
		{"not a date", ""},
	} {
		t.Run(c.in, func(t *testing.T) {
			ticks, err := ParseDateTimeLoose(c.in)
			if c.want == "" {
				if err == nil {
					t.Fatalf("ParseDateTimeLoose(%q) = %s, want an error", c.in, FormatValue(DateTimeValue(ticks)))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := FormatValue(DateTimeValue(ticks)); got != c.want {
				t.Errorf("ParseDateTimeLoose(%q) = %s, want %s", c.in, got, c.want)
			}
		})
	}
}

// FuzzParseDateTimeLoose: never panics; anything accepted is in Kusto's
// range, and what ParseDateTime accepts is parsed the same way.
func FuzzParseDateTimeLoose(f *testing.F) {
	for _, s := range []string{"2024-01-02", "1970-5-12", "12-02-2022", "2017 - 08 - 01", "2025, 6, 14", "2025,6,14,13,5,9", "0000-01-01", "9999, 12, 31, 23, 59, 59", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ticks, err := ParseDateTimeLoose(s)
		if err != nil {
			return
		}
		if ticks < MinTicks || ticks > MaxTicks {
			t.Fatalf("ParseDateTimeLoose(%q) = %d, outside Kusto's range", s, ticks)
		}
		if strict, err := ParseDateTime(s); err == nil && strict != ticks {
			t.Fatalf("ParseDateTimeLoose(%q) = %d, ParseDateTime = %d", s, ticks, strict)
		}
	})
}
