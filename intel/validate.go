package intel

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Reason says why a value was rejected. The values are stable and short;
// they are counted per import and shown to people.
type Reason string

// Rejection reasons.
const (
	ReasonEmpty       Reason = "empty value"
	ReasonUnknownType Reason = "unknown indicator type"
	ReasonNotIP       Reason = "not an IP address"
	ReasonBadPort     Reason = "port out of range"
	ReasonBadDomain   Reason = "bogus domain"
	ReasonBadURL      Reason = "bogus URL"
	ReasonBadHash     Reason = "bad hash"
	ReasonTypeClash   Reason = "value does not match its type"
	// ReasonMalformed is a feed record that cannot be read at all (broken
	// CSV quoting, too few fields, a Zeek line that is not its #fields).
	ReasonMalformed Reason = "malformed record"
)

// InvalidError is the error Normalize returns for a value it rejects.
type InvalidError struct {
	Value  string
	Type   Type
	Reason Reason
	Detail string
}

func (e *InvalidError) Error() string {
	msg := fmt.Sprintf("%s %q: %s", typeOrAny(e.Type), e.Value, e.Reason)
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

func typeOrAny(t Type) string {
	if t == "" {
		return "value"
	}
	return string(t)
}

// ReasonOf returns the rejection reason of err, or "" if err is not an
// *InvalidError.
func ReasonOf(err error) Reason {
	var ie *InvalidError
	if errors.As(err, &ie) {
		return ie.Reason
	}
	return ""
}

// Rejects counts rejected values per reason.
type Rejects map[Reason]int

// Add counts err's reason (or "invalid" for other errors).
func (r Rejects) Add(err error) {
	reason := ReasonOf(err)
	if reason == "" {
		reason = "invalid"
	}
	r[reason]++
}

// Total is the number of rejected values.
func (r Rejects) Total() int {
	n := 0
	for _, c := range r {
		n += c
	}
	return n
}

// String renders the counts sorted by reason: "bogus domain=2, not an IP address=1".
func (r Rejects) String() string {
	keys := make([]string, 0, len(r))
	for k := range r {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.Itoa(r[Reason(k)])
	}
	return strings.Join(parts, ", ")
}

func invalid(t Type, v string, r Reason, detail string) error {
	return &InvalidError{Value: v, Type: t, Reason: r, Detail: detail}
}

// Normalize refangs in.Value, guesses in.Type when it is empty (see
// Classify), validates the value and rewrites it in canonical form. It
// may change Type between ipv4 and ipv6 (an IPv4-mapped IPv6 address is an
// IPv4 address). Tags are trimmed and de-duplicated. It returns an
// *InvalidError when the value is not a valid indicator of its type.
func Normalize(in *Indicator) error {
	raw := in.Value
	v := Refang(raw)
	if v == "" {
		return invalid(in.Type, in.Value, ReasonEmpty, "")
	}
	t := in.Type
	if t == "" {
		ct, ok := Classify(v)
		if !ok {
			return invalid("", in.Value, ReasonUnknownType, "")
		}
		t = ct
	}
	var err error
	switch t {
	case TypeIPv4, TypeIPv6:
		err = normIP(in, t, v)
	case TypeIPPort:
		err = normIPPort(in, v)
	case TypeDomain:
		in.Type = t
		in.Value, err = NormalizeDomain(v)
	case TypeURL:
		in.Type = t
		in.Value, err = normURL(v)
	case TypeMD5, TypeSHA1, TypeSHA256:
		in.Type = t
		in.Value, err = normHash(t, v)
	default:
		return invalid(t, in.Value, ReasonUnknownType, "")
	}
	if err != nil {
		var ie *InvalidError
		if errors.As(err, &ie) {
			ie.Type, ie.Value = t, raw
		}
		in.Value = raw
		return err
	}
	in.Tags = CleanTags(in.Tags)
	in.Malware.Aliases = CleanTags(in.Malware.Aliases)
	if in.Confidence < 0 {
		in.Confidence = 0
	} else if in.Confidence > 100 {
		in.Confidence = 100
	}
	return nil
}

func normIP(in *Indicator, t Type, v string) error {
	ip, err := ParseIP(v)
	if err != nil {
		return err
	}
	in.IP, in.Port, in.Value = ip, 0, ip.String()
	in.Type = TypeIPv4
	if ip.Is6() {
		in.Type = TypeIPv6
	}
	return nil
}

// ParseIP parses an IPv4 or IPv6 address (no zone, no port). IPv4-mapped
// IPv6 addresses are returned as IPv4.
func ParseIP(v string) (netip.Addr, error) {
	v = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")
	ip, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Addr{}, invalid("", v, ReasonNotIP, "")
	}
	if ip.Zone() != "" {
		return netip.Addr{}, invalid("", v, ReasonNotIP, "has a zone")
	}
	return ip.Unmap(), nil
}

