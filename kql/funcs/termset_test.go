package funcs

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// tsDNSCorpus makes IOC domains and DNS query names shaped like the bench
// generator's (random syllable words under common TLDs, popular real
// domains with service prefixes), deterministically. hits of the names
// are IOC domains or subdomains of one.
func tsDNSCorpus(iocs, names, hits int) (needles, haystack []string) {
	r := rand.New(rand.NewPCG(42, 9))
	syl := strings.Fields("ka lo mi ne tra vo zen qu ix sta pro net bit sec up dat ver cor lin max ro fa ge hu ja wi yo xe pi do")
	word := func(lo, hi int) string {
		n := lo + r.IntN(hi-lo+1)
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		if r.IntN(5) == 0 {
			b.WriteString(strconv.Itoa(r.IntN(100)))
		}
		return b.String()
	}
	tlds := strings.Fields("top xyz ru info online site biz com net cc pw su click shop")
	prefixes := strings.Fields("www api cdn login mail static update telemetry portal assets img auth ws edge m files download sync v10.events settings-win.data")
	popular := strings.Fields("microsoft.com windowsupdate.com office.com live.com google.com gstatic.com youtube.com amazonaws.com cloudfront.net akamaiedge.net apple.com github.com slack.com zoom.us okta.com azure.com doubleclick.net facebook.com linkedin.com dropbox.com mozilla.org")
	for len(needles) < iocs {
		d := word(6, 14) + "." + tlds[r.IntN(len(tlds))]
		if r.IntN(6) == 0 {
			d = prefixes[r.IntN(8)] + "-" + word(3, 6) + "." + d
		}
		needles = append(needles, d)
	}
	for len(haystack) < names {
		var d string
		switch {
		case len(haystack) < hits:
			d = needles[r.IntN(len(needles))]
		case r.IntN(100) < 45:
			d = popular[r.IntN(len(popular))]
		default:
			d = word(4, 12) + "." + []string{"com", "net", "org", "io", "co.uk", "cloud"}[r.IntN(6)]
		}
		if r.IntN(3) != 0 {
			d = prefixes[r.IntN(len(prefixes))] + "." + d
		}
		haystack = append(haystack, d)
	}
	return needles, haystack
}

// BenchmarkTermSetDNS matches 1,000 DNS query names (none a hit) against
// 10,000 IOC domains: the DNS hunt's inner loop. ns/op is per name.
func BenchmarkTermSetDNS(b *testing.B) {
	needles, names := tsDNSCorpus(10000, 1000, 0)
	ts := NewTermSet(needles, false)
	hits := 0
	for _, s := range names {
		if ts.Match(s) {
			hits++
		}
	}
	if hits > 20 { // random background names rarely contain an IOC
		b.Fatalf("%d of %d background names match", hits, len(names))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ts.Match(names[i%len(names)])
	}
}

// TestTermSetRandom compares TermSet with the one-needle-at-a-time
// reference on random needle sets and haystacks over a small alphabet
// (letters of both cases, digits, delimiters, a non-ASCII letter and a
// non-ASCII delimiter), so that matches, near misses, term boundaries
// and repeated starts are frequent. Long needles of short terms make the
// ring of starts overflow (matchSlow).
func TestTermSetRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "A", "B", "1", ".", "-", " ", "é", "É", "€", "_"}
	str := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	for iter := 0; iter < 3000; iter++ {
		var needles []string
		for range 1 + r.IntN(8) {
			switch r.IntN(6) {
			case 0:
				needles = append(needles, strings.Repeat("a.", 20+r.IntN(30))+str(r.IntN(3)))
			default:
				needles = append(needles, str(1+r.IntN(6)))
			}
		}
		for _, cs := range []bool{false, true} {
			ts := NewTermSet(needles, cs)
			for range 20 {
				var s string
				switch r.IntN(4) {
				case 0:
					s = str(r.IntN(40))
				case 1: // a needle in random context
					s = str(r.IntN(5)) + needles[r.IntN(len(needles))] + str(r.IntN(5))
				case 2: // many short terms, then maybe a needle
					s = strings.Repeat("a.", r.IntN(80)) + str(r.IntN(4)) + needles[r.IntN(len(needles))][:1]
				default:
					s = asciiUpper(str(r.IntN(3)) + needles[r.IntN(len(needles))])
				}
				if got, want := ts.Match(s), naiveHasAny(s, needles, cs); got != want {
					t.Fatalf("TermSet(%q, cs=%v).Match(%q) = %v, reference %v", needles, cs, s, got, want)
				}
			}
		}
	}
}

