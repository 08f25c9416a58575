package feed

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/huntpack/huntpack/intel"
)

type stixObject struct {
	Type           string          `json:"type"`
	ID             string          `json:"id"`
	Name           string          `json:"name"`
	Aliases        []string        `json:"aliases"`
	Pattern        string          `json:"pattern"`
	PatternType    string          `json:"pattern_type"`
	ValidFrom      string          `json:"valid_from"`
	ValidUntil     string          `json:"valid_until"`
	Created        string          `json:"created"`
	Modified       string          `json:"modified"`
	Confidence     json.RawMessage `json:"confidence"`
	Labels         []string        `json:"labels"`
	IndicatorTypes []string        `json:"indicator_types"`
	SourceRef      string          `json:"source_ref"`
	TargetRef      string          `json:"target_ref"`
	RelType        string          `json:"relationship_type"`
	ExtRefs        []struct {
		URL        string `json:"url"`
		SourceName string `json:"source_name"`
	} `json:"external_references"`
	Revoked bool `json:"revoked"`
}

// parseSTIX reads a STIX 2.1 bundle. Each indicator with pattern_type
// "stix" (or none) yields one indicator per comparison in its pattern; an
// observation comparing network-traffic:dst_ref.value and dst_port yields
// an ip:port. Malware names come from "indicates" relationships to
// malware objects. Revoked indicators are skipped.
func parseSTIX(data []byte, name string, res *Result) error {
	var b struct {
		Type    string       `json:"type"`
		Objects []stixObject `json:"objects"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return jsonErr(name, data, err)
	}
	if b.Type != "bundle" {
		return fmt.Errorf("%s: STIX: top-level type %q, want \"bundle\"", name, b.Type)
	}
	malware := map[string]intel.Malware{}
	for _, o := range b.Objects {
		if o.Type == "malware" {
			malware[o.ID] = intel.Malware{Name: o.Name, Aliases: o.Aliases}
		}
	}
	indicates := map[string]intel.Malware{}
	for _, o := range b.Objects {
		if o.Type == "relationship" && o.RelType == "indicates" {
			if m, ok := malware[o.TargetRef]; ok {
				indicates[o.SourceRef] = m
			}
		}
	}
	for _, o := range b.Objects {
		if o.Type != "indicator" {
			continue
		}
		if o.Revoked {
			res.skip("stix revoked indicator")
			continue
		}
		if o.PatternType != "" && o.PatternType != "stix" {
			res.skip("stix pattern_type " + o.PatternType)
			continue
		}
		stixIndicator(&o, indicates[o.ID], name, res)
	}
	return nil
}

func stixIndicator(o *stixObject, m intel.Malware, name string, res *Result) {
	pos := atRecord(name, o.ID)
	obs, err := parsePattern(o.Pattern)
	if err != nil {
		res.reject("bad STIX pattern", o.Pattern, pos)
		return
	}
	var ref string
	for _, r := range o.ExtRefs {
		if r.URL != "" {
			ref = r.URL
			break
		}
	}
	tags := append(append([]string(nil), o.Labels...), o.IndicatorTypes...)
	for _, ob := range obs {
		in := intel.Indicator{
			Type: ob.typ, Value: ob.value, Malware: m,
			Confidence: confidence(rawString(o.Confidence)),
			FirstSeen:  parseTime(o.ValidFrom), LastSeen: parseTime(o.Modified),
			Tags: intel.CleanTags(tags), Reference: ref,
			Source: "stix", SourceID: o.ID,
		}
		if ob.typ == "" {
			res.skip("stix " + ob.object)
			continue
		}
		res.add(in, pos)
	}
}

// stixComparison is one "object:path = value" comparison of a pattern.
type stixComparison struct {
	object, path, value string
}

// stixObs is what an observation expression reduces to.
type stixObs struct {
	typ    intel.Type
	value  string
	object string
}

// parsePattern splits a STIX pattern into observation expressions
// ("[...]") and reduces each to indicators. Only '=' comparisons are
// read; other operators are ignored.
func parsePattern(p string) ([]stixObs, error) {
	var out []stixObs
	for rest := p; ; {
		i := strings.IndexByte(rest, '[')
		if i < 0 {
			break
		}
		body, after, err := observation(rest[i+1:])
		if err != nil {
			return nil, err
		}
		comps, err := comparisons(body)
		if err != nil {
			return nil, err
		}
		out = append(out, reduce(comps)...)
		rest = after
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no observation in pattern")
	}
	return out, nil
}

// observation returns the text up to the closing ']' (quotes respected).
func observation(s string) (body, rest string, err error) {
	inQ := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && inQ:
			i++
		case c == '\'':
			inQ = !inQ
		case c == ']' && !inQ:
			return s[:i], s[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("unterminated observation")
}

// comparisons reads "obj:path = 'v'" / "obj:path = 123" terms joined by
// AND/OR.
func comparisons(body string) ([]stixComparison, error) {
	var out []stixComparison
	s := body
	for {
		s = strings.TrimSpace(s)
		if s == "" {
			return out, nil
		}
		c, rest, err := comparison(s)
		if err != nil {
			return nil, err
		}
		if c.object != "" {
			out = append(out, c)
		}
		s = strings.TrimSpace(rest)
		for _, kw := range []string{"AND ", "OR ", "and ", "or "} {
			s = strings.TrimPrefix(s, kw)
		}
	}
}

func comparison(s string) (stixComparison, string, error) {
	s = strings.TrimLeft(s, "( ")
	colon := strings.IndexByte(s, ':')
	if colon <= 0 {
		return stixComparison{}, "", fmt.Errorf("no object path")
	}
	op := strings.IndexAny(s, "=!<>")
	if op < colon {
		return stixComparison{}, "", fmt.Errorf("no comparison operator")
	}
	c := stixComparison{object: strings.TrimSpace(s[:colon]), path: strings.TrimSpace(s[colon+1 : op])}
	isEq := s[op] == '=' && (op+1 >= len(s) || s[op+1] != '=')
	rest := strings.TrimLeft(s[op:], "=!<> ")
	val, rest, err := literal(rest)
	if err != nil {
		return stixComparison{}, "", err
	}
	if !isEq {
		c.object = ""
	}
	c.value = val
	return c, strings.TrimLeft(rest, ") "), nil
}

// literal reads a quoted string (” with \' and \\ escapes) or a bare token.
func literal(s string) (string, string, error) {
	if strings.HasPrefix(s, "'") {
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				if i+1 < len(s) {
					i++
					b.WriteByte(s[i])
				}
			case '\'':
				return b.String(), s[i+1:], nil
			default:
				b.WriteByte(s[i])
			}
		}
		return "", "", fmt.Errorf("unterminated string")
	}
	end := strings.IndexAny(s, " )")
	if end < 0 {
		end = len(s)
	}
	if end == 0 {
		return "", "", fmt.Errorf("missing value")
	}
	return s[:end], s[end:], nil
}

// reduce turns the comparisons of one observation into indicators: a
// network-traffic destination address plus dst_port becomes an ip:port.
func reduce(comps []stixComparison) []stixObs {
	var out []stixObs
	var ntIP, ntPort string
	for _, c := range comps {
		key := c.object + ":" + strings.ReplaceAll(c.path, "'", "")
		switch {
		case key == "network-traffic:dst_ref.value":
			ntIP = c.value
		case key == "network-traffic:dst_port":
			ntPort = c.value
		case c.object == "network-traffic":
		default:
			out = append(out, stixObs{typ: stixType(key), value: c.value, object: key})
		}
	}
	switch {
	case ntIP != "" && ntPort != "":
		out = append(out, stixObs{typ: intel.TypeIPPort, value: bracketV6(ntIP) + ":" + ntPort, object: "network-traffic"})
	case ntIP != "":
		out = append(out, stixObs{typ: intel.TypeIPv4, value: ntIP, object: "network-traffic"})
	}
	return out
}

func bracketV6(ip string) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]"
	}
	return ip
}

func stixType(key string) intel.Type {
	switch strings.ToLower(key) {
	case "ipv4-addr:value", "ipv6-addr:value":
		return intel.TypeIPv4 // Normalize picks v4 or v6
	case "domain-name:value":
		return intel.TypeDomain
	case "url:value":
		return intel.TypeURL
	case "file:hashes.md5":
		return intel.TypeMD5
	case "file:hashes.sha-1", "file:hashes.sha1":
		return intel.TypeSHA1
	case "file:hashes.sha-256", "file:hashes.sha256":
		return intel.TypeSHA256
	}
	return ""
}
