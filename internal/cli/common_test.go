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
	}
	for _, tc := range tests {
		got, err := parseBytes(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d, err=%v", tc.in, got, err, tc.want, tc.err)
		}
	}
}
