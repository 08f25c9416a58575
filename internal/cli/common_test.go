package cli

import "testing"

func TestParseBytes(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"", 0, false},
		{"1024", 1024, false},
		{"512MB", 512 << 20, false},
		{"2GiB", 2 << 30, false},
		{"1.5k", 1536, false},
		{"-1", 0, true},
		{"12 parsecs", 0, true},
		{"MB", 0, true},
		{"99999999999999999999GB", 0, true}, // G11: used to wrap negative (no limit)
		{"8388608TB", 0, true},              // exactly 2^63 bytes
		{"8388607TB", 8388607 << 40, false},
		{"1e400", 0, true},
	}
	for _, tc := range tests {
		got, err := parseBytes(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d, err=%v", tc.in, got, err, tc.want, tc.err)
		}
	}
}
