package input

import (
	"bufio"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// Encoding names the text encoding of a file; readers always see UTF-8.
type Encoding string

// Encodings recognised by Open. UTF-16 files (Windows tools write them:
// PowerShell 5's Out-File and ">", wevtutil, Excel's "Unicode text") are
// transcoded to UTF-8 as they are read.
const (
	UTF8    Encoding = ""
	UTF16LE Encoding = "utf-16le"
	UTF16BE Encoding = "utf-16be"
)

// sniffUTF16Bytes is how much of a file without a byte order mark is
// looked at to recognise UTF-16.
const sniffUTF16Bytes = 512

// DetectUTF16 recognises UTF-16 text from the start of a file: by its
// byte order mark (FF FE little endian, FE FF big endian; bomLen is then
// 2), or, without one, by NUL bytes: text that is mostly ASCII has a NUL
// in every other byte in UTF-16 and (almost) none in UTF-8. Without a
// BOM, at least 8 code units are needed, at least 3/4 of them must have
// their high byte NUL and no low byte may be NUL.
func DetectUTF16(head []byte) (enc Encoding, bomLen int) {
	switch {
	case len(head) >= 2 && head[0] == 0xFF && head[1] == 0xFE:
		return UTF16LE, 2
	case len(head) >= 2 && head[0] == 0xFE && head[1] == 0xFF:
		return UTF16BE, 2
	}
	n := min(len(head), sniffUTF16Bytes) &^ 1
	if n < 16 {
		return UTF8, 0
	}
	var evenNUL, oddNUL int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			evenNUL++
		}
		if head[i+1] == 0 {
			oddNUL++
		}
	}
	units := n / 2
	switch {
	case evenNUL*4 >= units*3 && oddNUL == 0:
		return UTF16BE, 0
	case oddNUL*4 >= units*3 && evenNUL == 0:
		return UTF16LE, 0
	}
	return UTF8, 0
}

// decodeText recognises UTF-16 at the start of r and returns a reader of
// UTF-8 text; closing it closes r.
func decodeText(r io.ReadCloser) (io.ReadCloser, Encoding) {
	br := bufio.NewReaderSize(r, 4096)
	head, _ := br.Peek(sniffUTF16Bytes)
	enc, bom := DetectUTF16(head)
	if enc == UTF8 {
		return &stack{Reader: br, closers: []io.Closer{r}}, UTF8
	}
	br.Discard(bom)
	return &stack{Reader: NewUTF16Reader(br, enc == UTF16BE), closers: []io.Closer{r}}, enc
}

// underlying returns the reader decodeText wrapped (for tests).
func underlying(rc io.ReadCloser) io.ReadCloser {
	if s, ok := rc.(*stack); ok && len(s.closers) == 1 {
		if inner, ok := s.closers[0].(io.ReadCloser); ok {
			return inner
		}
	}
	return rc
}

// UTF16Reader transcodes UTF-16 to UTF-8. Unpaired surrogates and an odd
// last byte become U+FFFD, so the output is always valid UTF-8 (a byte
// order mark inside the text becomes U+FEFF, which readers drop at the
// start of a file like the UTF-8 one).
type UTF16Reader struct {
	r       io.Reader
	big     bool
	in      []byte // undecoded input: in[inPos:inEnd]
	inPos   int
	inEnd   int
	out     []byte // decoded, not yet returned: out[outPos:]
	outPos  int
	err     error
	pending rune // a high surrogate waiting for its pair, or -1
}

// NewUTF16Reader returns a reader of r's UTF-16 text (big endian when
// big is set) as UTF-8.
func NewUTF16Reader(r io.Reader, big bool) *UTF16Reader {
	return &UTF16Reader{r: r, big: big, in: make([]byte, 64<<10), pending: -1}
}

// Read implements io.Reader.
func (u *UTF16Reader) Read(p []byte) (int, error) {
	for u.outPos == len(u.out) {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.out[u.outPos:])
	u.outPos += n
	return n, nil
}

// fill reads more input and decodes every whole code unit of it.
func (u *UTF16Reader) fill() {
	u.out, u.outPos = u.out[:0], 0
	if u.inPos > 0 {
		u.inEnd = copy(u.in, u.in[u.inPos:u.inEnd])
		u.inPos = 0
	}
	n, err := u.r.Read(u.in[u.inEnd:])
	u.inEnd += n
	for ; u.inEnd-u.inPos >= 2; u.inPos += 2 {
		b := u.in[u.inPos : u.inPos+2]
		c := rune(b[0]) | rune(b[1])<<8
		if u.big {
			c = rune(b[1]) | rune(b[0])<<8
		}
		u.unit(c)
	}
	if err != nil {
		if u.pending >= 0 {
			u.out = utf8.AppendRune(u.out, utf8.RuneError)
			u.pending = -1
		}
		if u.inEnd > u.inPos { // an odd last byte
			u.out = utf8.AppendRune(u.out, utf8.RuneError)
			u.inPos = u.inEnd
		}
		u.err = err
	}
}

// unit decodes one code unit.
func (u *UTF16Reader) unit(c rune) {
	if u.pending >= 0 {
		if r := utf16.DecodeRune(u.pending, c); r != utf8.RuneError {
			u.out = utf8.AppendRune(u.out, r)
			u.pending = -1
			return
		}
		u.out = utf8.AppendRune(u.out, utf8.RuneError)
		u.pending = -1
	}
	switch {
	case c >= 0xD800 && c < 0xDC00:
		u.pending = c
	case c >= 0xDC00 && c < 0xE000:
		u.out = utf8.AppendRune(u.out, utf8.RuneError)
	default:
		u.out = utf8.AppendRune(u.out, c)
	}
}
