package warnlist

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/huntpack/huntpack/intel"
	"golang.org/x/net/publicsuffix"
)

// ActionIgnored marks a Finding that matched a list entry but was
// deliberately not applied (e.g. the entry is a public suffix).
const ActionIgnored = "ignored"

// Finding is one list's verdict about an indicator, as Explain reports it.
type Finding struct {
	List     string   `json:"list"`
	Category Category `json:"category"`
	// Action is intel.ActionExclude, intel.ActionFlag,
	// intel.ActionLowerConfidence or ActionIgnored.
	Action string `json:"action"`
	Reason string `json:"reason"`
}

// Explain returns every finding about in (which must be normalised),
// including ignored matches, in list-name order.
func (s *Set) Explain(in *intel.Indicator) []Finding {
	var out []Finding
	for _, l := range s.Lists {
		out = append(out, s.check(l, in)...)
	}
	if !excludedBy(out, Bogon) {
		out = append(out, specialUse(in)...)
	}
	return out
}

func excludedBy(fs []Finding, c Category) bool {
	for _, f := range fs {
		if f.Category == c && f.Action == intel.ActionExclude {
			return true
		}
	}
	return false
}

// SpecialUse is the name of the built-in check for special-purpose
// addresses and names the MISP lists do not cover (IPv6 loopback, unique
// local and multicast ranges; the reserved TLDs of RFC 2606 / 6761 / 6762
// / 8375 and ICANN's .internal).
const SpecialUse = "special-use"

// specialTLDs are reserved top-level names (and home.arpa) no public
// indicator can live under.
var specialTLDs = []string{"test", "example", "invalid", "localhost", "local", "internal", "home.arpa"}

func specialUse(in *intel.Indicator) []Finding {
	mk := func(reason string) []Finding {
		return []Finding{{List: SpecialUse, Category: Bogon, Action: intel.ActionExclude, Reason: reason}}
	}
	ip := in.IP
	host := in.Host()
	if in.Type == intel.TypeURL {
		if a, err := netip.ParseAddr(host); err == nil {
			ip = a.Unmap()
		}
	}
	if ip.IsValid() {
		switch {
		case ip.IsUnspecified(), ip.IsLoopback(), ip.IsPrivate(), ip.IsMulticast(),
			ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast():
			return mk(fmt.Sprintf("%s is a special-purpose address (loopback, private, link-local or multicast)", ip))
		}
		return nil
	}
	if in.Type != intel.TypeDomain && in.Type != intel.TypeURL {
		return nil
	}
	for _, tld := range specialTLDs {
		if host == tld || strings.HasSuffix(host, "."+tld) {
			return mk(fmt.Sprintf("%s is under the reserved name .%s", host, tld))
		}
	}
	return nil
}

// Check returns the decisions about in: the findings that are not ignored.
func (s *Set) Check(in *intel.Indicator) []intel.Decision {
	var ds []intel.Decision
	for _, f := range s.Explain(in) {
		if f.Action != ActionIgnored {
			ds = append(ds, intel.Decision{Action: f.Action, List: f.List, Reason: f.Reason})
		}
	}
	return ds
}

// Apply sets in.Decisions from Check, adds a flag per flagging list
// ("cloud:amazon-aws", "dynamic-dns") and lowers the confidence of
// indicators in cloud ranges by ConfidencePenalty. It reports whether in
// is excluded.
func (s *Set) Apply(in *intel.Indicator) bool {
	in.Decisions = s.Check(in)
	lowered, excluded := false, false
	for i, d := range in.Decisions {
		switch d.Action {
		case intel.ActionExclude:
			excluded = true
		case intel.ActionLowerConfidence:
			in.Flags = append(in.Flags, "cloud:"+d.List)
			if !lowered && in.Confidence > 0 {
				in.Decisions[i].ConfidenceBefore = in.Confidence
				in.Confidence = max(in.Confidence-ConfidencePenalty, MinCloudConfidence)
				lowered = true
			}
		case intel.ActionFlag:
			in.Flags = append(in.Flags, d.List)
		}
	}
	in.Flags = intel.CleanTags(in.Flags)
	return excluded
}

// check runs one list against in.
func (s *Set) check(l *List, in *intel.Indicator) []Finding {
	switch in.Type {
	case intel.TypeIPv4, intel.TypeIPv6:
		return s.checkIP(l, in.IP, "ip-dst", false)
	case intel.TypeIPPort:
		return s.checkIP(l, in.IP, "ip-dst|port", false)
	case intel.TypeDomain:
		return s.checkHost(l, in.Value, false)
	case intel.TypeURL:
		host := in.Host()
		if ip, err := netip.ParseAddr(host); err == nil {
			return s.checkIP(l, ip.Unmap(), "url", true)
		}
		if host == "" {
			return nil
		}
		return s.checkHost(l, host, true)
	case intel.TypeMD5, intel.TypeSHA1, intel.TypeSHA256:
		return s.checkHash(l, in)
	}
	return nil
}

// action is what category c does to an indicator (inURL: the value is the
// host of a URL).
func action(c Category, inURL bool) string {
	switch c {
	case Bogon, Hash:
		return intel.ActionExclude
	case Benign, Top, Suffix:
		if inURL {
			return intel.ActionFlag
		}
		return intel.ActionExclude
	case Cloud:
		return intel.ActionLowerConfidence
	}
	return intel.ActionFlag
}

