package sysmon

import (
	"bytes"
	"unicode/utf8"
)

// fastEvent reads the fields of one <Event> element that xmlEvent holds
// without encoding/xml (its decoder makes ~170 allocations per event). It
// handles the plain XML that Windows writes: elements, quoted
// attributes and text without entity or character references, comments,
// CDATA, processing instructions, CR, control characters or invalid
// UTF-8. For anything else, or anything it does not find well formed, it
// returns false and the caller decodes the event with encoding/xml, which
// gives the same fields or reports the error (FuzzFastEvent checks that
// both agree whenever fastEvent answers).
func fastEvent(chunk []byte, ev *xmlEvent) bool {
	if bytes.IndexByte(chunk, '&') >= 0 || bytes.Contains(chunk, []byte("<!")) || bytes.Contains(chunk, []byte("<?")) || !plainText(chunk) {
		return false
	}
	*ev = xmlEvent{Data: ev.Data[:0]}
	var stack [16][]byte // local names of the open elements
	depth := 0
	var seenProvider, seenID, seenComputer, seenSystem bool
	target := (*string)(nil) // the string the current element's text goes to
	s := chunk
	i := 0
	for i < len(s) {
		lt := bytes.IndexByte(s[i:], '<')
		if lt < 0 {
			return false // text after the end (cannot happen: the chunk ends with </Event>)
		}
		if text := s[i : i+lt]; len(text) > 0 {
			if depth == 0 {
				return false
			}
			if target != nil {
				*target += string(text)
			}
		}
		i += lt + 1
		if i < len(s) && s[i] == '/' { // end tag
			j := bytes.IndexByte(s[i:], '>')
			if j < 0 || depth == 0 {
				return false
			}
			name := bytes.TrimRight(s[i+1:i+j], " \t\n")
			if !bytes.Equal(local(name), stack[depth-1]) || bytes.IndexByte(name, ':') >= 0 {
				return false
			}
			depth--
			target = nil
			i += j + 1
			if depth == 0 {
				return i == len(s)
			}
			continue
		}
		name, attrs, selfClose, next, ok := startTag(s, i)
		if !ok || depth == len(stack) || target != nil { // no elements inside the fields read
			return false
		}
		if _, _, ok := attrValue(attrs, ""); !ok {
			return false
		}
		i = next
		ln := local(name)
		path := depth // which level the new element is at (0: Event)
		switch {
		case path == 0 && !bytes.Equal(ln, []byte("Event")):
			return false
		case path == 1 && bytes.Equal(ln, []byte("System")):
			if seenSystem {
				return false
			}
			seenSystem = true
		case path == 2 && bytes.Equal(stack[1], []byte("System")) && bytes.Equal(ln, []byte("Provider")):
			if seenProvider {
				return false
			}
			seenProvider = true
			v, found, _ := attrValue(attrs, "Name")
			if !found {
				return false
			}
			ev.System.Provider.Name = v
		case path == 2 && bytes.Equal(stack[1], []byte("System")) && bytes.Equal(ln, []byte("EventID")):
			if seenID {
				return false
			}
			seenID = true
			target = &ev.System.EventID
		case path == 2 && bytes.Equal(stack[1], []byte("System")) && bytes.Equal(ln, []byte("Computer")):
			if seenComputer {
				return false
			}
			seenComputer = true
			target = &ev.System.Computer
		case path == 2 && bytes.Equal(stack[1], []byte("EventData")) && bytes.Equal(ln, []byte("Data")):
			v, found, _ := attrValue(attrs, "Name")
			if !found {
				return false
			}
			ev.Data = append(ev.Data, xmlData{Name: v})
			target = &ev.Data[len(ev.Data)-1].Value
		default:
			if path >= 1 && (bytes.Equal(ln, []byte("System")) || bytes.Equal(ln, []byte("EventData"))) && path != 1 {
				return false // not at the place xmlEvent reads them: leave it to encoding/xml
			}
		}
		if selfClose {
			target = nil
			if depth == 0 {
				return false
			}
			continue
		}
		stack[depth] = ln
		depth++
	}
	return false
}

// plainText reports valid UTF-8 with no control characters but tab and
// newline (so no CR, which encoding/xml would translate).
func plainText(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' {
			return false
		}
	}
	return utf8.Valid(b) && !bytes.Contains(b, []byte("\uFFFE")) && !bytes.Contains(b, []byte("\uFFFF"))
}

// local returns the part of a name after its prefix.
func local(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// isNameByte accepts ASCII name characters only (other names go to
// encoding/xml).
func isNameByte(c byte, first bool) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' ||
		!first && (c >= '0' && c <= '9' || c == '-' || c == '.' || c == ':')
}

// startTag reads a start tag whose name begins at s[i] and returns its
// name, its raw attribute text, whether it closes itself and the index
// after it.
func startTag(s []byte, i int) (name, attrs []byte, selfClose bool, next int, ok bool) {
	j := i
	for j < len(s) && isNameByte(s[j], j == i) {
		j++
	}
	if j == i || bytes.Count(s[i:j], []byte{':'}) > 1 {
		return nil, nil, false, 0, false
	}
	name = s[i:j]
	a := j
	for j < len(s) {
		switch c := s[j]; {
		case c == '>':
			return name, s[a:j], false, j + 1, true
		case c == '/' && j+1 < len(s) && s[j+1] == '>':
			return name, s[a:j], true, j + 2, true
		case c == '\'' || c == '"':
			k := bytes.IndexByte(s[j+1:], c)
			if k < 0 || bytes.IndexByte(s[j+1:j+1+k], '<') >= 0 {
				return nil, nil, false, 0, false
			}
			j += k + 2
		case c == '<':
			return nil, nil, false, 0, false
		default:
			j++
		}
	}
	return nil, nil, false, 0, false
}

// attrValue finds attribute key (unprefixed) in the raw attribute text
// of a start tag and reports whether that text is well formed (space,
// name, '=', quoted value, repeated; no duplicate of key, no prefixed
// key, which encoding/xml would also match).
func attrValue(attrs []byte, key string) (val string, found, ok bool) {
	for len(attrs) > 0 {
		t := bytes.TrimLeft(attrs, " \t\n")
		if len(t) == 0 {
			break
		}
		if len(t) == len(attrs) { // attributes are separated by space
			return "", false, false
		}
		n := 0
		for n < len(t) && isNameByte(t[n], n == 0) {
			n++
		}
		name := t[:n]
		rest := bytes.TrimLeft(t[n:], " \t\n")
		if n == 0 || len(rest) == 0 || rest[0] != '=' {
			return "", false, false
		}
		rest = bytes.TrimLeft(rest[1:], " \t\n")
		if len(rest) == 0 || rest[0] != '\'' && rest[0] != '"' {
			return "", false, false
		}
		k := bytes.IndexByte(rest[1:], rest[0])
		if k < 0 {
			return "", false, false
		}
		if bytes.IndexByte(rest[1:1+k], '<') >= 0 {
			return "", false, false
		}
		switch {
		case key != "" && string(name) == key:
			if found {
				return "", false, false
			}
			found, val = true, string(rest[1:1+k])
		case key != "" && string(local(name)) == key:
			return "", false, false
		}
		attrs = rest[k+2:]
	}
	return val, found, true
}
