// Package dnsdebug reads Windows DNS Server debug logs (dns.log, "DNS
// Server log file creation at ..." header, one PACKET line per DNS
// message) and maps packet lines to ASimDnsActivityLogs. Field layout
// (Microsoft's own file header): date, time, thread ID, context, packet
// ID, UDP/TCP, Snd/Rcv, remote IP, Xid (hex), R for responses, opcode,
// [flags (hex) flag chars response code], question type, question name
// in (len)label form. Dates are server-local time in the server's
// locale (US "5/21/2015 1:51:18 PM" or dotted "20.01.2026 23:00:00");
// they are read as UTC since the log does not name its zone.
//
// The reporting device (Dvc, DvcHostname) is the DNS server that wrote
// the log, but nothing in the log names it: the header has only the
// creation time and the field key, and PACKET lines name the remote end
// only. The server is therefore taken from the file name, the only place
// left, as ServerFromFileName describes (dc01_dns.log gives DC01's logs
// Dvc "dc01"); the default name dns.log gives no device.
package dnsdebug

import (
	"bytes"
	"fmt"
	"net/netip"
	"path/filepath"
	"regexp"
	"slices"
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

// Open opens a DNS debug log as ASimDnsActivityLogs rows. The device
// fields come from the file name (ServerFromFileName).
func Open(path string) (record.Source, error) {
	dvc := ServerFromFileName(path)
	return asim.OpenLines(path, asim.Dns, func(line []byte, n int64, b *asim.Builder) (bool, error) {
		ok, err := mapLine(line, n, b)
		if ok {
			setDevice(b, dvc)
		}
		return ok, err
	})
}

// genericStems are file name stems that name the log, not the server.
var genericStems = map[string]bool{"dns": true, "debug": true, "dnsdebug": true, "dns_debug": true, "dns-debug": true, "dnslog": true, "dns_log": true, "dns-log": true, "log": true}

// ServerFromFileName returns the DNS server a debug log belongs to, from
// its file name, or "" when the name does not say. The base name loses
// its compression suffixes (.gz, .zst), a rotation number after .log
// (dns.log.1) and its .log / .txt extension; then a "dns" word joined by
// "_" or "-" at either end (dc01_dns, dns-dc01). What is left must look
// like a host name or address (letters, digits, ".", "-", "_") and not be
// a generic name (dns, debug, dnsdebug, ...): "dc01_dns.log" gives "dc01",
// "dns.log" and "DNS debug (1).log" give "".
func ServerFromFileName(path string) string {
	parts := strings.Split(filepath.Base(path), ".")
	trim := func(exts ...string) {
		for len(parts) > 1 && slices.Contains(exts, strings.ToLower(parts[len(parts)-1])) {
			parts = parts[:len(parts)-1]
		}
	}
	trim("gz", "zst")
	if n := len(parts); n > 2 && isDigits(parts[n-1]) && slices.Contains([]string{"log", "txt"}, strings.ToLower(parts[n-2])) {
		parts = parts[:n-1]
	}
	trim("log", "txt")
	stem := strings.Join(parts, ".")
	lower := strings.ToLower(stem)
	for _, sep := range []string{"_", "-"} {
		switch {
		case strings.HasSuffix(lower, sep+"dns"):
			stem, lower = stem[:len(stem)-4], lower[:len(lower)-4]
		case strings.HasPrefix(lower, "dns"+sep):
			stem, lower = stem[4:], lower[4:]
		}
	}
	if stem == "" || genericStems[lower] || !hostRe.MatchString(stem) {
		return ""
	}
	return stem
}

var hostRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// setDevice fills the device fields from the server's name: an address
// is DvcIpAddr, a dotted name DvcFQDN (DvcHostname its first label,
// DvcDomain the rest), anything else DvcHostname; Dvc is the name as
// given.
func setDevice(b *asim.Builder, dvc string) {
	if dvc == "" {
		return
	}
	b.SetN(asim.NDvc, dvc)
	if _, err := netip.ParseAddr(dvc); err == nil {
		b.SetN(asim.NDvcIpAddr, dvc)
		return
	}
	host, domain, dotted := strings.Cut(dvc, ".")
	b.SetN(asim.NDvcHostname, host)
	if dotted && domain != "" {
		b.SetN(asim.NDvcFQDN, dvc)
		b.SetN(asim.NDvcDomain, domain)
		b.SetN(asim.NDvcDomainType, "FQDN")
	}
}

func mapLine(line []byte, n int64, b *asim.Builder) (bool, error) {
	if !bytes.Contains(line, []byte(" PACKET ")) {
		return false, nil // header, blank and non-packet lines
	}
	p, ok := parsePacket(string(line))
	if !ok {
		return false, fmt.Errorf("PACKET line not in the debug log layout")
	}
	date, clock, remote, xid, isResp, flagsHex, flagChars, rcode, qtype, name := p.date, p.clock, p.remote, p.xid, p.resp, p.flagsHex, p.flagChars, p.rcode, p.qtype, p.name
	ts := date + " " + strings.Join(strings.Fields(clock), " ")
	b.SetN(asim.NTimeGenerated, ts)
	b.SetN(asim.NEventStartTime, ts)
	b.SetN(asim.NEventEndTime, ts)
	b.SetN(asim.NEventCount, "1")
	b.SetN(asim.NEventType, "Query")
	b.SetN(asim.NEventVendor, "Microsoft")
	b.SetN(asim.NEventProduct, "DNS Server")
	b.SetN(asim.NEventSchemaVersion, "0.1.7")
	b.SetN(asim.NType, asim.Dns)
	b.SetN(asim.NNetworkProtocol, p.proto)
	b.SetN(asim.NTransactionIdHex, strings.ToLower(xid))
	b.SetN(asim.NDnsQuery, DecodeName(name))
	b.SetN(asim.NDnsQueryTypeName, qtype)
	b.SetN(asim.NDnsQueryType, asim.QtypeNumber(qtype))
	b.SetN(asim.NDnsFlags, strings.TrimSpace(flagChars))
	b.SetN(asim.NEventOriginalType, p.dir+" "+p.opcode)
	setFlags(b, flagChars)
	b.SetN(asim.NAdditionalFields, `{"FlagsHex":"`+flagsHex+`"}`)
	inbound := p.dir == "Rcv"
	switch {
	case inbound != isResp: // query from a client, or response to a client
		b.SetN(asim.NSrcIpAddr, remote)
	default: // query to / response from an upstream server
		b.SetN(asim.NDstIpAddr, remote)
	}
	if isResp {
		b.SetN(asim.NEventSubType, "response")
		asim.SetDNSResult(b, "", rcode)
	} else {
		b.SetN(asim.NEventSubType, "request")
	}
	return true, nil
}

// setFlags decodes the flag characters of the debug log: A
// authoritative, T truncated, D recursion desired, R recursion available.
func setFlags(b *asim.Builder, chars string) {
	has := func(c string) string { return strconv.FormatBool(strings.Contains(chars, c)) }
	b.SetN(asim.NDnsFlagsAuthoritative, has("A"))
	b.SetN(asim.NDnsFlagsTruncated, has("T"))
	b.SetN(asim.NDnsFlagsRecursionDesired, has("D"))
	b.SetN(asim.NDnsFlagsRecursionAvailable, has("R"))
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
