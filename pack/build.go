package pack

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"
)

// DefaultMaxQueryChars is the largest query text Build generates before
// it splits an IOC list over several queries. Microsoft Sentinel refuses
// scheduled analytics rules whose query is longer than 10,000 characters
// (hunting queries in the portal have the same editor limit), so a pack
// built with the default deploys as rules unchanged.
const DefaultMaxQueryChars = 10000

// ErrUnsafeValue marks an IOC value Build refuses: control characters
// other than tab/newline/CR, or invalid UTF-8.
var ErrUnsafeValue = errors.New("IOC value holds control characters or invalid UTF-8")

// BuildOptions controls Build.
type BuildOptions struct {
	// ID and Title of the pack; derived from Family and Source when empty.
	ID, Title string
	// Family is the malware family (for the title and hypothesis).
	Family string
	// Source names the feed(s) for people ("ThreatFox"); derived from the
	// IOCs' Source when empty.
	Source string
	// Now is the build time; Build does not read the clock.
	Now time.Time
	// Lookback is the queries' time window (KQL timespan, "14d").
	Lookback string
	// Generator is recorded in pack.yaml.
	Generator string
	// Selection records how the IOCs were chosen.
	Selection *Selection
	// Exclusions are the false-positive rules; nil means
	// DefaultExclusions(). Use an empty, non-nil slice for none.
	Exclusions []Exclusion
	// Tables restricts the queries to these tables (names as in
	// Target.Table, case-insensitive); empty means all.
	Tables []string
	// MaxQueryChars splits IOC lists so each query stays below it;
	// 0 means DefaultMaxQueryChars.
	MaxQueryChars int
	// Skipped are IOCs the caller already left out (e.g. Selected.Pruned);
	// they are listed in Pack.Skipped with the ones Build refuses.
	Skipped []SkippedIOC
}

// SkippedIOC is an indicator Build left out, and why.
type SkippedIOC struct {
	Type   string `yaml:"type"`
	Value  string `yaml:"value"`
	Reason string `yaml:"reason"`
}

// Build turns indicators into a hunt pack: IOCs deduplicated (earliest
// first_seen, latest last_seen, highest confidence, tags merged), one
// query per IOC kind and table (split when the IOC list would make a
// query longer than MaxQueryChars), data-source notes, ATT&CK
// techniques, a hypothesis and the exclusions with their per-query
// status. IOCs it cannot use are listed in Pack.Skipped, never dropped
// silently.
func Build(iocs []IOC, opts BuildOptions) (*Pack, error) {
	opts = withDefaults(opts, iocs)
	kept, skipped := normalise(iocs)
	skipped = append(append([]SkippedIOC(nil), opts.Skipped...), skipped...)
	if len(kept) == 0 {
		return nil, fmt.Errorf("build pack: no usable IOCs (%d given, %d skipped)", len(iocs), len(skipped))
	}
	p := &Pack{
		Version: FormatVersion, ID: opts.ID, Title: opts.Title, Family: opts.Family,
		Generated: opts.Now.UTC(), Generator: opts.Generator, Selection: opts.Selection,
		Lookback: opts.Lookback, IOCs: kept, Exclusions: opts.Exclusions, Skipped: skipped,
	}
	for _, e := range p.Exclusions {
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("build pack: %w", err)
		}
	}
	if err := addQueries(p, opts); err != nil {
		return nil, err
	}
	p.DataSources = dataSources(p.Queries)
	p.Techniques = techniques(kept)
	p.Hypothesis = hypothesis(p, opts.Source)
	p.References = references(kept)
	return p, p.Validate()
}

func withDefaults(o BuildOptions, iocs []IOC) BuildOptions {
	if o.Source == "" {
		o.Source = sourceNames(iocs)
	}
	// Feed text reaches titles, comments and the README: runes Load
	// refuses become U+FFFD (see checkText).
	o.ID, o.Title, o.Family, o.Source = scrubText(o.ID), scrubText(o.Title), scrubText(o.Family), scrubText(o.Source)
	if o.Title == "" {
		o.Title = strings.TrimSpace(fmt.Sprintf("%s IOC hunt (%s)", o.Family, o.Source))
	}
	if o.ID == "" {
		o.ID = slug(o.Family + "-" + o.Source)
		if o.ID == "" {
			o.ID = "hunt-pack"
		}
	}
	if o.Lookback == "" {
		o.Lookback = DefaultLookback
	}
	if o.Generator == "" {
		o.Generator = "huntpack pack build"
	}
	if o.Exclusions == nil {
		o.Exclusions = DefaultExclusions()
	}
	if o.MaxQueryChars <= 0 {
		o.MaxQueryChars = DefaultMaxQueryChars
	}
	return o
}

func sourceNames(iocs []IOC) string {
	seen := map[string]bool{}
	var out []string
	for _, i := range iocs {
		s := sourceDisplay(i.Source)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return "intel"
	}
	return strings.Join(out, ", ")
}

