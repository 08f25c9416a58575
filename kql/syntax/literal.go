package syntax

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/huntpack/huntpack/kql/types"
)

func decodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

func isUnicodeLetter(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// isUnicodeSpace reports white space, including zero-width spaces and the
// byte order mark that copy-pasted queries carry.
func isUnicodeSpace(r rune) bool {
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF:
		return true
	}
	return unicode.IsSpace(r)
}

func quoteRune(r rune) string { return strconv.QuoteRune(r) }

func quoteText(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return strconv.Quote(s)
}

// timespanUnitTicks returns the ticks per unit for a lower-case timespan
// suffix, or 0 when it is not one (nanosecond units: see isNanoUnit).
func timespanUnitTicks(u string) int64 {
	switch u {
	case "d", "day", "days":
		return types.TicksPerDay
	case "h", "hr", "hrs", "hour", "hours":
		return types.TicksPerHour
	case "m", "min", "minute", "minutes":
		return types.TicksPerMinute
	case "s", "sec", "second", "seconds":
		return types.TicksPerSecond
	case "ms", "milli", "millis", "millisec", "millisecond", "milliseconds":
		return types.TicksPerMillisecond
	case "micro", "micros", "microsec", "microsecond", "microseconds":
		return types.TicksPerMicrosecond
	case "tick", "ticks":
		return 1
	}
	return 0
}

func isNanoUnit(u string) bool {
	switch u {
	case "nano", "nanos", "nanosec", "nanosecond", "nanoseconds":
		return true
	}
	return false
}

// unquote decodes the text of a TokString token. It returns the value,
// whether the literal was obfuscated (h"..."), and an error message ("" when
// valid).
func unquote(text string) (val string, obfuscated bool, msg string) {
	if text == "" {
		return "", false, "empty string token"
	}
	if text[0] == 'h' || text[0] == 'H' {
		obfuscated = true
		text = text[1:]
	}
	if strings.HasPrefix(text, "```") || strings.HasPrefix(text, "~~~") {
		return text[3 : len(text)-3], obfuscated, ""
	}
	verbatim := false
	if text[0] == '@' {
		verbatim = true
		text = text[1:]
	}
	if len(text) < 2 {
		return "", obfuscated, "malformed string literal"
	}
	q := text[0]
	body := text[1 : len(text)-1]
	if verbatim {
		if strings.IndexByte(body, q) < 0 {
			return body, obfuscated, ""
		}
		return strings.ReplaceAll(body, string([]byte{q, q}), string(q)), obfuscated, ""
	}
	if strings.IndexByte(body, '\\') < 0 {
		return body, obfuscated, ""
	}
	v, m := unescape(body)
	return v, obfuscated, m
}

// unescape handles backslash escapes. Unknown escapes keep the backslash
// (Kusto accepts "\d" in regular expressions this way).
func unescape(body string) (string, string) {
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 >= len(body) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := body[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case '0':
			b.WriteByte(0)
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'u', 'U', 'x':
			n := 2
			switch e {
			case 'u':
				n = 4
			case 'U':
				n = 8
			}
			if i+1+n <= len(body) {
				if r, err := strconv.ParseUint(body[i+1:i+1+n], 16, 32); err == nil && utf8.ValidRune(rune(r)) {
					b.WriteRune(rune(r))
					i += n
					continue
				}
			}
			b.WriteByte('\\')
			b.WriteByte(e)
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), ""
}

// parseIntLit parses a TokInt text as a long.
func parseIntLit(text string) (int64, bool) {
	if len(text) > 2 && (text[1] == 'x' || text[1] == 'X') {
		u, err := strconv.ParseUint(text[2:], 16, 64)
		return int64(u), err == nil
	}
	v, err := strconv.ParseInt(text, 10, 64)
	return v, err == nil
}

// parseTimespanLit parses a TokTimespan text to ticks.
func parseTimespanLit(text string) (int64, bool) {
	return types.ParseTimeSpanLiteral(text)
}

// parseGUID validates and canonicalises a guid literal body.
func parseGUID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	if len(s) == 32 {
		s = s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
	}
	if len(s) != 36 {
		return "", false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return "", false
			}
			continue
		}
		if !isHex(c) {
			return "", false
		}
	}
	return strings.ToLower(s), true
}
