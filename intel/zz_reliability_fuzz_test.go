package intel

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzNormalize (issue #10): feed values are attacker-controlled. For
// every type, Normalize never panics, and an accepted value is valid UTF-8
// without control characters and normalizes to itself again.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "1.2.3.4:80", "[2001:db8::1]:443", "evil[.]example", "hxxps://evil.example/a?b=c",
		"0123456789abcdef0123456789abcdef", "xn--bcher-kva.example", "EVIL.example.", "a\x00b", "\u202eexe.evil", "1.2.3.4:99999", "",
		"A://0.A#\x00", "http://evil.example/\u0085x", "http://evil.example/\xff"} {
		f.Add(s)
	}
	types := []Type{TypeIPv4, TypeIPv6, TypeIPPort, TypeDomain, TypeURL, TypeMD5, TypeSHA1, TypeSHA256}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range types {
			in := Indicator{Type: typ, Value: s}
			if err := Normalize(&in); err != nil {
				continue
			}
			if !utf8.ValidString(in.Value) {
				t.Fatalf("%s %q normalized to invalid UTF-8 %q", typ, s, in.Value)
			}
			for _, r := range in.Value {
				if r != '\t' && unicode.IsControl(r) {
					t.Fatalf("%s %q normalized to %q with a control character", typ, s, in.Value)
				}
			}
			again := Indicator{Type: in.Type, Value: in.Value, Port: in.Port}
			if err := Normalize(&again); err != nil || again.Value != in.Value {
				t.Fatalf("%s %q: normalized %q does not normalize to itself: %q, %v", typ, s, in.Value, again.Value, err)
			}
		}
		Classify(s)
		Defang(s)
	})
}
