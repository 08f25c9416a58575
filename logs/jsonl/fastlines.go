package jsonl

import (
	"bytes"

	"github.com/huntpack/huntpack/logs/input"
)

// bufferedLine returns the next line of JSON lines input straight from
// the read buffer, without copying it, when the buffer holds all of it
// (input.Lines copies every line). ok is false when it does not, or
// before the first line was read by input.Lines (which knows the line
// count); the caller then reads the line through input.Lines. The line
// is valid until the next read.
func (s *Splitter) bufferedLine() (b []byte, line int64, ok bool) {
	if !s.synced {
		return nil, 0, false
	}
	n := s.r.Buffered()
	if n == 0 {
		return nil, 0, false
	}
	buf, _ := s.r.Peek(n) // never reads: n bytes are buffered
	k := bytes.IndexByte(buf, '\n')
	max := s.MaxRecord
	if max <= 0 {
		max = input.MaxLine
	}
	if k < 0 || k+1 > max {
		return nil, 0, false
	}
	b = buf[:k:k]
	s.r.Discard(k + 1)
	if k > 0 && b[k-1] == '\r' {
		b = b[: k-1 : k-1]
	}
	s.lastLine++
	s.lines.SetLine(s.lastLine)
	return b, s.lastLine, true
}
