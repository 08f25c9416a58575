package input

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// Parallel gzip decompression of multi-member files.
//
// A gzip file is one or more members, each a header, a deflate stream
// and a CRC-32 / length trailer. Concatenated .gz parts and bgzip (BGZF)
// files have many members, and members can be inflated independently.
// A single-member file (gzip, and pigz, whose blocks share the 32 KiB
// window and form one deflate stream) cannot: the start of a deflate
// block is not findable without decoding everything before it, so those
// files are read on one goroutine as before.
//
// The file is cut into segments of at least pgzSegment compressed bytes
// at candidate member starts (the bytes of a gzip header: 1f 8b 08, no
// reserved flags, a known XFL and OS byte). A candidate may be a false
// one inside compressed data. Each segment is inflated on its own
// goroutine (multistream, so it may hold many members), up to
// pgzAhead bytes ahead of the reader. The reader takes the segments in
// order, and a segment's output is only used once its start is proven
// to be a real member start: segment 0 starts the file, and segment i+1
// starts exactly where segment i's members ended cleanly (CRC and length
// checked). If a segment does not end cleanly at its end (its last
// member runs past a false candidate, or the data is damaged), the
// reader falls back to one sequential gzip reader from that segment's
// (proven) start, skips what it already returned, and reads the rest of
// the file sequentially, so errors and output are exactly those of a
// sequential read.
const (
	pgzSegment = 1 << 20   // compressed bytes per segment, at least
	pgzBlock   = 256 << 10 // decompressed bytes per block
	pgzAhead   = 16 << 20  // decompressed bytes a segment holds ahead of the reader
	// pgzScanMax bounds the search for the next member start: with no
	// candidate within it, the rest of the file is one segment (a
	// single-member file is then read like before, after reading at most
	// this much more of it).
	pgzScanMax = 8 << 20
	// ParallelGzipMin is the smallest compressed file read in parallel.
	ParallelGzipMin = 4 << 20
)

// pgzSeg is one run of (candidate) whole members: [start, end).
type pgzSeg struct {
	start, end int64
	out        chan []byte // decompressed blocks; closed at the end
	err        error       // set before out is closed; nil: ended cleanly at end
}

// parallelGzip reads a gzip file of size bytes from ra with up to
// workers segments inflating at once. closer is closed by Close.
type parallelGzip struct {
	ra      io.ReaderAt
	size    int64
	closer  io.Closer
	segs    chan *pgzSeg
	done    chan struct{}
	once    sync.Once
	wg      sync.WaitGroup
	sem     chan struct{}
	scanErr error // set by the dispatcher before segs is closed
	segSize int64 // compressed bytes per segment, at least

	cur      *pgzSeg
	blk, rem []byte
	inSeg    int64     // bytes of cur already returned
	seq      io.Reader // after a fallback: the sequential reader
	seqClose io.Closer
	err      error
	// Segments counts the segments used in parallel (for tests and
	// benchmarks); Fallback reports whether the reader fell back.
	Segments int
	Fallback bool
	// count, when set, gets each segment's compressed size once the
	// reader has consumed it (not when the workers read it, far ahead),
	// so progress follows the parser; after a fallback, the bytes the
	// sequential reader reads.
	count Counter
}

var pgzBlocks = sync.Pool{New: func() any { b := make([]byte, pgzBlock); return &b }}

// NewParallelGzip returns a reader of the decompressed content of the
// gzip file in ra (size bytes), inflating multi-member files on up to
// workers goroutines. Closing it stops them and closes closer (if not
// nil).
func NewParallelGzip(ra io.ReaderAt, size int64, workers int, closer io.Closer) io.ReadCloser {
	return newParallelGzip(ra, size, workers, closer, pgzSegment)
}

func newParallelGzip(ra io.ReaderAt, size int64, workers int, closer io.Closer, segSize int64) *parallelGzip {
	if workers < 1 {
		workers = 1
	}
	p := &parallelGzip{ra: ra, size: size, closer: closer, segs: make(chan *pgzSeg, workers), done: make(chan struct{}), sem: make(chan struct{}, workers), segSize: segSize}
	p.wg.Add(1)
	go p.dispatch()
	return p
}

// dispatch cuts the file into segments at candidate member starts and
// starts a worker for each, at most cap(sem) ahead of the reader.
func (p *parallelGzip) dispatch() {
	defer p.wg.Done()
	defer close(p.segs)
	prev := int64(0)
	for prev < p.size {
		end := p.size
		if from := prev + p.segSize; from < p.size {
			limit := min(p.size, from+pgzScanMax)
			c, err := nextGzipHeader(p.ra, from, limit)
			if err != nil {
				p.scanErr = err
				return
			}
			if c < limit {
				end = c
			}
		}
		seg := &pgzSeg{start: prev, end: end, out: make(chan []byte, pgzAhead/pgzBlock)}
		select {
		case p.sem <- struct{}{}:
		case <-p.done:
			return
		}
		p.wg.Add(1)
		go p.inflate(seg)
		select {
		case p.segs <- seg:
		case <-p.done:
			return
		}
		prev = end
	}
}

