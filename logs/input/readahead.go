package input

import (
	"io"
	"sync"
)

// readAhead decompresses on its own goroutine, a few blocks ahead of the
// parser, so decompression and parsing run on two cores.
type readAhead struct {
	src    io.ReadCloser
	blocks chan []byte
	free   chan []byte
	blk    []byte // the block being read (full capacity)
	cur    []byte // its unread part
	err    error
	done   chan struct{}
	once   sync.Once
	wg     sync.WaitGroup
	errMu  sync.Mutex
	srcErr error
}

const (
	aheadBlock  = 256 << 10
	aheadBlocks = 4
)

// ReadAhead wraps a (decompressing) reader so that it is read ahead on
// another goroutine. Closing the result stops the goroutine and closes r.
func ReadAhead(r io.ReadCloser) io.ReadCloser {
	ra := &readAhead{src: r, blocks: make(chan []byte, aheadBlocks), free: make(chan []byte, aheadBlocks+1), done: make(chan struct{})}
	for range aheadBlocks + 1 {
		ra.free <- make([]byte, aheadBlock)
	}
	ra.wg.Add(1)
	go ra.fill()
	return ra
}

func (ra *readAhead) fill() {
	defer ra.wg.Done()
	defer close(ra.blocks)
	for {
		var buf []byte
		select {
		case buf = <-ra.free:
		case <-ra.done:
			return
		}
		n, err := readBlock(ra.src, buf[:cap(buf)])
		if n > 0 {
			select {
			case ra.blocks <- buf[:n]:
			case <-ra.done:
				return
			}
		}
		if err != nil {
			ra.errMu.Lock()
			ra.srcErr = err
			ra.errMu.Unlock()
			return
		}
	}
}

// readBlock fills buf unless the reader ends or fails first, returning
// the reader's own error (io.EOF at a clean end).
func readBlock(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		k, err := r.Read(buf[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (ra *readAhead) Read(p []byte) (int, error) {
	for len(ra.cur) == 0 {
		if ra.err != nil {
			return 0, ra.err
		}
		b, ok := <-ra.blocks
		if !ok {
			ra.errMu.Lock()
			ra.err = ra.srcErr
			ra.errMu.Unlock()
			if ra.err == nil {
				ra.err = io.EOF
			}
			continue
		}
		if ra.blk != nil {
			ra.free <- ra.blk[:cap(ra.blk)]
		}
		ra.blk, ra.cur = b, b
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

func (ra *readAhead) Close() error {
	ra.once.Do(func() { close(ra.done) })
	ra.wg.Wait()
	return ra.src.Close()
}
