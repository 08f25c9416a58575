// Package intel is huntpack's threat-intelligence model: one Indicator type
// for every kind of IOC the feeds carry (IPv4, IPv6, IP plus port, domain,
// URL, MD5, SHA-1, SHA-256), refanging and defanging of IOC text, validation
// with a reason for every rejection, and de-duplication.
//
// Feed parsers (intel/feed) produce Indicators; Normalize canonicalises and
// validates them; the store (intel/store) keeps them with their history;
// warning-list pruning (intel/warnlist) decides which ones are false
// positives. This package knows nothing about KQL, files or SQLite.
//
// Every IOC value is attacker-controlled text. Use Defang (or
// Indicator.Defanged) for anything meant for people, and escape values for
// the target language in anything meant for machines.
package intel

import (
	"net/netip"
	"strconv"
	"time"
)

// Type is the kind of an indicator.
type Type string

// Indicator types. The string values are stable: they are stored in the
// database and accepted on the command line.
const (
	TypeIPv4   Type = "ipv4"    // an IPv4 address, Value "198.51.100.1"
	TypeIPv6   Type = "ipv6"    // an IPv6 address, Value compressed "2001:db8::1"
	TypeIPPort Type = "ip:port" // an address and a TCP/UDP port, Value "198.51.100.1:8080" or "[2001:db8::1]:443"
	TypeDomain Type = "domain"  // a host or domain name, Value lower-case, no trailing dot
	TypeURL    Type = "url"     // a URL, Value with lower-case scheme and host
	TypeMD5    Type = "md5"     // an MD5 hash, Value 32 lower-case hex digits
	TypeSHA1   Type = "sha1"    // a SHA-1 hash, Value 40 lower-case hex digits
	TypeSHA256 Type = "sha256"  // a SHA-256 hash, Value 64 lower-case hex digits
)

// Types lists every indicator type in a stable order.
var Types = []Type{TypeIPv4, TypeIPv6, TypeIPPort, TypeDomain, TypeURL, TypeMD5, TypeSHA1, TypeSHA256}

// ParseType accepts a Type name as stored ("ipv4", "ip:port", ...) and the
// common aliases used by feeds and people ("ip", "ip-port", "hostname",
// "md5_hash", "sha256_hash", ...). It reports false for anything else.
func ParseType(s string) (Type, bool) {
	t, ok := typeAliases[s]
	return t, ok
}

var typeAliases = map[string]Type{
	"ipv4": TypeIPv4, "ip": TypeIPv4, "ipv4-addr": TypeIPv4, "ip-dst": TypeIPv4, "ip-src": TypeIPv4,
	"ipv6": TypeIPv6, "ipv6-addr": TypeIPv6,
	"ip:port": TypeIPPort, "ip-port": TypeIPPort, "ipport": TypeIPPort, "ip-dst|port": TypeIPPort, "ip-src|port": TypeIPPort,
	"domain": TypeDomain, "hostname": TypeDomain, "domain-name": TypeDomain, "fqdn": TypeDomain,
	"url": TypeURL, "uri": TypeURL,
	"md5": TypeMD5, "md5_hash": TypeMD5,
	"sha1": TypeSHA1, "sha1_hash": TypeSHA1, "sha-1": TypeSHA1,
	"sha256": TypeSHA256, "sha256_hash": TypeSHA256, "sha-256": TypeSHA256,
}

// IsNetwork reports whether t is an address, host or URL indicator (as
// opposed to a file hash).
func (t Type) IsNetwork() bool {
	switch t {
	case TypeIPv4, TypeIPv6, TypeIPPort, TypeDomain, TypeURL:
		return true
	}
	return false
}

// IsHash reports whether t is a file-hash indicator.
func (t Type) IsHash() bool { return t == TypeMD5 || t == TypeSHA1 || t == TypeSHA256 }

// Malware names a malware family the way ThreatFox and Malpedia do.
type Malware struct {
	// Name is the printable family name, e.g. "Remcos". Empty if unknown.
	Name string `json:"name,omitempty"`
	// Malpedia is the Malpedia identifier, e.g. "win.remcos". Empty if unknown.
	Malpedia string `json:"malpedia,omitempty"`
	// Aliases are other names of the family, e.g. ["RemcosRAT", "Remvio"].
	Aliases []string `json:"aliases,omitempty"`
}

