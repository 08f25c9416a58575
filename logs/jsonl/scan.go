// Package jsonl reads JSON log exports: a JSON array of objects (the Log
// Analytics portal's JSON export) and JSON lines (one object per line, as
// written by Zeek, Suricata, Winlogbeat/NXLog and ADX .export). Objects
// are scanned in place without building maps: each top-level key yields
// its raw value (strings unescaped, nested objects and arrays as JSON
// text), and with flattening nested object members also appear under
// dotted keys ("dns.rrname").
//
// Plain records take a fast path (fast.go) that reads the needed values
// in place and applies the scan's raw filter before anything else;
// records it does not handle go to the Scanner, with the same results.
package jsonl

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// Kind is the JSON type of a scanned value.
type Kind byte

// Value kinds.
const (
	KString Kind = 's'
	KNumber Kind = 'n'
	KBool   Kind = 'b'
	KNull   Kind = '0'
	KObject Kind = 'o'
	KArray  Kind = 'a'
)

// Scanner scans JSON objects; it keeps scratch buffers between calls.
type Scanner struct {
	// Flatten also reports members of nested objects as "parent.child".
	Flatten bool
	scratch []byte
	keyBuf  []byte
}

// Member is called once per key; key and val are valid only during the
// call. For KNull val is nil.
type Member func(key []byte, val []byte, kind Kind)

// Object scans the JSON object in b and calls fn for each member.
func (s *Scanner) Object(b []byte, fn Member) error {
	s.scratch = s.scratch[:0]
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errAt(b, i, "expected '{'")
	}
	end, err := s.object(b, i, nil, fn)
	if err != nil {
		return err
	}
	if j := skipWS(b, end); j != len(b) {
		return errAt(b, j, "unexpected data after the object")
	}
	return nil
}

// object scans the object starting at b[i]=='{' and returns the index after it.
func (s *Scanner) object(b []byte, i int, prefix []byte, fn Member) (int, error) {
	i++
	i = skipWS(b, i)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		i = skipWS(b, i)
		if i >= len(b) || b[i] != '"' {
			return i, errAt(b, i, "expected a string key")
		}
		kstart := len(s.scratch)
		var err error
		i, err = s.str(b, i)
		if err != nil {
			return i, err
		}
		key := s.scratch[kstart:]
		i = skipWS(b, i)
		if i >= len(b) || b[i] != ':' {
			return i, errAt(b, i, "expected ':'")
		}
		i = skipWS(b, i+1)
		full := key
		if len(prefix) > 0 {
			kb := make([]byte, 0, len(prefix)+1+len(key))
			kb = append(append(append(kb, prefix...), '.'), key...)
			full = kb
		}
		if i, err = s.value(b, i, full, fn); err != nil {
			return i, err
		}
		s.scratch = s.scratch[:kstart]
		i = skipWS(b, i)
		if i >= len(b) {
			return i, errAt(b, i, "unexpected end inside an object")
		}
		if b[i] == '}' {
			return i + 1, nil
		}
		if b[i] != ',' {
			return i, errAt(b, i, "expected ',' or '}'")
		}
		i++
	}
}

