package funcs

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/kql/types"
)

// IP functions. IPv4 addresses are dotted quads (each part 0-255, one to
// three digits), optionally followed by /prefix (0-32); anything else is
// invalid and gives null. Addresses given as longs are accepted where
// Kusto accepts them (format_ipv4, ipv4_compare, ...).

// ParseIPv4 parses "a.b.c.d" or "a.b.c.d/n" into the address and the
// prefix length (32 when absent). The address is not masked.
func ParseIPv4(s string) (ip uint32, prefix int, ok bool) {
	s = strings.TrimSpace(s)
	prefix = 32
	if i := strings.IndexByte(s, '/'); i >= 0 {
		p, err := strconv.Atoi(strings.TrimSpace(s[i+1:]))
		if err != nil || p < 0 || p > 32 {
			return 0, 0, false
		}
		prefix = p
		s = strings.TrimSpace(s[:i])
	}
	ip, ok = parseDottedQuad(s)
	return ip, prefix, ok
}

// parseDottedQuad parses exactly four decimal octets.
func parseDottedQuad(s string) (uint32, bool) {
	var ip uint32
	part, digits, parts := 0, 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if digits == 0 || part > 255 {
				return 0, false
			}
			ip = ip<<8 | uint32(part)
			parts++
			part, digits = 0, 0
			continue
		}
		c := s[i]
		if c < '0' || c > '9' || digits == 3 {
			return 0, false
		}
		part = part*10 + int(c-'0')
		digits++
	}
	return ip, parts == 4
}

// maskIPv4 keeps the first prefix bits.
func maskIPv4(ip uint32, prefix int) uint32 {
	if prefix <= 0 {
		return 0
	}
	if prefix >= 32 {
		return ip
	}
	return ip &^ (1<<(32-uint(prefix)) - 1)
}

// FormatIPv4 renders an address as a dotted quad.
func FormatIPv4(ip uint32) string {
	return fmt.Sprintf("%d.%d.%d.%d", ip>>24, ip>>16&255, ip>>8&255, ip&255)
}

// ipv4Arg reads an IPv4 address from a string ("a.b.c.d[/n]") or a long.
func ipv4Arg(v types.Value) (uint32, int, bool) {
	if s, ok := asString(v); ok {
		return ParseIPv4(s)
	}
	if i, ok := asLong(v); ok && v.T != types.Bool && i >= 0 && i <= 0xffffffff {
		return uint32(i), 32, true
	}
	return 0, 0, false
}

// prefixArg reads an optional prefix argument (0-32).
func prefixArg(a []types.Value, i int) (int, bool) {
	if i >= len(a) {
		return 32, true
	}
	p, ok := asLong(a[i])
	if !ok || p < 0 || p > 32 {
		return 0, false
	}
	return int(p), true
}

// privateRanges are RFC 1918's blocks (ipv4-is-private-function.md).
var privateRanges = [][2]uint32{
	{10 << 24, 8}, {172<<24 | 16<<16, 12}, {192<<24 | 168<<16, 16},
}

// IPv4IsPrivate reports whether the whole range ip/prefix is inside an
// RFC 1918 block.
func IPv4IsPrivate(ip uint32, prefix int) bool {
	for _, r := range privateRanges {
		if prefix >= int(r[1]) && maskIPv4(ip, int(r[1])) == r[0] {
			return true
		}
	}
	return false
}

