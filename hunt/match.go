package hunt

import (
	"net"
	"strings"

	"github.com/huntpack/huntpack/kql/funcs"
)

// target is an indicator prepared for matching.
type target struct {
	idx  int    // index in the indicator list
	kind string // "ip", "domain", "url", "hash"
	host string // ip or domain or url or hash, lower-cased where case does not matter
	port string // for ip:port
}

// Matcher attributes row values to indicators.
type Matcher struct {
	ips     map[string][]target // by IP text
	hashes  map[string][]target // by lower-case hash
	domains []target
	urls    []target
}

// Match is one indicator a row matched.
type Match struct {
	Indicator int    // index in the indicator list
	Column    int    // column index of the matching cell
	Port      string // PortMatch/PortMismatch/PortUnknown for ip:port, else ""
}

// NewMatcher prepares inds for matching.
func NewMatcher(inds []Indicator) *Matcher {
	m := &Matcher{ips: map[string][]target{}, hashes: map[string][]target{}}
	for i, ind := range inds {
		m.add(i, ind)
	}
	return m
}

func (m *Matcher) add(i int, ind Indicator) {
	v := strings.TrimSpace(ind.Value)
	switch strings.ToLower(ind.Type) {
	case "ip", "ipv4", "ipv6", "ip-dst", "ip-src":
		m.ips[canonIP(v)] = append(m.ips[canonIP(v)], target{idx: i, kind: "ip", host: canonIP(v)})
	case "ip:port", "ip-dst|port", "ip-src|port":
		host, port := SplitHostPort(v)
		m.ips[canonIP(host)] = append(m.ips[canonIP(host)], target{idx: i, kind: "ip", host: canonIP(host), port: port})
	case "domain", "hostname", "fqdn":
		m.domains = append(m.domains, target{idx: i, kind: "domain", host: strings.ToLower(strings.TrimSuffix(v, "."))})
	case "url", "uri":
		m.urls = append(m.urls, target{idx: i, kind: "url", host: v})
	default: // md5, sha1, sha256, hash, ...
		m.hashes[strings.ToLower(v)] = append(m.hashes[strings.ToLower(v)], target{idx: i, kind: "hash", host: v})
	}
}

// SplitHostPort splits "1.2.3.4:80" or "[::1]:80" into host and port; a
// value without a port is returned whole with an empty port.
func SplitHostPort(v string) (string, string) {
	if h, p, err := net.SplitHostPort(v); err == nil {
		return h, p
	}
	return v, ""
}

// canonIP returns the canonical text of an IP, or s unchanged.
func canonIP(s string) string {
	if ip := net.ParseIP(s); ip != nil {
		return ip.String()
	}
	return s
}

// Row finds the indicators that row (cell texts, by column) matches. ports
// gives, for each column, the index of its paired port column or -1. An
// indicator is reported once, at the first cell that matches it, except
// that an ip:port indicator found again in a later cell where its port
// matches is reported there (with PortMatch) instead.
func (m *Matcher) Row(cells []string, ports []int) []Match {
	var out []Match
	seen := map[int]int{} // indicator → position in out
	for j, cell := range cells {
		if cell == "" {
			continue
		}
		out = m.cell(out, seen, cells, ports, j)
	}
	return out
}

func (m *Matcher) cell(out []Match, seen map[int]int, cells []string, ports []int, j int) []Match {
	cell := cells[j]
	if len(m.ips) > 0 || len(m.hashes) > 0 {
		for _, tok := range tokens(cell) {
			out = m.ipToken(out, seen, tok, cells, ports, j)
			for _, t := range m.hashes[strings.ToLower(tok)] {
				out = addMatch(out, seen, Match{Indicator: t.idx, Column: j})
			}
		}
	}
	for _, t := range m.domains {
		if _, ok := seen[t.idx]; !ok && funcs.Has(cell, t.host) {
			out = addMatch(out, seen, Match{Indicator: t.idx, Column: j})
		}
	}
	for _, t := range m.urls {
		if _, ok := seen[t.idx]; !ok && funcs.Contains(cell, t.host) {
			out = addMatch(out, seen, Match{Indicator: t.idx, Column: j})
		}
	}
	return out
}

func (m *Matcher) ipToken(out []Match, seen map[int]int, tok string, cells []string, ports []int, j int) []Match {
	host, inlinePort := tok, ""
	if strings.Count(tok, ":") == 1 || strings.HasPrefix(tok, "[") {
		host, inlinePort = SplitHostPort(tok)
	}
	ts := m.ips[canonIP(host)]
	for _, t := range ts {
		mt := Match{Indicator: t.idx, Column: j}
		if t.port != "" {
			mt.Port = portState(t.port, inlinePort, cells, ports[j])
		}
		if k, ok := seen[t.idx]; ok {
			if mt.Port == PortMatch && out[k].Port != PortMatch {
				out[k] = mt // the port matches here: this is the better cell
			}
			continue
		}
		out = addMatch(out, seen, mt)
	}
	return out
}

func portState(want, inline string, cells []string, portCol int) string {
	got := inline
	if got == "" && portCol >= 0 {
		got = strings.TrimSpace(cells[portCol])
	}
	switch {
	case got == "":
		return PortUnknown
	case got == want:
		return PortMatch
	}
	return PortMismatch
}

func addMatch(out []Match, seen map[int]int, m Match) []Match {
	if _, ok := seen[m.Indicator]; ok {
		return out
	}
	seen[m.Indicator] = len(out)
	return append(out, m)
}

// tokens splits a cell on list separators (comma, semicolon, whitespace,
// pipe, brackets and quotes of JSON arrays), keeping ip:port and [v6]:port
// forms whole.
func tokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case ',', ';', ' ', '\t', '\n', '\r', '|', '"', '\'', '{', '}', '(', ')':
			return true
		case '[', ']':
			return false
		}
		return false
	})
}
