package logs

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/huntpack/huntpack/kql/funcs"
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

// kqlScalar returns the engine's implementation of a KQL scalar function,
// so the ASIM parameters match locally exactly as the same KQL function
// calls in Microsoft's parsers match on Sentinel.
func kqlScalar(name string) func(args ...types.Value) types.Value {
	f, ok := builtins().Scalar(name)
	if !ok {
		panic("logs: the KQL engine has no " + name + "()")
	}
	ctx := &funcs.Context{}
	return func(args ...types.Value) types.Value { return f.Eval(ctx, args) }
}

var builtins = sync.OnceValue(funcs.Builtins)

var (
	kqlHasAnyIPv4Prefix = sync.OnceValue(func() func(...types.Value) types.Value { return kqlScalar("has_any_ipv4_prefix") })
	kqlHasIPv4          = sync.OnceValue(func() func(...types.Value) types.Value { return kqlScalar("has_ipv4") })
)

// hasAnyIPv4Prefix reports has_any_ipv4_prefix(text, prefixes) as the KQL
// engine computes it: a prefix is a whole address ("10.1.2.3") or ends
// with a dot ("10.", "10.1.", "10.1.2."); "10.1" is not a valid prefix and
// matches nothing. prefixes is a dynamic array of strings.
func hasAnyIPv4Prefix(text string, prefixes types.Value) bool {
	if text == "" {
		return false
	}
	r := kqlHasAnyIPv4Prefix()(types.StringValue(text), prefixes)
	return r.T == types.Bool && !r.Null && r.I != 0
}

// hasIPv4 reports has_ipv4(text, ip) as the KQL engine computes it.
func hasIPv4(text, ip string) bool {
	if text == "" {
		return false
	}
	r := kqlHasIPv4()(types.StringValue(text), types.StringValue(ip))
	return r.T == types.Bool && !r.Null && r.I != 0
}

// ipv4Prefixes is a prefix list for has_any_ipv4_prefix() indexed by the
// prefix's first octet as written, so that a row is only tested against
// the prefixes that can match it: a token matches a valid prefix only if
// it starts with it (or equals it), so the token's text before its first
// dot equals the prefix's. The match itself is the engine's. Results are
// cached per text (addresses repeat), for up to maxPrefixCache texts.
type ipv4Prefixes struct {
	byFirst map[string][]any
	cache   sync.Map // text -> bool
	cached  atomic.Int64
}

const maxPrefixCache = 1 << 16

func newIPv4Prefixes(list []string) *ipv4Prefixes {
	x := &ipv4Prefixes{byFirst: map[string][]any{}}
	for _, p := range list {
		first, _, ok := strings.Cut(strings.TrimSpace(p), ".")
		if ok && first != "" {
			x.byFirst[first] = append(x.byFirst[first], p)
		}
		// a prefix without a dot is not valid: it matches nothing
	}
	return x
}

// match reports has_any_ipv4_prefix(text, prefixes). It is safe for
// concurrent use.
func (x *ipv4Prefixes) match(text string) bool {
	if len(x.byFirst) == 0 || text == "" {
		return false
	}
	if v, ok := x.cache.Load(text); ok {
		return v.(bool)
	}
	m := x.lookup(text)
	if x.cached.Add(1) <= maxPrefixCache {
		x.cache.Store(strings.Clone(text), m)
	}
	return m
}