func normIPPort(in *Indicator, v string) error {
	ip, port, err := ParseIPPort(v)
	if err != nil {
		return err
	}
	in.Type, in.IP, in.Port = TypeIPPort, ip, port
	in.Value = JoinHostPort(ip, port)
	return nil
}

// ParseIPPort parses "1.2.3.4:80" or "[2001:db8::1]:443". The port must be
// 1..65535.
func ParseIPPort(v string) (netip.Addr, uint16, error) {
	i := strings.LastIndexByte(v, ':')
	if i <= 0 {
		return netip.Addr{}, 0, invalid(TypeIPPort, v, ReasonNotIP, "no port")
	}
	host, ps := v[:i], v[i+1:]
	if strings.HasPrefix(host, "[") != strings.HasSuffix(host, "]") {
		return netip.Addr{}, 0, invalid(TypeIPPort, v, ReasonNotIP, "unbalanced brackets")
	}
	ip, err := ParseIP(host)
	if err != nil {
		return netip.Addr{}, 0, err
	}
	if ip.Is6() && !strings.HasPrefix(host, "[") {
		return netip.Addr{}, 0, invalid(TypeIPPort, v, ReasonNotIP, "IPv6 with port needs brackets")
	}
	port, err := ParsePort(ps)
	if err != nil {
		return netip.Addr{}, 0, err
	}
	return ip, port, nil
}

// ParsePort parses a decimal port number 1..65535.
func ParsePort(s string) (uint16, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || len(s) > 6 {
		return 0, invalid("", s, ReasonBadPort, "not a number")
	}
	if n < 1 || n > 65535 {
		return 0, invalid("", s, ReasonBadPort, "")
	}
	return uint16(n), nil
}

// NormalizeDomain lower-cases a host name, drops one trailing dot, converts
// Unicode labels to punycode and checks the syntax: labels of 1..63
// letters, digits, '-' or '_', at least two labels, total length at most
// 253 and a top-level label that is not all digits.
func NormalizeDomain(v string) (string, error) {
	d := strings.ToLower(strings.TrimSuffix(v, "."))
	if d == "" {
		return "", invalid(TypeDomain, v, ReasonBadDomain, "empty")
	}
	if !isASCII(d) {
		a, err := idna.Lookup.ToASCII(d)
		if err != nil {
			return "", invalid(TypeDomain, v, ReasonBadDomain, "bad IDN")
		}
		d = a
	}
	if len(d) > 253 {
		return "", invalid(TypeDomain, v, ReasonBadDomain, "too long")
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return "", invalid(TypeDomain, v, ReasonBadDomain, "no dot")
	}
	for _, l := range labels {
		if !validLabel(l) {
			return "", invalid(TypeDomain, v, ReasonBadDomain, "bad label")
		}
	}
	if isDigits(labels[len(labels)-1]) {
		return "", invalid(TypeDomain, v, ReasonBadDomain, "numeric top-level label")
	}
	return d, nil
}

func validLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

var hashLen = map[Type]int{TypeMD5: 32, TypeSHA1: 40, TypeSHA256: 64}

func normHash(t Type, v string) (string, error) {
	if len(v) != hashLen[t] {
		return "", invalid(t, v, ReasonBadHash, fmt.Sprintf("want %d hex digits, got %d characters", hashLen[t], len(v)))
	}
	if !isHex(v) {
		return "", invalid(t, v, ReasonBadHash, "not hex")
	}
	return strings.ToLower(v), nil
}

