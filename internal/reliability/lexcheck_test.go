package reliability

import (
	"fmt"
	"strings"
	"testing"
)

// TestSkeletonsCatchInjection proves the output-safety checks can fail: a
// naive renderer that pastes values unescaped is caught for every language.
func TestSkeletonsCatchInjection(t *testing.T) {
	// The benign twin is plain letters; the hostile value carries a quote,
	// a comment opener, a pipe, a backtick fence and (for TSV) a tab.
	hostile := "a\" or 1==1 // x | take 1 ```|\t#"
	twin := "benign"
	naive := map[string]func(string) string{
		"kql":      func(v string) string { return fmt.Sprintf("T | where U == \"%s\" | take 1", v) },
		"spl":      func(v string) string { return fmt.Sprintf("search url=\"%s\"", v) },
		"esql":     func(v string) string { return fmt.Sprintf("FROM l | WHERE u == \"%s\"", v) },
		"markdown": func(v string) string { return fmt.Sprintf("| a | b |\n|---|---|\n| %s | x |\n", v) },
		"suricata": func(v string) string {
			return fmt.Sprintf("alert http any any -> any any (msg:\"%s\"; sid:1; rev:1;)", strings.ReplaceAll(v, "\n", " "))
		},
		"tsv": func(v string) string { return "#fields\ta\tb\n" + v + "\tx\n" },
	}
	lex := map[string]func(string) (string, error){
		"kql":      func(s string) (string, error) { k, _, err := kqlSkeleton(s); return k, err },
		"spl":      func(s string) (string, error) { k, _, err := splSkeleton(s); return k, err },
		"esql":     func(s string) (string, error) { k, _, err := esqlSkeleton(s); return k, err },
		"markdown": markdownSkeleton,
		"suricata": suricataSkeleton,
		"tsv":      func(s string) (string, error) { return tsvSkeleton(s), nil },
	}
	for name, render := range naive {
		t.Run(name, func(t *testing.T) {
			hs, herr := lex[name](render(hostile))
			ts, terr := lex[name](render(twin))
			if terr != nil {
				t.Fatalf("twin output does not lex: %v", terr)
			}
			if herr == nil && hs == ts {
				t.Errorf("naive %s rendering of %q not caught", name, hostile)
			}
		})
	}
}
