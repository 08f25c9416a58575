package render

import (
	"fmt"
	"strings"

	"github.com/huntpack/huntpack/pack"
)

func init() {
	register(Format{Name: "esql", Doc: "Elastic ES|QL queries over ECS fields, one per IOC kind", Fn: esqlQueries})
}

// esqlString quotes s as an ES|QL string literal: double quotes with
// backslash, quote, newline, carriage return and tab escaped.
func esqlString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s) + `"`
}

func esqlList(vals []string, wrap string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = esqlString(v)
		if wrap != "" {
			q[i] = wrap + "(" + q[i] + ")"
		}
	}
	return strings.Join(q, ", ")
}

func esqlQueries(p *pack.Pack) ([]Output, error) {
	var out []Output
	byKind := iocsByKind(p)
	for _, kind := range []string{pack.KindIP, pack.KindDomain, pack.KindURL, pack.KindHash} {
		iocs := byKind[kind]
		if len(iocs) == 0 {
			continue
		}
		text := fmt.Sprintf("// huntpack %s: %s %s IOCs\n%s\n", esqlComment(p.ID), esqlComment(p.Family), kind, esqlQuery(kind, iocs, p.EffectiveLookback()))
		out = append(out, Output{Path: "esql/" + p.ID + "-" + kind + ".esql", Data: []byte(text)})
	}
	return out, nil
}

func esqlComment(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }

// esqlSpan turns a KQL timespan such as 14d or 12h into ES|QL's
// "14 days" / "12 hours".
func esqlSpan(s string) string {
	units := map[byte]string{'d': "days", 'h': "hours", 'm': "minutes", 's': "seconds"}
	if n := len(s); n > 1 {
		if u, ok := units[s[n-1]]; ok {
			return s[:n-1] + " " + u
		}
	}
	return "14 days"
}

func esqlFirstSeen(field string, iocs []pack.IOC, key func(pack.IOC) string) string {
	var parts []string
	for _, i := range iocs {
		parts = append(parts, fmt.Sprintf("%s == %s, %s", field, esqlString(key(i)), esqlString(rfc3339(i.FirstSeen))))
	}
	return "| EVAL ioc_first_seen = CASE(" + strings.Join(parts, ", ") + ", null)"
}

func esqlQuery(kind string, iocs []pack.IOC, lookback string) string {
	head := fmt.Sprintf("FROM logs-*\n| WHERE @timestamp > NOW() - %s", esqlSpan(lookback))
	switch kind {
	case pack.KindIP:
		ips := esqlList(uniqueIPs(iocs), "TO_IP")
		return strings.Join([]string{head,
			fmt.Sprintf("| WHERE destination.ip IN (%s) OR source.ip IN (%s)", ips, ips),
			fmt.Sprintf("| EVAL matched_on = CASE(destination.ip IN (%s), \"destination.ip\", \"source.ip\")", ips),
			"| EVAL matched_ip = CASE(matched_on == \"destination.ip\", TO_STRING(destination.ip), TO_STRING(source.ip)), matched_port = CASE(matched_on == \"destination.ip\", destination.port, source.port)",
			"| EVAL ioc_key = CONCAT(matched_ip, \":\", TO_STRING(matched_port))",
			fmt.Sprintf("| EVAL port_match = CASE(ioc_key IN (%s), \"ip:port\", \"ip only\")", esqlList(ipPortKeys(iocs), "")),
			"| EVAL ioc = CASE(port_match == \"ip:port\", ioc_key, matched_ip)",
			esqlFirstSeen("ioc", iocs, pack.IOC.Key),
			"| KEEP @timestamp, port_match, ioc, ioc_first_seen, matched_on, source.ip, source.port, destination.ip, destination.port, host.name, process.name",
			"| SORT @timestamp DESC"}, "\n")
	case pack.KindDomain:
		var conds []string
		for _, i := range iocs {
			conds = append(conds, fmt.Sprintf("q == %s, %s, ENDS_WITH(q, %s), %s", esqlString(i.Value), esqlString(i.Value), esqlString("."+i.Value), esqlString(i.Value)))
		}
		return strings.Join([]string{head,
			"| EVAL q = TO_LOWER(dns.question.name)",
			"| EVAL ioc = CASE(" + strings.Join(conds, ", ") + ", null)",
			"| WHERE ioc IS NOT NULL",
			esqlFirstSeen("ioc", iocs, func(i pack.IOC) string { return i.Value }),
			"| KEEP @timestamp, ioc, ioc_first_seen, dns.question.name, source.ip, host.name, process.name",
			"| SORT @timestamp DESC"}, "\n")
	case pack.KindURL:
		var keys []string
		for _, i := range iocs {
			keys = append(keys, strings.ToLower(i.Value))
		}
		return strings.Join([]string{head,
			"| EVAL u = TO_LOWER(url.original)",
			fmt.Sprintf("| WHERE u IN (%s)", esqlList(keys, "")),
			esqlFirstSeen("u", iocs, func(i pack.IOC) string { return strings.ToLower(i.Value) }),
			"| KEEP @timestamp, u, ioc_first_seen, url.original, source.ip, user.name, host.name",
			"| SORT @timestamp DESC"}, "\n")
	default:
		var hs []string
		for _, i := range iocs {
			hs = append(hs, i.Value)
		}
		l := esqlList(hs, "")
		return strings.Join([]string{head,
			fmt.Sprintf("| WHERE TO_LOWER(file.hash.sha256) IN (%s) OR TO_LOWER(file.hash.sha1) IN (%s) OR TO_LOWER(file.hash.md5) IN (%s) OR TO_LOWER(process.hash.sha256) IN (%s) OR TO_LOWER(process.hash.md5) IN (%s)", l, l, l, l, l),
			"| EVAL ioc = COALESCE(TO_LOWER(file.hash.sha256), TO_LOWER(process.hash.sha256), TO_LOWER(file.hash.sha1), TO_LOWER(file.hash.md5), TO_LOWER(process.hash.md5))",
			"| KEEP @timestamp, ioc, file.name, file.path, process.name, host.name, user.name",
			"| SORT @timestamp DESC"}, "\n")
	}
}
