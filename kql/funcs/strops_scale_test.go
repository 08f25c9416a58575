package funcs

import (
	"fmt"
	"testing"
)

// BenchmarkTermSetScale matches DNS query names against 10 and 1,000,000
// IOC domains: the cost per name should barely depend on the count.
func BenchmarkTermSetScale(b *testing.B) {
	names := []string{"dropbox.com", "www.google.com", "login.microsoftonline.com", "a1b2.cdn.cloudflare.net", "update.contoso.local", "x.y.z.example.org"}
	for _, n := range []int{10, 1000000} {
		needles := make([]string, n)
		for i := range needles {
			needles[i] = fmt.Sprintf("ioc%d.bad%d.example.net", i, i%97)
		}
		ts := NewTermSet(needles, false)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				for _, s := range names {
					if ts.Match(s) {
						b.Fatal("unexpected match")
					}
				}
			}
		})
	}
}

// TestTermSetBloom checks that the bloom filter never hides a needle, for
// sets large enough to fill many of its words.
func TestTermSetBloom(t *testing.T) {
	needles := make([]string, 50000)
	for i := range needles {
		needles[i] = fmt.Sprintf("d%d.Example%d.NET", i, i%13)
	}
	ts := NewTermSet(needles, false)
	for i, n := range needles {
		for _, s := range []string{n, "www." + n, "x " + n + " y", asciiLower(n)} {
			if !ts.Match(s) {
				t.Fatalf("needle %d: %q does not match %q", i, n, s)
			}
		}
		if ts.Match("a" + n) {
			t.Fatalf("%q matched inside a term", n)
		}
	}
}
