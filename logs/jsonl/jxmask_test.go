package jsonl

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// jxCheckMasks compares jxLineMasks (SSE2 on amd64) with the portable
// jxFillMasksGo and jxNextQuote with a byte search, on b.
func jxCheckMasks(t *testing.T, b []byte) {
	t.Helper()
	var q []uint64
	plain := jxLineMasks(b, &q)
	want := make([]uint64, (len(b)+63)/64)
	wantPlain := jxFillMasksGo(b, want)
	if plain != wantPlain || !slices.Equal(q, want) {
		t.Fatalf("%q: masks %x plain %v, want %x %v", b, q, plain, want, wantPlain)
	}
	words := (len(b) + 63) / 64
	bq, bn, bb := make([]uint64, words), make([]uint64, words), make([]uint64, words)
	wq, wn, wb := make([]uint64, words), make([]uint64, words), make([]uint64, words)
	jxFillBlock(b, bq, bn, bb)
	jxFillBlockGo(b, wq, wn, wb)
	if !slices.Equal(bq, wq) || !slices.Equal(bn, wn) || !slices.Equal(bb, wb) {
		t.Fatalf("%q: block masks %x %x %x, want %x %x %x", b, bq, bn, bb, wq, wn, wb)
	}
	for lo := 0; lo <= len(b); lo += 1 + lo/8 {
		for hi := lo; hi <= len(b); hi += 1 + (hi-lo)/4 {
			want := true
			for _, x := range b[lo:hi] {
				want = want && x != '\\' && x >= 0x20 && x <= 0x7f
			}
			if got := jxRangeClear(bb, lo, hi); got != want {
				t.Fatalf("%q: jxRangeClear(%d, %d) = %v, want %v", b, lo, hi, got, want)
			}
		}
	}
	for i := 0; i <= len(b); i++ {
		want := -1
		for j := i; j < len(b); j++ {
			if b[j] == '"' {
				want = j
				break
			}
		}
		if got := jxNextQuote(q, i); got != want {
			t.Fatalf("%q: jxNextQuote(%d) = %d, want %d", b, i, got, want)
		}
	}
}

// TestJXMasks checks the quote masks on lines of every length up to 300
// with quotes and special bytes at every kind of position (chunk and word
// edges included).
func TestJXMasks(t *testing.T) {
	for _, simd := range jxSIMDVariants() {
		t.Run(simd.name, func(t *testing.T) {
			defer simd.use()()
			jxTestMasks(t)
		})
	}
}

func jxTestMasks(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	alphabet := []byte("ab\"\"{}:,0 \\\x00\x1f\x7f\x80\xff\t")
	for n := range 300 {
		for range 4 {
			b := make([]byte, n)
			for i := range b {
				b[i] = 'a' + byte(i%26)
				if r.IntN(6) == 0 {
					b[i] = '"'
				}
			}
			jxCheckMasks(t, b) // plain
			if n > 0 {
				b[r.IntN(n)] = alphabet[r.IntN(len(alphabet))]
				jxCheckMasks(t, b)
			}
		}
	}
	jxCheckMasks(t, benchLines(3, 1))
}

// FuzzJXMasks checks the masks of any input against the portable code.
func FuzzJXMasks(f *testing.F) {
	f.Add([]byte(`{"a":"b\"c"}`))
	f.Add([]byte("\"\x80\x1f\\ 0123456789abcdef\"0123456789abcdef0123456789abcdef0123456789abcdef\""))
	f.Add(benchLines(1, 2))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, simd := range jxSIMDVariants() {
			func() {
				defer simd.use()()
				jxCheckMasks(t, b)
			}()
		}
	})
}

// BenchmarkJXNetHunt is BenchmarkNetHuntPreFilter with the quote masks
// off and on.
func BenchmarkJXNetHunt(b *testing.B) {
	for _, off := range []bool{true, false} {
		b.Run(fmt.Sprint("masks=", !off), func(b *testing.B) {
			jxNoMasks = off
			defer func() { jxNoMasks = false }()
			benchScan(b, ipFilter(10000), false)
		})
	}
}

// TestJXBlockLines checks the fast path with the read block's masks over
// more than one 256 KB block (lines cut by a block end go through
// input.Lines and take the line's own masks): the full scan's records,
// values and warnings, for plain lines and lines with escapes, non-ASCII,
// control bytes, white space, key changes, CRLF and a long line.
func TestJXBlockLines(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	lines := strings.Split(strings.TrimSuffix(string(benchLines(3000, 3)), "\n"), "\n")
	odd := []string{
		`{"TimeGenerated":"2025-06-01T00:00:00Z","SourceIP":"1.2.3.4","DestinationIP":"5.6.7.\u0038"}`,
		`{"TimeGenerated":"2025-06-01T00:00:00Z","SourceIP":"1.2.3.4","DeviceVendor":"Zürich"}`,
		`{"TimeGenerated":"2025-06-01T00:00:00Z", "SourceIP" : "1.2.3.4" }`,
		"{\"TimeGenerated\":\"2025\t\",\"SourceIP\":\"1.2.3.4\"}",
		`{"SourceIP":"1.2.3.4","TimeGenerated":"x","Unknown":1}`,
		`{"SourceIP":"1.2.3.4","TimeGenerated":"x"`,
		`{"DestinationIP":"9.9.9.9","DestinationPort":0123}`,
		`{"RequestURL":"` + strings.Repeat("a", 300000) + `"}`,
		"",
	}
	var b strings.Builder
	for i, l := range lines {
		if r.IntN(40) == 0 {
			l = odd[r.IntN(len(odd))]
		}
		b.WriteString(l)
		if i%7 == 0 {
			b.WriteString("\r")
		}
		b.WriteString("\n")
	}
	in := b.String()
	if len(in) < 3<<18 {
		t.Fatalf("input of %d bytes: one block", len(in))
	}
	cols := benchColumns()
	sameAsFull(t, in, cols, keepAll)
	sameAsFull(t, in, cols, ipFilter(10000))
	sameAsFullNeed(t, in, cols, keepAll, []bool{true, false, false, true, true, true, false, true, true, false, false, false})
}

// TestJXBlockSplitter checks the lines and line numbers the splitter cuts
// from read blocks against strings.Split, over several blocks, with
// blank lines, CRLF, lines longer than a block and no final line feed.
func TestJXBlockSplitter(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	var b strings.Builder
	for i := range 20000 {
		switch r.IntN(50) {
		case 0:
			b.WriteString("\n")
		case 1:
			b.WriteString("  \r\n")
		case 2:
			fmt.Fprintf(&b, "{\"long\":\"%s\"}\r\n", strings.Repeat("x", 100000+r.IntN(300000)))
		default:
			fmt.Fprintf(&b, "{\"n\":%d,\"s\":\"%s\"}\n", i, strings.Repeat("y", r.IntN(200)))
		}
	}
	b.WriteString(`{"last":1}`)
	in := b.String()
	sp := NewSplitter(strings.NewReader(in))
	for n, want := range strings.Split(in, "\n") {
		want = strings.TrimSuffix(want, "\r")
		if strings.TrimSpace(want) == "" {
			continue
		}
		got, line, err := sp.Next()
		if err != nil || string(got) != want || line != int64(n+1) {
			t.Fatalf("line %d: got %.40q at line %d (%v), want %.40q", n+1, got, line, err, want)
		}
	}
	if _, _, err := sp.Next(); err != io.EOF {
		t.Fatalf("after the last line: %v", err)
	}
}
