package warnlist

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/huntpack/huntpack/intel"
)

var (
	setOnce sync.Once
	set     *Set
	setErr  error
)

func embeddedSet(t testing.TB) *Set {
	t.Helper()
	setOnce.Do(func() { set, setErr = LoadEmbedded() })
	if setErr != nil {
		t.Fatal(setErr)
	}
	return set
}

// summary renders findings as "list:action" joined by spaces.
func summary(fs []Finding) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, f.List+":"+f.Action)
	}
	return strings.Join(parts, " ")
}

func TestExplain(t *testing.T) {
	s := embeddedSet(t)
	tests := []struct {
		name, value string
		typ         intel.Type
		want        string
		reason      string // substring of the first finding's reason
	}{
		{name: "rfc1918", value: "10.1.2.3", want: "rfc1918:exclude rfc5735:exclude", reason: "in 10.0.0.0/8"},
		{name: "rfc1918 ip:port split", value: "192.168.1.10:4444", want: "rfc1918:exclude rfc5735:exclude"},
		{name: "loopback", value: "127.0.0.1", want: "rfc5735:exclude"},
		{name: "cgnat", value: "100.110.56.1:8000", want: "rfc6598:exclude"},
		{name: "multicast", value: "224.0.0.251", want: "multicast:exclude rfc5735:exclude"},
		{name: "documentation v6", value: "2001:db8::1", want: "rfc3849:exclude"},
		{name: "link-local v6", value: "fe80::1", want: "ipv6-linklocal:exclude"},
		{name: "sinkhole in gcp", value: "104.155.11.149", want: "google-gcp:lower-confidence sinkholes:exclude", reason: "in 104.155.0.0/17"},
		{name: "public dns", value: "8.8.8.8", want: "public-dns-v4:exclude"},
		{name: "public dns with port", value: "8.8.8.8:53", want: "public-dns-v4:exclude"},
		{name: "umbrella block page", value: "146.112.61.104", want: "sinkholes:exclude umbrella-blockpage-v4:exclude umbrella-blockpage-v6:exclude"},
		{name: "aws kept lower confidence", value: "1.178.1.10:443", want: "amazon-aws:lower-confidence"},
		{name: "cloudflare", value: "103.21.244.1", want: "cloudflare:lower-confidence"},
		{name: "parking ip", value: "103.224.182.5", want: "parking-domain:lower-confidence"},
		{name: "threatfox ip clean", value: "46.151.182.76:8080", want: ""},
		{name: "requested ip 2", value: "138.9.254.121:8015", want: ""},
		{name: "requested ip 3", value: "193.29.13.23:5758", want: ""},
		{name: "top site exact", value: "google.com", want: "cisco_top1000:exclude cloudflare-top10k:exclude google:exclude tranco10k:exclude"},
		{name: "top site www", value: "www.google.com", want: "captive-portals:exclude cisco_top1000:exclude google:exclude tranco10k:exclude"},
		{name: "top site subdomain flagged", value: "lcowpowerlite.italynorth.cloudapp.azure.com", want: "tranco10k:flag", reason: "subdomain of a top site is kept"},
		{name: "in.net public suffix", value: "sls.in.net", want: "tranco10k:ignored", reason: "lists in.net, a public suffix"},
		{name: "pages.dev", value: "quantum-auth.pages.dev", want: "tranco10k:ignored"},
		{name: "duckdns dyn flagged", value: "remcos.duckdns.org", want: "dynamic-dns:flag tranco10k:ignored"},
		{name: "public suffix itself", value: "in.net", want: "cloudflare-top10k:exclude second-level-tlds:exclude tranco10k:ignored", reason: "listed"},
		{name: "crl host", value: "c.pki.goog", want: "cisco_top1000:exclude crl-hostname:exclude tranco10k:flag"},
		{name: "url shortener domain", value: "1url.com", want: "url-shortener:exclude"},
		{name: "special-use name", typ: intel.TypeDomain, value: "10.in-addr.arpa", want: "rfc6761:exclude"},
		{name: "analysis service substring", value: "app.any.run", want: "automated-malware-analysis:exclude security-provider-blogpost:exclude"},
		{name: "url on top site flagged", value: "https://github.com/evil/payload.exe", want: "cloudflare-top10k:flag security-provider-blogpost:flag tranco10k:flag"},
		{name: "url on private ip", value: "http://192.168.0.5:8080/x", want: "rfc1918:exclude rfc5735:exclude", reason: "URL host 192.168.0.5"},
		{name: "url on aws ip", value: "http://1.178.1.10/bin.sh", want: "amazon-aws:lower-confidence"},
		{name: "url clean", value: "http://x4z9arb.cn/4712/", want: ""},
		{name: "empty file md5", value: "d41d8cd98f00b204e9800998ecf8427e", want: "common-ioc-false-positive:exclude empty-hashes:exclude ti-falsepositives:exclude"},
		{name: "common hash", value: "01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b", want: "common-ioc-false-positive:exclude ti-falsepositives:exclude"},
		{name: "ipv6 loopback builtin", value: "::1", want: "special-use:exclude", reason: "special-purpose address"},
		{name: "ipv6 ula builtin", value: "[fc00::1]:443", want: "special-use:exclude"},
		{name: "ipv6 multicast builtin", value: "ff02::1", want: "special-use:exclude"},
		{name: "url on loopback v6", value: "http://[::1]:8080/x", want: "special-use:exclude"},
		{name: "reserved tld", value: "evil.example", want: "special-use:exclude", reason: "reserved name .example"},
		{name: "reserved localhost", value: "a.localhost", want: "special-use:exclude"},
		{name: "home.arpa", value: "nas.home.arpa", want: "special-use:exclude"},
		{name: "url reserved tld", value: "http://evil.test/x", want: "special-use:exclude"},
		{name: "onion kept", value: "abcdefghijklmnop.onion", want: ""},
		{name: "ti false positive", value: "00014cb6ebc0e2fb3f83dec061fc8ac1", want: "ti-falsepositives:exclude"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := intel.Indicator{Type: tc.typ, Value: tc.value}
			if err := intel.Normalize(&in); err != nil {
				t.Fatal(err)
			}
			fs := s.Explain(&in)
			if got := summary(fs); got != tc.want {
				t.Errorf("Explain(%s) = %q, want %q\n%+v", tc.value, got, tc.want, fs)
			}
			if tc.reason != "" && (len(fs) == 0 || !strings.Contains(fs[0].Reason, tc.reason)) {
				t.Errorf("reason = %+v, want containing %q", fs, tc.reason)
			}
		})
	}
}

