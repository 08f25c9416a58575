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
		kv := asim.NewRecord()
		if err := kv.ParseJSON(l); err != nil {
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

func isSysmon(kv *asim.Record) bool {
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
	return asim.OpenLines(path, table, jsonMapper(table))
}

// jsonMapper returns the mapping of JSON lines to rows of table; its
// record is reused for every line.
func jsonMapper(table string) asim.MapFunc {
	kv := asim.NewRecord()
	data := func(name string) string {
		k, ok := dataKeys[name]
		if !ok {
			return kv.Get(name, "winlog.event_data."+name, "EventData."+name)
		}
		return kv.Get(k[0], k[1], k[2])
	}
	return func(line []byte, n int64, b *asim.Builder) (bool, error) {
		if err := kv.ParseJSON(line); err != nil {
			return false, err
		}
		if !isSysmon(kv) {
			return false, nil
		}
		ev := event{
			id:   kv.Get("EventID", "winlog.event_id", "event.code"),
			host: kv.Get("Hostname", "Computer", "winlog.computer_name", "host.name"),
			data: data,
		}
		return mapEvent(ev, table, b), nil
	}
}

// dataKeys holds, for the event data fields the mapping reads, the keys
// they have in flat and Winlogbeat JSON (built once, not per record).
var dataKeys = func() map[string][3]string {
	m := map[string][3]string{}
	for _, n := range []string{"UtcTime", "SourceIp", "SourcePort", "SourceHostname", "SourceIsIpv6", "DestinationIp",
		"DestinationPort", "DestinationHostname", "Protocol", "Initiated", "User", "Image", "RuleName", "QueryName",
		"QueryResults", "QueryStatus", "ProcessId", "ProcessGuid"} {
		m[n] = [3]string{n, "winlog.event_data." + n, "EventData." + n}
	}
	return m
}()

// mapEvent fills b from ev when ev belongs to table.
func mapEvent(ev event, table string, b *asim.Builder) bool {
	if ev.id != NetworkConnect && ev.id != DNSQuery || TableFor(ev.id) != table {
		return false
	}
	t := ev.data("UtcTime")
	b.SetN(asim.NTimeGenerated, t)
	b.SetN(asim.NEventStartTime, t)
	b.SetN(asim.NEventEndTime, t)
	b.SetN(asim.NEventCount, "1")
	b.SetN(asim.NEventVendor, "Microsoft")
	b.SetN(asim.NEventProduct, "Sysmon")
	b.SetN(asim.NEventOriginalType, ev.id)
	b.SetN(asim.NDvcHostname, ev.host)
	b.SetN(asim.NDvc, ev.host)
	b.SetN(asim.NType, table)
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
	b.SetN(asim.NEventType, "EndpointNetworkSession")
	b.SetN(asim.NEventSchemaVersion, "0.2.6")
	b.SetN(asim.NEventResult, "Success")
	b.SetN(asim.NSrcIpAddr, ev.data("SourceIp"))
	b.SetN(asim.NSrcPortNumber, ev.data("SourcePort"))
	b.SetN(asim.NSrcHostname, dash(ev.data("SourceHostname")))
	b.SetN(asim.NDstIpAddr, ev.data("DestinationIp"))
	b.SetN(asim.NDstPortNumber, ev.data("DestinationPort"))
	b.SetN(asim.NDstHostname, dash(ev.data("DestinationHostname")))
	b.SetN(asim.NNetworkProtocol, strings.ToUpper(ev.data("Protocol")))
	if strings.EqualFold(ev.data("SourceIsIpv6"), "true") {
		b.SetN(asim.NNetworkProtocolVersion, "IPv6")
	} else {
		b.SetN(asim.NNetworkProtocolVersion, asim.IPVersion(ev.data("SourceIp")))
	}
	if strings.EqualFold(ev.data("Initiated"), "true") {
		b.SetN(asim.NNetworkDirection, "Outbound")
		b.SetN(asim.NSrcUsername, ev.data("User"))
		b.SetN(asim.NSrcAppName, ev.data("Image"))
		b.SetN(asim.NSrcAppType, "Process")
	} else {
		b.SetN(asim.NNetworkDirection, "Inbound")
		b.SetN(asim.NDstUsername, ev.data("User"))
		b.SetN(asim.NDstAppName, ev.data("Image"))
		b.SetN(asim.NDstAppType, "Process")
	}
	b.SetN(asim.NNetworkRuleName, dash(ev.data("RuleName")))
}

func mapDNS(ev event, b *asim.Builder) {
	b.SetN(asim.NEventType, "Query")
	b.SetN(asim.NEventSubType, "response")
	b.SetN(asim.NEventSchemaVersion, "0.1.7")
	b.SetN(asim.NDnsQuery, ev.data("QueryName"))
	b.SetN(asim.NDnsResponseName, strings.TrimSuffix(ev.data("QueryResults"), ";"))
	b.SetN(asim.NSrcHostname, ev.host)
	b.SetN(asim.NSrcProcessName, ev.data("Image"))
	b.SetN(asim.NSrcProcessId, ev.data("ProcessId"))
	b.SetN(asim.NSrcProcessGuid, ev.data("ProcessGuid"))
	b.SetN(asim.NSrcUsername, ev.data("User"))
	b.SetN(asim.NRuleName, dash(ev.data("RuleName")))
	status := ev.data("QueryStatus")
	code := statusToRcode(status)
	asim.SetDNSResult(b, code, "")
	if code == "" && status != "" {
		b.SetN(asim.NEventResult, "Failure")
		b.SetN(asim.NEventResultDetails, "Windows error "+status)
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