// normURL lower-cases scheme and host, validates the host (an IP, a
// bracketed IPv6 address or a domain) and optional port, and keeps
// everything after the authority verbatim.
func normURL(v string) (string, error) {
	i := strings.Index(v, "://")
	if i <= 0 || !validScheme(v[:i]) {
		return "", invalid(TypeURL, v, ReasonBadURL, "no scheme")
	}
	scheme := strings.ToLower(v[:i])
	rest := v[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	auth, tail := rest[:end], rest[end:]
	if strings.ContainsAny(v, " \t\r\n") {
		return "", invalid(TypeURL, v, ReasonBadURL, "contains white space")
	}
	if !utf8.ValidString(v) {
		return "", invalid(TypeURL, v, ReasonBadURL, "not valid UTF-8")
	}
	if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		// RFC 3986 has no raw control characters; a feed that sends one
		// sends a broken or hostile value, and it must not reach a query
		// or a report as-is.
		return "", invalid(TypeURL, v, ReasonBadURL, "contains a control character")
	}
	userinfo := ""
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		userinfo, auth = auth[:at+1], auth[at+1:]
	}
	host, err := normURLHost(auth)
	if err != nil {
		return "", err
	}
	return scheme + "://" + userinfo + host + tail, nil
}

func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !(c >= 'a' && c <= 'z' || i > 0 && (s[i] >= '0' && s[i] <= '9' || s[i] == '+' || s[i] == '-' || s[i] == '.')) {
			return false
		}
	}
	return s != ""
}

func normURLHost(auth string) (string, error) {
	host, port := auth, ""
	if strings.HasPrefix(auth, "[") {
		j := strings.IndexByte(auth, ']')
		if j < 0 {
			return "", invalid(TypeURL, auth, ReasonBadURL, "unbalanced brackets")
		}
		host, port = auth[:j+1], auth[j+1:]
	} else if j := strings.LastIndexByte(auth, ':'); j >= 0 {
		host, port = auth[:j], auth[j:]
	}
	if port != "" {
		if port == ":" {
			port = ""
		} else if !strings.HasPrefix(port, ":") {
			return "", invalid(TypeURL, auth, ReasonBadURL, "bad port")
		} else if _, err := ParsePort(port[1:]); err != nil {
			return "", invalid(TypeURL, auth, ReasonBadPort, "")
		}
	}
	if strings.HasPrefix(host, "[") {
		ip, err := ParseIP(host)
		if err != nil || !ip.Is6() {
			return "", invalid(TypeURL, auth, ReasonBadURL, "bad IPv6 host")
		}
		return "[" + ip.String() + "]" + port, nil
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.Is4() {
		return ip.String() + port, nil
	}
	d, err := NormalizeDomain(host)
	if err != nil {
		return "", invalid(TypeURL, auth, ReasonBadURL, "bad host")
	}
	return d + port, nil
}

// urlHost returns the host of a canonical URL value (without brackets or port).
func urlHost(u string) string {
	i := strings.Index(u, "://")
	if i < 0 {
		return ""
	}
	rest := u[i+3:]
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	if strings.HasPrefix(rest, "[") {
		if j := strings.IndexByte(rest, ']'); j > 0 {
			return rest[1:j]
		}
		return ""
	}
	if j := strings.LastIndexByte(rest, ':'); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// Classify guesses the type of refanged IOC text: a 32/40/64 hex-digit
// hash, a URL (has "scheme://"), an ip:port, an IP address or a domain.
// It reports false when the text looks like none of them.
func Classify(v string) (Type, bool) {
	switch {
	case v == "":
		return "", false
	case isHex(v) && len(v) == 32:
		return TypeMD5, true
	case isHex(v) && len(v) == 40:
		return TypeSHA1, true
	case isHex(v) && len(v) == 64:
		return TypeSHA256, true
	case strings.Contains(v, "://"):
		return TypeURL, true
	}
	if ip, err := ParseIP(v); err == nil {
		if ip.Is4() {
			return TypeIPv4, true
		}
		return TypeIPv6, true
	}
	if _, _, err := ParseIPPort(v); err == nil {
		return TypeIPPort, true
	}
	if looksLikeIPPort(v) {
		return TypeIPPort, true
	}
	if _, err := NormalizeDomain(v); err == nil {
		return TypeDomain, true
	}
	return "", false
}

// looksLikeIPPort is true for "a.b.c.d:digits" even when the port is out of
// range, so the rejection names the port.
func looksLikeIPPort(v string) bool {
	i := strings.LastIndexByte(v, ':')
	if i <= 0 || !isDigits(v[i+1:]) {
		return false
	}
	_, err := ParseIP(v[:i])
	return err == nil
}

// CleanTags trims tags, drops empty ones and the "None" placeholder and
// removes duplicates, keeping the first spelling and order.
func CleanTags(tags []string) []string {
	if len(tags) == 0 {
		return nil
	}
	out := tags[:0:0]
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		t = strings.TrimSpace(t)
		k := strings.ToLower(t)
		if t == "" || k == "none" || k == "null" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
