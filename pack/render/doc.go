// Package render turns a hunt pack (package pack) into the formats hunters
// read and deploy: the README in the seed pack's layout (Markdown), and
// exports for Sentinel, Defender XDR, Splunk, Elastic, Sigma, Zeek,
// Suricata, STIX 2.1 and CSV.
//
// Every IOC value is attacker-controlled. Renderers escape each value for
// its target language (KQL, SPL, ES|QL, YAML, JSON, Markdown, Suricata
// rule options, Zeek TSV) and defang values meant for people; none builds
// a query by pasting a raw value.
package render
