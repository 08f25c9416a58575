package input

import (
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// Counter receives the number of bytes read from a file on disk (before
// decompression). types.ReadMeter is one.
type Counter interface{ Add(n int64) }

// Claim asks that the next file opened at a path count its reads into a
// Counter, so a scan can show live progress through a large file without
// each reader knowing about progress: the scan calls Expect before it
// opens a reader on the path, and Done once the reader is open.
type Claim struct {
	path  string
	c     Counter
	taken atomic.Bool
}

// claims are the pending claims by path. pending keeps Open's fast path
// (no claim anywhere) to one atomic load.
var claims struct {
	pending atomic.Int32
	mu      sync.Mutex
	byPath  map[string][]*Claim
}

// Expect registers a claim: the next Open, OpenInfo or OpenFile of path
// (exactly this string) counts the bytes it reads from disk into c, one
// atomic add per read buffer. Head and HeadInfo never take a claim. Call
// Done when the reader is open. If two scans open the same path at the
// same moment, each may take the other's claim: the bytes then go to the
// other counter, and the totals stay right.
func Expect(path string, c Counter) *Claim {
	cl := &Claim{path: path, c: c}
	claims.mu.Lock()
	if claims.byPath == nil {
		claims.byPath = map[string][]*Claim{}
	}
	claims.byPath[path] = append(claims.byPath[path], cl)
	claims.pending.Add(1)
	claims.mu.Unlock()
	return cl
}

// Done withdraws the claim if no open took it, and reports whether one
// did (false: the reader opened the file some other way, and its reads
// were not counted).
func (cl *Claim) Done() bool {
	claims.mu.Lock()
	defer claims.mu.Unlock()
	if cl.taken.Load() {
		return true
	}
	q := claims.byPath[cl.path]
	for i, c := range q {
		if c == cl {
			claims.byPath[cl.path] = append(q[:i:i], q[i+1:]...)
			claims.pending.Add(-1)
			break
		}
	}
	if len(claims.byPath[cl.path]) == 0 {
		delete(claims.byPath, cl.path)
	}
	return false
}

// take returns the counter of the oldest pending claim on path, or nil.
func take(path string) Counter {
	if claims.pending.Load() == 0 {
		return nil
	}
	claims.mu.Lock()
	defer claims.mu.Unlock()
	q := claims.byPath[path]
	if len(q) == 0 {
		return nil
	}
	cl := q[0]
	if len(q) == 1 {
		delete(claims.byPath, path)
	} else {
		claims.byPath[path] = q[1:]
	}
	claims.pending.Add(-1)
	cl.taken.Store(true)
	return cl.c
}

// countedFile is a file whose reads are counted. It does not embed the
// *os.File: promoted methods such as WriteTo would read around the count.
type countedFile struct {
	f *os.File
	c Counter
}

func (f countedFile) Read(p []byte) (int, error) {
	n, err := f.f.Read(p)
	f.c.Add(int64(n))
	return n, err
}

func (f countedFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := f.f.ReadAt(p, off)
	f.c.Add(int64(n))
	return n, err
}

func (f countedFile) Close() error { return f.f.Close() }

// countingReader counts what it reads.
type countingReader struct {
	r io.Reader
	c Counter
}

func (r countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.c.Add(int64(n))
	return n, err
}

// counted wraps f when a claim on path is pending.
func counted(f *os.File, path string) RangeFile {
	if c := take(path); c != nil {
		return countedFile{f: f, c: c}
	}
	return f
}

// RangeFile is a file opened for reading byte ranges of it.
type RangeFile interface {
	io.Reader
	io.ReaderAt
	io.Closer
}

// OpenFile opens path as is (no decompression) for reading byte ranges
// of it; its reads are counted like Open's when a claim is pending (see
// Expect). Readers of ranges (input.Range) open files with it.
func OpenFile(path string) (RangeFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return counted(f, path), nil
}
