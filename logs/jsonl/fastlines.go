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
//
// The buffered bytes are looked at once per buffer fill (s.blk): their
// quote, line feed and special-byte masks are computed in one SIMD pass
// (jxFillBlock), lines are cut at the line feed bits, and the fast path
// takes the line's masks from there (lineMasks). The lines taken are
// discarded from the reader, and counted by input.Lines, only when the
// reader is used again (settle).
func (s *Splitter) bufferedLine() (b []byte, line int64, ok bool) {
	if !s.synced {
		return nil, 0, false
	}
	if s.pos >= len(s.blk) {
		s.settle()
		n := s.r.Buffered()
		if n == 0 {
			return nil, 0, false
		}
		s.blk, _ = s.r.Peek(n) // never reads: n bytes are buffered
		if !jxNoMasks {
			words := (n + 63) / 64
			if cap(s.bq) < words {
				s.bq, s.bn, s.bb = make([]uint64, words), make([]uint64, words), make([]uint64, words)
			}
			s.bq, s.bn, s.bb = s.bq[:words], s.bn[:words], s.bb[:words]
			clear(s.bq)
			clear(s.bn)
			clear(s.bb)
			jxFillBlock(s.blk, s.bq, s.bn, s.bb)
		}
	}
	var k int // the line feed, in s.blk
	if jxNoMasks {
		if k = bytes.IndexByte(s.blk[s.pos:], '\n'); k >= 0 {
			k += s.pos
		}
	} else {
		k = jxNextBit(s.bn, s.pos)
	}
	max := s.MaxRecord
	if max <= 0 {
		max = input.MaxLine
	}
	if k < 0 || k-s.pos+1 > max {
		s.settle()
		return nil, 0, false
	}
	start := s.pos
	s.pos = k + 1
	if k > start && s.blk[k-1] == '\r' {
		k--
	}
	b = s.blk[start:k:k]
	s.last, s.lastOff = b, start
	s.lastLine++
	return b, s.lastLine, true
}

// settle discards the lines bufferedLine returned from the reader's
// buffer and brings input.Lines' count up to date, before the reader is
// read again.
func (s *Splitter) settle() {
	if s.pos > 0 {
		s.r.Discard(s.pos)
		s.lines.SetLine(s.lastLine)
	}
	s.blk, s.pos, s.last = nil, 0, nil
}

// lineMasks returns the block masks of b when b is the line bufferedLine
// returned last: the quote bits and b's offset in them, and whether b is
// plain (see jxLineMasks). ok is false otherwise.
func (s *Splitter) lineMasks(b []byte) (q []uint64, off int, plain, ok bool) {
	if jxNoMasks || len(b) == 0 || len(s.last) != len(b) || &s.last[0] != &b[0] {
		return nil, 0, false, false
	}
	return s.bq, s.lastOff, jxRangeClear(s.bb, s.lastOff, s.lastOff+len(b)), true
}
