package exec

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// TestIOCSetSieve checks sets of addresses only (all of them have a sieve
// in front) against plain string equality, for a small set, the net hunt's
// 10,000 and a set that also uses the /24 bitmap, with probes that hit,
// miss, are near misses (one digit off, a leading zero, a suffix) or are
// not addresses at all.
func TestIOCSetSieve(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	ip := func() string {
		return fmt.Sprintf("%d.%d.%d.%d", rng.Intn(3)*100, rng.Intn(12), rng.Intn(256), rng.Intn(256))
	}
	for _, n := range []int{1, 10, 10000, ipv4NetsFrom + 10} {
		for _, fold := range []bool{false, true} {
			t.Run(fmt.Sprintf("n=%d fold=%v", n, fold), func(t *testing.T) {
				want := map[string]bool{}
				var elems []string
				for range n {
					e := ip()
					elems = append(elems, e)
					want[e] = true
				}
				set := newIOCSet(elems, fold)
				if set.sieve == nil {
					t.Fatalf("sieve %v for %d addresses", set.sieve != nil, n)
				}
				probes := []string{"", "1", "1.2.3", "0.0.0.0", "1.2.3.4", "255.255.255.255", "100.10.255.255x", "1.1.1.1.1.1.1.1"}
				for _, e := range elems[:min(len(elems), 50)] {
					probes = append(probes, e, "0"+e, e+"0", e+" ", strings.ToUpper(e), e[:len(e)-1], e[1:])
				}
				for range 50000 {
					probes = append(probes, ip())
				}
				hits := 0
				for _, p := range probes {
					if got := set.has(p); got != want[p] {
						t.Fatalf("has(%q) = %v, want %v", p, got, want[p])
					} else if got {
						hits++
					}
				}
				if hits == 0 {
					t.Fatal("no probe hit: the test checks nothing")
				}
			})
		}
	}
	if newIOCSet([]string{"1.2.3.4", "evil.example"}, false).sieve != nil {
		t.Error("a set with other strings has a sieve (they must be looked up)")
	}
}

// FuzzIOCSetSieve checks has against string equality for any set of
// comma-separated elements and any probe.
func FuzzIOCSetSieve(f *testing.F) {
	f.Add("1.2.3.4,10.0.0.1", "1.2.3.4")
	f.Add("1.2.3.4", "01.2.3.4")
	f.Add("255.255.255.255,0.0.0.0", "0.0.0.0")
	f.Add("9.9.9.9", "9.9.9.99")
	f.Add("1.2.3.4,x", "x")
	f.Fuzz(func(t *testing.T, list, probe string) {
		elems := strings.Split(list, ",")
		want := false
		for _, e := range elems {
			want = want || e == probe
		}
		if got := newIOCSet(elems, false).has(probe); got != want {
			t.Fatalf("set %q: has(%q) = %v, want %v", elems, probe, got, want)
		}
	})
}

// BenchmarkIOCSetSieve is BenchmarkIOCSet's probes against the net
// hunt's 10,000 addresses (none of them in the log).
func BenchmarkIOCSetSieve(b *testing.B) {
	rng := rand.New(rand.NewSource(3))
	var probes []string
	for range 4096 {
		probes = append(probes, fmt.Sprintf("%d.%d.%d.%d", 1+rng.Intn(223), rng.Intn(256), rng.Intn(256), rng.Intn(256)))
	}
	var elems []string
	for i := range 10000 {
		u := uint32(i) * 2654435761
		elems = append(elems, fmt.Sprintf("%d.%d.%d.%d", 240+u>>28, u>>20&255, u>>12&255, u>>4&255))
	}
	for _, sieve := range []bool{false, true} {
		set := newIOCSet(elems, false)
		if !sieve {
			set.sieve = nil
		}
		b.Run(fmt.Sprint("sieve=", sieve), func(b *testing.B) {
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
