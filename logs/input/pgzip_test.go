package input

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// logText returns n bytes of log-like lines that compress about 2:1.
func logText(seed int64, n int) []byte {
	r := rand.New(rand.NewSource(seed))
	var b bytes.Buffer
	for line := 1; b.Len() < n; line++ {
		fmt.Fprintf(&b, "%d 2024-01-01T00:00:%02dZ 10.%d.%d.%d %x\n", line, line%60, r.Intn(256), r.Intn(256), r.Intn(256), r.Uint64())
	}
	return b.Bytes()[:n]
}

// members gzips each part as its own member and concatenates them.
func members(t testing.TB, level int, parts ...[]byte) []byte {
	t.Helper()
	var out bytes.Buffer
	for _, p := range parts {
		zw, err := gzip.NewWriterLevel(&out, level)
		if err != nil {
			t.Fatal(err)
		}
		zw.Write(p)
		zw.Close()
	}
	return out.Bytes()
}

// split cuts text into parts of n bytes.
func split(text []byte, n int) [][]byte {
	var parts [][]byte
	for len(text) > n {
		parts = append(parts, text[:n])
		text = text[n:]
	}
	return append(parts, text)
}

// sequential reads data with the one-goroutine reader: what the parallel
// reader must return, byte for byte and error for error.
func sequential(data []byte) ([]byte, error) {
	rc, _, err := Decompress(io.NopCloser(bytes.NewReader(data)))
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func parallel(data []byte, workers int, seg int64) ([]byte, error, *parallelGzip) {
	p := newParallelGzip(bytes.NewReader(data), int64(len(data)), workers, nil, seg)
	defer p.Close()
	out, err := io.ReadAll(p)
	return out, err, p
}

func TestParallelGzip(t *testing.T) {
	text := logText(1, 3<<20)
	multi := members(t, gzip.DefaultCompression, split(text, 100<<10)...)
	// Stored (level 0) blocks copy the text, so fake gzip headers in it
	// appear in the compressed stream as false member starts.
	fake := append([]byte{}, text...)
	hdr := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}
	for i := 1000; i+len(hdr) < len(fake); i += 37 << 10 {
		copy(fake[i:], hdr)
	}
	stored := members(t, gzip.NoCompression, fake)
	truncated := multi[:len(multi)*2/3]
	damaged := append([]byte{}, multi...)
	damaged[len(damaged)/2] ^= 0x55
	mixed := append(members(t, gzip.NoCompression, fake[:1<<20]), multi...)
	tests := []struct {
		name         string
		data         []byte
		seg          int64
		wantFallback bool
		minSegments  int
	}{
		{"multi-member", multi, 64 << 10, false, 10},
		{"multi-member, default segments", multi, pgzSegment, false, 1},
		{"single member with false headers", stored, 64 << 10, true, 1},
		{"single member, one segment", members(t, 6, text), 1 << 40, false, 1},
		{"truncated", truncated, 64 << 10, true, 2},
		{"damaged", damaged, 64 << 10, true, 2},
		{"stored member then multi", mixed, 64 << 10, true, 1},
		{"trailing garbage", append(append([]byte{}, multi...), "not gzip"...), 64 << 10, true, 2},
		{"empty members", members(t, 6, nil, []byte("a\n"), nil, nil), 1, false, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, wantErr := sequential(tc.data)
			for _, workers := range []int{1, 2, 4} {
				got, err, p := parallel(tc.data, workers, tc.seg)
				if !bytes.Equal(got, want) {
					t.Errorf("workers %d: %d bytes differ from the sequential %d", workers, len(got), len(want))
				}
				if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
					t.Errorf("workers %d: error %v, sequential %v", workers, err, wantErr)
				}
				if p.Fallback != tc.wantFallback || p.Segments < tc.minSegments {
					t.Errorf("workers %d: fallback %v segments %d, want fallback %v and >= %d segments", workers, p.Fallback, p.Segments, tc.wantFallback, tc.minSegments)
				}
			}
		})
	}
}

// TestParallelGzipOpen checks that Open uses the parallel reader for a
// large multi-member file, that Lines numbers its lines as usual, and
// that closing early stops the workers.
func TestParallelGzipOpen(t *testing.T) {
	text := logText(2, 12<<20)
	data := members(t, gzip.BestSpeed, split(text, 512<<10)...)
	if len(data) < ParallelGzipMin {
		t.Fatalf("test file too small: %d", len(data))
	}
	path := filepath.Join(t.TempDir(), "big.log.gz")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	rc, info, err := open(path, 2)
	if err != nil || info.Compression != Gzip || info.Encoding != UTF8 {
		t.Fatal(info, err)
	}
	p, ok := underlying(rc).(*parallelGzip)
	if !ok {
		t.Fatalf("open gave %T", rc)
	}
	lines := NewLines(rc)
	var n int64
	for {
		l, no, err := lines.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n = no; n == 1 && !bytes.HasPrefix(l, []byte("1 2024-")) {
			t.Fatalf("line 1 = %q", l)
		}
	}
	if want := int64(bytes.Count(text, []byte("\n")) + 1); n != want {
		t.Errorf("%d lines, want %d", n, want)
	}
	if p.Segments < 2 || p.Fallback {
		t.Errorf("segments %d fallback %v", p.Segments, p.Fallback)
	}
	rc.Close()
	// Close after a partial read must not hang.
	rc, _, _ = open(path, 2)
	buf := make([]byte, 1000)
	io.ReadFull(rc, buf)
	if err := rc.Close(); err != nil {
		t.Error(err)
	}
	// One worker: the sequential reader.
	rc, _, _ = open(path, 1)
	if _, ok := underlying(rc).(*parallelGzip); ok {
		t.Error("one worker opened in parallel")
	}
	rc.Close()
}

