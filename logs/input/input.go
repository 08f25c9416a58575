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
//
// UTF-16 text (by its byte order mark, or recognised by its NUL bytes,
// see DetectUTF16) is transcoded to UTF-8, so readers always see UTF-8.
func Open(path string) (io.ReadCloser, Compression, error) {
	rc, info, err := open(path, runtime.GOMAXPROCS(0)-1)
	return rc, info.Compression, err
}

// Info says how a file's text is stored.
type Info struct {
	Compression Compression
	Encoding    Encoding
}

// OpenInfo is Open that also reports the text encoding.
func OpenInfo(path string) (io.ReadCloser, Info, error) {
	return open(path, runtime.GOMAXPROCS(0)-1)
}

// open opens path for a reader: its reads are counted when a claim is
// pending on path (see Expect).
func open(path string, workers int) (io.ReadCloser, Info, error) {
	return openClaim(path, workers, true)
}

// openClaim opens path; with claim set, a pending claim on path counts
// its reads.
func openClaim(path string, workers int, claim bool) (io.ReadCloser, Info, error) {
	osf, err := os.Open(path)
	if err != nil {
		return nil, Info{}, err
	}
	var f RangeFile = osf
	if workers > 1 {
		var head [10]byte
		st, err := osf.Stat()
		if err == nil && st.Mode().IsRegular() && st.Size() >= ParallelGzipMin {
			if n, _ := osf.ReadAt(head[:], 0); n == len(head) && isGzipHeader(head[:]) {
				pg := newParallelGzip(osf, st.Size(), workers, osf, pgzSegment)
				if claim {
					// Counted as the parser consumes segments, not as
					// the workers read ahead.
					if c := take(path); c != nil {
						pg.count = c
					}
				}
				rc, enc := decodeText(pg)
				return rc, Info{Gzip, enc}, nil
			}
		}
	}
	if claim {
		f = counted(osf, path)
	}
	rc, c, err := Decompress(f)
	if err != nil {
		f.Close()
		return nil, Info{Compression: c}, fmt.Errorf("%s: %w", path, err)
	}
	rc, enc := decodeText(rc)
	return rc, Info{c, enc}, nil
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
	b, info, err := HeadInfo(path, n)
	return b, info.Compression, err
}

// HeadInfo is Head that also reports the text encoding (the bytes
// returned are UTF-8).
func HeadInfo(path string, n int) ([]byte, Info, error) {
	rc, info, err := openClaim(path, 1, false)
	if err != nil {
		return nil, info, err
	}
	defer rc.Close()
	buf := make([]byte, n)
	k, err := io.ReadFull(rc, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return buf[:k], info, err
	}
	return buf[:k], info, nil
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
