package asim

import (
	"io"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/logs/record"
)

// ReadAll reads a source into rows of column=value maps (tests only).
func readAll(t *testing.T, src record.Source) ([]map[string]string, []string) {
	t.Helper()
	cols := src.Columns()
	fields := make([][]byte, len(cols))
	var rows []map[string]string
	var errs []string
	for {
		for i := range fields {
			fields[i] = nil
		}
		_, err := src.Next(fields)
		if err == io.EOF {
			return rows, errs
		}
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		row := map[string]string{}
		for i, f := range fields {
			if f != nil {
				row[cols[i].Name] = string(f)
			}
		}
		rows = append(rows, row)
	}
}

func TestLineSource(t *testing.T) {
	in := "\ufeffkeep a\nskip\n\nbad\nkeep b\n"
	src := NewLineSource(io.NopCloser(strings.NewReader(in)), Dns, func(line []byte, n int64, b *Builder) (bool, error) {
		s := string(line)
		switch {
		case strings.HasPrefix(s, "keep "):
			b.Set("DnsQuery", s[5:])
			b.Set("NoSuchColumn", "x")
			return true, nil
		case s == "bad":
			return false, io.ErrUnexpectedEOF
		}
		return false, nil
	})
	rows, errs := readAll(t, src)
	if len(rows) != 2 || rows[0]["DnsQuery"] != "a" || rows[1]["DnsQuery"] != "b" || len(rows[0]) != 1 {
		t.Errorf("rows %v", rows)
	}
	if len(errs) != 1 || !strings.HasPrefix(errs[0], "line 4: unexpected EOF") {
		t.Errorf("errs %v", errs)
	}
}

func TestHelpers(t *testing.T) {
	tests := []struct{ got, want string }{
		{EpochToISO("1692161622.036086"), "2023-08-16T04:53:42.036086Z"},
		{EpochToISO("2018-08-03T23:37:28Z"), "2018-08-03T23:37:28Z"},
		{SecondsToMillis("0.00393986701965332"), "4"},
		{SecondsToMillis("x"), ""},
		{JoinArray(`["a.net","1.2.3.4"]`), "a.net,1.2.3.4"},
		{JoinArray(`[736.0,299]`), "736,299"},
		{JoinArray("plain"), "plain"},
		{IPVersion("fe80::1"), "IPv6"},
		{IPVersion("10.0.0.1"), "IPv4"},
		{SumInts("1", "", "2"), "3"},
		{SumInts(""), ""},
		{RcodeName("3"), "NXDOMAIN"},
		{RcodeNumber("servfail"), "2"},
		{QtypeNumber("aaaa"), "28"},
		{QtypeName("33"), "SRV"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("case %d: got %q, want %q", i, tc.got, tc.want)
		}
	}
	kv, err := ParseJSON([]byte(`{"a":{"b":"c"},"n":null,"x":1}`))
	if err != nil || kv.Get("missing", "a.b") != "c" || kv["n"] != "" || kv["x"] != "1" {
		t.Errorf("ParseJSON %v %v", kv, err)
	}
}
