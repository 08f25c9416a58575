// Package zeek reads Zeek conn.log and dns.log, in Zeek's TSV format
// (#separator/#fields/#types header, "-" unset, "(empty)" empty) and as
// JSON lines (dotted "id.orig_h" or underscored "id_orig_h" keys), and
// maps them to the ASIM tables: conn to ASimNetworkSessionLogs, dns to
// ASimDnsActivityLogs. Timestamps are epoch seconds (or ISO 8601 in
// JSON written with ISO timestamps).
package zeek

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/logs/asim"
	"github.com/huntpack/huntpack/logs/record"
)

// Log kinds.
const (
	Conn = "conn"
	DNS  = "dns"
)

// TableFor returns the ASIM table a Zeek log kind feeds.
func TableFor(kind string) string {
	if kind == DNS {
		return asim.Dns
	}
	return asim.NetworkSession
}

// Sniff recognises a Zeek log from its first lines and returns its kind.
func Sniff(lines [][]byte) (kind string, ok bool) {
	isTSV := false
	for _, l := range lines {
		if bytes.HasPrefix(l, []byte("#separator")) || bytes.HasPrefix(l, []byte("#fields\t")) {
			isTSV = true
		}
		if p, found := bytes.CutPrefix(l, []byte("#path\t")); found {
			switch string(bytes.TrimSpace(p)) {
			case Conn:
				return Conn, true
			case DNS:
				return DNS, true
			}
		}
	}
	if isTSV || len(lines) == 0 || len(lines[0]) == 0 || lines[0][0] != '{' {
		return "", false
	}
	kv, err := asim.ParseJSON(lines[0])
	if err != nil || kv.Get("uid") == "" || kv.Get("id.orig_h", "id_orig_h") == "" {
		return "", false
	}
	return jsonKind(kv)
}

func jsonKind(kv asim.KV) (string, bool) {
	switch {
	case kv["_path"] == DNS || kv["@stream"] == DNS || kv["query"] != "" || kv["qtype"] != "" || kv["rcode"] != "":
		return DNS, true
	case kv["_path"] == Conn || kv["@stream"] == Conn || kv["conn_state"] != "" || kv["history"] != "" || kv["duration"] != "":
		return Conn, true
	}
	return "", false
}

// Open opens a Zeek log (TSV or JSON, optionally compressed) as rows of
// the ASIM table for kind.
func Open(path, kind string) (record.Source, error) {
	m := &mapper{kind: kind}
	return asim.OpenLines(path, TableFor(kind), m.line)
}

// mapper keeps the TSV header state of one file.
type mapper struct {
	kind   string
	sep    []byte
	fields []string
	setSep string
	empty  string
	unset  string
	rec    asim.KV
}

func (m *mapper) line(line []byte, n int64, b *asim.Builder) (bool, error) {
	if line[0] == '#' {
		m.header(line)
		return false, nil
	}
	var kv asim.KV
	if line[0] == '{' {
		var err error
		if kv, err = asim.ParseJSON(line); err != nil {
			return false, err
		}
		kv = normaliseKeys(kv)
		if k, ok := jsonKind(kv); ok && k != m.kind {
			return false, nil // another log in the same stream
		}
	} else {
		if m.fields == nil {
			return false, fmt.Errorf("data line before the #fields header")
		}
		var err error
		if kv, err = m.tsv(line); err != nil {
			return false, err
		}
	}
	if m.kind == DNS {
		mapDNS(kv, b)
	} else {
		mapConn(kv, b)
	}
	return true, nil
}

func (m *mapper) header(line []byte) {
	key, val, _ := bytes.Cut(line[1:], []byte{'\t'})
	if bytes.HasPrefix(line, []byte("#separator ")) {
		m.sep = unescapeSep(string(bytes.TrimPrefix(line, []byte("#separator "))))
		return
	}
	switch string(key) {
	case "fields":
		m.fields = strings.Split(string(val), m.separator())
	case "set_separator":
		m.setSep = string(val)
	case "empty_field":
		m.empty = string(val)
	case "unset_field":
		m.unset = string(val)
	}
}

func (m *mapper) separator() string {
	if len(m.sep) == 0 {
		return "\t"
	}
	return string(m.sep)
}

// unescapeSep turns "\x09" into a tab.
func unescapeSep(s string) []byte {
	if strings.HasPrefix(s, `\x`) && len(s) == 4 {
		if n, err := strconv.ParseUint(s[2:], 16, 8); err == nil {
			return []byte{byte(n)}
		}
	}
	return []byte(s)
}

func (m *mapper) tsv(line []byte) (asim.KV, error) {
	vals := strings.Split(string(line), m.separator())
	if len(vals) != len(m.fields) {
		return nil, fmt.Errorf("has %d fields, #fields has %d", len(vals), len(m.fields))
	}
	unset, empty := m.unset, m.empty
	if unset == "" {
		unset = "-"
	}
	if empty == "" {
		empty = "(empty)"
	}
	if m.rec == nil {
		m.rec = make(asim.KV, len(vals))
	}
	kv := m.rec // reused: the mapping only reads it during the call
	clear(kv)
	for i, v := range vals {
		if v == unset || v == empty {
			continue
		}
		kv[m.fields[i]] = v
	}
	return kv, nil
}