func FuzzParallelGzip(f *testing.F) {
	f.Add([]byte("a\nb\n"), []byte{}, uint8(1))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}, []byte("x"), uint8(2))
	f.Add(logText(3, 300), logText(4, 500), uint8(7))
	f.Fuzz(func(t *testing.T, a, b []byte, mode uint8) {
		data := members(t, int(mode%10), a, b, a)
		switch mode % 4 {
		case 1:
			data = data[:len(data)/2]
		case 2:
			data = append(data, b...)
		case 3:
			if len(data) > 20 {
				data[len(data)/3] ^= 0xff
			}
		}
		want, wantErr := sequential(data)
		got, err, _ := parallel(data, 3, int64(mode%16)+1)
		if !bytes.Equal(got, want) || (err == nil) != (wantErr == nil) {
			t.Fatalf("parallel %d bytes err %v; sequential %d bytes err %v", len(got), err, len(want), wantErr)
		}
	})
}

// BenchmarkGzipRead compares one-goroutine and parallel reading of 48 MiB
// of text gzipped as 512 KiB members and as one member:
// go test -run XXX -bench GzipRead -benchtime 3x ./logs/input
func BenchmarkGzipRead(b *testing.B) {
	text := logText(5, 48<<20)
	for _, layout := range []string{"multi", "single"} {
		parts := split(text, 512<<10)
		if layout == "single" {
			parts = [][]byte{text}
		}
		data := members(b, gzip.DefaultCompression, parts...)
		path := filepath.Join(b.TempDir(), layout+".gz")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			b.Fatal(err)
		}
		for _, workers := range []int{1, 2} {
			benchRead(b, layout, path, workers, int64(len(text)))
		}
	}
}

func benchRead(b *testing.B, layout, path string, workers int, size int64) {
	{
		b.Run(fmt.Sprintf("%s/workers=%d", layout, workers), func(b *testing.B) {
			b.SetBytes(size)
			for range b.N {
				rc, _, err := open(path, workers)
				if err != nil {
					b.Fatal(err)
				}
				if n, err := io.Copy(io.Discard, rc); err != nil || n != size {
					b.Fatal(n, err)
				}
				rc.Close()
			}
		})
	}
}

// TestNextGzipHeader checks the candidate search: a header straddling
// two reads is found, the limit is respected, and bad XFL / OS / flag
// bytes are not candidates.
func TestNextGzipHeader(t *testing.T) {
	hdr := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}
	for _, at := range []int{0, 1, 256<<10 - 5, 256<<10 - 10, 256 << 10, 600 << 10} {
		data := make([]byte, 700<<10)
		copy(data[at:], hdr)
		if got, _ := nextGzipHeader(bytes.NewReader(data), 0, int64(len(data))); got != int64(at) {
			t.Errorf("header at %d: found %d", at, got)
		}
		if got, _ := nextGzipHeader(bytes.NewReader(data), 0, int64(at)); got != int64(at) {
			t.Errorf("header at limit %d: found %d", at, got)
		}
	}
	for i, bad := range [][]byte{
		{0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 3},    // not deflate
		{0x1f, 0x8b, 8, 0x20, 0, 0, 0, 0, 0, 3}, // reserved flag
		{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 1, 3},    // XFL
		{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 99},   // OS
		{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0},       // cut at the end
	} {
		data := append(make([]byte, 100), bad...)
		if got, _ := nextGzipHeader(bytes.NewReader(data), 0, int64(len(data))); got != int64(len(data)) {
			t.Errorf("bad header %d found at %d", i, got)
		}
	}
	// Members further apart than pgzScanMax: the rest is one segment.
	far := members(t, gzip.NoCompression, bytes.Repeat([]byte("x\n"), (pgzScanMax+(1<<20))/2), []byte("end\n"))
	want, _ := sequential(far)
	got, err, p := parallel(far, 2, 1)
	if err != nil || !bytes.Equal(got, want) || p.Segments != 1 || p.Fallback {
		t.Errorf("far members: err %v equal %v segments %d fallback %v", err, bytes.Equal(got, want), p.Segments, p.Fallback)
	}
}