func sourceDisplay(s string) string {
	switch strings.ToLower(s) {
	case "threatfox":
		return "ThreatFox"
	case "urlhaus":
		return "URLhaus"
	case "feodo", "feodotracker":
		return "Feodo Tracker"
	}
	return s
}

// normalise validates, canonicalises and deduplicates IOCs.
func normalise(iocs []IOC) ([]IOC, []SkippedIOC) {
	var kept []IOC
	var skipped []SkippedIOC
	index := map[string]int{}
	for _, i := range iocs {
		n, err := canonical(i)
		if err != nil {
			skipped = append(skipped, SkippedIOC{Type: i.Type, Value: i.Value, Reason: err.Error()})
			continue
		}
		k := n.Type + "\x00" + n.Key()
		if at, ok := index[k]; ok {
			kept[at] = merge(kept[at], n)
			continue
		}
		index[k] = len(kept)
		kept = append(kept, n)
	}
	sort.SliceStable(kept, func(a, b int) bool {
		if !kept[a].FirstSeen.Equal(kept[b].FirstSeen) {
			return kept[a].FirstSeen.After(kept[b].FirstSeen)
		}
		return kept[a].Key() < kept[b].Key()
	})
	return kept, skipped
}

// canonical checks one IOC and puts it in the form queries compare:
// domains and hashes lower case, IPs in netip's canonical text, ip:port
// split if the value still carries the port.
func canonical(i IOC) (IOC, error) {
	i.Type = canonicalType(i.Type)
	i.Value = strings.TrimSpace(i.Value)
	if i.Value == "" {
		return i, errors.New("empty value")
	}
	if unsafeValue(i.Value) {
		return i, ErrUnsafeValue
	}
	scrubMeta(&i)
	switch KindOf(i.Type) {
	case KindIP:
		return canonicalIP(i)
	case KindDomain:
		i.Value = strings.TrimSuffix(strings.ToLower(i.Value), ".")
	case KindHash:
		i.Value = strings.ToLower(i.Value)
		if !hashLenOK(i) {
			return i, fmt.Errorf("%s is not %d hex digits", i.Type, hashLen(i.Type))
		}
	case KindURL:
	default:
		return i, fmt.Errorf("IOC type %q has no hunt query", i.Type)
	}
	return i, nil
}

func canonicalIP(i IOC) (IOC, error) {
	if i.Type == TypeIPPort && i.Port == 0 {
		ap, err := netip.ParseAddrPort(i.Value)
		if err != nil {
			return i, fmt.Errorf("ip:port value %q: %w", i.Value, err)
		}
		i.Value, i.Port = ap.Addr().Unmap().String(), int(ap.Port())
		return i, nil
	}
	a, err := netip.ParseAddr(i.Value)
	if err != nil {
		return i, fmt.Errorf("ip value %q: %w", i.Value, err)
	}
	a = a.Unmap()
	i.Value = a.String()
	if i.Type != TypeIPPort {
		i.Type = TypeIPv4
		if a.Is6() {
			i.Type = TypeIPv6
		}
	}
	if i.Port < 0 || i.Port > 65535 {
		return i, fmt.Errorf("port %d out of range", i.Port)
	}
	return i, nil
}

func hashLen(t string) int {
	switch t {
	case TypeMD5:
		return 32
	case TypeSHA1:
		return 40
	}
	return 64
}

func hashLenOK(i IOC) bool {
	if len(i.Value) != hashLen(i.Type) {
		return false
	}
	return strings.Trim(i.Value, "0123456789abcdef") == ""
}

func merge(a, b IOC) IOC {
	if !b.FirstSeen.IsZero() && (a.FirstSeen.IsZero() || b.FirstSeen.Before(a.FirstSeen)) {
		a.FirstSeen = b.FirstSeen
	}
	if b.LastSeen.After(a.LastSeen) {
		a.LastSeen = b.LastSeen
	}
	if b.Confidence > a.Confidence {
		a.Confidence = b.Confidence
	}
	seen := map[string]bool{}
	for _, t := range a.Tags {
		seen[t] = true
	}
	for _, t := range b.Tags {
		if !seen[t] {
			a.Tags = append(a.Tags, t)
			seen[t] = true
		}
	}
	return a
}

func addQueries(p *Pack, opts BuildOptions) error {
	byKind := map[string][]IOC{}
	for _, i := range p.IOCs {
		byKind[KindOf(i.Type)] = append(byKind[KindOf(i.Type)], i)
	}
	for _, kind := range []string{KindIP, KindDomain, KindURL, KindHash} {
		iocs := byKind[kind]
		if len(iocs) == 0 {
			continue
		}
		for _, t := range Targets(kind) {
			if !tableWanted(t.Table, opts.Tables) {
				continue
			}
			if err := addTargetQueries(p, t, iocs, opts); err != nil {
				return err
			}
		}
	}
	if len(p.Queries) == 0 {
		return fmt.Errorf("build pack: no query: the tables %v take none of the IOC types given", opts.Tables)
	}
	return nil
}

