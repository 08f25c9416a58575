package intel

import (
	"strings"
	"testing"
	"time"
)

func TestRefang(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"brackets", "46[.]151[.]182[.]76", "46.151.182.76"},
		{"hxxp", "hxxp://evil[.]example/x", "http://evil.example/x"},
		{"hxxps upper", "HXXPS://evil[.]example", "https://evil.example"},
		{"paren dot", "evil(dot)example(.)com", "evil.example.com"},
		{"brace and DOT", "evil{.}example[DOT]com", "evil.example.com"},
		{"colon bracket", "hxxp[:]//1[.]2[.]3[.]4[:]8080", "http://1.2.3.4:8080"},
		{"scheme bracket", "hxxps[://]a[.]b", "https://a.b"},
		{"backslash dot", `evil\.example\.com`, "evil.example.com"},
		{"at", "user[at]example[.]com", "user@example.com"},
		{"slash", "hxxp://a[.]b[/]c", "http://a.b/c"},
		{"fxp", "fxp://files[.]example", "ftp://files.example"},
		{"trims", "  evil.example \t", "evil.example"},
		{"plain untouched", "https://example.com/a[b]", "https://example.com/a[b]"},
		{"hxxp in path kept", "http://a.b/hxxp://c", "http://a.b/hxxp://c"},
		{"not a scheme", "hxxpfoo.example", "hxxpfoo.example"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Refang(tc.in); got != tc.want {
				t.Errorf("Refang(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestDefang(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ip", "46.151.182.76", "46[.]151[.]182[.]76"},
		{"ip port", "46.151.182.76:8080", "46[.]151[.]182[.]76:8080"},
		{"url", "http://evil.example/a.php", "hxxp://evil[.]example/a[.]php"},
		{"https", "HTTPS://evil.example", "hxxps://evil[.]example"},
		{"ftp", "ftp://x.example", "fxp://x[.]example"},
		{"hash", "d41d8cd98f00b204e9800998ecf8427e", "d41d8cd98f00b204e9800998ecf8427e"},
		{"ipv6", "2001:db8::1", "2001:db8::1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Defang(tc.in)
			if got != tc.want {
				t.Errorf("Defang(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if strings.EqualFold(tc.in, tc.want) {
				return
			}
			in := Indicator{Value: tc.in}
			if Normalize(&in) == nil && Refang(got) != in.Value && !strings.HasPrefix(tc.in, "HTTPS") {
				t.Errorf("Refang(Defang(%q)) = %q, want %q", tc.in, Refang(got), in.Value)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name    string
		typ     Type
		in      string
		want    string
		wantTyp Type
		port    uint16
		reason  Reason
	}{
		{name: "ipv4", in: "46.151.182.76", want: "46.151.182.76", wantTyp: TypeIPv4},
		{name: "ipv4 defanged", in: "46[.]151[.]182[.]76", want: "46.151.182.76", wantTyp: TypeIPv4},
		{name: "ipv6 compressed", in: "2001:0db8:0000:0000:0000:0000:0000:0001", want: "2001:db8::1", wantTyp: TypeIPv6},
		{name: "ipv4-mapped is v4", typ: TypeIPv6, in: "::ffff:1.2.3.4", want: "1.2.3.4", wantTyp: TypeIPv4},
		{name: "ip:port", in: "138.9.254.121:8015", want: "138.9.254.121:8015", wantTyp: TypeIPPort, port: 8015},
		{name: "ip:port v6", typ: TypeIPPort, in: "[2001:DB8::1]:443", want: "[2001:db8::1]:443", wantTyp: TypeIPPort, port: 443},
		{name: "ip:port defanged", in: "193[.]29[.]13[.]23:5758", want: "193.29.13.23:5758", wantTyp: TypeIPPort, port: 5758},
		{name: "port zero", typ: TypeIPPort, in: "1.2.3.4:0", reason: ReasonBadPort},
		{name: "port too big", in: "1.2.3.4:70000", reason: ReasonBadPort},
		{name: "port not number", typ: TypeIPPort, in: "1.2.3.4:http", reason: ReasonBadPort},
		{name: "v6 port no brackets", typ: TypeIPPort, in: "2001:db8::1:80", reason: ReasonNotIP},
		{name: "not an ip", typ: TypeIPv4, in: "1.2.3.256", reason: ReasonNotIP},
		{name: "ip zone", typ: TypeIPv6, in: "fe80::1%eth0", reason: ReasonNotIP},
		{name: "domain lower trailing dot", in: "Sls.In.Net.", want: "sls.in.net", wantTyp: TypeDomain},
		{name: "domain underscore", typ: TypeDomain, in: "_dmarc.example.com", want: "_dmarc.example.com", wantTyp: TypeDomain},
		{name: "domain idn", typ: TypeDomain, in: "bücher.example", want: "xn--bcher-kva.example", wantTyp: TypeDomain},
		{name: "domain no dot", typ: TypeDomain, in: "localhost", reason: ReasonBadDomain},
		{name: "domain bad char", typ: TypeDomain, in: "ev!l.example", reason: ReasonBadDomain},
		{name: "domain numeric tld", typ: TypeDomain, in: "1.2.3.999", reason: ReasonBadDomain},
		{name: "domain hyphen start", typ: TypeDomain, in: "-bad.example", reason: ReasonBadDomain},
		{name: "domain empty label", typ: TypeDomain, in: "a..example", reason: ReasonBadDomain},
		{name: "domain too long label", typ: TypeDomain, in: strings.Repeat("a", 64) + ".com", reason: ReasonBadDomain},
		{name: "url", in: "HTTP://Evil.Example:8080/Path?Q=1", want: "http://evil.example:8080/Path?Q=1", wantTyp: TypeURL},
		{name: "url defanged", in: "hxxps://sup[.]merahsm188[.]top/", want: "https://sup.merahsm188.top/", wantTyp: TypeURL},
		{name: "url ip host", typ: TypeURL, in: "http://117.209.87.242:60905/bin.sh", want: "http://117.209.87.242:60905/bin.sh", wantTyp: TypeURL},
		{name: "url v6 host", typ: TypeURL, in: "http://[2001:DB8::1]/x", want: "http://[2001:db8::1]/x", wantTyp: TypeURL},
		{name: "url userinfo", typ: TypeURL, in: "http://u:p@Host.Example/", want: "http://u:p@host.example/", wantTyp: TypeURL},
		{name: "url no scheme", typ: TypeURL, in: "evil.example/x", reason: ReasonBadURL},
		{name: "url space", typ: TypeURL, in: "http://evil.example/a b", reason: ReasonBadURL},
		{name: "url bad host", typ: TypeURL, in: "http://ev!l/", reason: ReasonBadURL},
		{name: "url bad port", typ: TypeURL, in: "http://evil.example:99999/", reason: ReasonBadPort},
		{name: "md5", in: "D41D8CD98F00B204E9800998ECF8427E", want: "d41d8cd98f00b204e9800998ecf8427e", wantTyp: TypeMD5},
		{name: "sha1", in: "da39a3ee5e6b4b0d3255bfef95601890afd80709", want: "da39a3ee5e6b4b0d3255bfef95601890afd80709", wantTyp: TypeSHA1},
		{name: "sha256", typ: TypeSHA256, in: strings.Repeat("ab", 32), want: strings.Repeat("ab", 32), wantTyp: TypeSHA256},
		{name: "md5 wrong length", typ: TypeMD5, in: "abc", reason: ReasonBadHash},
		{name: "sha1 not hex", typ: TypeSHA1, in: strings.Repeat("g", 40), reason: ReasonBadHash},
		{name: "empty", in: "  ", reason: ReasonEmpty},
		{name: "garbage", in: "not an ioc!", reason: ReasonUnknownType},
		{name: "unknown type", typ: "email", in: "a@b.c", reason: ReasonUnknownType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := Indicator{Type: tc.typ, Value: tc.in}
			err := Normalize(&in)
			if tc.reason != "" {
				if got := ReasonOf(err); got != tc.reason {
					t.Fatalf("Normalize(%q) reason = %q (err %v), want %q", tc.in, got, err, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("Normalize(%q): %v", tc.in, err)
			}
			if in.Value != tc.want || in.Type != tc.wantTyp || in.Port != tc.port {
				t.Errorf("Normalize(%q) = %s %q port %d, want %s %q port %d", tc.in, in.Type, in.Value, in.Port, tc.wantTyp, tc.want, tc.port)
			}
			if Refang(in.Defanged()) != in.Value {
				t.Errorf("Refang(Defang(%q)) = %q", in.Value, Refang(in.Defanged()))
			}
		})
	}
}

func TestRejectsCount(t *testing.T) {
	r := Rejects{}
	for _, v := range []string{"1.2.3.4:0", "1.2.3.4:99999", "x..y", "hello"} {
		in := Indicator{Value: v}
		if err := Normalize(&in); err != nil {
			r.Add(err)
		}
	}
	if got, want := r.String(), "port out of range=2, unknown indicator type=2"; got != want {
		t.Errorf("Rejects = %q, want %q", got, want)
	}
	if r.Total() != 4 {
		t.Errorf("Total = %d", r.Total())
	}
}

func TestHost(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://u@Evil.Example:81/x", "evil.example"},
		{"http://[2001:db8::1]:80/", "2001:db8::1"},
		{"1.2.3.4:80", "1.2.3.4"},
		{"evil.example", "evil.example"},
		{strings.Repeat("a", 32), ""},
	}
	for _, tc := range tests {
		in := Indicator{Value: tc.in}
		if err := Normalize(&in); err != nil {
			t.Fatal(err)
		}
		if got := in.Host(); got != tc.want {
			t.Errorf("Host(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDedupeMerge(t *testing.T) {
	d1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d2 := d1.Add(48 * time.Hour)
	ins := []Indicator{
		{Type: TypeIPv4, Value: "1.2.3.4", Source: "zeek", FirstSeen: d2, LastSeen: d2, Tags: []string{"a"}, Confidence: 50},
		{Type: TypeIPv4, Value: "5.6.7.8", Source: "zeek"},
		{Type: TypeIPv4, Value: "1.2.3.4", Source: "zeek", FirstSeen: d1, LastSeen: d1, Tags: []string{"b", "A"}, Confidence: 75,
			Malware: Malware{Name: "Remcos"}},
		{Type: TypeIPv4, Value: "1.2.3.4", Source: "zeek", SourceID: "other"},
	}
	out, dups := Dedupe(ins)
	if dups != 1 || len(out) != 3 {
		t.Fatalf("Dedupe: %d dups, %d out", dups, len(out))
	}
	m := out[0]
	if !m.FirstSeen.Equal(d1) || !m.LastSeen.Equal(d2) || m.Confidence != 75 || m.Malware.Name != "Remcos" ||
		strings.Join(m.Tags, ",") != "a,b" {
		t.Errorf("merged = %+v", m)
	}
}

func TestParseType(t *testing.T) {
	for in, want := range map[string]Type{"ip:port": TypeIPPort, "md5_hash": TypeMD5, "sha256_hash": TypeSHA256,
		"hostname": TypeDomain, "ip-dst|port": TypeIPPort, "ipv4": TypeIPv4} {
		if got, ok := ParseType(in); !ok || got != want {
			t.Errorf("ParseType(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := ParseType("email"); ok {
		t.Error("ParseType(email) accepted")
	}
}

func FuzzRefangDefang(f *testing.F) {
	for _, s := range []string{"46[.]151[.]182[.]76", "hxxp://evil[.]example/x", "evil(dot)example", "[2001:db8::1]:443",
		"HTTP://A.B:8080/p?q", "x[:]//y", `a\.b`, "fxp://a.b", "1.2.3.4:70000", "bücher.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Refang(s)
		_ = Defang(s)
		in := Indicator{Value: s}
		if err := Normalize(&in); err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("Normalize(%q) error without reason: %v", s, err)
			}
			return
		}
		if got := Refang(in.Defanged()); got != in.Value {
			t.Fatalf("Refang(Defang(%q)) = %q", in.Value, got)
		}
		again := Indicator{Type: in.Type, Value: in.Value}
		if err := Normalize(&again); err != nil || again.Value != in.Value {
			t.Fatalf("Normalize not idempotent on %q (from %q): %q %v", in.Value, s, again.Value, err)
		}
		if in.Type.IsNetwork() && strings.Contains(in.Defanged(), "http://") {
			t.Fatalf("Defang left a live scheme: %q", in.Defanged())
		}
		_ = r
	})
}
