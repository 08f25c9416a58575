package input

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
)

// Range is a byte range of an uncompressed file that holds whole
// records, and the line number of its first line.
type Range struct {
	Offset, Length int64
	FirstLine      int64
}

// SplitOptions says how records end.
type SplitOptions struct {
	// Quotes makes a line break inside double quotes part of the record
	// (CSV, RFC 4180): boundaries are put only where the number of
	// quotes before them is even.
	Quotes bool
	// SkipHeader leaves the first record (a CSV header) out of the ranges.
	SkipHeader bool
}

// SplitRanges cuts path into about n ranges of whole records so they can
// be parsed in parallel. Finding boundaries is a fast sequential pass
// (counting quotes and line breaks), much cheaper than parsing.
func SplitRanges(path string, n int, o SplitOptions) ([]Range, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	w := &walker{r: f, size: size, quotes: o.Quotes}
	start, line := int64(0), int64(1)
	if o.SkipHeader {
		if err := w.toRecordEnd(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		start, line = w.pos, w.lines+1
	}
	if n < 1 {
		n = 1
	}
	step := (size - start) / int64(n)
	var out []Range
	for k := 1; k < n && step > 0; k++ {
		target := start + step*int64(k)
		if target <= w.pos {
			continue
		}
		if err := w.advance(target); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if err := w.toRecordEnd(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if w.pos >= size {
			break
		}
		prev := start
		if len(out) > 0 {
			prev = out[len(out)-1].Offset + out[len(out)-1].Length
		}
		out = append(out, Range{Offset: prev, Length: w.pos - prev, FirstLine: line})
		line = w.lines + 1
	}
	prev := start
	if len(out) > 0 {
		prev = out[len(out)-1].Offset + out[len(out)-1].Length
	}
	out = append(out, Range{Offset: prev, Length: size - prev, FirstLine: line})
	return out, nil
}

// walker reads forward through a file tracking quote parity and lines.
type walker struct {
	r      io.ReaderAt
	size   int64
	pos    int64
	lines  int64 // line breaks before pos
	odd    bool  // inside quotes at pos
	quotes bool
	buf    []byte
}

// advance moves to target, counting quotes and line breaks on the way.
func (w *walker) advance(target int64) error {
	if w.buf == nil {
		w.buf = make([]byte, 1<<20)
	}
	for w.pos < target {
		n := int(min(int64(len(w.buf)), target-w.pos))
		k, err := w.r.ReadAt(w.buf[:n], w.pos)
		if k == 0 && err != nil {
			return err
		}
		chunk := w.buf[:k]
		w.lines += int64(bytes.Count(chunk, []byte{'\n'}))
		if w.quotes && bytes.Count(chunk, []byte{'"'})%2 == 1 {
			w.odd = !w.odd
		}
		w.pos += int64(k)
	}
	return nil
}

// toRecordEnd moves just past the next line break outside quotes (or to
// the end of the file).
func (w *walker) toRecordEnd() error {
	br := bufio.NewReaderSize(io.NewSectionReader(w.r, w.pos, w.size-w.pos), 64<<10)
	for w.pos < w.size {
		c, err := br.ReadByte()
		if err != nil {
			return err
		}
		w.pos++
		switch {
		case c == '"' && w.quotes:
			w.odd = !w.odd
		case c == '\n':
			w.lines++
			if !w.odd {
				return nil
			}
		}
	}
	return nil
}

// SplitLines cuts path (uncompressed text whose records are single lines,
// as JSON lines) into about n ranges of whole lines without reading it
// through: a short read at each cut finds the next line end. FirstLine
// is 0 (not counted); LineBases counts the lines before the ranges when
// a caller needs line numbers.
func SplitLines(path string, n int) ([]Range, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	n = max(n, 1)
	step := size / int64(n)
	var out []Range
	var buf []byte
	prev := int64(0)
	for k := 1; k < n && step > 0; k++ {
		target := step * int64(k)
		if target <= prev {
			continue
		}
		end, err := lineEndFrom(f, target, size, &buf)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if end >= size {
			break
		}
		out = append(out, Range{Offset: prev, Length: end - prev})
		prev = end
	}
	return append(out, Range{Offset: prev, Length: size - prev}), nil
}

// lineEndFrom returns the offset just past the first line break at or
// after pos, or size when there is none.
func lineEndFrom(r io.ReaderAt, pos, size int64, buf *[]byte) (int64, error) {
	if *buf == nil {
		*buf = make([]byte, 64<<10)
	}
	for pos < size {
		n := int(min(int64(len(*buf)), size-pos))
		k, err := r.ReadAt((*buf)[:n], pos)
		if i := bytes.IndexByte((*buf)[:k], '\n'); i >= 0 {
			return pos + int64(i) + 1, nil
		}
		if k == 0 && err != nil {
			return 0, err
		}
		pos += int64(k)
	}
	return size, nil
}

// LineBases returns, for each offset of path (in ascending order), the
// number of line breaks before it, in one pass over the file.
func LineBases(path string, offsets []int64) ([]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	w := &walker{r: f, size: st.Size()}
	out := make([]int64, len(offsets))
	for i, off := range offsets {
		if off < w.pos {
			return nil, fmt.Errorf("%s: offsets not in ascending order", path)
		}
		if err := w.advance(min(off, w.size)); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out[i] = w.lines
	}
	return out, nil
}
