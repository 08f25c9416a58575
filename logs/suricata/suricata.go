// Package suricata reads Suricata EVE JSON lines and maps flow and alert
// events to ASimNetworkSessionLogs (alerts as EventType "IDS" with the
// signature as ThreatName / NetworkRuleName) and dns events to
// ASimDnsActivityLogs (EVE dns versions 1, 2 and 3), with the client as
// SrcIpAddr whichever way EVE wrote the tuple (see serverToClient). Other
// event types (http, tls, stats, ...) are skipped.
package suricata

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/logs/asim"
	"github.com/huntpack/huntpack/logs/record"
)

// Sniff recognises EVE JSON lines.
func Sniff(lines [][]byte) bool {
	if len(lines) == 0 || len(lines[0]) == 0 || lines[0][0] != '{' {
		return false
	}
	kv, err := asim.ParseJSON(lines[0])
	return err == nil && kv["event_type"] != "" && kv["timestamp"] != "" && (kv["src_ip"] != "" || kv["event_type"] == "stats")
}

// Open opens an EVE file as rows of table.
func Open(path, table string) (record.Source, error) {
	return asim.OpenLines(path, table, func(line []byte, n int64, b *asim.Builder) (bool, error) {
		kv, err := asim.ParseJSON(line)
		if err != nil {
			return false, err
		}
		return mapEvent(kv, table, b), nil
	})
}

func mapEvent(kv asim.KV, table string, b *asim.Builder) bool {
	et := kv["event_type"]
	switch {
	case table == asim.NetworkSession && (et == "flow" || et == "alert"):
	case table == asim.Dns && et == "dns":
	default:
		return false
	}
	ts := kv["timestamp"]
	b.Set("TimeGenerated", ts)
	b.Set("EventStartTime", ts)
	b.Set("EventEndTime", ts)
	b.Set("EventCount", "1")
	b.Set("EventVendor", "OISF")
	b.Set("EventProduct", "Suricata")
	b.Set("EventOriginalType", et)
	b.Set("Type", table)
	srcIP, srcPort, dstIP, dstPort := kv["src_ip"], kv["src_port"], kv["dest_ip"], kv["dest_port"]
	if et == "dns" && serverToClient(srcPort, dstPort) {
		srcIP, srcPort, dstIP, dstPort = dstIP, dstPort, srcIP, srcPort
	}
	b.Set("SrcIpAddr", srcIP)
	b.Set("SrcPortNumber", srcPort)
	b.Set("DstIpAddr", dstIP)
	b.Set("DstPortNumber", dstPort)
	b.Set("NetworkProtocol", strings.ToUpper(kv["proto"]))
	b.Set("NetworkProtocolVersion", asim.IPVersion(srcIP))
	b.Set("Dvc", kv["host"])
	switch et {
	case "flow":
		mapFlow(kv, b)
	case "alert":
		mapAlert(kv, b)
	default:
		mapDNS(kv, b)
	}
	return true
}

// dnsServerPorts are the ports a DNS server answers on (DNS, DNS over
// TLS, mDNS, LLMNR).
var dnsServerPorts = map[string]bool{"53": true, "853": true, "5353": true, "5355": true}

// serverToClient reports whether a dns event's src/dest tuple runs from
// the DNS server to the client. EVE writes the tuple of a dns record in
// the direction Suricata logged it, which is not always the flow's:
// Suricata 4/5 log a UDP answer in packet direction (src_ip = the server,
// src_port 53: suricata-verify eve-dns), a TCP answer in flow direction
// (src_ip = the client: dns-tcp-www-google-com), and later versions log
// transactions in flow direction. ASIM's SrcIpAddr is the client, so the
// tuple is swapped exactly when its source port is a DNS server port and
// its destination port is not; a tuple with neither (DNS on an unusual
// port) is kept as written.
func serverToClient(srcPort, dstPort string) bool {
	return dnsServerPorts[srcPort] && !dnsServerPorts[dstPort]
}

