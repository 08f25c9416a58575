package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/huntpack/huntpack/intel"
)

// stixString quotes s as a STIX pattern string literal: single quotes,
// with backslash and quote escaped.
func stixString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func ipObject(in *intel.Indicator) string {
	if in.IP.Is6() {
		return "ipv6-addr"
	}
	return "ipv4-addr"
}

// stixPattern is the STIX 2.1 pattern of an indicator.
func stixPattern(in *intel.Indicator, sentinel bool) string {
	switch in.Type {
	case intel.TypeIPv4, intel.TypeIPv6:
		return "[" + ipObject(in) + ":value = " + stixString(in.IP.String()) + "]"
	case intel.TypeIPPort:
		if sentinel {
			return "[" + ipObject(in) + ":value = " + stixString(in.IP.String()) + "]"
		}
		return fmt.Sprintf("[network-traffic:dst_ref.type = %s AND network-traffic:dst_ref.value = %s AND network-traffic:dst_port = %d]",
			stixString(ipObject(in)), stixString(in.IP.String()), in.Port)
	case intel.TypeDomain:
		return "[domain-name:value = " + stixString(in.Value) + "]"
	case intel.TypeURL:
		return "[url:value = " + stixString(in.Value) + "]"
	case intel.TypeMD5:
		return "[file:hashes.MD5 = " + stixString(in.Value) + "]"
	case intel.TypeSHA1:
		return "[file:hashes.'SHA-1' = " + stixString(in.Value) + "]"
	case intel.TypeSHA256:
		return "[file:hashes.'SHA-256' = " + stixString(in.Value) + "]"
	}
	return ""
}

type stixIndicator struct {
	Type           string    `json:"type"`
	SpecVersion    string    `json:"spec_version"`
	ID             string    `json:"id"`
	Created        string    `json:"created"`
	Modified       string    `json:"modified"`
	Name           string    `json:"name"`
	Description    string    `json:"description,omitempty"`
	IndicatorTypes []string  `json:"indicator_types"`
	Pattern        string    `json:"pattern"`
	PatternType    string    `json:"pattern_type"`
	ValidFrom      string    `json:"valid_from"`
	ValidUntil     string    `json:"valid_until,omitempty"`
	Confidence     *int      `json:"confidence,omitempty"`
	Labels         []string  `json:"labels,omitempty"`
	ExternalRefs   []stixRef `json:"external_references,omitempty"`
}

type stixRef struct {
	SourceName string `json:"source_name"`
	URL        string `json:"url,omitempty"`
}

type stixMalware struct {
	Type        string   `json:"type"`
	SpecVersion string   `json:"spec_version"`
	ID          string   `json:"id"`
	Created     string   `json:"created"`
	Modified    string   `json:"modified"`
	Name        string   `json:"name"`
	IsFamily    bool     `json:"is_family"`
	Aliases     []string `json:"aliases,omitempty"`
}

type stixRelationship struct {
	Type        string `json:"type"`
	SpecVersion string `json:"spec_version"`
	ID          string `json:"id"`
	Created     string `json:"created"`
	Modified    string `json:"modified"`
	RelType     string `json:"relationship_type"`
	SourceRef   string `json:"source_ref"`
	TargetRef   string `json:"target_ref"`
}

func stixTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// writeSTIX writes a STIX 2.1 bundle: one indicator per item, one malware
// object per family and "indicates" relationships between them. Ids are
// name-based, so exporting the same indicators twice gives the same ids.
func writeSTIX(w io.Writer, items []Item, o Options) error {
	now := stixTime(o.Now)
	var objects []any
	families := map[string]string{}
	for _, it := range items {
		ind := stixIndicatorOf(&it, now, o.SentinelSTIX)
		objects = append(objects, ind)
		if it.Malware.Name == "" {
			continue
		}
		mid, ok := families[it.Malware.Name]
		if !ok {
			mid = "malware--" + uuid5("malware:"+it.Malware.Name)
			families[it.Malware.Name] = mid
			objects = append(objects, stixMalware{Type: "malware", SpecVersion: "2.1", ID: mid, Created: now,
				Modified: now, Name: it.Malware.Name, IsFamily: true, Aliases: it.Malware.Aliases})
		}
		objects = append(objects, stixRelationship{Type: "relationship", SpecVersion: "2.1",
			ID: "relationship--" + uuid5("indicates:"+ind.ID+mid), Created: now, Modified: now,
			RelType: "indicates", SourceRef: ind.ID, TargetRef: mid})
	}
	if objects == nil {
		objects = []any{}
	}
	bundle := map[string]any{"type": "bundle", "id": "bundle--" + uuid5("bundle:"+now+strconv.Itoa(len(items))), "objects": objects}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(bundle)
}