// inflate decompresses one segment into its out channel.
func (p *parallelGzip) inflate(s *pgzSeg) {
	defer p.wg.Done()
	defer close(s.out)
	zr, err := gzip.NewReader(bufio.NewReaderSize(io.NewSectionReader(p.ra, s.start, s.end-s.start), 256<<10))
	if err != nil {
		s.err = err
		return
	}
	for {
		bp := pgzBlocks.Get().(*[]byte)
		n, err := readBlock(zr, *bp)
		if n > 0 {
			select {
			case s.out <- (*bp)[:n]:
			case <-p.done:
				return
			}
		} else {
			pgzBlocks.Put(bp)
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			s.err = err
			return
		}
	}
}

// isGzipHeader reports whether b (10 bytes) looks like a gzip member
// header: magic, deflate, no reserved flag bits, XFL 0/2/4, a known OS.
func isGzipHeader(b []byte) bool {
	return len(b) >= 10 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8 && b[3]&0xe0 == 0 &&
		(b[8] == 0 || b[8] == 2 || b[8] == 4) && (b[9] <= 13 || b[9] == 255)
}

// nextGzipHeader returns the offset of the first candidate member header
// starting in [from, limit), or limit when there is none.
func nextGzipHeader(ra io.ReaderAt, from, limit int64) (int64, error) {
	buf := make([]byte, 256<<10)
	for off := from; off < limit; {
		n, err := ra.ReadAt(buf, off)
		if err != nil && err != io.EOF {
			return 0, err
		}
		b := buf[:n]
		for i := 0; i+10 <= n; {
			j := bytes.IndexByte(b[i:n-9], 0x1f)
			if j < 0 || off+int64(i+j) >= limit {
				break
			}
			if isGzipHeader(b[i+j:]) {
				return off + int64(i+j), nil
			}
			i += j + 1
		}
		if n < len(buf) {
			break // end of file
		}
		off += int64(n) - 9 // a header may straddle two reads
	}
	return limit, nil
}

func (p *parallelGzip) Read(b []byte) (int, error) {
	for len(p.rem) == 0 {
		if p.err != nil {
			return 0, p.err
		}
		if p.seq != nil {
			return p.seq.Read(b)
		}
		if p.blk != nil {
			bp := p.blk[:cap(p.blk)]
			pgzBlocks.Put(&bp)
			p.blk = nil
		}
		if p.cur == nil {
			s, ok := <-p.segs
			if !ok {
				if p.err = p.scanErr; p.err == nil {
					p.err = io.EOF
				} else {
					p.err = fmt.Errorf("gzip: %w", p.err)
				}
				continue
			}
			p.cur, p.inSeg = s, 0
			p.Segments++
		}
		blk, ok := <-p.cur.out
		if ok {
			p.blk, p.rem = blk, blk
			p.inSeg += int64(len(blk))
			continue
		}
		if p.cur.err != nil {
			if err := p.fallback(); err != nil {
				p.err = err
			}
			continue
		}
		if p.count != nil {
			p.count.Add(p.cur.end - p.cur.start)
		}
		p.cur = nil
		<-p.sem
	}
	n := copy(b, p.rem)
	p.rem = p.rem[n:]
	return n, nil
}

// fallback stops the workers and continues sequentially from the start
// of the current segment, skipping what was already returned.
func (p *parallelGzip) fallback() error {
	p.stop()
	p.Fallback = true
	start := p.cur.start
	var rest io.Reader = io.NewSectionReader(p.ra, start, p.size-start)
	if p.count != nil {
		rest = countingReader{rest, p.count}
	}
	zr, err := gzip.NewReader(bufio.NewReaderSize(rest, 256<<10))
	if err != nil {
		return err // the segment started there, so this is the file's own error
	}
	if k, err := io.CopyN(io.Discard, zr, p.inSeg); err != nil {
		if errors.Is(err, io.EOF) && k == p.inSeg {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	ra := ReadAhead(&stack{Reader: zr, closers: []io.Closer{zr}})
	p.seq, p.seqClose = ra, ra
	return nil
}

func (p *parallelGzip) stop() {
	p.once.Do(func() { close(p.done) })
	p.wg.Wait()
}

// Close stops the workers and closes the file.
func (p *parallelGzip) Close() error {
	p.stop()
	var err error
	if p.seqClose != nil {
		err = p.seqClose.Close()
	}
	if p.closer != nil {
		if e := p.closer.Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}