func (x *ipv4Prefixes) lookup(text string) bool {
	var keys []string
	var cand []any
	for i := 0; i < len(text); {
		if text[i] < '0' || text[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(text) && text[j] >= '0' && text[j] <= '9' {
			j++
		}
		if j < len(text) && text[j] == '.' && !slices.Contains(keys, text[i:j]) {
			keys = append(keys, text[i:j])
			if ps := x.byFirst[text[i:j]]; len(ps) > 0 {
				if cand == nil {
					cand = ps[:len(ps):len(ps)]
				} else {
					cand = append(cand, ps...)
				}
			}
		}
		i = j
	}
	return len(cand) > 0 && hasAnyIPv4Prefix(text, types.DynamicValue(cand))
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

// The helper columns Microsoft's network session parsers add
// (vimNetworkSessionNative, vimNetworkSessionMicrosoftSysmon, ...): which
// address or hostname field matched the filtering parameters. "-" when the
// parameter was not given; "No match" rows are dropped.
const (
	matchingIPAddr   = "ASimMatchingIpAddr"
	matchingHostname = "ASimMatchingHostname"
	notRequested     = "-"
)

// networkHelpers are the columns _Im_NetworkSession adds to
// ASimNetworkSessionLogs.
var networkHelpers = []string{matchingIPAddr, matchingHostname}

// matchName is the value of a matching helper column for a source and a
// destination match ("" for no match).
func matchName(src, dst bool, srcName, dstName string) string {
	switch {
	case src && dst:
		return "Both"
	case src:
		return srcName
	case dst:
		return dstName
	}
	return ""
}

// networkPredicate implements _Im_NetworkSession's parameters as
// Microsoft's parsers do: src_or_any = set_union(srcipaddr_has_any_prefix,
// ipaddr_has_any_prefix) is tested on SrcIpAddr and dst_or_any on
// DstIpAddr with has_any_ipv4_prefix(); hostname_has_any with has_any on
// SrcHostname and DstHostname. ASimMatchingIpAddr / ASimMatchingHostname
// say which side matched ("SrcIpAddr", "DstIpAddr", "Both";
// "SrcHostname", "DstHostname", "Both"), "-" when not requested.
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
	srcAny := append(append([]string(nil), src...), any...)
	dstAny := append(append([]string(nil), dst...), any...)
	srcPrefixes, dstPrefixes := newIPv4Prefixes(srcAny), newIPv4Prefixes(dstAny)
	wantIP, wantHost := len(srcAny)+len(dstAny) > 0, len(hosts) > 0
	all := start.IsNull() && end.IsNull() && !wantIP && !wantHost && len(actions) == 0 && port.IsNull() && (result == "*" || result == "")
	cols := []string{"TimeGenerated", "SrcIpAddr", "DstIpAddr", "DstPortNumber", "SrcHostname", "DstHostname", "DvcAction", "EventResult"}
	dash := types.StringValue(notRequested)
	keep := func(get func(string) types.Value, helpers []types.Value) bool {
		helpers[0], helpers[1] = dash, dash
		if all {
			return true
		}
		if !timeInRange(get("TimeGenerated"), start, end) {
			return false
		}
		if !port.IsNull() {
			p := get("DstPortNumber")
			if p.IsNull() || p.I != port.I {
				return false
			}
		}
		if len(actions) > 0 && !contains(actions, get("DvcAction").S) {
			return false
		}
		if result != "*" && result != "" && result != get("EventResult").S {
			return false
		}
		if wantIP {
			m := matchName(srcPrefixes.match(get("SrcIpAddr").S), dstPrefixes.match(get("DstIpAddr").S), "SrcIpAddr", "DstIpAddr")
			if m == "" {
				return false
			}
			helpers[0] = types.StringValue(m)
		}
		if wantHost {
			m := matchName(hasAnyTerm(get("SrcHostname").S, hosts), hasAnyTerm(get("DstHostname").S, hosts), "SrcHostname", "DstHostname")
			if m == "" {
				return false
			}
			helpers[1] = types.StringValue(m)
		}
		return true
	}
	return rowPredicate{cols: cols, helpers: networkHelpers, all: all, keep: keep}, nil
}

// contains is KQL's case-sensitive `in`.
func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// dnsPredicate implements _Im_Dns's parameters as Microsoft's DNS parsers
// do (vimDnsNative, vimDnsMicrosoftSysmon): srcipaddr equals SrcIpAddr,
// domain_has_any is has_any on DnsQuery, response_has_ipv4 is has_ipv4()
// and response_has_any_prefix has_any_ipv4_prefix() on DnsResponseName,
// eventtype "lookup" is "Query". The DNS parsers add no helper columns.
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
	respIndex := newIPv4Prefixes(respPrefixes)
	etype := v[7].S
	cols := []string{"TimeGenerated", "SrcIpAddr", "DnsQuery", "EventResultDetails", "DnsResponseName", "EventType"}
	keep := func(get func(string) types.Value, _ []types.Value) bool {
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
		if len(respPrefixes) > 0 && !respIndex.match(resp) {
			return false
		}
		if et := get("EventType").S; etype != "*" && etype != "" && !strings.EqualFold(etype, et) && !(strings.EqualFold(etype, "lookup") && et == "Query") {
			return false
		}
		return true
	}
	return rowPredicate{cols: cols, keep: keep}, nil
}
