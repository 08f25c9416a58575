package funcs

import (
	"encoding/xml"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/kql/types"
)

// Parsers of attacker-controlled text: URLs, paths, command lines, CSV,
// XML and versions. All are total: malformed input gives an empty or
// null result, never a panic. Each has a fuzz target in parsers_test.go.

func addParsers(r *Registry) {
	scalar(r, "parse_url", "parse_url(url: string): dynamic", "Splits an absolute URL into Scheme, Host, Port, Path, Username, Password, Query Parameters (a bag) and Fragment.",
		1, 1, fixed(types.Dynamic), unary(func(v types.Value) types.Value { return dynValue(ParseURL(str(v))) }), "parseurl")
	scalar(r, "parse_urlquery", "parse_urlquery(query: string): dynamic", "Parses a URL query string into {\"Query Parameters\": {key: value}} (values decoded).",
		1, 1, fixed(types.Dynamic), unary(func(v types.Value) types.Value {
			q := strings.TrimPrefix(str(v), "?")
			return dynValue(map[string]any{"Query Parameters": parseQuery(q)})
		}), "parseurlquery")
	scalar(r, "parse_path", "parse_path(path: string): dynamic", "Splits a file path into Scheme, RootPath, DirectoryPath, DirectoryName, Filename, Extension and AlternateDataStreamName.",
		1, 1, fixed(types.Dynamic), unary(func(v types.Value) types.Value { return dynValue(ParsePath(str(v))) }))
	scalar(r, "parse_command_line", "parse_command_line(command_line: string, parser: string): dynamic", "Splits a command line into arguments with the Windows (CommandLineToArgvW) rules; parser must be \"windows\".",
		2, 2, fixed(types.Dynamic), func(_ *Context, a []types.Value) types.Value {
			if !strings.EqualFold(strings.TrimSpace(str(a[1])), "windows") {
				return dynNull()
			}
			args := ParseCommandLine(str(a[0]))
			out := make([]any, len(args))
			for i, s := range args {
				out[i] = s
			}
			return dynValue(out)
		})
	scalar(r, "parse_csv", "parse_csv(csv_text: string): dynamic", "Splits the first CSV record (RFC 4180 quoting) into a dynamic array of strings.",
		1, 1, fixed(types.Dynamic), unary(func(v types.Value) types.Value {
			fields := ParseCSVRecord(str(v))
			out := make([]any, len(fields))
			for i, s := range fields {
				out[i] = s
			}
			return dynValue(out)
		}))
	scalar(r, "parse_xml", "parse_xml(xml: string): dynamic", "Converts XML to a dynamic value: elements become properties, attributes @name, mixed text #text, repeated elements arrays; null when invalid.",
		1, 1, fixed(types.Dynamic), unary(func(v types.Value) types.Value {
			d, ok := ParseXML(str(v))
			if !ok {
				return dynNull()
			}
			return dynValue(d)
		}))
	scalar(r, "parse_version", "parse_version(version: string): decimal", "Converts a version of 1 to 4 numeric parts (each up to 8 digits) to a comparable number; null when invalid. Precision is that of a 64-bit float.",
		1, 1, fixed(types.Decimal), unary(func(v types.Value) types.Value {
			f, ok := parseVersion(str(v))
			if !ok {
				return nullOf(types.Decimal)
			}
			return types.Value{T: types.Decimal, F: f}
		}))
}

