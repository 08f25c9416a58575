package render

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/huntpack/huntpack/pack"
)

// SuricataSIDBase is the first rule sid; sids count up in IOC order.
// 9,000,000-9,999,999 is not in any public ruleset's published range;
// change it with your local sid policy.
const SuricataSIDBase = 9100001

func init() {
	register(Format{Name: "suricata", Doc: "Suricata rules: outbound TCP to each ip:port, IP rules, DNS queries for IOC domains and subdomains, HTTP requests to IOC URLs (hashes need file lists and are left out)", Fn: suricataRules})
}

// suricataContent writes s as a Suricata content string: bytes other
// than letters, digits and . - _ / are written in |hex| notation, so ";",
// '"', '\' and '|' never end the option.
func suricataContent(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	inHex := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		safe := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '/'
		if safe {
			if inHex {
				b.WriteByte('|')
				inHex = false
			}
			b.WriteByte(c)
			continue
		}
		if !inHex {
			b.WriteByte('|')
			inHex = true
		} else {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%02X", c)
	}
	if inHex {
		b.WriteByte('|')
	}
	b.WriteByte('"')
	return b.String()
}

// suricataMsg makes text safe for msg:"...": control characters become
// spaces; quote, semicolon and backslash are backslash-escaped. IOC values
// in messages are defanged.
func suricataMsg(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `;`, `\;`).Replace(s) + `"`
}

func suricataRules(p *pack.Pack) ([]Output, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# huntpack %s: %s\n# sids from %d; Suricata matches ip:port as outbound TCP to that address and port.\n",
		strings.ReplaceAll(p.ID, "\n", " "), strings.ReplaceAll(p.Title, "\n", " "), SuricataSIDBase)
	sid := SuricataSIDBase
	for _, i := range p.IOCs {
		rule, ok := suricataRule(p, i, sid)
		if !ok {
			continue
		}
		b.WriteString(rule + "\n")
		sid++
	}
	return []Output{{Path: p.ID + ".rules", Data: []byte(b.String())}}, nil
}

func suricataRule(p *pack.Pack, i pack.IOC, sid int) (string, bool) {
	msg := suricataMsg(fmt.Sprintf("huntpack %s %s %s %s first_seen %s", p.Family, i.ThreatType, i.Type, defang(i.Key()), date(i.FirstSeen)))
	tail := fmt.Sprintf("classtype:trojan-activity; sid:%d; rev:1;", sid)
	switch pack.KindOf(i.Type) {
	case pack.KindIP:
		a, err := netip.ParseAddr(i.Value)
		if err != nil {
			return "", false // only canonical addresses go into rule headers
		}
		if i.Port > 0 {
			return fmt.Sprintf("alert tcp $HOME_NET any -> %s %d (msg:%s; flow:to_server; %s)", a, i.Port, msg, tail), true
		}
		return fmt.Sprintf("alert ip $HOME_NET any -> %s any (msg:%s; %s)", a, msg, tail), true
	case pack.KindDomain:
		return fmt.Sprintf("alert dns $HOME_NET any -> any any (msg:%s; dns.query; dotprefix; content:%s; nocase; endswith; %s)",
			msg, suricataContent("."+i.Value), tail), true
	case pack.KindURL:
		host, path := splitURL(i.Value)
		if host == "" {
			return "", false
		}
		return fmt.Sprintf("alert http $HOME_NET any -> any any (msg:%s; flow:to_server; http.host; content:%s; nocase; startswith; endswith; http.uri; content:%s; startswith; endswith; %s)",
			msg, suricataContent(host), suricataContent(path), tail), true
	}
	return "", false
}

// splitURL splits a URL into host (without port) and path+query ("/" if
// empty).
func splitURL(u string) (host, path string) {
	if k := strings.Index(u, "://"); k >= 0 {
		u = u[k+3:]
	}
	host, path = u, "/"
	if k := strings.IndexAny(u, "/?#"); k >= 0 {
		host, path = u[:k], u[k:]
		if path[0] != '/' {
			path = "/" + path
		}
	}
	if k := strings.LastIndex(host, "@"); k >= 0 {
		host = host[k+1:]
	}
	if k := strings.LastIndex(host, ":"); k >= 0 && !strings.Contains(host, "]") {
		host = host[:k]
	}
	if k := strings.Index(path, "#"); k >= 0 {
		path = path[:k]
	}
	return strings.ToLower(host), path
}
