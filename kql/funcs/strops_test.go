package funcs

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

type strCase struct {
	s, needle string
	want      bool
}

func runStrCases(t *testing.T, name string, f func(string, string) bool, cases []strCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(name+"/"+c.s+"|"+c.needle, func(t *testing.T) {
			if got := f(c.s, c.needle); got != c.want {
				t.Errorf("%s(%q, %q) = %v, want %v", name, c.s, c.needle, got, c.want)
			}
		})
	}
}

var hasCases = []strCase{
	// From datatypes-string-operators.md.
	{"North America", "america", true},
	{"North America", "amer", false},
	{"KustoExplorerQueryRun", "Explorer", false},
	{"Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun", "c1db", true},
	{"Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun", "KustoExplorerQueryRun", true},
	// Punctuation inside the needle: aligned to term boundaries.
	{"www.sls.in.net", "sls.in.net", true},
	{"xsls.in.net", "sls.in.net", false},
	{"sls.in.netx", "sls.in.net", false},
	{"http://sls.in.net/path", "sls.in.net", true},
	{"src=10.1.2.3 dst=8.8.8.8", "10.1.2.3", true},
	{"src=110.1.2.3", "10.1.2.3", false},
	{"src=10.1.2.34", "10.1.2.3", false},
	{"first miss then 110.1.2.3 and 10.1.2.3", "10.1.2.3", true},
	{"C:\\Windows\\cmd.exe /c", "cmd.exe", true},
	{"C:\\Windows\\xcmd.exe", "cmd.exe", false},
	// A delimiter edge in the needle needs no alignment.
	{"cmd.exe", ".exe", true},
	{"powershell -enc AAA", "-enc", true},
	{"powershell -encodedcommand AAA", "-enc", false},
	// Case folding is ASCII only.
	{"CMD.EXE", "cmd.exe", true},
	{"ÄRGER groß", "ärger", false},
	{"ärger groß", "ärger", true},
	{"straße", "STRASSE", false},
	// Unicode letters are term characters.
	{"préfix", "fix", false},
	{"café-au-lait", "café", true},
	{"日本語テキスト", "日本", false},
	{"日本 語", "日本", true},
	// Empty and degenerate.
	{"anything", "", true},
	{"", "", true},
	{"", "a", false},
	{"a", "a", true},
	{"ab", "b", false},
	{"a b", "b", true},
	{"-", "-", true},
	{"aaa", "aa", false},
}

func TestHas(t *testing.T) {
	runStrCases(t, "Has", Has, hasCases)
}

func TestHasCS(t *testing.T) {
	runStrCases(t, "HasCS", HasCS, []strCase{
		{"North America", "America", true},
		{"North America", "america", false},
		{"www.sls.in.net", "sls.in.net", true},
		{"www.SLS.in.net", "sls.in.net", false},
		{"xsls.in.net", "sls.in.net", false},
		{"x", "", true},
	})
}

func TestHasPrefixSuffix(t *testing.T) {
	runStrCases(t, "HasPrefix", HasPrefix, []strCase{
		{"North America", "amer", true},
		{"North America", "merica", false},
		{"North America", "NOR", true},
		{"www.sls.in.net", "sls.in", true},
		{"xsls.in.net", "sls.in", false},
		{"abc", "", true},
		{"", "a", false},
	})
	runStrCases(t, "HasPrefixCS", HasPrefixCS, []strCase{
		{"North America", "Amer", true},
		{"North America", "amer", false},
	})
	runStrCases(t, "HasSuffix", HasSuffix, []strCase{
		{"North America", "rica", true},
		{"North America", "RICA", true},
		{"North America", "Ameri", false},
		{"www.sls.in.net", "in.net", true},
		{"www.sls.in.netx", "in.net", false},
		{"a.xin.net", "in.net", true}, // suffix of a term: start unaligned
	})
	runStrCases(t, "HasSuffixCS", HasSuffixCS, []strCase{
		{"North America", "rica", true},
		{"North America", "RICA", false},
	})
}

