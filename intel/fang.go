package intel

import (
	"strings"
)

// fangs are the defanging notations Refang undoes, matched
// case-insensitively, longest first at each position.
var fangs = []struct{ from, to string }{
	{"[://]", "://"},
	{"[dot]", "."}, {"(dot)", "."}, {"{dot}", "."}, {"<dot>", "."},
	{"[.]", "."}, {"(.)", "."}, {"{.}", "."}, {"<.>", "."},
	{"[:]", ":"}, {"(:)", ":"},
	{"[/]", "/"},
	{"[at]", "@"}, {"(at)", "@"}, {"[@]", "@"},
	{`\.`, "."},
}

// schemes maps defanged URL schemes (lower-cased) to real ones; only
// recognised at the start of the text.
var schemes = []struct{ from, to string }{
	{"hxxps", "https"}, {"hxxp", "http"},
	{"hxps", "https"}, {"hxp", "http"},
	{"h__ps", "https"}, {"h__p", "http"},
	{"h**ps", "https"}, {"h**p", "http"},
	{"fxp", "ftp"}, {"fxps", "ftps"},
}

// Refang turns defanged IOC text back into its real form: "46[.]151[.]182[.]76"
// becomes "46.151.182.76", "hxxp://evil(dot)example[/]x" becomes
// "http://evil.example/x". It also trims surrounding white space. Text that
// is not defanged is returned unchanged (apart from the trimming).
func Refang(s string) string {
	s = strings.TrimSpace(s)
	s = refangScheme(s)
	if !strings.ContainsAny(s, "[({<\\") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if to, n := matchFang(s[i:]); n > 0 {
			b.WriteString(to)
			i += n
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func matchFang(s string) (string, int) {
	switch s[0] {
	case '[', '(', '{', '<', '\\':
	default:
		return "", 0
	}
	for _, f := range fangs {
		if len(s) >= len(f.from) && strings.EqualFold(s[:len(f.from)], f.from) {
			return f.to, len(f.from)
		}
	}
	return "", 0
}

func refangScheme(s string) string {
	for _, sc := range schemes {
		n := len(sc.from)
		if len(s) <= n || !strings.EqualFold(s[:n], sc.from) {
			continue
		}
		rest := s[n:]
		if strings.HasPrefix(rest, "://") || strings.HasPrefix(rest, "[://]") ||
			strings.HasPrefix(rest, "[:]//") || strings.HasPrefix(rest, ":\\\\") {
			return sc.to + rest
		}
	}
	return s
}

// Defang makes IOC text safe to show to people: it cannot be clicked or
// resolved by accident. "http" and "ftp" schemes become "hxxp"/"fxp", every
// "." becomes "[.]" and "://" stays. Hashes (no dots) come back unchanged.
// Refang(Defang(v)) == v for every canonical indicator value v.
func Defang(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	if i := strings.Index(s, "://"); i > 0 {
		switch strings.ToLower(s[:i]) {
		case "http":
			b.WriteString("hxxp")
			s = s[i:]
		case "https":
			b.WriteString("hxxps")
			s = s[i:]
		case "ftp":
			b.WriteString("fxp")
			s = s[i:]
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			b.WriteString("[.]")
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
