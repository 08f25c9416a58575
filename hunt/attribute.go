package hunt

import (
	"net"
	"sort"
	"strconv"
	"strings"
)

// credit is the one finding a hit row is credited to.
type credit struct {
	finding int    // index in Builder.findings
	column  int    // the column that matched
	port    string // PortMatch, PortMismatch, PortUnknown, or "" for IOCs without a port
}

// portIOC returns the canonical IP and the port of an ip:port indicator;
// ok is false for other indicators (and for an ip:port value that has no
// port, which is matched like a plain IP).
func portIOC(ind Indicator) (host, port string, ok bool) {
	switch strings.ToLower(ind.Type) {
	case "ip:port", "ip-dst|port", "ip-src|port":
		host, port = SplitHostPort(strings.TrimSpace(ind.Value))
		if port != "" {
			return canonIP(host), port, true
		}
	}
	return "", "", false
}

// iocKey normalises an IOC value, or the value of a row's IOC column, for
// lookup: ip:port and IPs in canonical form ([v6]:port), anything else
// lower-cased without a trailing dot.
func iocKey(v string) string {
	v = strings.TrimSpace(v)
	if h, p, err := net.SplitHostPort(v); err == nil {
		if ip := net.ParseIP(h); ip != nil {
			return net.JoinHostPort(ip.String(), p)
		}
	}
	if ip := net.ParseIP(v); ip != nil {
		return ip.String()
	}
	return strings.ToLower(strings.TrimSuffix(v, "."))
}

// attribution holds what crediting needs to know about the pack's IOCs.
type attribution struct {
	byKey   map[string]int   // iocKey(value) → first indicator with it
	hostOf  []string         // per indicator: canonical IP of an ip:port IOC, else ""
	ipPorts map[string][]int // canonical IP → its ip:port indicators
}

func newAttribution(inds []Indicator) attribution {
	a := attribution{byKey: map[string]int{}, hostOf: make([]string, len(inds)), ipPorts: map[string][]int{}}
	for i, ind := range inds {
		k := iocKey(ind.Value)
		if _, dup := a.byKey[k]; !dup && k != "" {
			a.byKey[k] = i
		}
		if host, _, ok := portIOC(ind); ok {
			a.hostOf[i] = host
			a.ipPorts[host] = append(a.ipPorts[host], i)
		}
	}
	return a
}

// attribute finds the one finding a row is credited to; ok is false when
// the row matches no IOC (it is then unattributed).
func (b *Builder) attribute(s *scopedMatcher, cells []string, l layout) (credit, bool) {
	if c, ok := b.explicit(cells, l); ok {
		return c, true
	}
	return b.resolve(b.match(s, cells, l.ports))
}

// explicit credits a row that names its IOC in an "IOC" column, as
// generated packs' queries do: "ip:port" (or any other IOC value)
// credits exactly that IOC; a bare IP that is no IOC itself but the IP of
// ip:port IOCs is an "ip only" hit on that IP. ok is false when the row
// has no such column, or its value is no IOC of the pack (the row is then
// matched cell by cell).
func (b *Builder) explicit(cells []string, l layout) (credit, bool) {
	if l.ioc < 0 {
		return credit{}, false
	}
	v := strings.TrimSpace(cells[l.ioc])
	if v == "" {
		return credit{}, false
	}
	col := l.matchedColumn(cells)
	if i, ok := b.attr.byKey[iocKey(v)]; ok {
		c := credit{finding: i, column: col}
		if b.attr.hostOf[i] != "" {
			c.port = PortMatch
		}
		return c, true
	}
	ip := net.ParseIP(v)
	if ip == nil || len(b.attr.ipPorts[ip.String()]) == 0 {
		return credit{}, false
	}
	port := PortUnknown
	if col < len(l.ports) && l.ports[col] >= 0 && strings.TrimSpace(cells[l.ports[col]]) != "" {
		port = PortMismatch
	}
	return credit{finding: b.ipFinding(ip.String()), column: col, port: port}, true
}

// resolve picks the one finding a row's cell matches are credited to: the
// first IOC that matched outright (an ip:port IOC only when its port
// matched too; any other IOC when its value matched), else, when only
// the IP of ip:port IOCs matched, one "ip only" hit on that IP.
func (b *Builder) resolve(ms []Match) (credit, bool) {
	ipOnly := -1
	for k, m := range ms {
		if b.attr.hostOf[m.Indicator] == "" || m.Port == PortMatch {
			return credit{finding: m.Indicator, column: m.Column, port: m.Port}, true
		}
		if ipOnly < 0 {
			ipOnly = k
		}
	}
	if ipOnly < 0 {
		return credit{}, false
	}
	m := ms[ipOnly]
	return credit{finding: b.ipFinding(b.attr.hostOf[m.Indicator]), column: m.Column, port: m.Port}, true
}

// ipFinding returns the index of the "ip only" finding of ip (a canonical
// IP of ip:port IOCs), adding it on first use.
func (b *Builder) ipFinding(ip string) int {
	if i, ok := b.ipOnly[ip]; ok {
		return i
	}
	idxs := b.attr.ipPorts[ip]
	ind := Indicator{Type: TypeIPOnly, Value: ip}
	ports := make([]string, 0, len(idxs))
	seen := map[string]bool{}
	for k, i := range idxs {
		src := b.res.Indicators[i]
		if k == 0 {
			ind.ThreatType, ind.Malware = src.ThreatType, src.Malware
		}
		if src.ThreatType != ind.ThreatType {
			ind.ThreatType = ""
		}
		if src.Malware != ind.Malware {
			ind.Malware = ""
		}
		if !src.FirstSeen.IsZero() && (ind.FirstSeen.IsZero() || src.FirstSeen.Before(ind.FirstSeen)) {
			ind.FirstSeen = src.FirstSeen
		}
		ind.Confidence = max(ind.Confidence, src.Confidence)
		if _, p, ok := portIOC(src); ok && !seen[p] {
			seen[p] = true
			ports = append(ports, p)
		}
	}
	sort.SliceStable(ports, func(x, y int) bool {
		px, ex := strconv.Atoi(ports[x])
		py, ey := strconv.Atoi(ports[y])
		if ex != nil || ey != nil {
			return ports[x] < ports[y]
		}
		return px < py
	})
	i := len(b.findings)
	b.findings = append(b.findings, Finding{Indicator: ind, PortMatch: MatchIPOnly, IOCPorts: ports})
	b.sets = append(b.sets, newFindingSets())
	b.ipOnly[ip] = i
	return i
}