func stixIndicatorOf(it *Item, now string, sentinel bool) stixIndicator {
	name := it.Value
	if it.Malware.Name != "" {
		name = it.Malware.Name + " " + string(it.Type) + " " + it.Value
	}
	valid := now
	if !it.FirstSeen.IsZero() {
		valid = stixTime(it.FirstSeen)
	}
	ind := stixIndicator{Type: "indicator", SpecVersion: "2.1", ID: "indicator--" + uuid5(it.Key().String()),
		Created: now, Modified: now, Name: name, IndicatorTypes: []string{"malicious-activity"},
		Pattern: stixPattern(&it.Indicator, sentinel), PatternType: "stix", ValidFrom: valid,
		Labels: it.Tags, Description: it.ThreatType}
	if !it.ExpiresAt.IsZero() && it.ExpiresAt.After(it.FirstSeen) {
		ind.ValidUntil = stixTime(it.ExpiresAt)
	}
	if it.Confidence > 0 {
		c := it.Confidence
		ind.Confidence = &c
	}
	if strings.HasPrefix(it.Reference, "http://") || strings.HasPrefix(it.Reference, "https://") {
		ind.ExternalRefs = []stixRef{{SourceName: orDefault(it.Source, "reference"), URL: it.Reference}}
	}
	return ind
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

type mispAttr struct {
	Type     string    `json:"type"`
	Category string    `json:"category"`
	Value    string    `json:"value"`
	ToIDS    bool      `json:"to_ids"`
	UUID     string    `json:"uuid"`
	Comment  string    `json:"comment,omitempty"`
	Tag      []mispTag `json:"Tag,omitempty"`
	First    string    `json:"first_seen,omitempty"`
	Last     string    `json:"last_seen,omitempty"`
}

type mispTag struct {
	Name string `json:"name"`
}

// mispType maps an indicator to a MISP attribute type, value and category.
func mispType(in *intel.Indicator) (typ, value, category string) {
	switch in.Type {
	case intel.TypeIPv4, intel.TypeIPv6:
		return "ip-dst", in.Value, "Network activity"
	case intel.TypeIPPort:
		return "ip-dst|port", in.IP.String() + "|" + strconv.Itoa(int(in.Port)), "Network activity"
	case intel.TypeDomain:
		return "domain", in.Value, "Network activity"
	case intel.TypeURL:
		return "url", in.Value, "Network activity"
	}
	return string(in.Type), in.Value, "Payload delivery"
}

// writeMISP writes one MISP event with an attribute per item; families
// become misp-galaxy:malpedia tags on their attributes, excluded
// indicators are written with to_ids false.
func writeMISP(w io.Writer, items []Item, o Options) error {
	attrs := make([]mispAttr, 0, len(items))
	for _, it := range items {
		typ, val, cat := mispType(&it.Indicator)
		a := mispAttr{Type: typ, Category: cat, Value: val, ToIDS: true, UUID: uuid5("misp:" + it.Key().String()),
			Comment: strings.TrimSpace(it.ThreatType + " " + it.Reference)}
		if _, excl := it.Excluded(); excl {
			a.ToIDS = false
		}
		if it.Malware.Name != "" {
			a.Tag = append(a.Tag, mispTag{Name: `misp-galaxy:malpedia="` + it.Malware.Name + `"`})
		}
		for _, t := range it.Tags {
			a.Tag = append(a.Tag, mispTag{Name: t})
		}
		if !it.FirstSeen.IsZero() {
			a.First = it.FirstSeen.UTC().Format(time.RFC3339)
		}
		if !it.LastSeen.IsZero() {
			a.Last = it.LastSeen.UTC().Format(time.RFC3339)
		}
		attrs = append(attrs, a)
	}
	title := o.Title
	if title == "" {
		title = "huntpack intel export"
	}
	ev := map[string]any{"Event": map[string]any{
		"info": title, "date": o.Now.UTC().Format("2006-01-02"), "uuid": uuid5("event:" + title + stixTime(o.Now)),
		"threat_level_id": "2", "analysis": "2", "distribution": "0", "published": false,
		"timestamp": strconv.FormatInt(o.Now.Unix(), 10), "Attribute": attrs,
	}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ev)
}
