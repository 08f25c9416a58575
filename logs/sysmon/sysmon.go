// Package sysmon reads Sysmon network-connection (event ID 3) and DNS
// query (event ID 22) events and maps them to ASimNetworkSessionLogs and
// ASimDnsActivityLogs, like Sentinel's ASIM Sysmon parsers. Input is JSON
// lines, flat (NXLog / Security-Datasets: EventID, Channel, Hostname,
// UtcTime, event data fields) or Winlogbeat-style nested
// (winlog.event_id, winlog.event_data.*), or Windows event XML
// (<Event><System>..</System><EventData><Data Name=..>..</Data></EventData></Event>).
// Other events in the same file are skipped. The event time is UtcTime
// (collector timestamps are often mislabelled local time).
package sysmon

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/logs/asim"
	"github.com/huntpack/huntpack/logs/record"
)

// Event IDs mapped.
const (
	NetworkConnect = "3"
	DNSQuery       = "22"
)

// TableFor returns the table for an event ID.
func TableFor(eventID string) string {
	if eventID == DNSQuery {
		return asim.Dns
	}
	return asim.NetworkSession
}

// SniffJSON recognises Windows event JSON lines (EventID plus a channel
// or provider), which may hold Sysmon events among others.
func SniffJSON(lines [][]byte) bool {
	for _, l := range lines {
		if len(l) == 0 || l[0] != '{' {
			return false
		}
		kv, err := asim.ParseJSON(l)
		if err != nil {
			return false
		}
		if isSysmon(kv) || kv.Get("EventID", "winlog.event_id") != "" && kv.Get("Channel", "winlog.channel") != "" {
			return true
		}
	}
	return false
}

// SniffXML recognises Sysmon events in Windows event XML.
func SniffXML(head []byte) bool {
	return bytes.Contains(head, []byte("<Event")) && bytes.Contains(head, []byte("Microsoft-Windows-Sysmon"))
}

func isSysmon(kv asim.KV) bool {
	return strings.Contains(kv.Get("Channel", "winlog.channel", "SourceName", "winlog.provider_name"), "Sysmon")
}

// event is one Sysmon event's fields by name.
type event struct {
	id   string
	host string
	data func(name string) string
}

// OpenJSON opens Sysmon JSON lines as rows of table.
func OpenJSON(path, table string) (record.Source, error) {
	return asim.OpenLines(path, table, func(line []byte, n int64, b *asim.Builder) (bool, error) {
		kv, err := asim.ParseJSON(line)
		if err != nil {
			return false, err
		}
		if !isSysmon(kv) {
			return false, nil
		}
		ev := event{
			id:   kv.Get("EventID", "winlog.event_id", "event.code"),
			host: kv.Get("Hostname", "Computer", "winlog.computer_name", "host.name"),
			data: func(name string) string { return kv.Get(name, "winlog.event_data."+name, "EventData."+name) },
		}
		return mapEvent(ev, table, b), nil
	})
}

// mapEvent fills b from ev when ev belongs to table.
func mapEvent(ev event, table string, b *asim.Builder) bool {
	if ev.id != NetworkConnect && ev.id != DNSQuery || TableFor(ev.id) != table {
		return false
	}
	t := ev.data("UtcTime")
	b.Set("TimeGenerated", t)
	b.Set("EventStartTime", t)
	b.Set("EventEndTime", t)
	b.Set("EventCount", "1")
	b.Set("EventVendor", "Microsoft")
	b.Set("EventProduct", "Sysmon")
	b.Set("EventOriginalType", ev.id)
	b.Set("DvcHostname", ev.host)
	b.Set("Dvc", ev.host)
	b.Set("Type", table)
	if ev.id == NetworkConnect {
		mapNetwork(ev, b)
	} else {
		mapDNS(ev, b)
	}
	return true
}

func dash(v string) string {
	if v == "-" {
		return ""
	}
	return v
}

func mapNetwork(ev event, b *asim.Builder) {
	b.Set("EventType", "EndpointNetworkSession")
	b.Set("EventSchemaVersion", "0.2.6")
	b.Set("EventResult", "Success")
	b.Set("SrcIpAddr", ev.data("SourceIp"))
	b.Set("SrcPortNumber", ev.data("SourcePort"))
	b.Set("SrcHostname", dash(ev.data("SourceHostname")))
	b.Set("DstIpAddr", ev.data("DestinationIp"))
	b.Set("DstPortNumber", ev.data("DestinationPort"))
	b.Set("DstHostname", dash(ev.data("DestinationHostname")))
	b.Set("NetworkProtocol", strings.ToUpper(ev.data("Protocol")))
	if strings.EqualFold(ev.data("SourceIsIpv6"), "true") {
		b.Set("NetworkProtocolVersion", "IPv6")
	} else {
		b.Set("NetworkProtocolVersion", asim.IPVersion(ev.data("SourceIp")))
	}
	if strings.EqualFold(ev.data("Initiated"), "true") {
		b.Set("NetworkDirection", "Outbound")
		b.Set("SrcUsername", ev.data("User"))
		b.Set("SrcAppName", ev.data("Image"))
		b.Set("SrcAppType", "Process")
	} else {
		b.Set("NetworkDirection", "Inbound")
		b.Set("DstUsername", ev.data("User"))
		b.Set("DstAppName", ev.data("Image"))
		b.Set("DstAppType", "Process")
	}
	b.Set("NetworkRuleName", dash(ev.data("RuleName")))
}

func mapDNS(ev event, b *asim.Builder) {
	b.Set("EventType", "Query")
	b.Set("EventSubType", "response")
	b.Set("EventSchemaVersion", "0.1.7")
	b.Set("DnsQuery", ev.data("QueryName"))
	b.Set("DnsResponseName", strings.TrimSuffix(ev.data("QueryResults"), ";"))
	b.Set("SrcHostname", ev.host)
	b.Set("SrcProcessName", ev.data("Image"))
	b.Set("SrcProcessId", ev.data("ProcessId"))
	b.Set("SrcProcessGuid", ev.data("ProcessGuid"))
	b.Set("SrcUsername", ev.data("User"))
	b.Set("RuleName", dash(ev.data("RuleName")))
	status := ev.data("QueryStatus")
	code := statusToRcode(status)
	asim.SetDNSResult(b, code, "")
	if code == "" && status != "" {
		b.Set("EventResult", "Failure")
		b.Set("EventResultDetails", "Windows error "+status)
	}
}

// statusToRcode maps a Windows DNS status (0 or DNS_ERROR_RCODE_* =
// 9000 + RCODE) to the DNS response code.
func statusToRcode(s string) string {
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return ""
	case n == 0:
		return "0"
	case n > 9000 && n <= 9010:
		return strconv.Itoa(n - 9000)
	}
	return ""
}
