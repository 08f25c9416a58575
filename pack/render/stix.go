package render

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/huntpack/huntpack/pack"
)

func init() {
	register(Format{Name: "stix", Doc: "STIX 2.1 bundle: one indicator per IOC (ip:port as network-traffic with dst_port), the malware family and indicates relationships", Fn: stixBundle})
}

// stixString quotes s as a STIX patterning string literal: single quotes,
// with backslash and quote escaped.
func stixString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// stixPattern returns the STIX pattern matching exactly the IOC.
func stixPattern(i pack.IOC) (string, error) {
	switch i.Type {
	case pack.TypeIPPort:
		return fmt.Sprintf("[network-traffic:dst_ref.value = %s AND network-traffic:dst_port = %d]", stixString(i.Value), i.Port), nil
	case pack.TypeIPv4:
		return "[ipv4-addr:value = " + stixString(i.Value) + "]", nil
	case pack.TypeIPv6:
		return "[ipv6-addr:value = " + stixString(i.Value) + "]", nil
	case pack.TypeDomain:
		return "[domain-name:value = " + stixString(i.Value) + "]", nil
	case pack.TypeURL:
		return "[url:value = " + stixString(i.Value) + "]", nil
	case pack.TypeMD5:
		return "[file:hashes.MD5 = " + stixString(i.Value) + "]", nil
	case pack.TypeSHA1:
		return "[file:hashes.'SHA-1' = " + stixString(i.Value) + "]", nil
	case pack.TypeSHA256:
		return "[file:hashes.'SHA-256' = " + stixString(i.Value) + "]", nil
	}
	return "", fmt.Errorf("IOC type %q has no STIX pattern", i.Type)
}

func stixTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func stixBundle(p *pack.Pack) ([]Output, error) {
	created := p.Generated
	if created.IsZero() {
		created = time.Unix(0, 0)
	}
	identity := "identity--" + uuid5(p.ID, "identity")
	objects := []map[string]any{{
		"type": "identity", "spec_version": "2.1", "id": identity, "created": stixTime(created), "modified": stixTime(created),
		"name": "huntpack", "identity_class": "system",
	}}
	malwareID := ""
	if p.Family != "" {
		malwareID = "malware--" + uuid5(p.ID, "malware", p.Family)
		objects = append(objects, map[string]any{
			"type": "malware", "spec_version": "2.1", "id": malwareID, "created": stixTime(created), "modified": stixTime(created),
			"created_by_ref": identity, "name": p.Family, "is_family": true,
		})
	}
	for _, i := range p.IOCs {
		pattern, err := stixPattern(i)
		if err != nil {
			return nil, err
		}
		id := "indicator--" + uuid5(p.ID, "indicator", i.Type, i.Key())
		valid := i.FirstSeen
		if valid.IsZero() {
			valid = created
		}
		ind := map[string]any{
			"type": "indicator", "spec_version": "2.1", "id": id, "created": stixTime(created), "modified": stixTime(created),
			"created_by_ref": identity, "name": fmt.Sprintf("%s %s %s", p.Family, i.Type, i.Key()),
			"indicator_types": []string{"malicious-activity"}, "pattern": pattern, "pattern_type": "stix", "valid_from": stixTime(valid),
		}
		if i.Confidence > 0 {
			ind["confidence"] = i.Confidence
		}
		if len(i.Tags) > 0 {
			ind["labels"] = i.Tags
		}
		if ref := stixReference(i); ref != nil {
			ind["external_references"] = []map[string]any{ref}
		}
		objects = append(objects, ind)
		if malwareID != "" {
			objects = append(objects, map[string]any{
				"type": "relationship", "spec_version": "2.1", "id": "relationship--" + uuid5(p.ID, "indicates", id),
				"created": stixTime(created), "modified": stixTime(created), "relationship_type": "indicates",
				"source_ref": id, "target_ref": malwareID,
			})
		}
	}
	bundle := map[string]any{"type": "bundle", "id": "bundle--" + uuid5(p.ID, "bundle", stixTime(created)), "objects": objects}
	b, err := json.MarshalIndent(bundle, "", "  ")
	if err != nil {
		return nil, err
	}
	return []Output{{Path: p.ID + ".stix.json", Data: append(b, '\n')}}, nil
}

func stixReference(i pack.IOC) map[string]any {
	if i.Source == "" {
		return nil
	}
	ref := map[string]any{"source_name": i.Source}
	if i.SourceID != "" {
		ref["external_id"] = i.SourceID
	}
	if strings.EqualFold(i.Source, "threatfox") && i.SourceID != "" {
		ref["url"] = "https://threatfox.abuse.ch/ioc/" + i.SourceID + "/"
	} else if strings.HasPrefix(i.Reference, "http") {
		ref["url"] = i.Reference
	}
	return ref
}
