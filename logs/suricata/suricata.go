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
	kv := asim.NewRecord()
	err := kv.ParseJSON(lines[0])
	return err == nil && kv.VK(kEventType) != "" && kv.VK(kTimestamp) != "" && (kv.VK(kSrcIp) != "" || kv.VK(kEventType) == "stats")
}

// Open opens an EVE file as rows of table.
func Open(path, table string) (record.Source, error) {
	return asim.OpenLines(path, table, lineMapper(table))
}

// lineMapper returns the mapping of EVE lines to rows of table; its
// record is reused for every line.
func lineMapper(table string) asim.MapFunc {
	kv := asim.NewRecord()
	return func(line []byte, n int64, b *asim.Builder) (bool, error) {
		if err := kv.ParseJSON(line); err != nil {
			return false, err
		}
		return mapEvent(kv, table, b), nil
	}
}

func mapEvent(kv *asim.Record, table string, b *asim.Builder) bool {
	et := kv.VK(kEventType)
	switch {
	case table == asim.NetworkSession && (et == "flow" || et == "alert"):
	case table == asim.Dns && et == "dns":
	default:
		return false
	}
	ts := kv.VK(kTimestamp)
	b.SetN(asim.NTimeGenerated, ts)
	b.SetN(asim.NEventStartTime, ts)
	b.SetN(asim.NEventEndTime, ts)
	b.SetN(asim.NEventCount, "1")
	b.SetN(asim.NEventVendor, "OISF")
	b.SetN(asim.NEventProduct, "Suricata")
	b.SetN(asim.NEventOriginalType, et)
	b.SetN(asim.NType, table)
	srcIP, srcPort, dstIP, dstPort := kv.VK(kSrcIp), kv.VK(kSrcPort), kv.VK(kDestIp), kv.VK(kDestPort)
	if et == "dns" && serverToClient(srcPort, dstPort) {
		srcIP, srcPort, dstIP, dstPort = dstIP, dstPort, srcIP, srcPort
	}
	b.SetN(asim.NSrcIpAddr, srcIP)
	b.SetN(asim.NSrcPortNumber, srcPort)
	b.SetN(asim.NDstIpAddr, dstIP)
	b.SetN(asim.NDstPortNumber, dstPort)
	b.SetN(asim.NNetworkProtocol, strings.ToUpper(kv.VK(kProto)))
	b.SetN(asim.NNetworkProtocolVersion, asim.IPVersion(srcIP))
	b.SetN(asim.NDvc, kv.VK(kHost))
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

func mapFlow(kv *asim.Record, b *asim.Builder) {
	b.SetN(asim.NEventType, "NetworkSession")
	b.SetN(asim.NEventSchemaVersion, "0.2.6")
	b.SetN(asim.NEventResult, "Success")
	b.SetN(asim.NNetworkSessionId, kv.VK(kFlowId))
	b.SetN(asim.NNetworkApplicationProtocol, strings.ToUpper(kv.VK(kAppProto)))
	b.SetN(asim.NEventStartTime, kv.VK(kFlowStart))
	b.SetN(asim.NEventEndTime, kv.VK(kFlowEnd))
	b.SetN(asim.NSrcPackets, kv.VK(kFlowPktsToserver))
	b.SetN(asim.NDstPackets, kv.VK(kFlowPktsToclient))
	b.SetN(asim.NSrcBytes, kv.VK(kFlowBytesToserver))
	b.SetN(asim.NDstBytes, kv.VK(kFlowBytesToclient))
	b.SetN(asim.NNetworkPackets, asim.SumInts(kv.VK(kFlowPktsToserver), kv.VK(kFlowPktsToclient)))
	b.SetN(asim.NNetworkBytes, asim.SumInts(kv.VK(kFlowBytesToserver), kv.VK(kFlowBytesToclient)))
	b.SetN(asim.NEventOriginalSubType, kv.VK(kFlowState))
	b.SetN(asim.NTcpFlagsSyn, kv.VK(kTcpSyn))
	b.SetN(asim.NTcpFlagsAck, kv.VK(kTcpAck))
	b.SetN(asim.NTcpFlagsFin, kv.VK(kTcpFin))
	b.SetN(asim.NTcpFlagsRst, kv.VK(kTcpRst))
	b.SetN(asim.NTcpFlagsPsh, kv.VK(kTcpPsh))
	b.SetN(asim.NTcpFlagsUrg, kv.VK(kTcpUrg))
}

var severities = map[string]string{"1": "High", "2": "Medium", "3": "Low", "4": "Informational"}

func mapAlert(kv *asim.Record, b *asim.Builder) {
	b.SetN(asim.NEventType, "IDS")
	b.SetN(asim.NEventSchemaVersion, "0.2.6")
	b.SetN(asim.NNetworkSessionId, kv.VK(kFlowId))
	b.SetN(asim.NNetworkApplicationProtocol, strings.ToUpper(kv.VK(kAppProto)))
	action := kv.VK(kAlertAction)
	b.SetN(asim.NDvcOriginalAction, action)
	switch action {
	case "allowed":
		b.SetN(asim.NDvcAction, "Allow")
		b.SetN(asim.NEventResult, "Success")
	case "blocked":
		b.SetN(asim.NDvcAction, "Deny")
		b.SetN(asim.NEventResult, "Failure")
	}
	b.SetN(asim.NThreatName, kv.VK(kAlertSignature))
	b.SetN(asim.NThreatId, kv.VK(kAlertSignatureId))
	b.SetN(asim.NThreatCategory, kv.VK(kAlertCategory))
	b.SetN(asim.NNetworkRuleName, kv.VK(kAlertSignature))
	b.SetN(asim.NNetworkRuleNumber, kv.VK(kAlertSignatureId))
	b.SetN(asim.NEventOriginalSeverity, kv.VK(kAlertSeverity))
	b.SetN(asim.NEventSeverity, severities[kv.VK(kAlertSeverity)])
	b.SetN(asim.NDstHostname, kv.VK(kHttpHostname))
}

// dnsFlags maps EVE dns flag keys to their columns.
var dnsFlags = []struct {
	key string
	col asim.Name
}{{"dns.aa", asim.NDnsFlagsAuthoritative}, {"dns.tc", asim.NDnsFlagsTruncated}, {"dns.rd", asim.NDnsFlagsRecursionDesired}, {"dns.ra", asim.NDnsFlagsRecursionAvailable}}

// answer is one EVE dns answer record.
type answer struct {
	Rrname string `json:"rrname"`
	Rrtype string `json:"rrtype"`
	Rdata  string `json:"rdata"`
}

func mapDNS(kv *asim.Record, b *asim.Builder) {
	b.SetN(asim.NEventType, "Query")
	b.SetN(asim.NEventSchemaVersion, "0.1.7")
	b.SetN(asim.NDnsSessionId, kv.VK(kFlowId))
	if id, err := strconv.ParseUint(kv.VK(kDnsId), 10, 32); err == nil {
		b.SetN(asim.NTransactionIdHex, strconv.FormatUint(id, 16))
	}
	typ := kv.VK(kDnsType)
	query, qtype := kv.VK(kDnsRrname), kv.VK(kDnsRrtype)
	var queries []answer
	if q := kv.VK(kDnsQueries); q != "" && json.Unmarshal([]byte(q), &queries) == nil && len(queries) > 0 { // EVE v3
		query, qtype = queries[0].Rrname, queries[0].Rrtype
	}
	var answers []answer
	if a := kv.VK(kDnsAnswers); a != "" {
		_ = json.Unmarshal([]byte(a), &answers) // EVE v2/v3
	}
	var resp []string
	for _, a := range answers {
		if a.Rdata != "" {
			resp = append(resp, a.Rdata)
		}
	}
	if kv.VK(kDnsRdata) != "" { // EVE v1: one answer per record
		resp = append(resp, kv.VK(kDnsRdata))
	}
	if typ == "query" || typ == "request" {
		b.SetN(asim.NEventSubType, "request")
	} else {
		b.SetN(asim.NEventSubType, "response")
		asim.SetDNSResult(b, "", kv.VK(kDnsRcode))
	}
	b.SetN(asim.NDnsQuery, query)
	b.SetN(asim.NDnsQueryTypeName, qtype)
	b.SetN(asim.NDnsQueryType, asim.QtypeNumber(qtype))
	b.SetN(asim.NDnsResponseName, strings.Join(resp, ","))
	b.SetN(asim.NDnsFlags, kv.VK(kDnsFlags))
	for _, f := range dnsFlags {
		b.SetN(f.col, kv.V(f.key))
	}
}

// Interned record keys (Record.VK).
var (
	kAlertAction       = asim.InternKey("alert.action")
	kAlertCategory     = asim.InternKey("alert.category")
	kAlertSeverity     = asim.InternKey("alert.severity")
	kAlertSignature    = asim.InternKey("alert.signature")
	kAlertSignatureId  = asim.InternKey("alert.signature_id")
	kAppProto          = asim.InternKey("app_proto")
	kDestIp            = asim.InternKey("dest_ip")
	kDestPort          = asim.InternKey("dest_port")
	kDnsAnswers        = asim.InternKey("dns.answers")
	kDnsFlags          = asim.InternKey("dns.flags")
	kDnsId             = asim.InternKey("dns.id")
	kDnsQueries        = asim.InternKey("dns.queries")
	kDnsRcode          = asim.InternKey("dns.rcode")
	kDnsRdata          = asim.InternKey("dns.rdata")
	kDnsRrname         = asim.InternKey("dns.rrname")
	kDnsRrtype         = asim.InternKey("dns.rrtype")
	kDnsType           = asim.InternKey("dns.type")
	kEventType         = asim.InternKey("event_type")
	kFlowBytesToclient = asim.InternKey("flow.bytes_toclient")
	kFlowBytesToserver = asim.InternKey("flow.bytes_toserver")
	kFlowEnd           = asim.InternKey("flow.end")
	kFlowPktsToclient  = asim.InternKey("flow.pkts_toclient")
	kFlowPktsToserver  = asim.InternKey("flow.pkts_toserver")
	kFlowStart         = asim.InternKey("flow.start")
	kFlowState         = asim.InternKey("flow.state")
	kFlowId            = asim.InternKey("flow_id")
	kHost              = asim.InternKey("host")
	kHttpHostname      = asim.InternKey("http.hostname")
	kProto             = asim.InternKey("proto")
	kSrcIp             = asim.InternKey("src_ip")
	kSrcPort           = asim.InternKey("src_port")
	kTcpAck            = asim.InternKey("tcp.ack")
	kTcpFin            = asim.InternKey("tcp.fin")
	kTcpPsh            = asim.InternKey("tcp.psh")
	kTcpRst            = asim.InternKey("tcp.rst")
	kTcpSyn            = asim.InternKey("tcp.syn")
	kTcpUrg            = asim.InternKey("tcp.urg")
	kTimestamp         = asim.InternKey("timestamp")
)
