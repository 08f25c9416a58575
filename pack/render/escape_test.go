package render

import "testing"

func TestMarkdownEscapes(t *testing.T) {
	tests := []struct {
		name, in, text, code string
	}{
		{"plain", "botnet_cc", `botnet\_cc`, "`botnet_cc`"},
		{"link", "[x](javascript:y)", `\[x\](javascript:y)`, "`[x](javascript:y)`"},
		{"html", "<b>|", `\<b\>\|`, "`<b>\\|`"},
		{"newline", "a\nb", `a\\nb`, "`a\\nb`"},
		{"heading", "# h", `\# h`, "`# h`"},
		{"ordered list", "1. x", `1\. x`, "`1. x`"},
		{"backticks", "a`b``c", "a\\`b\\`\\`c", "```a`b``c```"},
		{"edge backtick", "`x", "\\`x", "`` `x ``"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := mdText(tc.in); got != tc.text {
				t.Errorf("mdText(%q) = %q, want %q", tc.in, got, tc.text)
			}
			if got := mdCode(tc.in); got != tc.code {
				t.Errorf("mdCode(%q) = %q, want %q", tc.in, got, tc.code)
			}
		})
	}
	if got := fence("a ```` b", "kql"); got != "`````kql\na ```` b\n`````\n" {
		t.Errorf("fence = %q", got)
	}
}

func TestSuricataContent(t *testing.T) {
	for in, want := range map[string]string{
		".evil.example": `".evil.example"`,
		`a;b"c\d|e`:     `"a|3B|b|22|c|5C|d|7C|e"`,
		"x\n\ty":        `"x|0A 09|y"`,
	} {
		if got := suricataContent(in); got != want {
			t.Errorf("suricataContent(%q) = %s, want %s", in, got, want)
		}
	}
}
