package funcs

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/huntpack/huntpack/kql/types"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		in   string
		want map[string]any
	}{
		{"https://user:pw@Example.com:8443/a/b.php?x=1&y=a%20b#frag", map[string]any{
			"Scheme": "https", "Host": "Example.com", "Port": "8443", "Path": "/a/b.php", "Username": "user",
			"Password": "pw", "Query Parameters": map[string]any{"x": "1", "y": "a b"}, "Fragment": "frag"}},
		{"http://[2001:db8::1]:80/", map[string]any{
			"Scheme": "http", "Host": "[2001:db8::1]", "Port": "80", "Path": "/", "Username": "", "Password": "",
			"Query Parameters": map[string]any{}, "Fragment": ""}},
		{"hxxp://evil.example/dl?a=1", map[string]any{
			"Scheme": "hxxp", "Host": "evil.example", "Port": "", "Path": "/dl", "Username": "", "Password": "",
			"Query Parameters": map[string]any{"a": "1"}, "Fragment": ""}},
		{"not a url", map[string]any{
			"Scheme": "", "Host": "", "Port": "", "Path": "", "Username": "", "Password": "",
			"Query Parameters": map[string]any{}, "Fragment": ""}},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := ParseURL(c.in); !reflect.DeepEqual(got, c.want) {
				t.Errorf("ParseURL(%q) =\n%v\nwant\n%v", c.in, got, c.want)
			}
		})
	}
}

func TestParsePath(t *testing.T) {
	cases := []struct{ in, dirPath, dirName, file, ext, ads, root string }{
		{`C:\temp\file.txt`, `C:\temp`, "temp", "file.txt", "txt", "", "C:"},
		{`temp\file.txt`, "temp", "temp", "file.txt", "txt", "", ""},
		{`\\shared\users\temp\file.txt.gz`, `\\shared\users\temp`, "temp", "file.txt.gz", "gz", "", ""},
		{"/usr/lib/temp/file.txt", "/usr/lib/temp", "temp", "file.txt", "txt", "", ""},
		{"file://C:/temp/file.txt:some.exe", "C:/temp", "temp", "file.txt", "txt", "some.exe", "C:"},
		{"noext", "", "", "noext", "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got := ParsePath(c.in)
			want := []string{c.dirPath, c.dirName, c.file, c.ext, c.ads, c.root}
			have := []string{got["DirectoryPath"].(string), got["DirectoryName"].(string), got["Filename"].(string),
				got["Extension"].(string), got["AlternateDataStreamName"].(string), got["RootPath"].(string)}
			if !reflect.DeepEqual(have, want) {
				t.Errorf("ParsePath(%q) = %v, want %v", c.in, have, want)
			}
		})
	}
}