func (s *Scanner) value(b []byte, i int, key []byte, fn Member) (int, error) {
	if i >= len(b) {
		return i, errAt(b, i, "unexpected end, expected a value")
	}
	switch c := b[i]; {
	case c == '"':
		vstart := len(s.scratch)
		j, err := s.str(b, i)
		if err != nil {
			return j, err
		}
		fn(key, s.scratch[vstart:], KString)
		s.scratch = s.scratch[:vstart]
		return j, nil
	case c == '{':
		if s.Flatten {
			j, err := s.object(b, i, key, fn)
			if err != nil {
				return j, err
			}
			fn(key, b[i:j], KObject)
			return j, nil
		}
		j, err := skipValue(b, i)
		if err != nil {
			return j, err
		}
		fn(key, b[i:j], KObject)
		return j, nil
	case c == '[':
		j, err := skipValue(b, i)
		if err != nil {
			return j, err
		}
		fn(key, b[i:j], KArray)
		return j, nil
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
				if lit == "null" {
					fn(key, nil, KNull)
				} else {
					fn(key, b[i:i+len(lit)], KBool)
				}
				return i + len(lit), nil
			}
		}
		return i, errAt(b, i, "invalid literal")
	case c == '-' || (c >= '0' && c <= '9'):
		j := i + 1
		for j < len(b) && (b[j] >= '0' && b[j] <= '9' || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || b[j] == '+' || b[j] == '-') {
			j++
		}
		if _, err := strconv.ParseFloat(unsafe.String(&b[i], j-i), 64); err != nil {
			var ne *strconv.NumError
			if !errors.As(err, &ne) || ne.Err != strconv.ErrRange {
				return i, errAt(b, i, "invalid number")
			}
		}
		fn(key, b[i:j], KNumber)
		return j, nil
	}
	return i, errAt(b, i, fmt.Sprintf("unexpected character %q", b[i]))
}

// str unescapes the string at b[i]=='"' onto s.scratch and returns the
// index after the closing quote.
func (s *Scanner) str(b []byte, i int) (int, error) {
	i++
	for {
		j := i
		for j < len(b) && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 {
			j++
		}
		s.scratch = append(s.scratch, b[i:j]...)
		if j >= len(b) {
			return j, errAt(b, j, "unterminated string")
		}
		switch b[j] {
		case '"':
			return j + 1, nil
		case '\\':
			n, err := s.escape(b, j)
			if err != nil {
				return j, err
			}
			i = n
		default:
			return j, errAt(b, j, "control character in string")
		}
	}
}

func (s *Scanner) escape(b []byte, j int) (int, error) {
	if j+1 >= len(b) {
		return j, errAt(b, j, "unterminated escape")
	}
	switch c := b[j+1]; c {
	case '"', '\\', '/':
		s.scratch = append(s.scratch, c)
	case 'b':
		s.scratch = append(s.scratch, '\b')
	case 'f':
		s.scratch = append(s.scratch, '\f')
	case 'n':
		s.scratch = append(s.scratch, '\n')
	case 'r':
		s.scratch = append(s.scratch, '\r')
	case 't':
		s.scratch = append(s.scratch, '\t')
	case 'u':
		r, n, ok := hex4(b, j+2)
		if !ok {
			return j, errAt(b, j, "invalid \\u escape")
		}
		end := n
		if utf16.IsSurrogate(r) {
			if r2, n2, ok := hex4(b, n+2); ok && n+1 < len(b) && b[n] == '\\' && b[n+1] == 'u' {
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					r, end = d, n2
				} else {
					r = utf8.RuneError
				}
			} else {
				r = utf8.RuneError
			}
		}
		s.scratch = utf8.AppendRune(s.scratch, r)
		return end, nil
	default:
		return j, errAt(b, j, "invalid escape")
	}
	return j + 2, nil
}

func hex4(b []byte, i int) (rune, int, bool) {
	if i+4 > len(b) {
		return 0, i, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, i, false
		}
	}
	return r, i + 4, true
}

// skipValue returns the index after the object or array at b[i],
// checking string and bracket structure (not full JSON validity; the
// text is parsed again if the column is dynamic).
func skipValue(b []byte, i int) (int, error) {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			k := j + 1
			for k < len(b) && b[k] != '"' {
				if b[k] == '\\' {
					k++
				}
				k++
			}
			if k >= len(b) {
				return k, errAt(b, k, "unterminated string")
			}
			j = k
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, nil
			}
		}
	}
	return len(b), errAt(b, len(b), "unexpected end inside a nested value")
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// SyntaxError is a JSON syntax error at a byte offset of the record.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("JSON syntax error at byte %d: %s", e.Offset+1, e.Msg)
}

func errAt(_ []byte, i int, msg string) error { return &SyntaxError{Offset: i, Msg: msg} }