// TestTermSetOverflow checks the paths for strings with more saved
// starts within the longest needle than the ring holds, and for starts
// left behind by more than the longest needle.
func TestTermSetOverflow(t *testing.T) {
	long := strings.Repeat("a.", 40) + "b"
	ts := NewTermSet([]string{long, "zz.q"}, false)
	cases := []struct {
		s    string
		want bool
	}{
		{strings.Repeat("a.", 60) + "b", true},
		{strings.Repeat("a.", 60) + "B x", true},
		{strings.Repeat("a.", 60) + "c", false},
		{strings.Repeat("a.", 60) + "bc", false},
		{strings.Repeat("a.", 39) + "b", false},
		{strings.Repeat("zz.", 50) + "q", true},
		{strings.Repeat("zz.", 50) + "qq", false},
		{"zz." + strings.Repeat("x", 200) + ".q", false},
		{"zz." + strings.Repeat("x", 200) + " zz.q", true},
	}
	for _, c := range cases {
		if got := ts.Match(c.s); got != c.want {
			t.Errorf("Match(%q) = %v, want %v", c.s, got, c.want)
		}
		if got := naiveHasAny(c.s, []string{long, "zz.q"}, false); got != c.want {
			t.Errorf("reference(%q) = %v, want %v (bad case)", c.s, got, c.want)
		}
	}
}

// TestTermSetDNSCorpus checks the DNS benchmark's corpus (with planted
// hits) against the reference, so the benchmark measures a correct
// matcher.
func TestTermSetDNSCorpus(t *testing.T) {
	needles, names := tsDNSCorpus(2000, 3000, 300)
	ts := NewTermSet(needles, false)
	hits := 0
	for _, s := range names {
		got := ts.Match(s)
		if want := naiveHasAny(s, needles, false); got != want {
			t.Fatalf("Match(%q) = %v, reference %v", s, got, want)
		}
		if got {
			hits++
		}
	}
	if hits < 300 {
		t.Errorf("%d hits, want at least the 300 planted", hits)
	}
}

// TestTermSetRealIOCs matches real feed data against the reference: the
// domain and ip:port IOCs of a ThreatFox export as needles (mixed case
// for half of them), and the export's URL IOCs plus URLhaus dump lines as
// haystacks (/work/shared/data/intel).
func TestTermSetRealIOCs(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "data", "intel")
	raw, err := os.ReadFile(filepath.Join(dir, "threatfox_export_recent_2026-07-24.json"))
	if err != nil {
		t.Skipf("ThreatFox export not found: %v", err)
	}
	var export map[string][]struct {
		Value string `json:"ioc_value"`
		Type  string `json:"ioc_type"`
	}
	if err := json.Unmarshal(raw, &export); err != nil {
		t.Fatal(err)
	}
	var needles, haystacks []string
	for _, iocs := range export {
		for _, ioc := range iocs {
			switch ioc.Type {
			case "domain", "ip:port":
				if len(needles)%2 == 0 {
					needles = append(needles, ioc.Value)
				} else {
					needles = append(needles, asciiUpper(ioc.Value))
				}
			case "url":
				haystacks = append(haystacks, ioc.Value)
			}
		}
	}
	sort.Strings(needles) // map order: keep runs comparable
	dump, err := os.ReadFile(filepath.Join(dir, "urlhaus_csv_online_2025-04-21_nobanner.csv"))
	if err != nil {
		t.Skipf("URLhaus dump not found: %v", err)
	}
	lines := strings.Split(string(dump), "\n")
	haystacks = append(haystacks, lines[:min(len(lines), 1500)]...)
	// Planted: every 50th needle inside a URL.
	for i := 0; i < len(needles); i += 50 {
		haystacks = append(haystacks, "https://cdn."+needles[i]+"/gate.php?id="+strconv.Itoa(i))
	}
	ts := NewTermSet(needles, false)
	hits := 0
	for _, s := range haystacks {
		got := ts.Match(s)
		if want := naiveHasAny(s, needles, false); got != want {
			t.Fatalf("Match(%q) = %v, reference %v", s, got, want)
		}
		if got {
			hits++
		}
	}
	t.Logf("%d needles, %d haystacks, %d hits", len(needles), len(haystacks), hits)
	if hits < len(needles)/50 {
		t.Errorf("%d hits, want at least the %d planted", hits, len(needles)/50)
	}
}