func TestApply(t *testing.T) {
	s := embeddedSet(t)
	tests := []struct {
		value    string
		conf     int
		excluded bool
		wantConf int
		flags    string
	}{
		{"1.178.1.10:443", 80, false, 55, "cloud:amazon-aws"},
		{"1.178.1.10:443", 20, false, 10, "cloud:amazon-aws"},
		{"1.178.1.10:443", 0, false, 0, "cloud:amazon-aws"},
		{"remcos.duckdns.org", 100, false, 100, "dynamic-dns"},
		{"8.8.8.8", 100, true, 100, ""},
		{"46.151.182.76:8080", 100, false, 100, ""},
	}
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			in := intel.Indicator{Value: tc.value, Confidence: tc.conf}
			if err := intel.Normalize(&in); err != nil {
				t.Fatal(err)
			}
			excl := s.Apply(&in)
			if excl != tc.excluded || in.Confidence != tc.wantConf || strings.Join(in.Flags, ",") != tc.flags {
				t.Errorf("Apply = %v conf %d flags %v, want %v %d %q", excl, in.Confidence, in.Flags, tc.excluded, tc.wantConf, tc.flags)
			}
			if _, ok := in.Excluded(); ok != tc.excluded {
				t.Errorf("Excluded() = %v", ok)
			}
		})
	}
}

// sharedLists finds the shared warninglists directory.
func sharedLists(t *testing.T) string {
	d := os.Getenv("HUNTPACK_SHARED")
	if d == "" {
		d, _ = filepath.Abs("../../../shared")
	}
	d = filepath.Join(d, "data", "warninglists")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("shared warninglists not found at %s (set HUNTPACK_SHARED)", d)
	}
	return d
}

// TestEmbeddedMatchesShared checks every embedded list is a verbatim
// (gzipped) copy of the shared snapshot and that LoadDir agrees.
func TestEmbeddedMatchesShared(t *testing.T) {
	dir := sharedLists(t)
	s := embeddedSet(t)
	fromDir, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(fromDir.Lists) != len(s.Lists) {
		t.Fatalf("LoadDir: %d lists, embedded %d", len(fromDir.Lists), len(s.Lists))
	}
	for i, l := range s.Lists {
		d := fromDir.Lists[i]
		if l.Name != d.Name || l.Len() != d.Len() || l.Version != d.Version {
			t.Errorf("list %s: embedded %d entries v%d, dir %s %d v%d", l.Name, l.Len(), l.Version, d.Name, d.Len(), d.Version)
		}
		gz, err := embedded.ReadFile("lists/" + l.Name + ".json.gz")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := gunzip(gz)
		want, _ := os.ReadFile(filepath.Join(dir, l.Name, "list.json"))
		if !bytes.Equal(got, want) {
			t.Errorf("embedded %s is not a verbatim copy", l.Name)
		}
		if _, ok := Policies[l.Name]; !ok {
			t.Errorf("list %s has no policy", l.Name)
		}
	}
}

func TestLoadDirErrors(t *testing.T) {
	if _, err := LoadDir(t.TempDir()); err == nil {
		t.Error("empty dir accepted")
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "bad"), 0o755)
	os.WriteFile(filepath.Join(dir, "bad", "list.json"), []byte(`{"name": "x", "type": "cidr", "list": [`), 0o644)
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "bad/list.json") {
		t.Errorf("err = %v", err)
	}
	os.WriteFile(filepath.Join(dir, "bad", "list.json"), []byte(`{"name": "x", "type": "glob", "list": []}`), 0o644)
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "unknown list type") {
		t.Errorf("err = %v", err)
	}
}

func TestCustomListTypes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		os.MkdirAll(filepath.Join(dir, name), 0o755)
		os.WriteFile(filepath.Join(dir, name, "list.json"), []byte(body), 0o644)
	}
	write("my-regex", `{"name": "Regex list", "version": 1, "description": "d", "type": "regex", "list": ["^cdn[0-9]+\\.example\\.org$", "("]}`)
	write("rfc1918", `{"name": "Private", "version": 1, "description": "d", "type": "cidr", "list": ["10.0.0.0/8", "not-a-cidr", "::ffff:192.168.0.0/112"]}`)
	s, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for value, want := range map[string]string{
		"cdn12.example.org": "my-regex:flag",
		"10.9.9.9":          "rfc1918:exclude",
		"192.168.0.7":       "rfc1918:exclude",
		"cdn.example.org":   "",
		"cdn1.example.test": "special-use:exclude",
	} {
		in := intel.Indicator{Value: value}
		if err := intel.Normalize(&in); err != nil {
			t.Fatal(err)
		}
		if got := summary(s.Explain(&in)); got != want {
			t.Errorf("%s: %q, want %q", value, got, want)
		}
	}
}