func TestContainsStartsEnds(t *testing.T) {
	runStrCases(t, "Contains", Contains, []strCase{
		{"KustoExplorerQueryRun", "explorer", true},
		{"KustoExplorerQueryRun", "EXPLORER", true},
		{"abc", "", true},
		{"", "", true},
		{"", "x", false},
		{"ÄBC", "äbc", false},
		{"xxaXAb", "xab", true},
		{"aaaab", "AAB", true},
		{"abab", "bb", false},
		{"Hello, Wörld", "WÖRLD", false},
		{"Hello, Wörld", "wörld", true},
	})
	runStrCases(t, "ContainsCS", ContainsCS, []strCase{
		{"KustoExplorerQueryRun", "Explorer", true},
		{"KustoExplorerQueryRun", "explorer", false},
	})
	runStrCases(t, "StartsWith", StartsWith, []strCase{
		{"Fabrikam", "fab", true},
		{"Fabrikam", "rik", false},
		{"Fa", "Fab", false},
		{"x", "", true},
	})
	runStrCases(t, "StartsWithCS", StartsWithCS, []strCase{
		{"Fabrikam", "Fab", true},
		{"Fabrikam", "fab", false},
	})
	runStrCases(t, "EndsWith", EndsWith, []strCase{
		{"Fabrikam", "KAM", true},
		{"Fabrikam", "ika", false},
		{"am", "kam", false},
	})
	runStrCases(t, "EndsWithCS", EndsWithCS, []strCase{
		{"Fabrikam", "kam", true},
		{"Fabrikam", "KAM", false},
	})
	runStrCases(t, "EqualFold", EqualFold, []strCase{
		{"aBc", "AbC", true},
		{"abc", "abd", false},
		{"ä", "Ä", false},
		{"", "", true},
		{"a", "", false},
		{"@", "`", false}, // bytes next to the letter ranges
		{"[", "{", false},
	})
}

func TestTermSet(t *testing.T) {
	ts := NewTermSet([]string{"sls.in.net", "10.1.2.3", "Explorer", "cmd.exe", ".ps1", "-enc"}, false)
	cases := []strCase{
		{"www.sls.in.net", "", true},
		{"xsls.in.net", "", false},
		{"host 10.1.2.3:443", "", true},
		{"host 110.1.2.3:443", "", false},
		{"KustoExplorerQueryRun", "", false},
		{"Kusto explorer run", "", true},
		{"C:\\x\\CMD.EXE", "", true},
		{"script.PS1", "", true},
		{"powershell -encodedcommand", "", false},
		{"powershell -EnC x", "", true},
		{"", "", false},
	}
	for _, c := range cases {
		t.Run(c.s, func(t *testing.T) {
			if got := ts.Match(c.s); got != c.want {
				t.Errorf("Match(%q) = %v, want %v", c.s, got, c.want)
			}
		})
	}
	cs := NewTermSet([]string{"Explorer", "abc"}, true)
	if cs.Match("kusto explorer") || !cs.Match("Kusto Explorer") {
		t.Error("case-sensitive TermSet folds case")
	}
	if !NewTermSet([]string{"x", ""}, false).Match("anything") {
		t.Error("empty needle should match")
	}
	if NewTermSet(nil, false).Match("anything") {
		t.Error("empty set should not match")
	}
	if n := NewTermSet([]string{"a", "A", "b"}, false).Len(); n != 2 {
		t.Errorf("Len = %d, want 2 (dedup under folding)", n)
	}
}

func TestStropsNoAlloc(t *testing.T) {
	ts := NewTermSet([]string{"sls.in.net", "evil", "10.1.2.3"}, false)
	s := "GET http://www.SLS.in.net/index.html from 10.1.2.4 agent=Mozilla"
	allocs := testing.AllocsPerRun(100, func() {
		_ = Has(s, "sls.in.net")
		_ = Contains(s, "MOZILLA")
		_ = HasPrefix(s, "moz")
		_ = ts.Match(s)
		_ = EqualFold(s, s)
	})
	if allocs != 0 {
		t.Errorf("allocations per run = %v, want 0", allocs)
	}
}

