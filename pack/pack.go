// Package pack is huntpack's hunt-pack model: a hypothesis, the IOCs with
// their provenance, KQL queries per data source, data-source notes,
// structured false-positive exclusions and ATT&CK techniques.
//
// A pack lives in a directory:
//
//	pack.yaml            the source of truth (this package's Pack, see FORMAT.md)
//	README.md            the human document, rendered from pack.yaml (pack/render)
//	queries/*.kql        one KQL query per file, referenced by Query.File
//
// Load reads such a directory; a directory with only queries/*.kql and a
// README (a hand-written pack like examples/remcos) loads too, as a Pack
// whose queries come from the .kql files. Save writes pack.yaml and the
// query files atomically (temporary file, then rename).
//
// The builder (Build) turns a selection of indicators into a Pack with one
// query per IOC kind and table; the exclusions model (Exclusion, Field
// vocabulary, ColumnFor) maps neutral field names such as process.name to
// the real columns of each table.
package pack

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huntpack/huntpack/intel"
)

// FormatVersion is the pack.yaml format version this package writes.
// Load accepts versions 1..FormatVersion (0 or absent means 1).
const FormatVersion = 1

// File names inside a pack directory.
const (
	ManifestFile = "pack.yaml"
	ReadmeFile   = "README.md"
	QueriesDir   = "queries"
	ExportDir    = "export" // rendered deployment formats (pack/render)
)

// DefaultLookback is the time window generated queries use when the pack
// does not say otherwise, in KQL timespan syntax.
const DefaultLookback = "14d"

// LookbackParam is the name of the let-bound time-window parameter every
// generated query declares on its first statement line:
//
//	let lookback = 14d;
//
// A runner may change the window by replacing the timespan literal of
// that statement (see Query.WithLookback); the rest of the query refers to
// it only as ago(lookback).
const LookbackParam = "lookback"

// Pack is one hunt pack. Fields are documented with their pack.yaml key.
type Pack struct {
	// Version (version) is the pack.yaml format version; 0 means 1.
	Version int `yaml:"version,omitempty"`
	// ID (id) is a stable slug, e.g. "remcos-threatfox".
	ID string `yaml:"id"`
	// Title (title) is a one-line human title.
	Title string `yaml:"title"`
	// Family (family) is the malware family the pack hunts, if one.
	Family string `yaml:"family,omitempty"`
	// Hypothesis (hypothesis) is the hunt hypothesis, plain text.
	Hypothesis string `yaml:"hypothesis"`
	// Description (description) is optional extra prose for the README.
	Description string `yaml:"description,omitempty"`
	// Generated (generated) is when the pack was built (UTC), zero if hand-written.
	Generated time.Time `yaml:"generated,omitempty"`
	// Generator (generator) names the program that built the pack.
	Generator string `yaml:"generator,omitempty"`
	// Selection (selection) records how the IOCs were chosen from the store.
	Selection *Selection `yaml:"selection,omitempty"`
	// Lookback (lookback) is the default time window of the queries in KQL
	// timespan syntax ("14d"); empty means DefaultLookback.
	Lookback string `yaml:"lookback,omitempty"`
	// Techniques (techniques) are the ATT&CK techniques the hunt covers.
	Techniques []Technique `yaml:"techniques,omitempty"`
	// IOCs (iocs) are the indicators, with provenance.
	IOCs []IOC `yaml:"iocs,omitempty"`
	// Queries (queries) are the hunt queries, in run order.
	Queries []Query `yaml:"queries"`
	// DataSources (data_sources) are notes per table the queries need.
	DataSources []DataSource `yaml:"data_sources,omitempty"`
	// Exclusions (exclusions) are the false-positive rules; each query
	// records whether each rule applied to it (Query.Exclusions).
	Exclusions []Exclusion `yaml:"exclusions,omitempty"`
	// References (references) are links for the hunter.
	References []string `yaml:"references,omitempty"`
	// Skipped (skipped) lists the IOCs the builder could not use, with
	// the reason (bad value, type without a query).
	Skipped []SkippedIOC `yaml:"skipped,omitempty"`

	// Readme is the README.md text found by Load when the directory has
	// no pack.yaml; never written to pack.yaml.
	Readme string `yaml:"-"`
	// Dir is the directory Load read the pack from; never written.
	Dir string `yaml:"-"`
}