func TestParseCommandLine(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{`echo "hello world!"`, []string{"echo", "hello world!"}},
		{`"C:\Program Files\x.exe" -a  b`, []string{`C:\Program Files\x.exe`, "-a", "b"}},
		{`cmd a\\\"b c`, []string{"cmd", `a\"b`, "c"}},
		{`cmd "a\\" b`, []string{"cmd", `a\`, "b"}},
		{`cmd a\b\c`, []string{"cmd", `a\b\c`}},
		{`cmd "say ""hi"""`, []string{"cmd", `say "hi"`}},
		{`powershell -enc SQBFAFgA`, []string{"powershell", "-enc", "SQBFAFgA"}},
		{`   `, []string{}},
		{`cmd "unterminated`, []string{"cmd", "unterminated"}},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := ParseCommandLine(c.in); !reflect.DeepEqual(got, c.want) {
				t.Errorf("ParseCommandLine(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestParseCSVRecord(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{`aa,"b,b,b",cc,"Escaping quotes: ""Title""","line1` + "\n" + `line2"`, []string{"aa", "b,b,b", "cc", `Escaping quotes: "Title"`, "line1\nline2"}},
		{"record1,a,b,c\nrecord2,x,y,z", []string{"record1", "a", "b", "c"}},
		{"", []string{""}},
		{",", []string{"", ""}},
		{`"unterminated`, []string{"unterminated"}},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := ParseCSVRecord(c.in); !reflect.DeepEqual(got, c.want) {
				t.Errorf("ParseCSVRecord(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestParseXML(t *testing.T) {
	cases := []struct{ in, want string }{
		{`<root><a>1</a><b x="y">t</b><a>2</a></root>`, `{"root":{"a":["1","2"],"b":{"#text":"t","@x":"y"}}}`},
		{`<Event><Data Name="User">bob</Data><Data Name="Ip">1.2.3.4</Data></Event>`,
			`{"Event":{"Data":[{"#text":"bob","@Name":"User"},{"#text":"1.2.3.4","@Name":"Ip"}]}}`},
		{`<e/>`, `{"e":null}`},
		{`<a><b></a>`, `<invalid>`},
		{`text`, `<invalid>`},
		{`<a/><b/>`, `<invalid>`},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			d, ok := ParseXML(c.in)
			got := "<invalid>"
			if ok {
				got = types.DynamicJSON(d)
			}
			if got != c.want {
				t.Errorf("ParseXML(%q) = %s, want %s", c.in, got, c.want)
			}
		})
	}
}

func TestParseIPv4(t *testing.T) {
	cases := []struct {
		in     string
		ip     uint32
		prefix int
		ok     bool
	}{
		{"1.2.3.4", 0x01020304, 32, true},
		{" 10.0.0.1/8 ", 0x0a000001, 8, true},
		{"255.255.255.255", 0xffffffff, 32, true},
		{"256.1.1.1", 0, 0, false},
		{"1.2.3", 0, 0, false},
		{"1.2.3.4.5", 0, 0, false},
		{"1..3.4", 0, 0, false},
		{"1.2.3.4/33", 0, 0, false},
		{"0001.2.3.4", 0, 0, false},
		{"a.b.c.d", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			ip, p, ok := ParseIPv4(c.in)
			if ok != c.ok || ok && (ip != c.ip || p != c.prefix) {
				t.Errorf("ParseIPv4(%q) = %x, %d, %v; want %x, %d, %v", c.in, ip, p, ok, c.ip, c.prefix, c.ok)
			}
		})
	}
}

func TestXXHash64(t *testing.T) {
	// Reference values of the XXH64 specification (seed 0).
	cases := []struct {
		in   string
		want uint64
	}{
		{"", 0xef46db3751d8e999},
		{"a", 0xd24ec4f1a98c6e5b},
		{"abc", 0x44bc2cf5ad770999},
		{"Nobody inspects the spammish repetition", 0xfbcea83c8a378bf1},
	}
	for _, c := range cases {
		if got := XXHash64([]byte(c.in), 0); got != c.want {
			t.Errorf("XXHash64(%q) = %x, want %x", c.in, got, c.want)
		}
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"https://user:pw@Example.com:8443/a/b.php?x=1&y=a%20b#frag", "http://[::1]:80/", "a://", "://x", "x://@:?#"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := ParseURL(s)
		if len(m) != 8 {
			t.Fatalf("ParseURL(%q) has %d keys", s, len(m))
		}
		if m["Scheme"] != "" && !strings.HasPrefix(s, m["Scheme"].(string)) && !strings.HasPrefix(strings.TrimSpace(s), m["Scheme"].(string)) {
			t.Fatalf("scheme %q not a prefix of %q", m["Scheme"], s)
		}
	})
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{`C:\temp\file.txt`, `\\srv\share\a.b.c`, "/usr/x", "file://C:/t/f.txt:ads", ":", "C:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := ParsePath(s)
		if fn := m["Filename"].(string); !strings.Contains(s, fn) {
			t.Fatalf("filename %q not in %q", fn, s)
		}
	})
}

func FuzzParseCommandLine(f *testing.F) {
	for _, s := range []string{`echo "hello world!"`, `a\\\"b "c d" e`, `"x y" "" z`, `cmd "say ""hi"""`, "\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := ParseCommandLine(s)
		n := 0
		for _, a := range args {
			n += len(a)
		}
		if n > len(s) {
			t.Fatalf("arguments of %q are longer (%d) than the input", s, n)
		}
		// Arguments without quotes, backslashes or whitespace round-trip.
		if !strings.ContainsAny(s, "\"\\") {
			sep := func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }
			if got, want := strings.Join(args, " "), strings.Join(strings.FieldsFunc(s, sep), " "); got != want {
				t.Fatalf("ParseCommandLine(%q) = %q, want fields %q", s, got, want)
			}
		}
	})
}

func FuzzParseCSVRecord(f *testing.F) {
	for _, s := range []string{`aa,"b,b",cc`, `"a""b",c`, "x\ny", `"`, ",,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fields := ParseCSVRecord(s)
		if len(fields) == 0 {
			t.Fatalf("no fields for %q", s)
		}
		if !strings.ContainsAny(s, "\"\r\n") {
			if got := strings.Join(fields, ","); got != s {
				t.Fatalf("unquoted record %q came back as %q", s, got)
			}
		}
	})
}

func FuzzParseXML(f *testing.F) {
	for _, s := range []string{`<root><a>1</a><b x="y">t</b><a>2</a></root>`, `<e/>`, `<a><b></a>`, `<?xml version="1.0"?><x/>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseXML(s)
		if ok {
			if m, isBag := d.(map[string]any); !isBag || len(m) != 1 {
				t.Fatalf("ParseXML(%q) = %v, want a one-key bag", s, d)
			}
		}
	})
}

func FuzzParseIPv4(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "10.0.0.1/8", "256.0.0.1", "1.2.3.4/33", "::1", "1.2.3.4.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ip, p, ok := ParseIPv4(s)
		if !ok {
			return
		}
		back, p2, ok2 := ParseIPv4(FormatIPv4(ip) + "/" + itoa(p))
		if !ok2 || back != ip || p2 != p {
			t.Fatalf("ParseIPv4(%q) = %x/%d does not round-trip", s, ip, p)
		}
		_ = IPv4IsPrivate(ip, p)
		if a, _, ok := ParseIPv6(s); ok && utf8.ValidString(s) && !strings.Contains(FormatIPv6Full(a), "ffff") {
			t.Fatalf("IPv4 %q not mapped in IPv6 form %s", s, FormatIPv6Full(a))
		}
	})
}

func itoa(i int) string { return types.FormatValue(types.LongValue(int64(i))) }

// FuzzConversions runs the string conversions (the datetime, timespan,
// number, bool, guid and JSON parsers) and checks they never panic and
// return their declared type.
func FuzzConversions(f *testing.F) {
	for _, s := range []string{"2015-12-31 23:59:59.9", "1/2/2006 3:04:05 PM", "1.02:03:04.5", "1d", "-1.5h", "3.14", "NaN",
		"TRUE", `{"a":[1,2.5,"x"]}`, "0123456789abcdef0123456789abcdef", "", "9999-12-31T23:59:59.9999999Z"} {
		f.Add(s)
	}
	conv := []struct {
		fn func(types.Value) types.Value
		t  types.Type
	}{{ToDateTime, types.DateTime}, {ToTimeSpan, types.TimeSpan}, {ToLong, types.Long}, {ToInt, types.Int},
		{ToReal, types.Real}, {ToBool, types.Bool}, {ToGUID, types.GUID}, {ToDynamic, types.Dynamic}}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range conv {
			if v := c.fn(strV(s)); v.T != c.t {
				t.Fatalf("conversion of %q gave type %s, want %s", s, v.T, c.t)
			}
		}
		if v := ToDateTime(strV(s)); !v.IsNull() && (v.I < types.MinTicks || v.I > types.MaxTicks) {
			t.Fatalf("todatetime(%q) = %d ticks, out of range", s, v.I)
		}
	})
}

func TestPunycode(t *testing.T) {
	cases := []struct{ plain, encoded string }{
		{"académie-française", "acadmie-franaise-npb1a"}, // punycode-from-string-function.md
		{"艺术", "cqv902d"},
		{"bücher", "bcher-kva"},
		{"abc", "abc-"},
		{"", ""},
	}
	for _, c := range cases {
		if got, ok := PunycodeEncode(c.plain); !ok || got != c.encoded {
			t.Errorf("PunycodeEncode(%q) = %q, %v; want %q", c.plain, got, ok, c.encoded)
		}
		if got, ok := PunycodeDecode(c.encoded); !ok || got != c.plain {
			t.Errorf("PunycodeDecode(%q) = %q, %v; want %q", c.encoded, got, ok, c.plain)
		}
	}
	for _, bad := range []string{"abc-!", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "ü-a"} {
		if got, ok := PunycodeDecode(bad); ok {
			t.Errorf("PunycodeDecode(%q) = %q, want failure", bad, got)
		}
	}
	if got := show(call(t, "punycode_domain_from_string", strV("xn--Ry-lja8c.xn--Jng-uta63a.xn--Bng-9ka.com"))); got != "Rúyì.Jīngū.Bàng.com" {
		t.Errorf("punycode_domain_from_string = %s", got)
	}
	if got := show(call(t, "punycode_domain_to_string", strV("Riðill｡Skáldskaparmál｡org"))); got != "xn--Riill-jta.xn--Skldskaparml-dbbj.org" {
		t.Errorf("punycode_domain_to_string = %s", got)
	}
}

// FuzzPunycode checks that decoding never panics and that whatever
// decodes re-encodes to a decodable form with the same text.
func FuzzPunycode(f *testing.F) {
	for _, s := range []string{"acadmie-franaise-npb1a", "cqv902d", "bcher-kva", "-", "a-", "99999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := PunycodeDecode(s)
		if !ok {
			return
		}
		e, ok := PunycodeEncode(d)
		if !ok {
			return
		}
		if d2, ok := PunycodeDecode(e); !ok || d2 != d {
			t.Fatalf("decode(%q) = %q; encode = %q; decode again = %q, %v", s, d, e, d2, ok)
		}
	})
}
