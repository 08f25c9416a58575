package render

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/pack"
)

func init() {
	register(Format{Name: "splunk", Doc: "Splunk SPL searches over CIM fields (Network_Traffic, Network_Resolution, Web, Endpoint), one per IOC kind", Fn: splunkSearches})
}

// splString quotes s as an SPL eval string literal (double quotes, with
// backslash and quote backslash-escaped). Values are compared with eval
// functions (in(), ==, match()) inside `where`, never as search terms, so
// * and other search wildcards are literal.
func splString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func splList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = splString(v)
	}
	return strings.Join(q, ", ")
}

// splUnsafe reports values SPL string literals cannot carry reliably:
// SPL documents only \" and \\ escapes, so control characters (newline,
// tab, ...) are left out and listed in a comment.
func splUnsafe(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

func splunkSearches(p *pack.Pack) ([]Output, error) {
	byKind := map[string][]pack.IOC{}
	var skipped []string
	for _, i := range p.IOCs {
		if splUnsafe(i.Value) {
			skipped = append(skipped, strconv.Quote(i.Value))
			continue
		}
		byKind[pack.KindOf(i.Type)] = append(byKind[pack.KindOf(i.Type)], i)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "``` huntpack %s: one search per IOC kind; time range: earliest=-%s ```\n", splComment(p.ID), splComment(p.EffectiveLookback()))
	for _, s := range skipped {
		fmt.Fprintf(&b, "``` skipped (control characters): %s ```\n", splComment(s))
	}
	for _, kind := range []string{pack.KindIP, pack.KindDomain, pack.KindURL, pack.KindHash} {
		iocs := byKind[kind]
		if len(iocs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n``` %s %s IOCs ```\n%s\n", splComment(p.Family), kind, splSearch(kind, iocs, p.EffectiveLookback()))
	}
	return []Output{{Path: p.ID + ".spl", Data: []byte(b.String())}}, nil
}

func splComment(s string) string {
	return strings.NewReplacer("```", "'''", "\n", " ", "\r", " ").Replace(s)
}

// splSearch renders one search (one line per pipe).
func splSearch(kind string, iocs []pack.IOC, lookback string) string {
	head := fmt.Sprintf("search index=* earliest=-%s", lookback)
	fsCase := func(field string, key func(pack.IOC) string) string {
		var parts []string
		for _, i := range iocs {
			parts = append(parts, fmt.Sprintf("%s==%s, %s", field, splString(key(i)), splString(rfc3339(i.FirstSeen))))
		}
		return "| eval IOCFirstSeen=case(" + strings.Join(parts, ", ") + ")"
	}
	switch kind {
	case pack.KindIP:
		ips, keys := uniqueIPs(iocs), ipPortKeys(iocs)
		return strings.Join([]string{
			head + " (dest_ip=* OR src_ip=*)",
			fmt.Sprintf("| where in(dest_ip, %s) OR in(src_ip, %s)", splList(ips), splList(ips)),
			fmt.Sprintf("| eval MatchedOn=if(in(dest_ip, %s), \"dest_ip\", \"src_ip\")", splList(ips)),
			"| eval MatchedIP=if(MatchedOn==\"dest_ip\", dest_ip, src_ip), MatchedPort=if(MatchedOn==\"dest_ip\", dest_port, src_port)",
			"| eval IOC=MatchedIP.\":\".MatchedPort",
			fmt.Sprintf("| eval PortMatch=if(in(IOC, %s), \"ip:port\", \"ip only\")", splList(keys)),
			"| eval IOC=if(PortMatch==\"ip:port\", IOC, MatchedIP)",
			fsCase("IOC", pack.IOC.Key) + " | eval IOCFirstSeen=coalesce(IOCFirstSeen, \"see the pack for the IP's IOCs\")",
			"| table _time PortMatch IOC IOCFirstSeen MatchedOn src_ip src_port dest_ip dest_port transport action host",
		}, "\n")
	case pack.KindDomain:
		var alts []string
		for _, i := range iocs {
			alts = append(alts, regexp.QuoteMeta(i.Value))
		}
		re := `(?:^|\.)(` + strings.Join(alts, "|") + `)$`
		return strings.Join([]string{
			head + " query=*",
			"| eval q=lower(rtrim(query, \".\"))",
			fmt.Sprintf("| where match(q, %s)", splString(re)),
			fmt.Sprintf("| rex field=q %s", splString(`(?:^|\.)(?<IOC>`+strings.Join(alts, "|")+`)$`)),
			fsCase("IOC", func(i pack.IOC) string { return i.Value }),
			"| table _time IOC IOCFirstSeen query src answer host",
		}, "\n")
	case pack.KindURL:
		var keys []string
		for _, i := range iocs {
			keys = append(keys, pack.URLKey(i.Value))
		}
		return strings.Join([]string{
			head + " url=*",
			"| eval UrlKey=rtrim(replace(lower(url), \"^[a-z][a-z0-9+.\\-]*://\", \"\"), \"/\")",
			fmt.Sprintf("| where in(UrlKey, %s)", splList(keys)),
			fsCase("UrlKey", func(i pack.IOC) string { return pack.URLKey(i.Value) }),
			"| table _time UrlKey IOCFirstSeen url src user http_method action host",
		}, "\n")
	default:
		var hs []string
		for _, i := range iocs {
			hs = append(hs, i.Value)
		}
		return strings.Join([]string{
			head + " file_hash=*",
			"| eval IOC=lower(file_hash)",
			fmt.Sprintf("| where in(IOC, %s)", splList(hs)),
			fsCase("IOC", func(i pack.IOC) string { return i.Value }),
			"| table _time IOC IOCFirstSeen file_name file_path dest user host",
		}, "\n")
	}
}

func iocsByKind(p *pack.Pack) map[string][]pack.IOC {
	m := map[string][]pack.IOC{}
	for _, i := range p.IOCs {
		m[pack.KindOf(i.Type)] = append(m[pack.KindOf(i.Type)], i)
	}
	return m
}

func uniqueIPs(iocs []pack.IOC) []string {
	var out []string
	seen := map[string]bool{}
	for _, i := range iocs {
		if !seen[i.Value] {
			seen[i.Value] = true
			out = append(out, i.Value)
		}
	}
	return out
}

func ipPortKeys(iocs []pack.IOC) []string {
	var out []string
	for _, i := range iocs {
		if i.Port > 0 {
			out = append(out, i.Value+":"+fmt.Sprint(i.Port))
		}
	}
	return out
}
