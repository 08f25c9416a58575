package dnsdebug

import "strings"

// packet is one PACKET line's fields, as packetRe's groups (1 to 15)
// name them. The strings are parts of the line.
type packet struct {
	date, clock, thread, packetID, proto, dir, remote, xid string
	resp                                                   bool
	opcode, flagsHex, flagChars, rcode, qtype, name        string
}

// lineScan walks through a line's whitespace-separated tokens
// (whitespace as in regexp's \s: space, \t, \n, \f, \r).
type lineScan struct {
	s string
	i int
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// space skips whitespace and reports whether there was any.
func (l *lineScan) space() bool {
	start := l.i
	for l.i < len(l.s) && isSpace(l.s[l.i]) {
		l.i++
	}
	return l.i > start
}

// token returns the run of non-space bytes at the position.
func (l *lineScan) token() string {
	start := l.i
	for l.i < len(l.s) && !isSpace(l.s[l.i]) {
		l.i++
	}
	return l.s[start:l.i]
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func isDigits2(s string, lo, hi int) bool {
	if len(s) < lo || len(s) > hi {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isClock reports whether s is H:MM:SS or HH:MM:SS.
func isClock(s string) bool {
	h, rest, ok := strings.Cut(s, ":")
	if !ok || !isDigits2(h, 1, 2) {
		return false
	}
	m, sec, ok := strings.Cut(rest, ":")
	return ok && isDigits2(m, 2, 2) && isDigits2(sec, 2, 2)
}

// parsePacket reads a PACKET line in the debug log layout without a
// regular expression (the regexp engine's backtracker was half of the
// reader's time); it accepts exactly the lines packetRe matches and gives
// the same fields (TestParsePacketMatchesRegexp, FuzzParsePacket).
func parsePacket(s string) (packet, bool) {
	var p packet
	l := lineScan{s: s}
	if p.date = l.token(); p.date == "" || !l.space() {
		return p, false
	}
	clock := l.token()
	switch {
	case isClock(clock):
		save := l.i
		if l.space() {
			if t := l.token(); t == "AM" || t == "PM" {
				clock = s[save-len(clock) : l.i]
			} else {
				l.i = save
			}
		}
	case len(clock) > 2 && (strings.HasSuffix(clock, "AM") || strings.HasSuffix(clock, "PM")) && isClock(clock[:len(clock)-2]):
	default:
		return p, false
	}
	p.clock = clock
	if !l.space() {
		return p, false
	}
	if p.thread = l.token(); !isHex(p.thread) || !l.space() || l.token() != "PACKET" || !l.space() {
		return p, false
	}
	if p.packetID = l.token(); !isHex(p.packetID) || !l.space() {
		return p, false
	}
	if p.proto = l.token(); p.proto != "UDP" && p.proto != "TCP" || !l.space() {
		return p, false
	}
	if p.dir = l.token(); p.dir != "Rcv" && p.dir != "Snd" || !l.space() {
		return p, false
	}
	if p.remote = l.token(); !l.space() {
		return p, false
	}
	if p.xid = l.token(); !isHex(p.xid) || !l.space() {
		return p, false
	}
	op := l.token()
	if op == "R" {
		p.resp = true
		l.space()
		op = l.token()
	} else if len(op) == 2 && op[0] == 'R' {
		p.resp, op = true, op[1:]
	}
	if len(op) != 1 || !strings.Contains("QNU?", op) || !l.space() {
		return p, false
	}
	p.opcode = op
	return p, p.bracket(&l)
}

// bracket reads "[flagsHex flagChars RCODE] qtype name".
func (p *packet) bracket(l *lineScan) bool {
	s := l.s
	if l.i >= len(s) || s[l.i] != '[' {
		return false
	}
	l.i++
	start := l.i
	for l.i < len(s) && isHex(s[l.i:l.i+1]) {
		l.i++
	}
	p.flagsHex = s[start:l.i]
	end := strings.IndexByte(s[l.i:], ']')
	if p.flagsHex == "" || end < 0 {
		return false
	}
	inner := s[l.i : l.i+end]
	l.i += end + 1
	if inner == "" || !isSpace(inner[0]) {
		return false
	}
	k := len(inner)
	for k > 0 && inner[k-1] >= 'A' && inner[k-1] <= 'Z' {
		k--
	}
	if p.rcode = inner[k:]; p.rcode == "" {
		return false
	}
	flags := strings.TrimRight(inner[:k], " \t\n\f\r") // \s* before the code
	flags = strings.TrimLeft(flags, " \t\n\f\r")       // \s+ after the hex
	if strings.Trim(flags, "ABCDEFGHIJKLMNOPQRSTUVWXYZ ") != "" {
		return false
	}
	p.flagChars = flags
	if !l.space() {
		return false
	}
	if p.qtype = l.token(); !l.space() {
		return false
	}
	p.name = l.token()
	return p.name != ""
}