func addIP(r *Registry) {
	scalar(r, "parse_ipv4", "parse_ipv4(ip: string): long", "Converts an IPv4 string (optionally a.b.c.d/n, which is masked) to a long; null when invalid.",
		1, 1, fixed(types.Long), unary(func(v types.Value) types.Value {
			ip, p, ok := ipv4Arg(v)
			if !ok {
				return nullOf(types.Long)
			}
			return longV(int64(maskIPv4(ip, p)))
		}))
	scalar(r, "parse_ipv4_mask", "parse_ipv4_mask(ip: string, prefix: int): long", "Converts an IPv4 string to a long after applying the prefix mask.",
		2, 2, fixed(types.Long), func(_ *Context, a []types.Value) types.Value {
			ip, p, ok := ipv4Arg(a[0])
			m, ok2 := prefixArg(a, 1)
			if !ok || !ok2 {
				return nullOf(types.Long)
			}
			return longV(int64(maskIPv4(ip, min(p, m))))
		})
	scalar(r, "ipv4_is_private", "ipv4_is_private(ip: string): bool", "True when the address (or a.b.c.d/n range) is in 10/8, 172.16/12 or 192.168/16; null when invalid.",
		1, 1, fixed(types.Bool), unary(func(v types.Value) types.Value {
			ip, p, ok := ipv4Arg(v)
			if !ok {
				return nullOf(types.Bool)
			}
			return boolV(IPv4IsPrivate(ip, p))
		}))
	scalar(r, "ipv4_is_in_range", "ipv4_is_in_range(ip: string, range: string): bool", "True when the address is inside the a.b.c.d/n range; null when either is invalid.",
		2, 2, fixed(types.Bool), func(_ *Context, a []types.Value) types.Value {
			ip, _, ok := ipv4Arg(a[0])
			rip, rp, ok2 := ipv4Arg(a[1])
			if !ok || !ok2 {
				return nullOf(types.Bool)
			}
			return boolV(maskIPv4(ip, rp) == maskIPv4(rip, rp))
		})
	scalar(r, "ipv4_is_in_any_range", "ipv4_is_in_any_range(ip: string, range1: string, ... | ranges: dynamic): bool", "True when the address is inside any of the ranges; null when the address is invalid.",
		2, -1, fixed(types.Bool), evalIPv4InAnyRange)
	scalar(r, "ipv4_is_match", "ipv4_is_match(ip1: string, ip2: string [, prefix: int]): bool", "True when the addresses are equal after masking with the smallest prefix given.",
		2, 3, fixed(types.Bool), func(_ *Context, a []types.Value) types.Value {
			c, ok := ipv4Cmp(a)
			if !ok {
				return nullOf(types.Bool)
			}
			return boolV(c == 0)
		})
	scalar(r, "ipv4_compare", "ipv4_compare(ip1: string, ip2: string [, prefix: int]): long", "Compares two addresses after masking: -1, 0 or 1.",
		2, 3, fixed(types.Long), func(_ *Context, a []types.Value) types.Value {
			c, ok := ipv4Cmp(a)
			if !ok {
				return nullOf(types.Long)
			}
			return longV(int64(c))
		})
	scalar(r, "format_ipv4", "format_ipv4(ip: string|long [, prefix: int]): string", "Formats an address (masked by prefix) as a dotted quad; \"\" when invalid.",
		1, 2, fixed(types.String), func(_ *Context, a []types.Value) types.Value {
			ip, p, ok := ipv4Arg(a[0])
			m, ok2 := prefixArg(a, 1)
			if !ok || !ok2 {
				return strV("")
			}
			return strV(FormatIPv4(maskIPv4(ip, min(p, m))))
		})
	scalar(r, "format_ipv4_mask", "format_ipv4_mask(ip: string|long [, prefix: int]): string", "Formats an address and prefix as a.b.c.d/n; \"\" when invalid.",
		1, 2, fixed(types.String), func(_ *Context, a []types.Value) types.Value {
			ip, p, ok := ipv4Arg(a[0])
			m, ok2 := prefixArg(a, 1)
			if !ok || !ok2 {
				return strV("")
			}
			p = min(p, m)
			return strV(FormatIPv4(maskIPv4(ip, p)) + "/" + strconv.Itoa(p))
		})
	scalar(r, "ipv4_netmask_suffix", "ipv4_netmask_suffix(ip: string): int", "Returns the prefix length of a.b.c.d/n (32 without one); null when invalid.",
		1, 1, fixed(types.Int), unary(func(v types.Value) types.Value {
			_, p, ok := ipv4Arg(v)
			if !ok {
				return nullOf(types.Int)
			}
			return intV(int64(p))
		}))
	addIPText(r)
	addIPv6(r)
}