// Selection records the store query a generated pack came from.
type Selection struct {
	Family        string    `yaml:"family,omitempty"`
	Since         string    `yaml:"since,omitempty"` // as given, e.g. "30d"
	From          time.Time `yaml:"from,omitempty"`  // resolved lower bound of first_seen
	MinConfidence int       `yaml:"min_confidence,omitempty"`
	Types         []string  `yaml:"types,omitempty"`
	Sources       []string  `yaml:"sources,omitempty"`
	Tag           string    `yaml:"tag,omitempty"`   // only IOCs carrying this feed tag
	Store         string    `yaml:"store,omitempty"` // file name of the store, informational
}

// Technique is one MITRE ATT&CK technique.
type Technique struct {
	ID     string `yaml:"id"` // T1071.001
	Name   string `yaml:"name,omitempty"`
	Tactic string `yaml:"tactic,omitempty"` // command-and-control
}

// IOC types a pack knows: the intel package's type names (intel.Type),
// so pack.yaml, the store and the CLI use one vocabulary. Build also
// accepts intel's aliases ("ip", "md5_hash", "sha256_hash", ...).
const (
	TypeIPv4   = string(intel.TypeIPv4)
	TypeIPv6   = string(intel.TypeIPv6)
	TypeIPPort = string(intel.TypeIPPort)
	TypeDomain = string(intel.TypeDomain)
	TypeURL    = string(intel.TypeURL)
	TypeMD5    = string(intel.TypeMD5)
	TypeSHA1   = string(intel.TypeSHA1)
	TypeSHA256 = string(intel.TypeSHA256)
)

// IOC is one indicator with its provenance. Value is refanged (the real
// value, never shown to people without defanging). For type ip:port, Value
// holds the IP address only and Port the port; Key() gives "ip:port".
type IOC struct {
	Type       string    `yaml:"type"`
	Value      string    `yaml:"value"`
	Port       int       `yaml:"port,omitempty"`
	ThreatType string    `yaml:"threat_type,omitempty"` // botnet_cc, payload_delivery, ...
	Confidence int       `yaml:"confidence,omitempty"`  // 0..100
	FirstSeen  time.Time `yaml:"first_seen,omitempty"`
	LastSeen   time.Time `yaml:"last_seen,omitempty"`
	Source     string    `yaml:"source,omitempty"`    // feed name, e.g. threatfox
	SourceID   string    `yaml:"source_id,omitempty"` // id in that feed
	Family     string    `yaml:"family,omitempty"`
	Tags       []string  `yaml:"tags,omitempty"`
	Reference  string    `yaml:"reference,omitempty"`
}

// Key is the IOC's identity inside a pack: the value, with ":port" for
// ip:port IOCs (IPv6 in brackets: "[2001:db8::1]:443"). Query.IOCs lists
// keys.
func (i IOC) Key() string {
	if i.Type != TypeIPPort || i.Port == 0 {
		return i.Value
	}
	if strings.Contains(i.Value, ":") {
		return fmt.Sprintf("[%s]:%d", i.Value, i.Port)
	}
	return fmt.Sprintf("%s:%d", i.Value, i.Port)
}

// IsHash reports whether the IOC is a file hash.
func (i IOC) IsHash() bool {
	return i.Type == TypeMD5 || i.Type == TypeSHA1 || i.Type == TypeSHA256
}

// IsIP reports whether the IOC is an IP address (with or without port).
func (i IOC) IsIP() bool { return KindOf(i.Type) == KindIP }