// ParseURL splits an absolute URL. Text that is not scheme://... gives
// every part empty.
func ParseURL(s string) map[string]any {
	out := map[string]any{"Scheme": "", "Host": "", "Port": "", "Path": "", "Username": "", "Password": "",
		"Query Parameters": map[string]any{}, "Fragment": ""}
	s = strings.TrimSpace(s)
	i := strings.Index(s, "://")
	if i <= 0 || !validScheme(s[:i]) {
		return out
	}
	out["Scheme"] = s[:i]
	rest := s[i+3:]
	if j := strings.IndexByte(rest, '#'); j >= 0 {
		out["Fragment"] = rest[j+1:]
		rest = rest[:j]
	}
	if j := strings.IndexByte(rest, '?'); j >= 0 {
		out["Query Parameters"] = parseQuery(rest[j+1:])
		rest = rest[:j]
	}
	auth := rest
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		auth, out["Path"] = rest[:j], rest[j:]
	}
	if j := strings.LastIndexByte(auth, '@'); j >= 0 {
		user := auth[:j]
		auth = auth[j+1:]
		if k := strings.IndexByte(user, ':'); k >= 0 {
			out["Password"] = user[k+1:]
			user = user[:k]
		}
		out["Username"] = user
	}
	host := auth
	if strings.HasPrefix(auth, "[") {
		if k := strings.IndexByte(auth, ']'); k >= 0 {
			host = auth[:k+1]
			if rem := auth[k+1:]; strings.HasPrefix(rem, ":") {
				out["Port"] = rem[1:]
			}
		}
	} else if k := strings.LastIndexByte(auth, ':'); k >= 0 {
		host, out["Port"] = auth[:k], auth[k+1:]
	}
	out["Host"] = host
	return out
}

func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlnumASCII(c) || c == '+' || c == '-' || c == '.') || (i == 0 && !(c|0x20 >= 'a' && c|0x20 <= 'z')) {
			return false
		}
	}
	return s != ""
}

// parseQuery decodes k=v&k2=v2; undecodable parts are kept raw.
func parseQuery(q string) map[string]any {
	out := map[string]any{}
	for _, part := range strings.Split(q, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			v = dv
		}
		out[k] = v
	}
	return out
}

