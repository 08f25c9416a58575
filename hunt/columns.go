package hunt

import (
	"strings"

	"github.com/huntpack/huntpack/kql/types"
)

// layout holds the column roles of one result schema, found once per
// schema: the time column, host and user columns, and the port column
// paired with each column.
type layout struct {
	time  int   // -1 when none
	hosts []int // host-name columns, in preference order
	addrs []int // local endpoint address columns (host fallback)
	reps  []int // reporting-device columns (last resort)
	users []int
	ports []int // per column: paired port column or -1
	// ioc is the "IOC" column generated queries emit (the indicator the
	// row matched), matchedOn their "MatchedOn" column (the name of the
	// column that matched); -1 when absent.
	ioc, matchedOn int
	names          []string // column names
}

// Column names by role, in preference order. They cover the Sentinel,
// Defender, ASIM, Zeek, Sysmon and Suricata names the log readers use.
var (
	timeNames = []string{"TimeGenerated", "Timestamp", "EventTime", "TimeCreated", "UtcTime", "timestamp", "ts", "@timestamp", "StartTime"}
	// hostNames name the endpoint itself; addrNames its address (used
	// when no name is in the row); reporterNames the device that logged
	// the event (a firewall, log forwarder or DNS server), a last resort.
	hostNames     = []string{"DeviceName", "Hostname", "HostName", "SrcHostname", "SourceHostName", "DeviceHostName", "host", "hostname"}
	reporterNames = []string{"Computer", "DvcHostname", "Dvc", "DeviceAddress"}
	addrNames     = []string{"LocalIP", "ClientIP", "SrcIpAddr", "SourceIP", "SourceIp", "id.orig_h", "id_orig_h", "src_ip", "SrcIP",
		// the other side, for an IOC that matched the source (inbound)
		"DestinationIP", "DestinationIp", "DstIpAddr", "id.resp_h", "id_resp_h", "dest_ip"}
	userNames = []string{"InitiatingProcessAccountName", "AccountName", "SourceUserName", "SrcUsername", "UserName", "User", "DestinationUserName", "TargetUserName", "ActorUsername", "user", "username"}
)

func newLayout(s types.Schema) layout {
	l := layout{time: -1, ioc: s.Index("IOC"), matchedOn: s.Index("MatchedOn")}
	for _, n := range timeNames {
		if i := s.Index(n); i >= 0 {
			l.time = i
			break
		}
	}
	if l.time < 0 {
		for i, f := range s {
			if f.Type == types.DateTime {
				l.time = i
				break
			}
		}
	}
	l.names = s.Names()
	l.hosts = indexes(s, hostNames)
	l.addrs = indexes(s, addrNames)
	l.reps = indexes(s, reporterNames)
	l.users = indexes(s, userNames)
	l.ports = make([]int, len(s))
	for i, f := range s {
		l.ports[i] = portColumn(s, f.Name)
	}
	return l
}

func indexes(s types.Schema, names []string) []int {
	var out []int
	for _, n := range names {
		if i := s.Index(n); i >= 0 {
			out = append(out, i)
		}
	}
	return out
}

// portPairs maps an address-column suffix to the suffixes its port column
// may have: DestinationIP → DestinationPort, DstIpAddr → DstPortNumber,
// id.resp_h → id.resp_p, dest_ip → dest_port, RemoteIP → RemotePort.
var portPairs = []struct {
	addr  string
	ports []string
}{
	{"IpAddr", []string{"PortNumber", "Port"}},
	{"IP", []string{"Port"}},
	{"Ip", []string{"Port"}},
	{"Address", []string{"Port"}},
	{"_ip", []string{"_port"}},
	{"_h", []string{"_p"}},
	{"Ips", []string{"Ports"}},
}

// portColumn returns the index of the port column paired with the
// address column name, or -1.
func portColumn(s types.Schema, name string) int {
	for _, p := range portPairs {
		stem, ok := strings.CutSuffix(name, p.addr)
		if !ok {
			continue
		}
		for _, suf := range p.ports {
			if i := s.Index(stem + suf); i >= 0 {
				return i
			}
		}
	}
	return -1
}

// host returns the host of a row: the first non-empty host-name column,
// else the first endpoint address that is not the cell that matched the
// IOC (source side first, so an inbound hit names its destination), else
// the device that reported the event (Computer: a DNS server or log
// forwarder, not the endpoint).
func (l layout) host(cells []string, matched int) string {
	for _, i := range l.hosts {
		if cells[i] != "" {
			return cells[i]
		}
	}
	for _, i := range l.addrs {
		if i != matched && cells[i] != "" {
			return cells[i]
		}
	}
	for _, i := range l.reps {
		if cells[i] != "" {
			return cells[i]
		}
	}
	return ""
}

// matchedColumn returns the column a row with an IOC column matched on:
// the column its MatchedOn cell names, else the IOC column itself.
func (l layout) matchedColumn(cells []string) int {
	if l.matchedOn >= 0 {
		name := strings.TrimSpace(cells[l.matchedOn])
		for i, n := range l.names {
			if n == name && name != "" {
				return i
			}
		}
	}
	return l.ioc
}

func (l layout) user(cells []string) string {
	for _, i := range l.users {
		if cells[i] != "" {
			return cells[i]
		}
	}
	return ""
}
