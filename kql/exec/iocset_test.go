package exec

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"net/netip"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

func TestParseIPv4(t *testing.T) {
	tests := []struct {
		in   string
		want uint32
		ok   bool
	}{
		{"1.2.3.4", 0x01020304, true},
		{"0.0.0.0", 0, true},
		{"255.255.255.255", 0xffffffff, true},
		{"10.0.0.10", 0x0a00000a, true},
		{"256.1.1.1", 0, false},
		{"01.2.3.4", 0, false},  // leading zero: not canonical
		{"1.2.3.04", 0, false},  // leading zero at the end
		{"1.2.3", 0, false},     // three parts
		{"1.2.3.4.5", 0, false}, // five parts
		{"1.2.3.4 ", 0, false},
		{" 1.2.3.4", 0, false},
		{"1..3.4", 0, false},
		{"1.2.3.", 0, false},
		{"1.2.3.1000", 0, false},
		{"a.b.c.d", 0, false},
		{"::1", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseIPv4(tc.in)
			if ok != tc.ok || ok && got != tc.want {
				t.Errorf("parseIPv4(%q) = %#x, %v; want %#x, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestIOCSetMatchesStringSet checks the set against plain string
// equality (with ASCII folding for in~), for small sets and for sets
// large enough to use the /24 bitmap.
func TestIOCSetMatchesStringSet(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	ip := func() string {
		return fmt.Sprintf("%d.%d.%d.%d", rng.Intn(4)*60, rng.Intn(3), rng.Intn(256), rng.Intn(256))
	}
	for _, n := range []int{10, ipv4NetsFrom + 10} {
		for _, fold := range []bool{false, true} {
			t.Run(fmt.Sprintf("n=%d fold=%v", n, fold), func(t *testing.T) {
				var elems []string
				want := map[string]bool{}
				for i := 0; i < n; i++ {
					e := ip()
					switch i % 7 {
					case 3:
						e = "Evil.Example"
					case 4:
						e = "0" + e // not canonical: a plain string
					case 5:
						e = "0.0.0.0"
					}
					elems = append(elems, e)
					if fold {
						e = lowerASCII(e)
					}
					want[e] = true
				}
				set := newIOCSet(elems, fold)
				probes := append([]string{"", "0.0.0.0", "evil.example", "EVIL.EXAMPLE", "Evil.Example", "1.2.3", "00.0.0.0"}, elems[:10]...)
				for i := 0; i < 20000; i++ {
					probes = append(probes, ip(), "0"+ip())
				}
				for _, p := range probes {
					k := p
					if fold {
						k = lowerASCII(p)
					}
					if got := set.has(p); got != want[k] {
						t.Fatalf("has(%q) = %v, want %v", p, got, want[k])
					}
				}
			})
		}
	}
}

// TestIOCSetQueries runs in/!in/in~/!in~/has_any over let-bound lists
// with the cached sets and with the general code: same rows.
func TestIOCSetQueries(t *testing.T) {
	cat := testCatalog(t)
	list := `dynamic(["138.9.254.121", "46.151.182.76", "193.29.13.23", "10.0.0.6", "SLS.in.net", "1.2.3.5", "010.0.0.7"])`
	queries := []string{
		"let iocs = " + list + "; CommonSecurityLog | where DestinationIP in (iocs) or SourceIP in (iocs)",
		"let iocs = " + list + "; CommonSecurityLog | where DestinationIP !in (iocs)",
		"let iocs = " + list + "; DnsEvents | where Name in~ (iocs) or IPAddresses in (iocs)",
		"let iocs = " + list + "; DnsEvents | where Name !in~ (iocs)",
		"let iocs = " + list + "; DnsEvents | where Name has_any (iocs)",
		"let iocs = " + list + "; DnsEvents | extend hit = Name has_any (iocs), ip = IPAddresses in (iocs)",
		`CommonSecurityLog | where SourceIP in ("10.0.0.5", "10.0.0.8")`,
		`CommonSecurityLog | where DestinationPort in (dynamic([53, 8080]))`,
		`let e = dynamic([]); CommonSecurityLog | where SourceIP in (e) | count`,
		`let e = dynamic(["", "x"]); DnsEvents | where IPAddresses in (e)`,
	}
	for _, q := range queries {
		t.Run(q[max(0, len(q)-60):], func(t *testing.T) {
			res, err := runQ(t, cat, q)
			if err != nil {
				t.Fatal(err)
			}
			iocSetsDisabled = true
			want, err := runQ(t, cat, q)
			iocSetsDisabled = false
			if err != nil {
				t.Fatal(err)
			}
			if g, w := render(res.Tables[0].Batch), render(want.Tables[0].Batch); g != w {
				t.Errorf("cached sets:\n%s\ngeneral code:\n%s", g, w)
			}
		})
	}
}

// TestIOCSetBuiltOnce checks that the two uses of a let-bound list and
// the raw pre-filter share one set.
func TestIOCSetBuiltOnce(t *testing.T) {
	var elems []string
	for i := 0; i < 1000; i++ {
		elems = append(elems, fmt.Sprintf("\"10.1.%d.%d\"", i/256, i%256))
	}
	src := "let iocs = dynamic([" + strings.Join(elems, ",") + "]); CommonSecurityLog | where DestinationIP in (iocs) or SourceIP in (iocs)"
	q, diags := syntax.Parse("q.kql", src)
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	p := newPlanner(t.Context(), q, Options{Catalog: testCatalog(t), Now: testNow})
	var res Result
	if err := p.runQuery(&res); err != nil {
		t.Fatal(err)
	}
	if len(p.iocSets) != 1 {
		t.Errorf("%d sets built, want 1 shared by both in and the pre-filter", len(p.iocSets))
	}
}

// BenchmarkIOCSet probes log-like addresses against 10 and 1,000,000
// IOC addresses: the cost per probe should not depend on the set size
// much.
func BenchmarkIOCSet(b *testing.B) {
	rng := rand.New(rand.NewSource(3))
	var probes []string
	for i := 0; i < 4096; i++ {
		probes = append(probes, fmt.Sprintf("%d.%d.%d.%d", 1+rng.Intn(223), rng.Intn(256), rng.Intn(256), rng.Intn(256)))
	}
	for _, n := range []int{10, 1000000} {
		var elems []string
		for i := 0; i < n; i++ {
			u := uint32(i) * 2654435761
			elems = append(elems, fmt.Sprintf("%d.%d.%d.%d", 240+u>>28, u>>20&255, u>>12&255, u>>4&255))
		}
		set := newIOCSet(elems, false)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			hits := 0
			for b.Loop() {
				for _, p := range probes {
					if set.has(p) {
						hits++
					}
				}
			}
			_ = hits
		})
	}
}

var _ = types.String

// FuzzParseIPv4 checks parseIPv4 against net/netip: it accepts exactly
// the canonical dotted quads.
func FuzzParseIPv4(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "0.0.0.0", "255.255.255.255", "01.2.3.4", "1.2.3.256", "1.2.3", "::ffff:1.2.3.4", "1.2.3.4.", "9.99.199.255"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseIPv4(s)
		a, err := netip.ParseAddr(s)
		want := err == nil && a.Is4() && a.String() == s
		if ok != want {
			t.Fatalf("parseIPv4(%q) ok = %v, netip says %v", s, ok, want)
		}
		if ok && got != binary.BigEndian.Uint32(a.AsSlice()) {
			t.Fatalf("parseIPv4(%q) = %#x, netip %v", s, got, a)
		}
	})
}
