// Package warnlist prunes false positives from threat intel with the MISP
// warninglists (https://github.com/MISP/misp-warninglists, CC0 1.0).
//
// Each list has a policy (see Policies): bogons, special-use ranges,
// sinkholes, public DNS resolvers, top sites and other benign
// infrastructure exclude an indicator; cloud and CDN ranges keep it but
// flag it and lower its confidence (real C2 servers live on rented cloud
// machines); dynamic DNS flags it. Nothing is dropped silently: every
// decision names the list and the reason, and Explain also reports the
// matches it deliberately ignored. A built-in check (SpecialUse) covers the
// special-purpose addresses and reserved names the lists miss.
//
// Host names are matched by registrable domain using the Public Suffix
// List (golang.org/x/net/publicsuffix): an exclude list entry that is a
// public suffix or a known second-level TLD (in.net, pages.dev,
// duckdns.org) never excludes the names below it, so sls.in.net is not
// pruned because in.net is on a top-sites list. Flag lists (dynamic DNS)
// do match below public suffixes: every *.duckdns.org name is dynamic DNS.
//
// A copy of the lists is embedded (lists/*.json.gz, see lists/README.md);
// LoadDir reads a misp-warninglists style directory instead.
package warnlist

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

//go:embed lists/*.json.gz
var embedded embed.FS

// Category is what a list means for an indicator that matches it.
type Category string

// Categories.
const (
	Bogon  Category = "bogon"  // special-use, private, documentation, multicast ranges and sinkholes: exclude
	Benign Category = "benign" // public resolvers, CRL/OCSP, captive portals, analysis services: exclude (URLs: flag)
	Top    Category = "top"    // top sites, big vendors, URL shorteners: exclude domains, flag URLs
	Cloud  Category = "cloud"  // cloud, CDN and parking ranges: keep, flag, lower confidence
	Flag   Category = "flag"   // dynamic DNS and similar: keep and flag
	Suffix Category = "suffix" // TLDs and second-level TLDs: exclude an indicator that is one; used for suffix logic
	Hash   Category = "hash"   // hashes of empty files and other well-known files: exclude
)

// Policies maps list names (directory names in misp-warninglists) to
// their category. Lists not named here are loaded with category Flag.
var Policies = map[string]Category{
	"rfc1918": Bogon, "rfc5735": Bogon, "rfc6598": Bogon, "rfc3849": Bogon, "ipv6-linklocal": Bogon,
	"multicast": Bogon, "rfc6761": Bogon, "sinkholes": Bogon,
	"public-dns-v4": Benign, "public-dns-v6": Benign, "public-dns-hostname": Benign,
	"crl-hostname": Benign, "crl-ip": Benign, "captive-portals": Benign, "whats-my-ip": Benign,
	"findip-host": Benign, "umbrella-blockpage-v4": Benign, "umbrella-blockpage-v6": Benign,
	"umbrella-blockpage-hostname": Benign, "automated-malware-analysis": Benign,
	"security-provider-blogpost": Benign, "public-ipfs-gateways": Benign,
	"tranco10k": Top, "cisco_top1000": Top, "cloudflare-top10k": Top, "google": Top, "microsoft": Top,
	"microsoft-office365": Top, "url-shortener": Top,
	"amazon-aws": Cloud, "microsoft-azure": Cloud, "google-gcp": Cloud, "oracle-oci": Cloud,
	"cloudflare": Cloud, "fastly": Cloud, "akamai": Cloud, "parking-domain": Cloud,
	"dynamic-dns": Flag, "parking-domain-ns": Flag,
	"tlds": Suffix, "second-level-tlds": Suffix,
	"empty-hashes": Hash, "common-ioc-false-positive": Hash, "ti-falsepositives": Hash,
}

// ConfidencePenalty is subtracted from the confidence of an indicator in a
// Cloud list (not below MinCloudConfidence, and 0 = unknown stays 0).
const (
	ConfidencePenalty  = 25
	MinCloudConfidence = 10
)

// List is one loaded warning list.
type List struct {
	Name        string   // directory name, e.g. "rfc1918"
	Title       string   // the list's "name", e.g. "List of RFC 1918 CIDR blocks"
	Description string   // the list's description
	Version     int      // the list's version
	Type        string   // string, substring, hostname, cidr or regex
	Attributes  []string // matching_attributes (MISP types); empty = all
	Category    Category

	strs     map[string]bool
	prefixes map[int]map[netip.Prefix]bool // by prefix length
	bits     []int                         // prefix lengths present, longest first
	subs     []string
	regexps  []*regexp.Regexp
	size     int
}

// Len is the number of entries.
func (l *List) Len() int { return l.size }

// Set is a loaded collection of lists.
type Set struct {
	Lists    []*List
	suffixes map[string]bool // second-level TLDs and TLDs
}

