package dnsdebug

import (
	"strings"
	"testing"
)

// regexpPacket is the reference: the fields packetRe gives for a line.
func regexpPacket(s string) (packet, bool) {
	m := packetRe.FindStringSubmatch(s)
	if m == nil {
		return packet{}, false
	}
	return packet{date: m[1], clock: m[2], thread: m[3], packetID: m[4], proto: m[5], dir: m[6], remote: m[7], xid: m[8],
		resp: m[9] == "R", opcode: m[10], flagsHex: m[11], flagChars: strings.TrimSpace(m[12]), rcode: m[13], qtype: m[14], name: m[15]}, true
}

// samePacket compares the hand parser with the regular expression (the
// clock's inner spacing aside: mapLine normalises it).
func samePacket(t *testing.T, line string) {
	t.Helper()
	want, wok := regexpPacket(line)
	got, gok := parsePacket(line)
	if gok != wok {
		t.Fatalf("%q: parsed %v, regexp matched %v (%+v)", line, gok, wok, got)
	}
	if !gok {
		return
	}
	norm := func(c string) string { return strings.Join(strings.Fields(c), " ") }
	got.clock, want.clock = norm(got.clock), norm(want.clock)
	if got != want {
		t.Fatalf("%q:\n got %+v\nwant %+v", line, got, want)
	}
}

var packetLines = []string{
	"5/21/2015 1:51:18 PM 0D48 PACKET  00000000045FDBF0 UDP Rcv 10.250.1.1  b94d R Q [8081   DR  NOERROR] A      (10)sitecheck2(5)opera(3)com(0)",
	"5/21/2015 1:51:18 PM 0D48 PACKET  00000000045FDBF0 UDP Snd 10.250.1.1  b94d   Q [0001   D   NOERROR] AAAA   (3)www(6)google(3)com(0)",
	"20.01.2026 23:00:00 0A1C PACKET  000001D2A1B2C3D4 TCP Rcv 192.0.2.7     0001 R Q [8385 A DR NXDOMAIN] TXT    (4)evil(7)example(0)",
	"1/2/2026 9:05:07AM 0D48 PACKET 1 UDP Rcv ::1 ab RQ [8081 DR SERVFAIL] A (1)a(0) trailing",
	"1/2/2026 9:05:07\tPM\t0D48\tPACKET\t1\tUDP\tRcv\t::1\tab\tR\tQ\t[8081\t DR\tREFUSED]\tA\t(1)a(0)",
	"1/2/2026 9:05:07 PM 0D48 PACKET 1 UDP Rcv ::1 ab R Q [8081 D\tR NOERROR] A (1)a(0)",
	"1/2/2026 9:05:07 PM 0D48 PACKET 1 UDP Rcv ::1 ab R Q [8081NOERROR] A (1)a(0)",
	"1/2/2026 9:05:07 PM 0D48 PACKET 1 UDP Rcv ::1 ab R Q [8081 NOERROR]A (1)a(0)",
	"1/2/2026 9:05:07 PM 0D48 PACKET 1 UDP Rcv ::1 ab R Q [8081 NOERROR ] A (1)a(0)",
	"1/2/2026 9:05:07 PM 0D48 PACKET 1 UDP Rcv ::1 ab R [8081 NOERROR] A (1)a(0)",
	"1/2/2026 9:05:07 PM 0D48 PACKET 1 UDP Rcv ::1 ab X [8081 NOERROR] A (1)a(0)",
	"1/2/2026 9:05:07 PM 0D48 PACKET 1 UDP Rcv ::1 ab Q [8081 NOERROR] A",
	"1/2/2026 19:05:07 0D48 PACKET 1 ICMP Rcv ::1 ab Q [8081 NOERROR] A (1)a(0)",
	"1/2/2026 123:05:07 0D48 PACKET 1 UDP Rcv ::1 ab Q [8081 NOERROR] A (1)a(0)",
	"1/2/2026 1:05:07 PMX 0D48 PACKET 1 UDP Rcv ::1 ab Q [8081 NOERROR] A (1)a(0)",
	"1/2/2026 1:05:07 0D48 PACKET 1 UDP Rcv ::1 xyz Q [8081 NOERROR] A (1)a(0)",
	" 1/2/2026 1:05:07 0D48 PACKET 1 UDP Rcv ::1 ab Q [8081 NOERROR] A (1)a(0)",
	"1/2/2026 1:05:07 0D48 PACKET 1 UDP Rcv ::1 ab Q [8081 a NOERROR] A (1)a(0)",
	"1/2/2026 1:05:07 0D48 PACKET 1 UDP Rcv ::1 ab ? [8081  U ] A (1)a(0)",
}

// TestParsePacketMatchesRegexp: the hand parser accepts exactly the lines
// the documented layout (packetRe) matches, with the same fields.
func TestParsePacketMatchesRegexp(t *testing.T) {
	matched := 0
	for _, l := range packetLines {
		samePacket(t, l)
		if _, ok := parsePacket(l); ok {
			matched++
		}
	}
	if matched < 5 || matched == len(packetLines) {
		t.Errorf("%d of %d lines parse: the cases do not cover both outcomes", matched, len(packetLines))
	}
}

func FuzzParsePacket(f *testing.F) {
	for _, l := range packetLines {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, s string) {
		samePacket(t, s)
	})
}