// naiveHasAny is the reference for TermSet.
func naiveHasAny(s string, needles []string, cs bool) bool {
	for _, n := range needles {
		if cs && HasCS(s, n) || !cs && Has(s, n) {
			return true
		}
	}
	return false
}

func FuzzTermSet(f *testing.F) {
	for _, c := range hasCases {
		f.Add(c.s, c.needle, "x.y", false)
	}
	f.Add("www.sls.in.net", "sls.in.net", "10.1.2.3", true)
	f.Add("a-b", "-", "b", false)
	f.Fuzz(func(t *testing.T, s, n1, n2 string, cs bool) {
		if !utf8.ValidString(s) || !utf8.ValidString(n1) || !utf8.ValidString(n2) {
			t.Skip("TermSet only matches at rune boundaries; invalid UTF-8 may differ")
		}
		needles := []string{n1, n2, strings.ToUpper(n1)}
		got := NewTermSet(needles, cs).Match(s)
		want := naiveHasAny(s, needles, cs)
		if got != want {
			t.Fatalf("TermSet(%q, cs=%v).Match(%q) = %v, naive = %v", needles, cs, s, got, want)
		}
		// Contains must agree with a folded strings.Contains on ASCII input.
		if isASCII(s) && isASCII(n1) {
			if Contains(s, n1) != strings.Contains(asciiLower(s), asciiLower(n1)) {
				t.Fatalf("Contains(%q, %q) disagrees with lower-case Contains", s, n1)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// BenchmarkTermSet matches a proxy-log-like line against 10,000 IOC
// domains (the has_any case of a hunt pack).
func BenchmarkTermSet(b *testing.B) {
	var needles []string
	for i := 0; i < 10000; i++ {
		needles = append(needles, "ioc"+strconv.Itoa(i)+".example.net")
	}
	ts := NewTermSet(needles, false)
	line := "2024-03-15T12:00:00Z 10.1.2.3 GET https://cdn.contoso.com/assets/app.js?v=123 200 Mozilla/5.0 (Windows NT 10.0; Win64; x64)"
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if ts.Match(line) {
			b.Fatal("unexpected match")
		}
	}
}

func BenchmarkHasNaive10k(b *testing.B) {
	var needles []string
	for i := 0; i < 10000; i++ {
		needles = append(needles, "ioc"+strconv.Itoa(i)+".example.net")
	}
	line := "2024-03-15T12:00:00Z 10.1.2.3 GET https://cdn.contoso.com/assets/app.js?v=123 200 Mozilla/5.0 (Windows NT 10.0; Win64; x64)"
	for i := 0; i < b.N; i++ {
		if naiveHasAny(line, needles, false) {
			b.Fatal("unexpected match")
		}
	}
}

func BenchmarkHas(b *testing.B) {
	line := "2024-03-15T12:00:00Z 10.1.2.3 GET https://cdn.contoso.com/assets/app.js?v=123 200 Mozilla/5.0 (Windows NT 10.0; Win64; x64)"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if Has(line, "evil.example.net") {
			b.Fatal("unexpected match")
		}
	}
}

// TestConcurrentUse exercises the shared state (TermSet, regex cache)
// from several goroutines; run with -race.
func TestConcurrentUse(t *testing.T) {
	ts := NewTermSet([]string{"evil.example", "10.0.0.1"}, false)
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func(g int) {
			defer func() { done <- true }()
			for i := 0; i < 300; i++ {
				if !ts.Match("GET http://EVIL.example/x") {
					t.Error("TermSet.Match failed")
					return
				}
				if _, err := CompileRegex("a" + strconv.Itoa((g*300+i)%50) + "b+"); err != nil {
					t.Error(err)
					return
				}
			}
		}(g)
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
