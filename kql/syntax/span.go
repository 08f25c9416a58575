package syntax

// Span is a half-open byte range [Start, End) into the query source.
// NoSpan (Start == End == -1) means "no position".
type Span struct {
	Start int // byte offset of the first byte
	End   int // byte offset one past the last byte
}

// NoSpan is the span of nodes that have no source position.
var NoSpan = Span{Start: -1, End: -1}

// IsValid reports whether s refers to a source position.
func (s Span) IsValid() bool { return s.Start >= 0 && s.End >= s.Start }

// Len returns the number of bytes covered by s (0 for NoSpan).
func (s Span) Len() int {
	if !s.IsValid() {
		return 0
	}
	return s.End - s.Start
}

// Join returns the smallest span covering s and t; an invalid side is ignored.
func (s Span) Join(t Span) Span {
	if !s.IsValid() {
		return t
	}
	if !t.IsValid() {
		return s
	}
	if t.Start < s.Start {
		s.Start = t.Start
	}
	if t.End > s.End {
		s.End = t.End
	}
	return s
}

// Text returns the source text covered by s, or "" when s is out of range.
func (s Span) Text(src string) string {
	if !s.IsValid() || s.End > len(src) {
		return ""
	}
	return src[s.Start:s.End]
}

// Position is a human-readable source position. Line and Col are 1-based;
// Col counts runes (a tab counts as one column).
type Position struct {
	Offset int // byte offset
	Line   int // 1-based line
	Col    int // 1-based column in runes
}

// PositionOf converts a byte offset in src to a line and column. Offsets past
// the end clamp to the end of src; negative offsets give the zero Position.
func PositionOf(src string, offset int) Position {
	if offset < 0 {
		return Position{}
	}
	if offset > len(src) {
		offset = len(src)
	}
	line, col := 1, 1
	for i, r := range src {
		if i >= offset {
			break
		}
		if r == '\n' {
			line++
			col = 1
			continue
		}
		col++
	}
	return Position{Offset: offset, Line: line, Col: col}
}