func mapFlow(kv asim.KV, b *asim.Builder) {
	b.Set("EventType", "NetworkSession")
	b.Set("EventSchemaVersion", "0.2.6")
	b.Set("EventResult", "Success")
	b.Set("NetworkSessionId", kv["flow_id"])
	b.Set("NetworkApplicationProtocol", strings.ToUpper(kv["app_proto"]))
	b.Set("EventStartTime", kv["flow.start"])
	b.Set("EventEndTime", kv["flow.end"])
	b.Set("SrcPackets", kv["flow.pkts_toserver"])
	b.Set("DstPackets", kv["flow.pkts_toclient"])
	b.Set("SrcBytes", kv["flow.bytes_toserver"])
	b.Set("DstBytes", kv["flow.bytes_toclient"])
	b.Set("NetworkPackets", asim.SumInts(kv["flow.pkts_toserver"], kv["flow.pkts_toclient"]))
	b.Set("NetworkBytes", asim.SumInts(kv["flow.bytes_toserver"], kv["flow.bytes_toclient"]))
	b.Set("EventOriginalSubType", kv["flow.state"])
	b.Set("TcpFlagsSyn", kv["tcp.syn"])
	b.Set("TcpFlagsAck", kv["tcp.ack"])
	b.Set("TcpFlagsFin", kv["tcp.fin"])
	b.Set("TcpFlagsRst", kv["tcp.rst"])
	b.Set("TcpFlagsPsh", kv["tcp.psh"])
	b.Set("TcpFlagsUrg", kv["tcp.urg"])
}

var severities = map[string]string{"1": "High", "2": "Medium", "3": "Low", "4": "Informational"}

func mapAlert(kv asim.KV, b *asim.Builder) {
	b.Set("EventType", "IDS")
	b.Set("EventSchemaVersion", "0.2.6")
	b.Set("NetworkSessionId", kv["flow_id"])
	b.Set("NetworkApplicationProtocol", strings.ToUpper(kv["app_proto"]))
	action := kv["alert.action"]
	b.Set("DvcOriginalAction", action)
	switch action {
	case "allowed":
		b.Set("DvcAction", "Allow")
		b.Set("EventResult", "Success")
	case "blocked":
		b.Set("DvcAction", "Deny")
		b.Set("EventResult", "Failure")
	}
	b.Set("ThreatName", kv["alert.signature"])
	b.Set("ThreatId", kv["alert.signature_id"])
	b.Set("ThreatCategory", kv["alert.category"])
	b.Set("NetworkRuleName", kv["alert.signature"])
	b.Set("NetworkRuleNumber", kv["alert.signature_id"])
	b.Set("EventOriginalSeverity", kv["alert.severity"])
	b.Set("EventSeverity", severities[kv["alert.severity"]])
	b.Set("DstHostname", kv["http.hostname"])
}

// answer is one EVE dns answer record.
type answer struct {
	Rrname string `json:"rrname"`
	Rrtype string `json:"rrtype"`
	Rdata  string `json:"rdata"`
}

func mapDNS(kv asim.KV, b *asim.Builder) {
	b.Set("EventType", "Query")
	b.Set("EventSchemaVersion", "0.1.7")
	b.Set("DnsSessionId", kv["flow_id"])
	if id, err := strconv.ParseUint(kv["dns.id"], 10, 32); err == nil {
		b.Set("TransactionIdHex", strconv.FormatUint(id, 16))
	}
	typ := kv["dns.type"]
	query, qtype := kv["dns.rrname"], kv["dns.rrtype"]
	var queries []answer
	if json.Unmarshal([]byte(kv["dns.queries"]), &queries) == nil && len(queries) > 0 { // EVE v3
		query, qtype = queries[0].Rrname, queries[0].Rrtype
	}
	var answers []answer
	_ = json.Unmarshal([]byte(kv["dns.answers"]), &answers) // EVE v2/v3
	var resp []string
	for _, a := range answers {
		if a.Rdata != "" {
			resp = append(resp, a.Rdata)
		}
	}
	if kv["dns.rdata"] != "" { // EVE v1: one answer per record
		resp = append(resp, kv["dns.rdata"])
	}
	if typ == "query" || typ == "request" {
		b.Set("EventSubType", "request")
	} else {
		b.Set("EventSubType", "response")
		asim.SetDNSResult(b, "", kv["dns.rcode"])
	}
	b.Set("DnsQuery", query)
	b.Set("DnsQueryTypeName", qtype)
	b.Set("DnsQueryType", asim.QtypeNumber(qtype))
	b.Set("DnsResponseName", strings.Join(resp, ","))
	b.Set("DnsFlags", kv["dns.flags"])
	for flag, col := range map[string]string{"aa": "DnsFlagsAuthoritative", "tc": "DnsFlagsTruncated", "rd": "DnsFlagsRecursionDesired", "ra": "DnsFlagsRecursionAvailable"} {
		b.Set(col, kv["dns."+flag])
	}
}
