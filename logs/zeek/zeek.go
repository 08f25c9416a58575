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
	kv := asim.NewRecord()
	if err := kv.ParseJSON(lines[0]); err != nil || kv.Get("uid") == "" || kv.Get("id.orig_h", "id_orig_h") == "" {
		return "", false
	}
	return jsonKind(kv)
}

func jsonKind(kv *asim.Record) (string, bool) {
	switch {
	case kv.VK(kPath) == DNS || kv.VK(kStream) == DNS || kv.VK(kQuery) != "" || kv.VK(kQtype) != "" || kv.VK(kRcode) != "":
		return DNS, true
	case kv.VK(kPath) == Conn || kv.VK(kStream) == Conn || kv.VK(kConnState) != "" || kv.VK(kHistory) != "" || kv.VK(kDuration) != "":
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
	slots  []int // per #fields name: its slot in rec
	setSep string
	empty  string
	unset  string
	rec    *asim.Record
}

func (m *mapper) line(line []byte, n int64, b *asim.Builder) (bool, error) {
	if m.rec == nil {
		m.rec = asim.NewRecord()
	}
	if line[0] == '#' {
		m.header(line)
		return false, nil
	}
	kv := m.rec
	if line[0] == '{' {
		if err := kv.ParseJSON(line); err != nil {
			return false, err
		}
		normaliseKeys(kv)
		if k, ok := jsonKind(kv); ok && k != m.kind {
			return false, nil // another log in the same stream
		}
	} else {
		if m.fields == nil {
			return false, fmt.Errorf("data line before the #fields header")
		}
		if err := m.tsv(line); err != nil {
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
		m.slots = m.slots[:0]
		for _, f := range m.fields {
			m.slots = append(m.slots, m.rec.Slot(f))
		}
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

// tsv fills the record from a TSV line, splitting it in place.
func (m *mapper) tsv(line []byte) error {
	sep := m.sep
	if len(sep) == 0 {
		sep = []byte{'\t'}
	}
	if n := bytes.Count(line, sep) + 1; n != len(m.fields) {
		return fmt.Errorf("has %d fields, #fields has %d", n, len(m.fields))
	}
	unset, empty := m.unset, m.empty
	if unset == "" {
		unset = "-"
	}
	if empty == "" {
		empty = "(empty)"
	}
	kv := m.rec // reused: the mapping only reads it during the call
	kv.Reset()
	for i := range m.fields {
		v := line
		if j := bytes.Index(line, sep); j >= 0 {
			v, line = line[:j], line[j+len(sep):]
		}
		if string(v) == unset || string(v) == empty {
			continue
		}
		kv.SetSlot(m.slots[i], v)
	}
	return nil
}

// idAliases maps Zeek's "id.orig_h" keys to the "id_orig_h" form some
// JSON writers use.
var idAliases = [][2]string{{"id.orig_h", "id_orig_h"}, {"id.orig_p", "id_orig_p"}, {"id.resp_h", "id_resp_h"}, {"id.resp_p", "id_resp_p"}}

// normaliseKeys copies "id_orig_h" style keys to Zeek's "id.orig_h".
func normaliseKeys(kv *asim.Record) {
	for _, a := range idAliases {
		if kv.Has(a[1]) {
			kv.Set(a[0], kv.V(a[1]))
		}
	}
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

func setCommon(kv *asim.Record, b *asim.Builder) {
	ts := asim.EpochToISO(kv.VK(kTs))
	b.SetN(asim.NTimeGenerated, ts)
	b.SetN(asim.NEventStartTime, ts)
	b.SetN(asim.NEventEndTime, ts)
	b.SetN(asim.NEventCount, "1")
	b.SetN(asim.NEventVendor, "Zeek")
	b.SetN(asim.NEventProduct, "Zeek")
	b.SetN(asim.NSrcIpAddr, kv.VK(kIdOrigH))
	b.SetN(asim.NSrcPortNumber, kv.VK(kIdOrigP))
	b.SetN(asim.NDstIpAddr, kv.VK(kIdRespH))
	b.SetN(asim.NDstPortNumber, kv.VK(kIdRespP))
	b.SetN(asim.NNetworkProtocol, strings.ToUpper(kv.VK(kProto)))
	b.SetN(asim.NNetworkProtocolVersion, asim.IPVersion(kv.VK(kIdOrigH)))
	b.SetN(asim.NEventOriginalUid, kv.VK(kUid))
	b.SetN(asim.NDvc, kv.Get("@system", "_system_name"))
}

func mapConn(kv *asim.Record, b *asim.Builder) {
	setCommon(kv, b)
	b.SetN(asim.NType, asim.NetworkSession)
	b.SetN(asim.NEventType, "NetworkSession")
	b.SetN(asim.NEventSchemaVersion, "0.2.6")
	b.SetN(asim.NEventResult, "Success")
	b.SetN(asim.NNetworkSessionId, kv.VK(kUid))
	b.SetN(asim.NNetworkApplicationProtocol, strings.ToUpper(kv.VK(kService)))
	b.SetN(asim.NNetworkDuration, asim.SecondsToMillis(kv.VK(kDuration)))
	b.SetN(asim.NSrcBytes, kv.VK(kOrigBytes))
	b.SetN(asim.NDstBytes, kv.VK(kRespBytes))
	b.SetN(asim.NSrcPackets, kv.VK(kOrigPkts))
	b.SetN(asim.NDstPackets, kv.VK(kRespPkts))
	b.SetN(asim.NNetworkBytes, asim.SumInts(kv.VK(kOrigBytes), kv.VK(kRespBytes)))
	b.SetN(asim.NNetworkPackets, asim.SumInts(kv.VK(kOrigPkts), kv.VK(kRespPkts)))
	b.SetN(asim.NNetworkConnectionHistory, kv.VK(kHistory))
	b.SetN(asim.NEventOriginalSubType, kv.VK(kConnState))
	b.SetN(asim.NSrcMacAddr, kv.VK(kOrigL2Addr))
	b.SetN(asim.NDstMacAddr, kv.VK(kRespL2Addr))
	switch {
	case kv.VK(kLocalOrig) == "T" && kv.VK(kLocalResp) == "F":
		b.SetN(asim.NNetworkDirection, "Outbound")
	case kv.VK(kLocalOrig) == "F" && kv.VK(kLocalResp) == "T":
		b.SetN(asim.NNetworkDirection, "Inbound")
	case kv.VK(kLocalOrig) == "T" && kv.VK(kLocalResp) == "T":
		b.SetN(asim.NNetworkDirection, "Local")
	}
}

func mapDNS(kv *asim.Record, b *asim.Builder) {
	setCommon(kv, b)
	b.SetN(asim.NType, asim.Dns)
	b.SetN(asim.NEventType, "Query")
	b.SetN(asim.NEventSubType, "response")
	b.SetN(asim.NEventSchemaVersion, "0.1.7")
	b.SetN(asim.NDnsSessionId, kv.VK(kUid))
	b.SetN(asim.NTransactionIdHex, hexID(kv.VK(kTransId)))
	b.SetN(asim.NDnsQuery, kv.VK(kQuery))
	b.SetN(asim.NDnsQueryClass, kv.VK(kQclass))
	b.SetN(asim.NDnsQueryClassName, kv.VK(kQclassName))
	b.SetN(asim.NDnsQueryType, kv.VK(kQtype))
	b.SetN(asim.NDnsQueryTypeName, kv.VK(kQtypeName))
	asim.SetDNSResult(b, kv.VK(kRcode), kv.VK(kRcodeName))
	b.SetN(asim.NDnsResponseName, asim.JoinArray(kv.VK(kAnswers)))
	b.SetN(asim.NDnsNetworkDuration, asim.SecondsToMillis(kv.VK(kRtt)))
	b.SetN(asim.NDnsFlagsAuthoritative, zeekBool(kv.VK(kAA)))
	b.SetN(asim.NDnsFlagsTruncated, zeekBool(kv.VK(kTC)))
	b.SetN(asim.NDnsFlagsRecursionDesired, zeekBool(kv.VK(kRD)))
	b.SetN(asim.NDnsFlagsRecursionAvailable, zeekBool(kv.VK(kRA)))
}

func hexID(v string) string {
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return ""
	}
	return strconv.FormatUint(n, 16)
}

// Interned record keys (Record.VK).
var (
	kStream     = asim.InternKey("@stream")
	kAA         = asim.InternKey("AA")
	kRA         = asim.InternKey("RA")
	kRD         = asim.InternKey("RD")
	kTC         = asim.InternKey("TC")
	kPath       = asim.InternKey("_path")
	kAnswers    = asim.InternKey("answers")
	kConnState  = asim.InternKey("conn_state")
	kDuration   = asim.InternKey("duration")
	kHistory    = asim.InternKey("history")
	kIdOrigH    = asim.InternKey("id.orig_h")
	kIdOrigP    = asim.InternKey("id.orig_p")
	kIdRespH    = asim.InternKey("id.resp_h")
	kIdRespP    = asim.InternKey("id.resp_p")
	kLocalOrig  = asim.InternKey("local_orig")
	kLocalResp  = asim.InternKey("local_resp")
	kOrigBytes  = asim.InternKey("orig_bytes")
	kOrigL2Addr = asim.InternKey("orig_l2_addr")
	kOrigPkts   = asim.InternKey("orig_pkts")
	kProto      = asim.InternKey("proto")
	kQclass     = asim.InternKey("qclass")
	kQclassName = asim.InternKey("qclass_name")
	kQtype      = asim.InternKey("qtype")
	kQtypeName  = asim.InternKey("qtype_name")
	kQuery      = asim.InternKey("query")
	kRcode      = asim.InternKey("rcode")
	kRcodeName  = asim.InternKey("rcode_name")
	kRespBytes  = asim.InternKey("resp_bytes")
	kRespL2Addr = asim.InternKey("resp_l2_addr")
	kRespPkts   = asim.InternKey("resp_pkts")
	kRtt        = asim.InternKey("rtt")
	kService    = asim.InternKey("service")
	kTransId    = asim.InternKey("trans_id")
	kTs         = asim.InternKey("ts")
	kUid        = asim.InternKey("uid")
)
