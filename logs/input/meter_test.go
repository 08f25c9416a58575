package input

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

type testCounter struct{ n atomic.Int64 }

func (c *testCounter) Add(n int64) { c.n.Add(n) }

func TestClaims(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.log")
	data := make([]byte, 300<<10)
	for i := range data {
		data[i] = 'a' + byte(i%26)
		if i%100 == 99 {
			data[i] = '\n'
		}
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	readAll := func(open func() (io.ReadCloser, error)) {
		t.Helper()
		rc, err := open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	tests := []struct {
		name  string
		open  func() (io.ReadCloser, error)
		taken bool
	}{
		{"Open takes the claim", func() (io.ReadCloser, error) { rc, _, err := Open(path); return rc, err }, true},
		{"OpenInfo takes the claim", func() (io.ReadCloser, error) { rc, _, err := OpenInfo(path); return rc, err }, true},
		{"OpenFile takes the claim", func() (io.ReadCloser, error) { return OpenFile(path) }, true},
		{"Head does not", func() (io.ReadCloser, error) {
			_, _, err := Head(path, 10)
			return io.NopCloser(&io.LimitedReader{}), err
		}, false},
		{"another path does not", func() (io.ReadCloser, error) { return OpenFile(path + ".other") }, false},
	}
	if err := os.WriteFile(path+".other", []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &testCounter{}
			cl := Expect(path, c)
			readAll(tc.open)
			if got := cl.Done(); got != tc.taken {
				t.Errorf("Done = %v, want %v", got, tc.taken)
			}
			want := int64(0)
			if tc.taken {
				want = int64(len(data))
			}
			if c.n.Load() != want {
				t.Errorf("counted %d bytes, want %d", c.n.Load(), want)
			}
			if n := claims.pending.Load(); n != 0 {
				t.Errorf("%d claims left pending", n)
			}
			// A later open is not counted.
			readAll(func() (io.ReadCloser, error) { rc, _, err := Open(path); return rc, err })
			if c.n.Load() != want {
				t.Errorf("a later open was counted: %d", c.n.Load())
			}
		})
	}
}

// TestClaimParallelGzip checks a multi-member gzip inflated in parallel
// is counted as the reader consumes its segments, not as the workers
// read ahead: partway through, the count is below the file's size; at
// the end it is the size.
func TestClaimParallelGzip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.log.gz")
	var buf bytes.Buffer
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 8 {
		zw := gzip.NewWriter(&buf)
		line := make([]byte, 0, 128)
		for range 20000 {
			line = line[:0]
			for range 30 {
				line = fmt.Appendf(line, "%x", rnd.Uint32()&0xff)
			}
			zw.Write(append(line, '\n'))
		}
		zw.Close()
	}
	if buf.Len() < ParallelGzipMin {
		t.Fatalf("test file is %d bytes, under ParallelGzipMin", buf.Len())
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &testCounter{}
	cl := Expect(path, c)
	rc, _, err := open(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if !cl.Done() {
		t.Fatal("the parallel gzip open did not take the claim")
	}
	if _, err := io.CopyN(io.Discard, rc, 1<<20); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let the workers run ahead
	if n := c.n.Load(); n >= int64(buf.Len())/2 {
		t.Errorf("after 1 MiB of output the count is %d of %d bytes: counted as read ahead", n, buf.Len())
	}
	if _, err := io.Copy(io.Discard, rc); err != nil {
		t.Fatal(err)
	}
	if pg, ok := rc.(*parallelGzip); ok && pg.Segments < 2 {
		t.Errorf("read in %d segments, want several", pg.Segments)
	}
	if n := c.n.Load(); n != int64(buf.Len()) {
		t.Errorf("count = %d, want the file's %d bytes", n, buf.Len())
	}
}
