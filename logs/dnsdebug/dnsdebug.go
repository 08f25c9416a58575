// Package dnsdebug reads Windows DNS Server debug logs (dns.log, "DNS
// Server log file creation at ..." header, one PACKET line per DNS
// message) and maps packet lines to ASimDnsActivityLogs. Field layout
// (Microsoft's own file header): date, time, thread ID, context, packet
// ID, UDP/TCP, Snd/Rcv, remote IP, Xid (hex), R for responses, opcode,
// [flags (hex) flag chars response code], question type, question name
// in (len)label form. Dates are server-local time in the server's
// locale (US "5/21/2015 1:51:18 PM" or dotted "20.01.2026 23:00:00");
// they are read as UTC since the log does not name its zone.
package dnsdebug

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/logs/asim"
	"github.com/huntpack/huntpack/logs/record"
)

// Sniff recognises a DNS debug log from its first lines.
func Sniff(lines [][]byte) bool {
	for _, l := range lines {
		if bytes.HasPrefix(l, []byte("DNS Server log file creation at")) || packetRe.Match(l) {
			return true
		}
	}
	return false
}

var packetRe = regexp.MustCompile(`^(\S+)\s+(\d{1,2}:\d{2}:\d{2}(?:\s*[AP]M)?)\s+([0-9A-Fa-f]+)\s+PACKET\s+([0-9A-Fa-f]+)\s+(UDP|TCP)\s+(Rcv|Snd)\s+(\S+)\s+([0-9A-Fa-f]+)\s+(R)?\s*([QNU?])\s+\[([0-9A-Fa-f]+)\s+([A-Z ]*?)\s*([A-Z]+)\]\s+(\S+)\s+(\S+)`)

// Open opens a DNS debug log as ASimDnsActivityLogs rows.
func Open(path string) (record.Source, error) {
	return asim.OpenLines(path, asim.Dns, mapLine)
}

func mapLine(line []byte, n int64, b *asim.Builder) (bool, error) {
	s := string(line)
	if !strings.Contains(s, " PACKET ") {
		return false, nil // header, blank and non-packet lines
	}
	m := packetRe.FindStringSubmatch(s)
	if m == nil {
		return false, fmt.Errorf("PACKET line not in the debug log layout")
	}
	date, clock, remote, xid, isResp, flagsHex, flagChars, rcode, qtype, name := m[1], m[2], m[7], m[8], m[9] == "R", m[11], m[12], m[13], m[14], m[15]
	ts := date + " " + strings.Join(strings.Fields(clock), " ")
	b.Set("TimeGenerated", ts)
	b.Set("EventStartTime", ts)
	b.Set("EventEndTime", ts)
	b.Set("EventCount", "1")
	b.Set("EventType", "Query")
	b.Set("EventVendor", "Microsoft")
	b.Set("EventProduct", "DNS Server")
	b.Set("EventSchemaVersion", "0.1.7")
	b.Set("Type", asim.Dns)
	b.Set("NetworkProtocol", m[5])
	b.Set("TransactionIdHex", strings.ToLower(xid))
	b.Set("DnsQuery", DecodeName(name))
	b.Set("DnsQueryTypeName", qtype)
	b.Set("DnsQueryType", asim.QtypeNumber(qtype))
	b.Set("DnsFlags", strings.TrimSpace(flagChars))
	b.Set("EventOriginalType", m[6]+" "+m[10])
	setFlags(b, flagChars)
	b.Set("AdditionalFields", `{"FlagsHex":"`+flagsHex+`"}`)
	inbound := m[6] == "Rcv"
	switch {
	case inbound != isResp: // query from a client, or response to a client
		b.Set("SrcIpAddr", remote)
	default: // query to / response from an upstream server
		b.Set("DstIpAddr", remote)
	}
	if isResp {
		b.Set("EventSubType", "response")
		asim.SetDNSResult(b, "", rcode)
	} else {
		b.Set("EventSubType", "request")
	}
	return true, nil
}

// setFlags decodes the flag characters of the debug log: A
// authoritative, T truncated, D recursion desired, R recursion available.
func setFlags(b *asim.Builder, chars string) {
	has := func(c string) string { return strconv.FormatBool(strings.Contains(chars, c)) }
	b.Set("DnsFlagsAuthoritative", has("A"))
	b.Set("DnsFlagsTruncated", has("T"))
	b.Set("DnsFlagsRecursionDesired", has("D"))
	b.Set("DnsFlagsRecursionAvailable", has("R"))
}

// DecodeName turns "(10)sitecheck2(5)opera(3)com(0)" into
// "sitecheck2.opera.com".
func DecodeName(s string) string {
	var labels []string
	for len(s) > 0 {
		if s[0] != '(' {
			return s
		}
		end := strings.IndexByte(s, ')')
		if end < 0 {
			return s
		}
		n, err := strconv.Atoi(s[1:end])
		if err != nil || end+1+n > len(s) {
			return s
		}
		if n == 0 {
			break
		}
		labels = append(labels, s[end+1:end+1+n])
		s = s[end+1+n:]
	}
	return strings.Join(labels, ".")
}