// normaliseKeys maps "id_orig_h" style keys to Zeek's "id.orig_h".
func normaliseKeys(kv asim.KV) asim.KV {
	for _, k := range []string{"orig_h", "orig_p", "resp_h", "resp_p"} {
		if v, ok := kv["id_"+k]; ok {
			kv["id."+k] = v
		}
	}
	return kv
}

func zeekBool(v string) string {
	switch v {
	case "T", "true":
		return "true"
	case "F", "false":
		return "false"
	}
	return ""
}

func setCommon(kv asim.KV, b *asim.Builder) {
	ts := asim.EpochToISO(kv["ts"])
	b.Set("TimeGenerated", ts)
	b.Set("EventStartTime", ts)
	b.Set("EventEndTime", ts)
	b.Set("EventCount", "1")
	b.Set("EventVendor", "Zeek")
	b.Set("EventProduct", "Zeek")
	b.Set("SrcIpAddr", kv["id.orig_h"])
	b.Set("SrcPortNumber", kv["id.orig_p"])
	b.Set("DstIpAddr", kv["id.resp_h"])
	b.Set("DstPortNumber", kv["id.resp_p"])
	b.Set("NetworkProtocol", strings.ToUpper(kv["proto"]))
	b.Set("NetworkProtocolVersion", asim.IPVersion(kv["id.orig_h"]))
	b.Set("EventOriginalUid", kv["uid"])
	b.Set("Dvc", kv.Get("@system", "_system_name"))
}

func mapConn(kv asim.KV, b *asim.Builder) {
	setCommon(kv, b)
	b.Set("Type", asim.NetworkSession)
	b.Set("EventType", "NetworkSession")
	b.Set("EventSchemaVersion", "0.2.6")
	b.Set("EventResult", "Success")
	b.Set("NetworkSessionId", kv["uid"])
	b.Set("NetworkApplicationProtocol", strings.ToUpper(kv["service"]))
	b.Set("NetworkDuration", asim.SecondsToMillis(kv["duration"]))
	b.Set("SrcBytes", kv["orig_bytes"])
	b.Set("DstBytes", kv["resp_bytes"])
	b.Set("SrcPackets", kv["orig_pkts"])
	b.Set("DstPackets", kv["resp_pkts"])
	b.Set("NetworkBytes", asim.SumInts(kv["orig_bytes"], kv["resp_bytes"]))
	b.Set("NetworkPackets", asim.SumInts(kv["orig_pkts"], kv["resp_pkts"]))
	b.Set("NetworkConnectionHistory", kv["history"])
	b.Set("EventOriginalSubType", kv["conn_state"])
	b.Set("SrcMacAddr", kv["orig_l2_addr"])
	b.Set("DstMacAddr", kv["resp_l2_addr"])
	switch {
	case kv["local_orig"] == "T" && kv["local_resp"] == "F":
		b.Set("NetworkDirection", "Outbound")
	case kv["local_orig"] == "F" && kv["local_resp"] == "T":
		b.Set("NetworkDirection", "Inbound")
	case kv["local_orig"] == "T" && kv["local_resp"] == "T":
		b.Set("NetworkDirection", "Local")
	}
}

func mapDNS(kv asim.KV, b *asim.Builder) {
	setCommon(kv, b)
	b.Set("Type", asim.Dns)
	b.Set("EventType", "Query")
	b.Set("EventSubType", "response")
	b.Set("EventSchemaVersion", "0.1.7")
	b.Set("DnsSessionId", kv["uid"])
	b.Set("TransactionIdHex", hexID(kv["trans_id"]))
	b.Set("DnsQuery", kv["query"])
	b.Set("DnsQueryClass", kv["qclass"])
	b.Set("DnsQueryClassName", kv["qclass_name"])
	b.Set("DnsQueryType", kv["qtype"])
	b.Set("DnsQueryTypeName", kv["qtype_name"])
	asim.SetDNSResult(b, kv["rcode"], kv["rcode_name"])
	b.Set("DnsResponseName", asim.JoinArray(kv["answers"]))
	b.Set("DnsNetworkDuration", asim.SecondsToMillis(kv["rtt"]))
	b.Set("DnsFlagsAuthoritative", zeekBool(kv["AA"]))
	b.Set("DnsFlagsTruncated", zeekBool(kv["TC"]))
	b.Set("DnsFlagsRecursionDesired", zeekBool(kv["RD"]))
	b.Set("DnsFlagsRecursionAvailable", zeekBool(kv["RA"]))
}

func hexID(v string) string {
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return ""
	}
	return strconv.FormatUint(n, 16)
}