// rawList is a list.json file.
type rawList struct {
	Name               string   `json:"name"`
	Version            int      `json:"version"`
	Description        string   `json:"description"`
	Type               string   `json:"type"`
	MatchingAttributes []string `json:"matching_attributes"`
	List               []string `json:"list"`
}

// LoadEmbedded loads the lists compiled into the binary.
func LoadEmbedded() (*Set, error) {
	names, err := fs.Glob(embedded, "lists/*.json.gz")
	if err != nil {
		return nil, err
	}
	s := &Set{suffixes: map[string]bool{}}
	for _, n := range names {
		data, err := embedded.ReadFile(n)
		if err != nil {
			return nil, err
		}
		if data, err = gunzip(data); err != nil {
			return nil, fmt.Errorf("warnlist: %s: %w", n, err)
		}
		if err := s.add(strings.TrimSuffix(path.Base(n), ".json.gz"), data, n); err != nil {
			return nil, err
		}
	}
	s.sort()
	return s, nil
}

func gunzip(data []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}

// LoadDir loads every <dir>/<name>/list.json (the misp-warninglists "lists"
// layout).
func LoadDir(dir string) (*Set, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "list.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("warnlist: no */list.json under %s", dir)
	}
	s := &Set{suffixes: map[string]bool{}}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("warnlist: %w", err)
		}
		if err := s.add(filepath.Base(filepath.Dir(f)), data, f); err != nil {
			return nil, err
		}
	}
	s.sort()
	return s, nil
}

func (s *Set) sort() {
	sort.Slice(s.Lists, func(i, j int) bool { return s.Lists[i].Name < s.Lists[j].Name })
}

func (s *Set) add(name string, data []byte, file string) error {
	var raw rawList
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("warnlist: %s: %w", file, err)
	}
	cat, ok := Policies[name]
	if !ok {
		cat = Flag
	}
	l := &List{Name: name, Title: raw.Name, Description: raw.Description, Version: raw.Version,
		Type: raw.Type, Attributes: raw.MatchingAttributes, Category: cat}
	if l.Type == "" {
		l.Type = "string"
	}
	if err := l.fill(raw.List); err != nil {
		return fmt.Errorf("warnlist: %s: %w", file, err)
	}
	if cat == Suffix {
		for k := range l.strs {
			s.suffixes[k] = true
		}
	}
	s.Lists = append(s.Lists, l)
	return nil
}

func (l *List) fill(entries []string) error {
	l.size = len(entries)
	switch l.Type {
	case "cidr":
		l.prefixes = map[int]map[netip.Prefix]bool{}
		for _, e := range entries {
			p, err := parsePrefix(e)
			if err != nil {
				continue // upstream lists carry the odd malformed entry; it cannot match anything
			}
			if l.prefixes[p.Bits()] == nil {
				l.prefixes[p.Bits()] = map[netip.Prefix]bool{}
			}
			l.prefixes[p.Bits()][p] = true
		}
		for b := range l.prefixes {
			l.bits = append(l.bits, b)
		}
		sort.Sort(sort.Reverse(sort.IntSlice(l.bits)))
	case "string", "hostname":
		l.strs = make(map[string]bool, len(entries))
		for _, e := range entries {
			l.strs[strings.TrimSuffix(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(e)), "."), ".")] = true
		}
	case "substring":
		for _, e := range entries {
			l.subs = append(l.subs, strings.ToLower(e))
		}
	case "regex":
		for _, e := range entries {
			re, err := regexp.Compile(e)
			if err != nil {
				continue
			}
			l.regexps = append(l.regexps, re)
		}
	default:
		return fmt.Errorf("unknown list type %q", l.Type)
	}
	return nil
}

func parsePrefix(e string) (netip.Prefix, error) {
	e = strings.TrimSpace(e)
	if strings.Contains(e, "/") {
		p, err := netip.ParsePrefix(e)
		if err != nil {
			return p, err
		}
		a, bits := p.Addr(), p.Bits()
		if a.Is4In6() && bits >= 96 {
			a, bits = a.Unmap(), bits-96
		}
		return netip.PrefixFrom(a, bits).Masked(), nil
	}
	a, err := netip.ParseAddr(e)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// matchIP returns the prefix of l containing ip.
func (l *List) matchIP(ip netip.Addr) (netip.Prefix, bool) {
	for _, bits := range l.bits {
		set := l.prefixes[bits]
		if bits > ip.BitLen() {
			continue
		}
		p, err := ip.Prefix(bits)
		if err != nil {
			continue
		}
		if set[p] {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

// appliesTo reports whether l is meant for MISP attribute type attr.
func (l *List) appliesTo(attr string) bool {
	if len(l.Attributes) == 0 {
		return true
	}
	for _, a := range l.Attributes {
		if a == attr {
			return true
		}
	}
	return false
}