func tableWanted(table string, want []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		if strings.EqualFold(w, table) {
			return true
		}
	}
	return false
}

func addTargetQueries(p *Pack, t Target, iocs []IOC, opts BuildOptions) error {
	chunks, err := chunkIOCs(t, iocs, opts)
	if err != nil {
		return err
	}
	for n, chunk := range chunks {
		id := t.Kind + "-" + t.Name
		part, parts := 0, 0
		if len(chunks) > 1 {
			part, parts = n+1, len(chunks)
			id = fmt.Sprintf("%s-part%d", id, part)
		}
		kql, statuses := generate(genInput{Target: t, Header: header(t, chunk, opts, part, parts),
			Lookback: opts.Lookback, IOCs: chunk, Exclusions: opts.Exclusions})
		keys := make([]string, len(chunk))
		for k, i := range chunk {
			keys[k] = i.Key()
		}
		title := t.Title
		if parts > 0 {
			title = fmt.Sprintf("%s, part %d of %d", title, part, parts)
		}
		p.Queries = append(p.Queries, Query{
			ID: id, Title: title, Table: t.Table, Platform: t.Platform,
			File: QueryFile(len(p.Queries)+1, id), KQL: kql,
			Description: strings.Join(t.Describe, " "), IOCs: keys,
			TimestampColumn: t.TimeCol, LookbackParam: LookbackParam,
			Part: part, Parts: parts, Exclusions: statuses,
		})
	}
	return nil
}

func header(t Target, chunk []IOC, opts BuildOptions, part, parts int) []string {
	h := []string{t.Title}
	what := fmt.Sprintf("%d %s IOCs", len(chunk), kindLabel(t.Kind))
	if opts.Family != "" {
		what = fmt.Sprintf("%d %s %s IOCs", len(chunk), opts.Family, kindLabel(t.Kind))
	}
	line := fmt.Sprintf("%s from %s; built %s by %s.", what, opts.Source, opts.Now.UTC().Format("2006-01-02"), opts.Generator)
	if parts > 0 {
		line += fmt.Sprintf(" Part %d of %d (IOC list split to stay under %d characters).", part, parts, opts.MaxQueryChars)
	}
	h = append(h, line)
	h = append(h, t.Describe...)
	if t.Kind == KindIP {
		h = append(h, `PortMatch: "ip:port" = IP and port match an IOC; "ip only" = the IP matched on another port (C2s move ports, NAT rewrites them) or the IOC has no port.`)
	}
	h = append(h, "IOCFirstSeen is the IOC's first_seen in the feed. Time window: edit `let lookback` (huntpack hunt --lookback rewrites it).")
	return h
}

func kindLabel(k string) string {
	switch k {
	case KindIP:
		return "IP / ip:port"
	case KindHash:
		return "file-hash"
	}
	return k
}

// chunkIOCs splits iocs so each rendered query stays under the limit.
// All IOCs of one IP stay in the same part, so PortMatch compares a hit
// with every port the feed lists for its address.
func chunkIOCs(t Target, iocs []IOC, opts BuildOptions) ([][]IOC, error) {
	render := func(c []IOC) int {
		kql, _ := generate(genInput{Target: t, Header: header(t, c, opts, 99, 99), Lookback: opts.Lookback, IOCs: c, Exclusions: opts.Exclusions})
		return len(kql)
	}
	if render(iocs) <= opts.MaxQueryChars {
		return [][]IOC{iocs}, nil
	}
	groups := groupIOCs(t.Kind, iocs)
	var out [][]IOC
	var split func(gs [][]IOC) error
	split = func(gs [][]IOC) error {
		flat := flatten(gs)
		if render(flat) <= opts.MaxQueryChars {
			out = append(out, flat)
			return nil
		}
		if len(gs) == 1 {
			return fmt.Errorf("build pack: IOC %q alone makes a %s query longer than %d characters", gs[0][0].Key(), t.Table, opts.MaxQueryChars)
		}
		mid := len(gs) / 2
		if err := split(gs[:mid]); err != nil {
			return err
		}
		return split(gs[mid:])
	}
	// Even-sized parts: estimate the count, then halve any that still overflow.
	n := render(iocs)/opts.MaxQueryChars + 1
	size := (len(groups) + n - 1) / n
	for start := 0; start < len(groups); start += size {
		if err := split(groups[start:min(start+size, len(groups))]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// groupIOCs groups IP IOCs by address (first appearance order); other
// kinds get one group per IOC.
func groupIOCs(kind string, iocs []IOC) [][]IOC {
	var groups [][]IOC
	at := map[string]int{}
	for _, i := range iocs {
		if kind != KindIP {
			groups = append(groups, []IOC{i})
			continue
		}
		if g, ok := at[i.Value]; ok {
			groups[g] = append(groups[g], i)
			continue
		}
		at[i.Value] = len(groups)
		groups = append(groups, []IOC{i})
	}
	return groups
}

func flatten(gs [][]IOC) []IOC {
	var out []IOC
	for _, g := range gs {
		out = append(out, g...)
	}
	return out
}