// Indicator is one IOC with its context, as one source reported it or as
// the store merged it.
//
// Value is canonical for its Type (see Normalize), so (Type, Value) — the
// Key — identifies an indicator across sources. For TypeIPv4, TypeIPv6 and
// TypeIPPort the parsed address is in IP (and Port for TypeIPPort).
type Indicator struct {
	// Type is the kind of IOC.
	Type Type `json:"type"`
	// Value is the canonical IOC text (refanged, lower-cased where case does
	// not matter, IPv6 compressed, ip:port as "ip:port" / "[ip6]:port").
	Value string `json:"value"`
	// IP is the address of an ipv4, ipv6 or ip:port indicator (zero otherwise).
	IP netip.Addr `json:"-"`
	// Port is the port of an ip:port indicator (0 otherwise).
	Port uint16 `json:"port,omitempty"`

	// Malware is the family the source attributes the IOC to.
	Malware Malware `json:"malware,omitzero"`
	// ThreatType is the source's threat type, e.g. "botnet_cc",
	// "payload_delivery", "payload", "cc_skimming".
	ThreatType string `json:"threat_type,omitempty"`
	// Confidence is 0..100; 0 means the source gave none.
	Confidence int `json:"confidence,omitempty"`
	// FirstSeen and LastSeen are the source's dates (UTC); zero if unknown.
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
	// Tags are the source's free-form tags, de-duplicated.
	Tags []string `json:"tags,omitempty"`
	// Reference is a URL or text the source cites.
	Reference string `json:"reference,omitempty"`
	// Reporter is who reported the IOC to the source.
	Reporter string `json:"reporter,omitempty"`

	// Source is the feed the indicator came from, e.g. "threatfox",
	// "urlhaus", "feodo", "misp", "stix", "zeek", "plain".
	Source string `json:"source,omitempty"`
	// SourceID is the indicator's id in that feed (ThreatFox IOC id,
	// URLhaus id, MISP attribute uuid, STIX id), if any.
	SourceID string `json:"source_id,omitempty"`

	// Flags are context labels set by the feed ("compromised-host": a
	// hacked legitimate site) or by pruning ("cloud:amazon-aws",
	// "dynamic-dns"). A flagged indicator is kept (see intel/warnlist).
	Flags []string `json:"flags,omitempty"`
	// Decisions are the pruning decisions made about the indicator; an
	// indicator with an ActionExclude decision is a false positive.
	Decisions []Decision `json:"decisions,omitempty"`
}

// Key identifies an indicator independent of its source: Type and Value.
type Key struct {
	Type  Type
	Value string
}

// String renders the key as "type:value".
func (k Key) String() string { return string(k.Type) + ":" + k.Value }

// Key returns the indicator's identity.
func (in *Indicator) Key() Key { return Key{in.Type, in.Value} }

// Defanged returns the value made safe to show to people (see Defang).
func (in *Indicator) Defanged() string { return Defang(in.Value) }

// Host returns the host part of a network indicator: the address for
// ipv4/ipv6/ip:port, the name for a domain and the host of a URL. It is
// empty for hashes and for URLs whose host cannot be found.
func (in *Indicator) Host() string {
	switch in.Type {
	case TypeIPv4, TypeIPv6, TypeIPPort:
		if in.IP.IsValid() {
			return in.IP.String()
		}
	case TypeDomain:
		return in.Value
	case TypeURL:
		return urlHost(in.Value)
	}
	return ""
}

// JoinHostPort formats an address and port the way TypeIPPort values are
// written: "198.51.100.1:8080", "[2001:db8::1]:443".
func JoinHostPort(ip netip.Addr, port uint16) string {
	if ip.Is6() && !ip.Is4In6() {
		return "[" + ip.String() + "]:" + strconv.Itoa(int(port))
	}
	return ip.Unmap().String() + ":" + strconv.Itoa(int(port))
}

// Decision is one pruning decision made about an indicator (see
// intel/warnlist): which list matched and what was done about it.
type Decision struct {
	// Action is ActionExclude, ActionFlag or ActionLowerConfidence.
	Action string `json:"action"`
	// List is the warning list (or rule) that matched, e.g. "rfc1918".
	List string `json:"list"`
	// Reason is a human sentence, e.g. "in 10.0.0.0/8 (RFC 1918 private range)".
	Reason string `json:"reason"`
	// ConfidenceBefore is, on the ActionLowerConfidence decision that
	// lowered the confidence, the confidence it had before; re-pruning
	// (store.Reprune) starts again from it.
	ConfidenceBefore int `json:"confidence_before,omitempty"`
}

// Decision actions.
const (
	ActionExclude         = "exclude"          // a false positive: kept in the store, never hunted
	ActionFlag            = "flag"             // context worth showing, indicator kept
	ActionLowerConfidence = "lower-confidence" // kept, flagged and its confidence lowered
)

// Excluded returns the first exclude decision, if any.
func (in *Indicator) Excluded() (Decision, bool) {
	for _, d := range in.Decisions {
		if d.Action == ActionExclude {
			return d, true
		}
	}
	return Decision{}, false
}

// ConfidenceBeforePruning is the confidence the indicator had before a
// lower-confidence decision lowered it (its Confidence when none did).
func (in *Indicator) ConfidenceBeforePruning() int {
	for _, d := range in.Decisions {
		if d.Action == ActionLowerConfidence && d.ConfidenceBefore > 0 {
			return d.ConfidenceBefore
		}
	}
	return in.Confidence
}