// ParsePath splits a Windows or Unix path (see parse-path-function.md).
func ParsePath(p string) map[string]any {
	out := map[string]any{"Scheme": "", "RootPath": "", "DirectoryPath": "", "DirectoryName": "",
		"Filename": "", "Extension": "", "AlternateDataStreamName": ""}
	if i := strings.Index(p, "://"); i > 1 && validScheme(p[:i]) {
		out["Scheme"] = p[:i]
		p = p[i+3:]
	}
	if len(p) >= 2 && p[1] == ':' && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z') {
		out["RootPath"] = p[:2]
	}
	sep := strings.LastIndexAny(p, `/\`)
	dir, file := "", p
	if sep >= 0 {
		dir, file = p[:sep], p[sep+1:]
	} else if out["RootPath"] != "" {
		dir, file = p[:2], p[2:]
	}
	if k := strings.IndexByte(file, ':'); k >= 0 {
		out["AlternateDataStreamName"] = file[k+1:]
		file = file[:k]
	}
	out["DirectoryPath"] = dir
	if k := strings.LastIndexAny(dir, `/\`); k >= 0 {
		out["DirectoryName"] = dir[k+1:]
	} else if dir != out["RootPath"] {
		out["DirectoryName"] = dir
	}
	out["Filename"] = file
	if k := strings.LastIndexByte(file, '.'); k >= 0 {
		out["Extension"] = file[k+1:]
	}
	return out
}

// ParseCommandLine splits a Windows command line the way
// CommandLineToArgvW does: whitespace separates arguments outside double
// quotes; 2n backslashes before a quote give n backslashes and the quote
// toggles quoting, 2n+1 give n backslashes and a literal quote; other
// backslashes are literal; "" inside quotes is a literal quote. The first
// argument (the program) ends at the first whitespace outside quotes and
// its backslashes are always literal.
func ParseCommandLine(s string) []string {
	var out []string
	i := 0
	skipWS := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++
		}
	}
	skipWS()
	if i >= len(s) {
		return []string{}
	}
	// Program name.
	var b strings.Builder
	inQ := false
	for ; i < len(s); i++ {
		c := s[i]
		if c == '"' {
			inQ = !inQ
			continue
		}
		if !inQ && (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			break
		}
		b.WriteByte(c)
	}
	out = append(out, b.String())
	for {
		skipWS()
		if i >= len(s) {
			return out
		}
		b.Reset()
		inQ = false
		for i < len(s) {
			c := s[i]
			if !inQ && (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
				break
			}
			switch c {
			case '\\':
				n := 0
				for i < len(s) && s[i] == '\\' {
					n++
					i++
				}
				if i < len(s) && s[i] == '"' {
					b.WriteString(strings.Repeat(`\`, n/2))
					if n%2 == 1 {
						b.WriteByte('"')
						i++
					}
				} else {
					b.WriteString(strings.Repeat(`\`, n))
				}
				continue
			case '"':
				if inQ && i+1 < len(s) && s[i+1] == '"' {
					b.WriteByte('"')
					i += 2
					continue
				}
				inQ = !inQ
			default:
				b.WriteByte(c)
			}
			i++
		}
		out = append(out, b.String())
	}
}

// ParseCSVRecord returns the fields of the first CSV record of s: fields
// separated by commas; a field starting with a double quote runs to the
// closing quote, with "" standing for one quote and newlines kept; an
// unquoted newline ends the record.
func ParseCSVRecord(s string) []string {
	var fields []string
	var b strings.Builder
	i := 0
	for {
		b.Reset()
		if i < len(s) && s[i] == '"' {
			i++
			for i < len(s) {
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b.WriteByte('"')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			// Text after the closing quote up to the delimiter is kept.
			for i < len(s) && s[i] != ',' && s[i] != '\n' && s[i] != '\r' {
				b.WriteByte(s[i])
				i++
			}
		} else {
			for i < len(s) && s[i] != ',' && s[i] != '\n' && s[i] != '\r' {
				b.WriteByte(s[i])
				i++
			}
		}
		fields = append(fields, b.String())
		if i >= len(s) || s[i] != ',' {
			return fields
		}
		i++ // comma
	}
}

// maxXMLBytes is parse_xml's documented input limit (1 MB); longer input
// gives null.
const maxXMLBytes = 1 << 20

// ParseXML converts an XML document to a dynamic value following
// parse-xml-function.md: the root element becomes {"root": value}; an
// element with neither attributes nor children has its text as value; an
// element with attributes or children becomes a bag with "@attr" keys,
// child elements by name (repeated names become arrays) and "#text" for
// non-blank text; an empty element is null.
func ParseXML(s string) (any, bool) {
	if len(s) > maxXMLBytes {
		return nil, false
	}
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = true
	type frame struct {
		name  string
		bag   map[string]any
		text  strings.Builder
		attrs bool
		kids  bool
	}
	var stack []*frame
	var root map[string]any
	add := func(m map[string]any, k string, v any) {
		if old, ok := m[k]; ok {
			if arr, ok := old.([]any); ok {
				m[k] = append(arr, v)
			} else {
				m[k] = []any{old, v}
			}
			return
		}
		m[k] = v
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			f := &frame{name: t.Name.Local, bag: map[string]any{}}
			for _, a := range t.Attr {
				f.bag["@"+a.Name.Local] = a.Value
				f.attrs = true
			}
			if len(stack) > 0 {
				stack[len(stack)-1].kids = true
			} else if root != nil {
				return nil, false // a second root element
			}
			stack = append(stack, f)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			var v any
			text := f.text.String()
			switch {
			case f.attrs || f.kids:
				if strings.TrimSpace(text) != "" {
					f.bag["#text"] = strings.TrimSpace(text)
				}
				v = f.bag
			case text != "":
				v = text
			}
			if len(stack) == 0 {
				root = map[string]any{f.name: v}
			} else {
				add(stack[len(stack)-1].bag, f.name, v)
			}
		}
	}
	if root == nil {
		return nil, false
	}
	return root, true
}

// parseVersion maps "a[.b[.c[.d]]]" to a*1e24 + b*1e16 + c*1e8 + d.
func parseVersion(s string) (float64, bool) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) == 0 || len(parts) > 4 {
		return 0, false
	}
	var v float64
	scale := 1e24
	for _, p := range parts {
		if p == "" || len(p) > 8 {
			return 0, false
		}
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return 0, false
		}
		v += float64(n) * scale
		scale /= 1e8
	}
	return v, true
}