func ipv4Cmp(a []types.Value) (int, bool) {
	ip1, p1, ok1 := ipv4Arg(a[0])
	ip2, p2, ok2 := ipv4Arg(a[1])
	p, ok3 := prefixArg(a, 2)
	if !ok1 || !ok2 || !ok3 {
		return 0, false
	}
	m := min(p1, p2, p)
	x, y := maskIPv4(ip1, m), maskIPv4(ip2, m)
	switch {
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	}
	return 0, true
}

// flattenStrings collects string arguments and the strings inside dynamic
// arrays (nested arrays are flattened).
func flattenStrings(a []types.Value) []string {
	var out []string
	var walk func(d any)
	walk = func(d any) {
		switch x := d.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case nil:
		default:
			out = append(out, str(dynValue(x)))
		}
	}
	for _, v := range a {
		if v.T == types.Dynamic {
			walk(v.D)
		} else if !v.IsNull() {
			out = append(out, str(v))
		}
	}
	return out
}

func evalIPv4InAnyRange(_ *Context, a []types.Value) types.Value {
	ip, _, ok := ipv4Arg(a[0])
	if !ok {
		return nullOf(types.Bool)
	}
	for _, s := range flattenStrings(a[1:]) {
		rip, rp, ok := ParseIPv4(s)
		if ok && maskIPv4(ip, rp) == maskIPv4(rip, rp) {
			return boolV(true)
		}
	}
	return boolV(false)
}

// ipv4Tokens calls f with every IPv4 address written in text: a maximal
// run of digits and dots, not touching a letter or digit on either side,
// that is a valid dotted quad (a sentence's final dot is ignored).
func ipv4Tokens(text string, f func(tok string) bool) bool {
	for i := 0; i < len(text); {
		c := text[i]
		if !(c >= '0' && c <= '9') {
			i++
			continue
		}
		j := i
		for j < len(text) && (text[j] == '.' || text[j] >= '0' && text[j] <= '9') {
			j++
		}
		tok := text[i:j]
		before := i > 0 && (alnumBefore(text, i) || text[i-1] == '.')
		after := j < len(text) && alnumAt(text, j)
		tok = strings.TrimSuffix(tok, ".")
		if !before && !after {
			if _, ok := parseDottedQuad(tok); ok && f(tok) {
				return true
			}
		}
		i = j
	}
	return false
}

func addIPText(r *Registry) {
	scalar(r, "has_ipv4", "has_ipv4(source: string, ip: string): bool", "True when source contains the IPv4 address as a whole token (not inside a longer run of digits and dots or next to letters).",
		2, 2, fixed(types.Bool), func(_ *Context, a []types.Value) types.Value {
			want, ok := parseDottedQuad(strings.TrimSpace(str(a[1])))
			if !ok {
				return boolV(false)
			}
			return boolV(ipv4Tokens(str(a[0]), func(tok string) bool {
				ip, _ := parseDottedQuad(tok)
				return ip == want
			}))
		})
	scalar(r, "has_any_ipv4", "has_any_ipv4(source: string, ip1: string, ... | ips: dynamic): bool", "True when source contains any of the IPv4 addresses as a token.",
		2, -1, fixed(types.Bool), func(_ *Context, a []types.Value) types.Value {
			want := map[uint32]bool{}
			for _, s := range flattenStrings(a[1:]) {
				if ip, ok := parseDottedQuad(strings.TrimSpace(s)); ok {
					want[ip] = true
				}
			}
			return boolV(ipv4Tokens(str(a[0]), func(tok string) bool {
				ip, _ := parseDottedQuad(tok)
				return want[ip]
			}))
		})
	scalar(r, "has_ipv4_prefix", "has_ipv4_prefix(source: string, ip_prefix: string): bool", "True when source contains an IPv4 address starting with the prefix (which must end with a dot or be a whole address).",
		2, 2, fixed(types.Bool), func(_ *Context, a []types.Value) types.Value {
			p := strings.TrimSpace(str(a[1]))
			if !validIPv4Prefix(p) {
				return boolV(false)
			}
			return boolV(ipv4Tokens(str(a[0]), func(tok string) bool { return ipHasPrefix(tok, p) }))
		})
	scalar(r, "has_any_ipv4_prefix", "has_any_ipv4_prefix(source: string, prefix1: string, ... | prefixes: dynamic): bool", "True when source contains an IPv4 address starting with any of the prefixes.",
		2, -1, fixed(types.Bool), func(_ *Context, a []types.Value) types.Value {
			var ps []string
			for _, s := range flattenStrings(a[1:]) {
				if s = strings.TrimSpace(s); validIPv4Prefix(s) {
					ps = append(ps, s)
				}
			}
			return boolV(ipv4Tokens(str(a[0]), func(tok string) bool {
				for _, p := range ps {
					if ipHasPrefix(tok, p) {
						return true
					}
				}
				return false
			}))
		})
}

