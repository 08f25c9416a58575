package pack

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestScrubText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Remcos", "Remcos"},
		{"a\tb\nc\rd", "a\tb\nc\rd"},
		{"\x1b[31mred", "\ufffd[31mred"},
		{"a\x00b\x7fc\u2028d", "a\ufffdb\ufffdc\ufffdd"},
		{"bad\xffutf8", "bad\ufffdutf8"},
	}
	for _, tc := range tests {
		if got := scrubText(tc.in); got != tc.want {
			t.Errorf("scrubText(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if unsafeValue(scrubText(tc.in)) {
			t.Errorf("scrubText(%q) still unsafe", tc.in)
		}
	}
}

// TestBuildScrubsHostileMetadata: feed text with control characters in
// family, tags and source still builds a pack that loads.
func TestBuildScrubsHostileMetadata(t *testing.T) {
	iocs := []IOC{{Type: TypeDomain, Value: "evil.example", Family: "Rem\x1bcos", Tags: []string{"t\x07ag"}, Source: "feed\x00x", Reference: "r\u2028"}}
	p, err := Build(iocs, BuildOptions{Family: "Rem\x1bcos", Now: buildNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.IOCs[0].Family != "Rem\ufffdcos" || iocs[0].Tags[0] != "t\x07ag" {
		t.Errorf("family %q, caller's tags %q", p.IOCs[0].Family, iocs[0].Tags)
	}
}

// FuzzLoadValidate: loading any pack.yaml never panics, and a refusal
// names the file.
func FuzzLoadValidate(f *testing.F) {
	f.Add([]byte("id: x\nqueries:\n  - {id: a, kql: T}\n"))
	f.Add([]byte("id: x\niocs:\n  - type: domain\n    value: \"evil\\u0007.example\"\nqueries:\n  - {id: a, kql: T}\n"))
	f.Add([]byte("id: x\nqueries: []\n"))
	f.Add([]byte("a: &a [x]\nid: *a\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := LoadFS(fstest.MapFS{ManifestFile: {Data: b}}, "dir")
		if err != nil && !strings.Contains(err.Error(), "dir") {
			t.Fatalf("error does not name the pack: %v", err)
		}
	})
}