func (s *Set) checkIP(l *List, ip netip.Addr, attr string, inURL bool) []Finding {
	if l.Type != "cidr" || !ip.IsValid() || (!inURL && !l.appliesTo(attr) && !l.appliesTo("ip-dst")) {
		return nil
	}
	p, ok := l.matchIP(ip)
	if !ok {
		return nil
	}
	where := "in " + p.String()
	if p.Bits() == ip.BitLen() {
		where = "listed"
	}
	subject := ip.String()
	if inURL {
		subject = "URL host " + subject
	}
	return []Finding{{List: l.Name, Category: l.Category, Action: action(l.Category, inURL),
		Reason: fmt.Sprintf("%s %s (%s)", subject, where, l.Title)}}
}

func (s *Set) checkHash(l *List, in *intel.Indicator) []Finding {
	if l.strs == nil || !l.appliesTo(string(in.Type)) {
		return nil
	}
	if l.strs[in.Value] {
		return []Finding{{List: l.Name, Category: l.Category, Action: intel.ActionExclude,
			Reason: fmt.Sprintf("hash listed (%s)", l.Title)}}
	}
	return nil
}

// checkHost matches a host name against one list.
func (s *Set) checkHost(l *List, host string, inURL bool) []Finding {
	attr := "domain"
	if inURL {
		attr = "url"
	}
	if l.Type == "cidr" || (!l.appliesTo(attr) && !l.appliesTo("hostname") && !inURL) {
		return nil
	}
	subject := host
	if inURL {
		subject = "URL host " + host
	}
	act := action(l.Category, inURL)
	mk := func(a, reason string) []Finding {
		return []Finding{{List: l.Name, Category: l.Category, Action: a, Reason: reason}}
	}
	switch l.Type {
	case "string":
		if l.strs[host] {
			if l.Category == Suffix {
				return mk(act, fmt.Sprintf("%s is itself a public suffix (%s)", subject, l.Title))
			}
			return mk(act, fmt.Sprintf("%s listed (%s)", subject, l.Title))
		}
	case "substring":
		for _, sub := range l.subs {
			if sub != "" && strings.Contains(host, sub) {
				return mk(act, fmt.Sprintf("%s contains %q (%s)", subject, sub, l.Title))
			}
		}
	case "regex":
		for _, re := range l.regexps {
			if re.MatchString(host) {
				return mk(act, fmt.Sprintf("%s matches %s (%s)", subject, quoteRE(re), l.Title))
			}
		}
	case "hostname":
		return s.checkHostname(l, host, subject, act)
	}
	return nil
}

func quoteRE(re *regexp.Regexp) string { return "/" + re.String() + "/" }

// checkHostname matches host and its parent domains against a hostname
// list. For excluding lists, parents above the registrable domain (public
// suffixes, second-level TLDs) are reported as ignored instead.
func (s *Set) checkHostname(l *List, host, subject, act string) []Finding {
	reg := s.registrable(host)
	for d := host; d != ""; d = parent(d) {
		if !l.strs[d] {
			continue
		}
		aboveReg := reg != "" && len(d) < len(reg)
		if act == intel.ActionExclude && d == host && (reg == "" || s.suffixes[d]) {
			return []Finding{{List: l.Name, Category: l.Category, Action: ActionIgnored,
				Reason: fmt.Sprintf("%s lists %s, which is itself a public suffix; the suffix lists decide", l.Name, d)}}
		}
		if act == intel.ActionExclude && (aboveReg || s.suffixes[d] || d != host && isPublicSuffix(d)) {
			return []Finding{{List: l.Name, Category: l.Category, Action: ActionIgnored,
				Reason: fmt.Sprintf("%s lists %s, a public suffix; %s is registered under it by someone else (registrable domain %s)",
					l.Name, d, host, orDash(reg))}}
		}
		how := "listed"
		if d != host {
			how = "under listed " + d
		}
		if l.Category == Top && act == intel.ActionExclude && d != host && "www."+d != host {
			// Subdomains of popular platforms (cloudapp.azure.com,
			// asuscomm.com) are handed out to customers: flag, keep.
			act = intel.ActionFlag
			how += "; a subdomain of a top site is kept, since platforms hand them out"
		}
		return []Finding{{List: l.Name, Category: l.Category, Action: act,
			Reason: fmt.Sprintf("%s %s (%s)", subject, how, l.Title)}}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// registrable returns the registrable domain (eTLD+1) of host, also
// treating the known second-level TLDs as suffixes; "" if host is itself a
// public suffix.
func (s *Set) registrable(host string) string {
	reg, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return ""
	}
	// A longer known second-level TLD (e.g. from the MISP list) wins.
	for d := host; d != "" && len(d) > len(reg); d = parent(d) {
		if p := parent(d); p != "" && s.suffixes[p] && len(p) >= len(reg) {
			return d
		}
	}
	return reg
}

func isPublicSuffix(d string) bool {
	ps, _ := publicsuffix.PublicSuffix(d)
	return ps == d
}

func parent(d string) string {
	i := strings.IndexByte(d, '.')
	if i < 0 {
		return ""
	}
	return d[i+1:]
}
