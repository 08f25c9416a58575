package logs

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/huntpack/huntpack/kql/types"
)

// stringList returns a dynamic argument's strings (nil when null/empty).
func stringList(v types.Value) ([]string, error) {
	if v.IsNull() {
		return nil, nil
	}
	arr, ok := v.D.([]any)
	if !ok {
		if s, ok := v.D.(string); ok {
			return []string{s}, nil
		}
		return nil, fmt.Errorf("want a dynamic array, got %s", types.FormatValue(v))
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			s = types.DynamicJSON(e)
		}
		out = append(out, s)
	}
	return out, nil
}

// hasAnyIPv4Prefix matches ip against prefixes of whole octets ("10.0."
// or "10.0"), as has_any_ipv4_prefix() does.
func hasAnyIPv4Prefix(ip string, prefixes []string) bool {
	for _, p := range prefixes {
		if p == "" {
			continue
		}
		if ip == p || ip == strings.TrimSuffix(p, ".") {
			return true
		}
		if strings.HasPrefix(ip, p) && (strings.HasSuffix(p, ".") || (len(ip) > len(p) && ip[len(p)] == '.')) {
			return true
		}
	}
	return false
}

// hasTerm reports whether s has term as a whole term (case-insensitive),
// the way KQL's has operator matches alphanumeric terms.
func hasTerm(s, term string) bool {
	if term == "" {
		return true
	}
	ls, lt := strings.ToLower(s), strings.ToLower(term)
	for i := 0; ; {
		j := strings.Index(ls[i:], lt)
		if j < 0 {
			return false
		}
		a, b := i+j, i+j+len(lt)
		if (a == 0 || !isTermChar(rune(ls[a-1])) || !isTermChar(rune(lt[0]))) &&
			(b == len(ls) || !isTermChar(rune(ls[b])) || !isTermChar(rune(lt[len(lt)-1]))) {
			return true
		}
		i = a + 1
	}
}

func isTermChar(r rune) bool {
	return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r >= 128
}

func hasAnyTerm(s string, terms []string) bool {
	for _, t := range terms {
		if hasTerm(s, t) {
			return true
		}
	}
	return false
}

func timeInRange(v types.Value, start, end types.Value) bool {
	if start.IsNull() && end.IsNull() {
		return true
	}
	if v.IsNull() {
		return false
	}
	return (start.IsNull() || v.I >= start.I) && (end.IsNull() || v.I <= end.I)
}

// networkPredicate implements _Im_NetworkSession's parameters.
func networkPredicate(v []types.Value) (rowPredicate, error) {
	start, end := v[0], v[1]
	src, err1 := stringList(v[2])
	dst, err2 := stringList(v[3])
	any, err3 := stringList(v[4])
	hosts, err4 := stringList(v[6])
	actions, err5 := stringList(v[7])
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			return rowPredicate{}, err
		}
	}
	port, result := v[5], v[8].S
	srcAny, dstAny := append(append([]string(nil), src...), any...), append(append([]string(nil), dst...), any...)
	if start.IsNull() && end.IsNull() && len(srcAny)+len(dstAny)+len(hosts)+len(actions) == 0 && port.IsNull() && (result == "*" || result == "") {
		return rowPredicate{}, nil
	}
	cols := []string{"TimeGenerated", "SrcIpAddr", "DstIpAddr", "DstPortNumber", "SrcHostname", "DstHostname", "DvcAction", "EventResult"}
	keep := func(get func(string) types.Value) bool {
		if !timeInRange(get("TimeGenerated"), start, end) {
			return false
		}
		if len(src)+len(dst)+len(any) > 0 {
			s, d := get("SrcIpAddr").S, get("DstIpAddr").S
			if !(len(srcAny) > 0 && hasAnyIPv4Prefix(s, srcAny) || len(dstAny) > 0 && hasAnyIPv4Prefix(d, dstAny)) {
				return false
			}
		}
		if !port.IsNull() {
			p := get("DstPortNumber")
			if p.IsNull() || p.I != port.I {
				return false
			}
		}
		if len(hosts) > 0 && !hasAnyTerm(get("SrcHostname").S, hosts) && !hasAnyTerm(get("DstHostname").S, hosts) {
			return false
		}
		if len(actions) > 0 && !containsFold(actions, get("DvcAction").S) {
			return false
		}
		if result != "*" && result != "" && !strings.EqualFold(result, get("EventResult").S) {
			return false
		}
		return true
	}
	return rowPredicate{cols: cols, keep: keep}, nil
}

func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

// dnsPredicate implements _Im_Dns's parameters.
func dnsPredicate(v []types.Value) (rowPredicate, error) {
	start, end := v[0], v[1]
	srcip := v[2].S
	domains, err := stringList(v[3])
	if err != nil {
		return rowPredicate{}, err
	}
	rcode, respIP := v[4].S, v[5].S
	respPrefixes, err := stringList(v[6])
	if err != nil {
		return rowPredicate{}, err
	}
	etype := v[7].S
	cols := []string{"TimeGenerated", "SrcIpAddr", "DnsQuery", "EventResultDetails", "DnsResponseName", "EventType"}
	keep := func(get func(string) types.Value) bool {
		if !timeInRange(get("TimeGenerated"), start, end) {
			return false
		}
		if srcip != "*" && srcip != "" && get("SrcIpAddr").S != srcip {
			return false
		}
		if len(domains) > 0 && !hasAnyTerm(get("DnsQuery").S, domains) {
			return false
		}
		if rcode != "*" && rcode != "" && !strings.EqualFold(rcode, get("EventResultDetails").S) {
			return false
		}
		resp := get("DnsResponseName").S
		if respIP != "*" && respIP != "" && !hasIPv4(resp, respIP) {
			return false
		}
		if len(respPrefixes) > 0 && !anyIPv4WithPrefix(resp, respPrefixes) {
			return false
		}
		if etype != "*" && etype != "" && !strings.EqualFold(etype, get("EventType").S) {
			return false
		}
		return true
	}
	return rowPredicate{cols: cols, keep: keep}, nil
}

// ipv4Tokens splits text into candidate IPv4 addresses.
func ipv4Tokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !(r == '.' || r >= '0' && r <= '9') })
}

func hasIPv4(s, ip string) bool {
	for _, t := range ipv4Tokens(s) {
		if t == ip {
			return true
		}
	}
	return false
}

func anyIPv4WithPrefix(s string, prefixes []string) bool {
	for _, t := range ipv4Tokens(s) {
		if strings.Count(t, ".") == 3 && hasAnyIPv4Prefix(t, prefixes) {
			return true
		}
	}
	return false
}