// validIPv4Prefix: "10.", "10.1.", "10.1.2." or a whole address.
func validIPv4Prefix(p string) bool {
	if _, ok := parseDottedQuad(p); ok {
		return true
	}
	if !strings.HasSuffix(p, ".") {
		return false
	}
	parts := strings.Split(strings.TrimSuffix(p, "."), ".")
	if len(parts) > 3 {
		return false
	}
	for _, x := range parts {
		n, err := strconv.Atoi(x)
		if err != nil || n < 0 || n > 255 || len(x) > 3 {
			return false
		}
	}
	return true
}

func ipHasPrefix(tok, p string) bool {
	if strings.HasSuffix(p, ".") {
		return strings.HasPrefix(tok, p)
	}
	return tok == p
}

// ParseIPv6 parses an IPv6 (or IPv4, mapped into ::ffff:0:0/96) address
// with an optional /prefix (0-128; an IPv4 prefix counts from bit 96).
func ParseIPv6(s string) (netip.Addr, int, bool) {
	s = strings.TrimSpace(s)
	prefix := 128
	if i := strings.IndexByte(s, '/'); i >= 0 {
		p, err := strconv.Atoi(strings.TrimSpace(s[i+1:]))
		if err != nil || p < 0 || p > 128 {
			return netip.Addr{}, 0, false
		}
		prefix = p
		s = s[:i]
	}
	if ip4, ok := parseDottedQuad(s); ok {
		if prefix <= 32 && strings.Contains(s, ".") && prefix != 128 {
			prefix += 96
		}
		b := [4]byte{byte(ip4 >> 24), byte(ip4 >> 16), byte(ip4 >> 8), byte(ip4)}
		return netip.AddrFrom16(netip.AddrFrom4(b).As16()), prefix, true
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, 0, false
	}
	b := a.As16()
	if strings.Contains(s, ".") {
		// "::a.b.c.d" (IPv4-compatible) is read as the mapped address,
		// and a prefix up to 32 counts IPv4 bits (parse_ipv6_mask page).
		b[10], b[11] = 0xff, 0xff
		if prefix <= 32 {
			prefix += 96
		}
	}
	return netip.AddrFrom16(b), prefix, true
}

// FormatIPv6Full renders all eight groups with four hex digits, as
// Kusto's parse_ipv6 does.
func FormatIPv6Full(a netip.Addr) string {
	b := a.As16()
	var sb strings.Builder
	for i := 0; i < 16; i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02x%02x", b[i], b[i+1])
	}
	return sb.String()
}

func maskIPv6(a netip.Addr, prefix int) netip.Addr {
	p, err := a.Prefix(prefix)
	if err != nil {
		return a
	}
	return p.Addr()
}

