package report

import (
	"net"
	"regexp"
	"sort"
	"strings"

	"github.com/huntpack/huntpack/hunt"
)

// Defang makes an IOC value safe to show: dots of IPs, domains and URLs
// become [.], the http/https/ftp scheme becomes hxxp/hxxps/fxp and "://"
// stays, so nothing renders as a link or resolves when pasted. Hashes
// are returned unchanged.
func Defang(typ, v string) string {
	switch {
	case strings.Contains(strings.ToLower(typ), "hash"), isHashType(typ):
		return v
	}
	return defangText(v)
}

func isHashType(t string) bool {
	switch strings.ToLower(t) {
	case "md5", "sha1", "sha256", "md5_hash", "sha1_hash", "sha256_hash", "hash":
		return true
	}
	return false
}

// defangText defangs a free-form value: scheme and every dot.
func defangText(v string) string {
	v = defangScheme(v)
	if ip := net.ParseIP(v); ip != nil && strings.Contains(v, ":") {
		return strings.ReplaceAll(v, ":", "[:]")
	}
	return strings.ReplaceAll(v, ".", "[.]")
}

func defangScheme(v string) string {
	l := strings.ToLower(v)
	for _, p := range []struct{ from, to string }{{"https://", "hxxps://"}, {"http://", "hxxp://"}, {"ftp://", "fxp://"}} {
		if strings.HasPrefix(l, p.from) {
			return p.to + v[len(p.from):]
		}
	}
	return v
}

// cellDefanger defangs the IOC values (case-insensitively, as KQL's has
// matches them) and any URL scheme inside log values shown to people.
type cellDefanger struct {
	iocs   *regexp.Regexp // nil when there is nothing to defang
	scheme *regexp.Regexp
}

var schemeRe = regexp.MustCompile(`(?i)\b(https?|ftp)://`)

func newCellDefanger(inds []hunt.Indicator) cellDefanger {
	seen := map[string]bool{}
	var vals []string
	for _, ind := range inds {
		if isHashType(ind.Type) {
			continue
		}
		host := ind.Value
		if strings.HasPrefix(ind.Type, "ip") {
			host, _ = hunt.SplitHostPort(ind.Value)
		}
		for _, v := range []string{ind.Value, host} {
			k := strings.ToLower(v)
			if v != "" && !seen[k] && defangText(v) != v {
				seen[k] = true
				vals = append(vals, regexp.QuoteMeta(v))
			}
		}
	}
	// Longest first, so a URL is replaced before the domain inside it.
	sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	d := cellDefanger{scheme: schemeRe}
	if len(vals) > 0 {
		d.iocs = regexp.MustCompile("(?i)" + strings.Join(vals, "|"))
	}
	return d
}

func (d cellDefanger) cell(s string) string {
	if d.iocs != nil {
		s = d.iocs.ReplaceAllStringFunc(s, defangText)
	}
	return d.scheme.ReplaceAllStringFunc(s, func(m string) string {
		return defangScheme(m)
	})
}
