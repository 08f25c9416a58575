package render

import (
	"bytes"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/huntpack/huntpack/pack"
)

// RuleLookback is the window of scheduled rules and custom detections:
// they run every hour over the last hour (Sentinel) so each event is
// looked at once.
const RuleLookback = "1h"

func init() {
	register(Format{Name: "sentinel-hunting", Doc: "Sentinel hunting queries, one YAML per query (Azure-Sentinel repository schema)", Fn: sentinelHunting})
	register(Format{Name: "sentinel-rule", Doc: "Sentinel scheduled analytics rules, one YAML per query (Azure-Sentinel repository schema)", Fn: sentinelRules})
	register(Format{Name: "arm", Doc: "ARM template deploying the scheduled analytics rules to a Sentinel workspace", Fn: sentinelARM})
}

// uuid5 returns a name-based (SHA-1, version 5) UUID, so regenerated
// packs keep their rule ids.
func uuid5(parts ...string) string {
	ns := []byte("huntpack/pack/render") // fixed namespace bytes
	h := sha1.New()
	h.Write(ns)
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// sentinelTactic maps ATT&CK tactic slugs to Sentinel's tactic names.
func sentinelTactic(slug string) string {
	var b strings.Builder
	for _, w := range strings.Split(slug, "-") {
		if w == "and" {
			b.WriteString("And")
			continue
		}
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

func tactics(p *pack.Pack) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range p.Techniques {
		s := sentinelTactic(t.Tactic)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func techniqueIDs(p *pack.Pack, mainOnly bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range p.Techniques {
		id := t.ID
		if mainOnly {
			id, _, _ = strings.Cut(id, ".")
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// connectors names the Sentinel data connectors per table.
var connectors = map[string][]string{
	"CommonSecurityLog":   {"CefAma", "CEF"},
	"DnsEvents":           {"ASimDnsActivityLogs", "DNS"},
	"DeviceNetworkEvents": {"MicrosoftThreatProtection"},
	"DeviceFileEvents":    {"MicrosoftThreatProtection"},
	"DeviceProcessEvents": {"MicrosoftThreatProtection"},
	"UrlClickEvents":      {"MicrosoftThreatProtection"},
}

type connectorYAML struct {
	ConnectorID string   `yaml:"connectorId" json:"connectorId"`
	DataTypes   []string `yaml:"dataTypes" json:"dataTypes"`
}

func requiredConnectors(q pack.Query) []connectorYAML {
	out := []connectorYAML{}
	for _, c := range connectors[q.Table] {
		out = append(out, connectorYAML{ConnectorID: c, DataTypes: []string{q.Table}})
	}
	return out
}

type fieldMapping struct {
	Identifier string `yaml:"identifier" json:"identifier"`
	ColumnName string `yaml:"columnName" json:"columnName"`
}

type entityMapping struct {
	EntityType    string         `yaml:"entityType" json:"entityType"`
	FieldMappings []fieldMapping `yaml:"fieldMappings" json:"fieldMappings"`
}

// hostColumn is the column naming the internal host per table.
var hostColumn = map[string]string{
	"CommonSecurityLog": "SourceHostName", "DeviceNetworkEvents": "DeviceName", "DeviceFileEvents": "DeviceName",
	"DeviceProcessEvents": "DeviceName", "_Im_NetworkSession": "SrcHostname", "_Im_Dns": "SrcHostname",
}

// entities maps the IOC (and the host) of a query's results to Sentinel
// entities: IP (MatchedIP), DNS (IOC), URL (IOC), FileHash (MatchedOn is
// the algorithm name SHA256/SHA1/MD5, IOC the value).
func entities(q pack.Query) []entityMapping {
	var out []entityMapping
	one := func(typ, id, col string) entityMapping {
		return entityMapping{EntityType: typ, FieldMappings: []fieldMapping{{Identifier: id, ColumnName: col}}}
	}
	switch kindOfQuery(q) {
	case pack.KindIP:
		out = append(out, one("IP", "Address", "MatchedIP"))
	case pack.KindDomain:
		out = append(out, one("DNS", "DomainName", "IOC"))
	case pack.KindURL:
		out = append(out, one("URL", "Url", "IOC"))
	case pack.KindHash:
		out = append(out, entityMapping{EntityType: "FileHash", FieldMappings: []fieldMapping{
			{Identifier: "Algorithm", ColumnName: "MatchedOn"}, {Identifier: "Value", ColumnName: "IOC"}}})
	}
	if h := hostColumn[q.Table]; h != "" {
		out = append(out, one("Host", "HostName", h))
	}
	if q.Table == "UrlClickEvents" {
		out = append(out, one("Account", "FullName", "AccountUpn"))
	}
	return out
}

// kindOfQuery reads the IOC kind from the query id prefix the builder
// writes ("ip-", "domain-", "url-", "hash-"), falling back to its IOCs.
func kindOfQuery(q pack.Query) string {
	k, _, _ := strings.Cut(q.ID, "-")
	switch k {
	case pack.KindIP, pack.KindDomain, pack.KindURL, pack.KindHash:
		return k
	}
	return ""
}

func customDetails(q pack.Query) map[string]string {
	d := map[string]string{"IOC": "IOC", "IOCFirstSeen": "IOCFirstSeen", "MatchedOn": "MatchedOn"}
	if kindOfQuery(q) == pack.KindIP {
		d["PortMatch"] = "PortMatch"
	}
	return d
}

// MaxDescription is the description length the Azure-Sentinel repository
// accepts for rules and hunting queries (its reviewers ask for 255
// characters at most).
const MaxDescription = 255

func description(p *pack.Pack, q pack.Query) string {
	d := q.Title + ". " + q.Description
	if p.Family != "" {
		d = fmt.Sprintf("%s %s IOCs (%s). %s", p.Family, kindOfQuery(q), p.Title, d)
	}
	return shorten(strings.TrimSpace(d), MaxDescription)
}

// shorten cuts s to at most n runes at a word boundary, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n-3])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "..."
}

type huntingYAML struct {
	ID                     string          `yaml:"id"`
	Name                   string          `yaml:"name"`
	Description            string          `yaml:"description"`
	RequiredDataConnectors []connectorYAML `yaml:"requiredDataConnectors"`
	Tactics                []string        `yaml:"tactics"`
	RelevantTechniques     []string        `yaml:"relevantTechniques"`
	Query                  string          `yaml:"query"`
	EntityMappings         []entityMapping `yaml:"entityMappings,omitempty"`
	Version                string          `yaml:"version"`
}

func marshalYAML(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func sentinelHunting(p *pack.Pack) ([]Output, error) {
	var out []Output
	for _, q := range p.Queries {
		doc := huntingYAML{ID: uuid5(p.ID, "hunting", q.ID), Name: q.Title, Description: description(p, q),
			RequiredDataConnectors: requiredConnectors(q), Tactics: tactics(p), RelevantTechniques: techniqueIDs(p, false),
			Query: q.KQL, EntityMappings: entities(q), Version: "1.0.0"}
		b, err := marshalYAML(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q.ID, err)
		}
		out = append(out, Output{Path: "sentinel/hunting/" + q.ID + ".yaml", Data: b})
	}
	return out, nil
}

type ruleYAML struct {
	ID                     string            `yaml:"id"`
	Name                   string            `yaml:"name"`
	Description            string            `yaml:"description"`
	Severity               string            `yaml:"severity"`
	RequiredDataConnectors []connectorYAML   `yaml:"requiredDataConnectors"`
	QueryFrequency         string            `yaml:"queryFrequency"`
	QueryPeriod            string            `yaml:"queryPeriod"`
	TriggerOperator        string            `yaml:"triggerOperator"`
	TriggerThreshold       int               `yaml:"triggerThreshold"`
	Tactics                []string          `yaml:"tactics"`
	RelevantTechniques     []string          `yaml:"relevantTechniques"`
	Query                  string            `yaml:"query"`
	EntityMappings         []entityMapping   `yaml:"entityMappings,omitempty"`
	CustomDetails          map[string]string `yaml:"customDetails,omitempty"`
	Version                string            `yaml:"version"`
	Kind                   string            `yaml:"kind"`
}

// ruleQuery is the query with its window set to the rule period.
func ruleQuery(q pack.Query) string {
	kql, ok := pack.WithLookback(q.KQL, RuleLookback)
	if !ok {
		return q.KQL
	}
	return kql
}

func sentinelRules(p *pack.Pack) ([]Output, error) {
	var out []Output
	for _, q := range p.Queries {
		doc := ruleYAML{ID: uuid5(p.ID, "rule", q.ID), Name: q.Title, Description: description(p, q), Severity: "Medium",
			RequiredDataConnectors: requiredConnectors(q), QueryFrequency: RuleLookback, QueryPeriod: RuleLookback,
			TriggerOperator: "gt", TriggerThreshold: 0, Tactics: tactics(p), RelevantTechniques: techniqueIDs(p, false),
			Query: ruleQuery(q), EntityMappings: entities(q), CustomDetails: customDetails(q), Version: "1.0.0", Kind: "Scheduled"}
		b, err := marshalYAML(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q.ID, err)
		}
		out = append(out, Output{Path: "sentinel/rules/" + q.ID + ".yaml", Data: b})
	}
	return out, nil
}

// armString protects a string from ARM's template-expression syntax: a
// value starting with "[" is an expression unless the bracket is doubled.
func armString(s string) string {
	if strings.HasPrefix(s, "[") {
		return "[" + s
	}
	return s
}

func sentinelARM(p *pack.Pack) ([]Output, error) {
	var resources []map[string]any
	for _, q := range p.Queries {
		id := uuid5(p.ID, "rule", q.ID)
		resources = append(resources, map[string]any{
			"type":       "Microsoft.OperationalInsights/workspaces/providers/alertRules",
			"apiVersion": "2022-11-01",
			"name":       "[concat(parameters('workspace'),'/Microsoft.SecurityInsights/" + id + "')]",
			"kind":       "Scheduled",
			"properties": map[string]any{
				"displayName":           armString(q.Title),
				"description":           armString(description(p, q)),
				"severity":              "Medium",
				"enabled":               true,
				"query":                 armString(ruleQuery(q)),
				"queryFrequency":        "PT1H",
				"queryPeriod":           "PT1H",
				"triggerOperator":       "GreaterThan",
				"triggerThreshold":      0,
				"suppressionDuration":   "PT5H",
				"suppressionEnabled":    false,
				"tactics":               tactics(p),
				"techniques":            techniqueIDs(p, true),
				"entityMappings":        entities(q),
				"customDetails":         customDetails(q),
				"eventGroupingSettings": map[string]any{"aggregationKind": "AlertPerResult"},
			},
		})
	}
	tmpl := map[string]any{
		"$schema":        "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
		"contentVersion": "1.0.0.0",
		"parameters": map[string]any{
			"workspace": map[string]any{"type": "string", "metadata": map[string]any{"description": "Log Analytics workspace with Microsoft Sentinel"}},
		},
		"resources": resources,
	}
	b, err := json.MarshalIndent(tmpl, "", "  ")
	if err != nil {
		return nil, err
	}
	return []Output{{Path: "sentinel/" + p.ID + ".arm.json", Data: append(b, '\n')}}, nil
}
