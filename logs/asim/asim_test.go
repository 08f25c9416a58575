package asim

import (
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/logs/record"
	"github.com/huntpack/huntpack/logs/schema"
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

// TestInternedNames checks that every interned column name is a column of
// an ASIM table (a typo would silently drop the value) and that SetN
// behaves as Set: unknown columns and empty values are ignored.
func TestInternedNames(t *testing.T) {
	ns, _ := schema.Lookup(NetworkSession)
	dns, _ := schema.Lookup(Dns)
	names := append([]string(nil), colNames.since(0)...)
	if len(names) < 80 {
		t.Fatalf("only %d names interned", len(names))
	}
	for _, n := range names {
		if ns.Index(n) < 0 && dns.Index(n) < 0 {
			t.Errorf("interned name %q is in neither ASIM table", n)
		}
	}
	b := NewBuilder(Dns)
	b.SetN(NDnsQuery, "x.example")
	b.SetN(NNetworkSessionId, "only in the network table")
	b.SetN(NSrcIpAddr, "")
	late := Intern("DnsQueryClass") // interned after the builder was made
	b.SetN(late, "1")
	fields := make([][]byte, len(b.Columns()))
	b.Fields(fields)
	got := map[string]string{}
	for i, f := range fields {
		if f != nil {
			got[b.Columns()[i].Name] = string(f)
		}
	}
	if len(got) != 2 || got["DnsQuery"] != "x.example" || got["DnsQueryClass"] != "1" {
		t.Errorf("row %v", got)
	}
	if Intern("DnsQuery") != NDnsQuery {
		t.Error("Intern gave a second Name for one name")
	}
}

// TestRecord: values of one record only (a key absent from the next
// record reads ""), interned and plain lookups agree, nested members are
// flattened, and a file with ever new keys does not grow the record
// without bound.
func TestRecord(t *testing.T) {
	kA, kB := InternKey("a"), InternKey("o.b")
	r := NewRecord()
	if err := r.ParseJSON([]byte(`{"a":"1","o":{"b":2},"n":null,"e":""}`)); err != nil {
		t.Fatal(err)
	}
	if r.V("a") != "1" || r.VK(kA) != "1" || r.VK(kB) != "2" || r.V("o") != `{"b":2}` || r.Has("n") || !r.Has("e") || r.V("e") != "" {
		t.Errorf("first record: a=%q o.b=%q o=%q", r.V("a"), r.VK(kB), r.V("o"))
	}
	late := InternKey("late") // interned after the record's first lookups
	if err := r.ParseJSON([]byte(`{"o":{"b":3},"late":"x"}`)); err != nil {
		t.Fatal(err)
	}
	if r.V("a") != "" || r.VK(kA) != "" || r.VK(kB) != "3" || r.VK(late) != "x" || r.Get("a", "late") != "x" {
		t.Errorf("second record: a=%q o.b=%q late=%q", r.VK(kA), r.VK(kB), r.VK(late))
	}
	r.Reset()
	r.Set("a", "set")
	if r.VK(kA) != "set" {
		t.Errorf("Set: %q", r.VK(kA))
	}
	for i := 0; i < 3*maxSlots; i++ {
		if err := r.ParseJSON([]byte(`{"k` + strconv.Itoa(i) + `":"v","a":"` + strconv.Itoa(i) + `"}`)); err != nil {
			t.Fatal(err)
		}
		if r.VK(kA) != strconv.Itoa(i) {
			t.Fatalf("record %d: a=%q", i, r.VK(kA))
		}
	}
	if len(r.start) > maxSlots+2 {
		t.Errorf("%d slots kept", len(r.start))
	}
}
