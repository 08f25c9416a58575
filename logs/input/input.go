// Package input opens log files whatever their compression (gzip and
// zstd, recognised by their magic bytes, not their name) and reads them
// as lines of any length with line numbers. Multi-member gzip files are
// inflated in parallel (pgzip.go).
package input

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compression names a file's compression.
type Compression string

// Compressions recognised by Open.
const (
	None Compression = ""
	Gzip Compression = "gzip"
	Zstd Compression = "zstd"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// Open opens path and returns its decompressed content. Compressed data
// is decompressed on another goroutine, ahead of the reader, so inflating
// and parsing use two cores. With three cores or more, a gzip file of
// ParallelGzipMin bytes or more that has several members is inflated on
// GOMAXPROCS-1 goroutines (see NewParallelGzip), leaving one core to the
// parser.
func Open(path string) (io.ReadCloser, Compression, error) {
	return open(path, runtime.GOMAXPROCS(0)-1)
}

func open(path string, workers int) (io.ReadCloser, Compression, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, None, err
	}
	if workers > 1 {
		var head [10]byte
		st, err := f.Stat()
		if err == nil && st.Mode().IsRegular() && st.Size() >= ParallelGzipMin {
			if n, _ := f.ReadAt(head[:], 0); n == len(head) && isGzipHeader(head[:]) {
				return NewParallelGzip(f, st.Size(), workers, f), Gzip, nil
			}
		}
	}
	rc, c, err := Decompress(f)
	if err != nil {
		f.Close()
		return nil, None, fmt.Errorf("%s: %w", path, err)
	}
	return rc, c, nil
}

// Decompress wraps a reader according to its first bytes; closing the
// result closes r. Compressed data is decompressed on another goroutine,
// ahead of the reader (see ReadAhead).
func Decompress(r io.ReadCloser) (io.ReadCloser, Compression, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, Gzip, fmt.Errorf("gzip: %w", err)
		}
		return ReadAhead(&stack{Reader: zr, closers: []io.Closer{zr, r}}), Gzip, nil
	case bytes.HasPrefix(head, zstdMagic):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(2))
		if err != nil {
			return nil, Zstd, fmt.Errorf("zstd: %w", err)
		}
		return ReadAhead(&stack{Reader: zr, closers: []io.Closer{zstdCloser{zr}, r}}), Zstd, nil
	}
	return &stack{Reader: br, closers: []io.Closer{r}}, None, nil
}

type zstdCloser struct{ d *zstd.Decoder }

func (z zstdCloser) Close() error { z.d.Close(); return nil }

type stack struct {
	io.Reader
	closers []io.Closer
}

func (s *stack) Close() error {
	var first error
	for _, c := range s.closers {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Head returns up to n bytes from the start of path, decompressed.
func Head(path string, n int) ([]byte, Compression, error) {
	rc, c, err := open(path, 1)
	if err != nil {
		return nil, c, err
	}
	defer rc.Close()
	buf := make([]byte, n)
	k, err := io.ReadFull(rc, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return buf[:k], c, err
	}
	return buf[:k], c, nil
}

// MaxLine is the longest line Lines returns whole; longer lines are
// reported as too long and skipped.
const MaxLine = 64 << 20

// Lines reads lines of any length (up to MaxLine) and counts them.
type Lines struct {
	r    *bufio.Reader
	buf  []byte
	line int64
	// Max overrides MaxLine when positive.
	Max int
}

// NewLines returns a line reader over r.
func NewLines(r io.Reader) *Lines {
	return &Lines{r: bufio.NewReaderSize(r, 256<<10)}
}

// SetLine sets the number of lines already consumed (for readers that
// start inside a file).
func (l *Lines) SetLine(n int64) { l.line = n }

// ErrLineTooLong is returned (with the line number) for a line over the
// limit; the line is skipped and reading can continue.
var ErrLineTooLong = fmt.Errorf("line too long")

// Next returns the next line without its line ending (LF or CRLF) and its
// number. The slice is valid until the next call. It returns io.EOF at the
// end and the reader's error (e.g. a truncated gzip) otherwise.
func (l *Lines) Next() ([]byte, int64, error) {
	max := l.Max
	if max <= 0 {
		max = MaxLine
	}
	l.buf = l.buf[:0]
	tooLong := false
	for {
		chunk, err := l.r.ReadSlice('\n')
		if !tooLong {
			if len(l.buf)+len(chunk) > max {
				tooLong = true
				l.buf = l.buf[:0]
			} else {
				l.buf = append(l.buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && (err != io.EOF || (len(l.buf) == 0 && !tooLong)) {
			if err != io.EOF {
				l.line++
			}
			return nil, l.line, err
		}
		l.line++
		if tooLong {
			return nil, l.line, ErrLineTooLong
		}
		b := l.buf
		if n := len(b); n > 0 && b[n-1] == '\n' {
			b = b[:n-1]
		}
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
		return b, l.line, nil
	}
}

// CleanUTF8 returns b unchanged when it is valid UTF-8, otherwise a copy
// with each invalid byte sequence replaced by U+FFFD, and false.
func CleanUTF8(b []byte) ([]byte, bool) {
	if utf8.Valid(b) {
		return b, true
	}
	return bytes.ToValidUTF8(b, []byte("\uFFFD")), false
}

// InvalidUTF8 is the warning for a record whose invalid UTF-8 was replaced.
const InvalidUTF8 = "invalid UTF-8 (replaced with U+FFFD)"

// TrimBOM removes a UTF-8 byte order mark.
func TrimBOM(b []byte) []byte {
	return bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
}