// Query is one hunt query.
type Query struct {
	// ID (id) is unique within the pack, e.g. "ipport-commonsecuritylog".
	ID string `yaml:"id"`
	// Title (title) is a one-line description.
	Title string `yaml:"title"`
	// Table (table) is the main table the query reads (CommonSecurityLog,
	// DeviceNetworkEvents, _Im_Dns, ...).
	Table string `yaml:"table,omitempty"`
	// Platform (platform) is where the KQL runs: "sentinel" (Log
	// Analytics, TimeGenerated) or "defender" (Defender XDR advanced
	// hunting, Timestamp). Both run locally.
	Platform string `yaml:"platform,omitempty"`
	// File (file) is the query file, relative to the pack directory
	// (queries/xxx.kql); when set, the KQL lives there and not in pack.yaml.
	File string `yaml:"file,omitempty"`
	// KQL (kql) is the query text when File is empty. Load fills it from
	// File either way, so users of a loaded Pack read KQL only.
	KQL string `yaml:"kql,omitempty"`
	// Description (description) says what the query looks for and how to
	// read its columns.
	Description string `yaml:"description,omitempty"`
	// IOCs (iocs) are the keys (IOC.Key) of the indicators the query covers.
	IOCs []string `yaml:"iocs,omitempty"`
	// TimestampColumn (timestamp_column) is the time column the query
	// filters and sorts on (TimeGenerated or Timestamp).
	TimestampColumn string `yaml:"timestamp_column,omitempty"`
	// Lookback (lookback_param) names the let-bound window parameter; empty
	// if the query has none (hand-written packs).
	LookbackParam string `yaml:"lookback_param,omitempty"`
	// Part/Parts (part, parts) number the pieces of a query split because
	// its IOC list was too large for one query (1-based; 0 = not split).
	Part  int `yaml:"part,omitempty"`
	Parts int `yaml:"parts,omitempty"`
	// Exclusions (exclusions) records, for every pack exclusion, whether it
	// is applied in this query's KQL or not applicable to its table.
	Exclusions []ExclusionStatus `yaml:"exclusions,omitempty"`
}

// DataSource is a note about one table the pack's queries read.
type DataSource struct {
	Table     string `yaml:"table"`
	Connector string `yaml:"connector,omitempty"`
	Notes     string `yaml:"notes,omitempty"`
}

// Errors Load and Validate report (wrapped with the file and detail).
var (
	ErrNoPack  = errors.New("not a hunt pack: no pack.yaml and no queries/*.kql")
	ErrInvalid = errors.New("invalid pack")
)

// EffectiveLookback returns p.Lookback or DefaultLookback.
func (p *Pack) EffectiveLookback() string {
	if p.Lookback == "" {
		return DefaultLookback
	}
	return p.Lookback
}

// IOCByKey returns the IOC with key k.
func (p *Pack) IOCByKey(k string) (IOC, bool) {
	for _, i := range p.IOCs {
		if i.Key() == k {
			return i, true
		}
	}
	return IOC{}, false
}

// Exclusion returns the exclusion with the given id.
func (p *Pack) Exclusion(id string) (Exclusion, bool) {
	for _, e := range p.Exclusions {
		if e.ID == id {
			return e, true
		}
	}
	return Exclusion{}, false
}

// CountByType counts the IOCs per type.
func (p *Pack) CountByType() map[string]int {
	m := map[string]int{}
	for _, i := range p.IOCs {
		m[i.Type]++
	}
	return m
}

// FromIndicator converts a store or feed indicator to a pack IOC: for
// ip:port the address goes to Value and the port to Port; the malware's
// printable name becomes Family.
func FromIndicator(in intel.Indicator) IOC {
	i := IOC{
		Type: string(in.Type), Value: in.Value, ThreatType: in.ThreatType, Confidence: in.Confidence,
		FirstSeen: in.FirstSeen.UTC(), LastSeen: in.LastSeen.UTC(), Source: in.Source, SourceID: in.SourceID,
		Family: in.Malware.Name, Tags: append([]string(nil), in.Tags...), Reference: in.Reference,
	}
	if in.FirstSeen.IsZero() {
		i.FirstSeen = time.Time{}
	}
	if in.LastSeen.IsZero() {
		i.LastSeen = time.Time{}
	}
	if in.Type == intel.TypeIPPort && in.IP.IsValid() {
		i.Value, i.Port = in.IP.Unmap().String(), int(in.Port)
	}
	return i
}
