package feed

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/huntpack/huntpack/intel"
)

type mispTag struct {
	Name string `json:"name"`
}

type mispAttribute struct {
	Type      string          `json:"type"`
	Value     string          `json:"value"`
	UUID      string          `json:"uuid"`
	Timestamp json.RawMessage `json:"timestamp"`
	FirstSeen *string         `json:"first_seen"`
	LastSeen  *string         `json:"last_seen"`
	Comment   string          `json:"comment"`
	Tag       []mispTag       `json:"Tag"`
	Deleted   bool            `json:"deleted"`
}

type mispEvent struct {
	UUID      string          `json:"uuid"`
	Info      string          `json:"info"`
	Date      string          `json:"date"`
	Timestamp json.RawMessage `json:"timestamp"`
	Orgc      struct {
		Name string `json:"name"`
	} `json:"Orgc"`
	Tag       []mispTag       `json:"Tag"`
	Attribute []mispAttribute `json:"Attribute"`
	Object    []struct {
		Attribute []mispAttribute `json:"Attribute"`
	} `json:"Object"`
	Galaxy []struct {
		Type           string `json:"type"`
		GalaxyClusters []struct {
			Value string   `json:"value"`
			Meta  struct{} `json:"-"`
		} `json:"GalaxyCluster"`
	} `json:"Galaxy"`
}

type mispWrapper struct {
	Event *mispEvent `json:"Event"`
}

// mispTypes maps MISP attribute types to indicator types; "" means the
// value's own form decides (ip-src/ip-dst may be v4 or v6).
var mispTypes = map[string]intel.Type{
	"ip-dst": intel.TypeIPv4, "ip-src": intel.TypeIPv4,
	"ip-dst|port": intel.TypeIPPort, "ip-src|port": intel.TypeIPPort,
	"domain": intel.TypeDomain, "hostname": intel.TypeDomain,
	"url": intel.TypeURL, "link": intel.TypeURL,
	"md5": intel.TypeMD5, "sha1": intel.TypeSHA1, "sha256": intel.TypeSHA256,
}

// parseMISP reads MISP event JSON: {"Event": {...}}, a list of those, or a
// REST search response {"response": [{"Event": {...}}]}. Attributes of
// the types in mispTypes become indicators (object attributes too); other
// types are counted as skipped. The malware family comes from a
// malpedia / mitre-malware / threat-actor-free galaxy tag.
func parseMISP(data []byte, name string, res *Result) error {
	events, err := mispEvents(data)
	if err != nil {
		return jsonErr(name, data, err)
	}
	if len(events) == 0 {
		return fmt.Errorf("%s: no MISP Event found", name)
	}
	for _, ev := range events {
		mispEventIndicators(ev, name, res)
	}
	return nil
}

func mispEvents(data []byte) ([]*mispEvent, error) {
	trimmed := strings.TrimSpace(string(data))
	if strings.HasPrefix(trimmed, "[") {
		var list []mispWrapper
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, err
		}
		return wrapped(list), nil
	}
	var top struct {
		Event    *mispEvent    `json:"Event"`
		Response []mispWrapper `json:"response"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, err
	}
	if top.Event != nil {
		return []*mispEvent{top.Event}, nil
	}
	return wrapped(top.Response), nil
}

func wrapped(list []mispWrapper) []*mispEvent {
	var out []*mispEvent
	for _, w := range list {
		if w.Event != nil {
			out = append(out, w.Event)
		}
	}
	return out
}

func mispEventIndicators(ev *mispEvent, name string, res *Result) {
	family := mispFamily(ev.Tag)
	attrs := append([]mispAttribute(nil), ev.Attribute...)
	for _, o := range ev.Object {
		attrs = append(attrs, o.Attribute...)
	}
	for i, a := range attrs {
		if a.Deleted {
			continue
		}
		typ, ok := mispTypes[a.Type]
		if !ok {
			res.skip("misp " + a.Type)
			continue
		}
		value := a.Value
		if typ == intel.TypeIPPort {
			if host, port, ok := strings.Cut(value, "|"); ok {
				value = bracketV6(host) + ":" + port
			}
		}
		tags := tagNames(ev.Tag, a.Tag)
		fam := family
		if f := mispFamily(a.Tag); f != "" {
			fam = f
		}
		first := parseTime(deref(a.FirstSeen))
		if first.IsZero() {
			first = parseTime(ev.Date)
		}
		in := intel.Indicator{
			Type: typ, Value: value,
			Malware:   intel.Malware{Name: fam},
			FirstSeen: first, LastSeen: parseTime(deref(a.LastSeen)),
			Tags: tags, Reference: ev.Info, Reporter: ev.Orgc.Name,
			Source: "misp", SourceID: a.UUID,
		}
		if in.LastSeen.IsZero() {
			in.LastSeen = parseTime(rawString(a.Timestamp))
		}
		res.add(in, atRecord(name, fmt.Sprintf("event %s attribute %d (%s)", ev.UUID, i+1, a.Type)))
	}
}

// mispFamily finds a malware family in galaxy tags such as
// misp-galaxy:malpedia="Remcos" or misp-galaxy:mitre-malware="Remcos - S0332".
func mispFamily(tags []mispTag) string {
	for _, t := range tags {
		for _, prefix := range []string{"misp-galaxy:malpedia=", "misp-galaxy:mitre-malware=", "misp-galaxy:tool="} {
			if v, ok := strings.CutPrefix(t.Name, prefix); ok {
				v = strings.Trim(v, `"`)
				if i := strings.Index(v, " - "); i > 0 {
					v = v[:i]
				}
				return v
			}
		}
	}
	return ""
}

func tagNames(lists ...[]mispTag) []string {
	var out []string
	for _, l := range lists {
		for _, t := range l {
			out = append(out, t.Name)
		}
	}
	return intel.CleanTags(out)
}