func ipv6Arg(a []types.Value, i int) (netip.Addr, int, bool) {
	s, ok := asString(a[i])
	if !ok {
		return netip.Addr{}, 0, false
	}
	return ParseIPv6(s)
}

func ipv6Cmp(a []types.Value) (int, bool) {
	x, p1, ok1 := ipv6Arg(a, 0)
	y, p2, ok2 := ipv6Arg(a, 1)
	if !ok1 || !ok2 {
		return 0, false
	}
	p := min(p1, p2)
	if len(a) > 2 {
		q, ok := asLong(a[2])
		if !ok || q < 0 || q > 128 {
			return 0, false
		}
		p = min(p, int(q))
	}
	return maskIPv6(x, p).Compare(maskIPv6(y, p)), true
}

func addIPv6(r *Registry) {
	scalar(r, "parse_ipv6", "parse_ipv6(ip: string): string", "Converts an IPv6 or IPv4 address (optionally with /prefix, which is applied) to canonical full IPv6 text; null when invalid.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			s, ok := asString(v)
			if !ok {
				return strV("")
			}
			a, p, ok := ParseIPv6(s)
			if !ok {
				return strV("")
			}
			return strV(FormatIPv6Full(maskIPv6(a, p)))
		}))
	scalar(r, "parse_ipv6_mask", "parse_ipv6_mask(ip: string, prefix: int): string", "Converts an address to canonical IPv6 text after applying an IPv6 prefix mask (0-128).",
		2, 2, fixed(types.String), func(_ *Context, a []types.Value) types.Value {
			x, p, ok := ipv6Arg(a, 0)
			m, ok2 := asLong(a[1])
			if !ok || !ok2 || m < 0 || m > 128 {
				return strV("")
			}
			return strV(FormatIPv6Full(maskIPv6(x, min(p, int(m)))))
		})
	scalar(r, "ipv6_compare", "ipv6_compare(ip1: string, ip2: string [, prefix: int]): long", "Compares two IPv6/IPv4 addresses after masking: -1, 0 or 1.",
		2, 3, fixed(types.Long), func(_ *Context, a []types.Value) types.Value {
			c, ok := ipv6Cmp(a)
			if !ok {
				return nullOf(types.Long)
			}
			return longV(int64(c))
		})
	scalar(r, "ipv6_is_match", "ipv6_is_match(ip1: string, ip2: string [, prefix: int]): bool", "True when two IPv6/IPv4 addresses are equal after masking.",
		2, 3, fixed(types.Bool), func(_ *Context, a []types.Value) types.Value {
			c, ok := ipv6Cmp(a)
			if !ok {
				return nullOf(types.Bool)
			}
			return boolV(c == 0)
		})
	scalar(r, "ipv6_is_in_range", "ipv6_is_in_range(ip: string, range: string): bool", "True when the IPv6 address is inside the range.",
		2, 2, fixed(types.Bool), func(_ *Context, a []types.Value) types.Value {
			x, _, ok := ipv6Arg(a, 0)
			y, p, ok2 := ipv6Arg(a, 1)
			if !ok || !ok2 {
				return nullOf(types.Bool)
			}
			return boolV(maskIPv6(x, p) == maskIPv6(y, p))
		})
	scalar(r, "ipv6_is_in_any_range", "ipv6_is_in_any_range(ip: string, range1: string, ... | ranges: dynamic): bool", "True when the IPv6 address is inside any of the ranges.",
		2, -1, fixed(types.Bool), func(_ *Context, a []types.Value) types.Value {
			x, _, ok := ipv6Arg(a, 0)
			if !ok {
				return nullOf(types.Bool)
			}
			for _, s := range flattenStrings(a[1:]) {
				if y, p, ok := ParseIPv6(s); ok && maskIPv6(x, p) == maskIPv6(y, p) {
					return boolV(true)
				}
			}
			return boolV(false)
		})
}
