package exec

import "unsafe"

// Group state off the Go heap: the typed grouper's numbers (slot table,
// key and count pages) and key bytes are pointer-free and live exactly
// as long as the summarize, so on unix they are mapped directly from the
// OS (summarize_mem_unix.go) and unmapped once the groups are emitted.
// The GC then neither counts them in its heap goal (which would let the
// heap grow to twice the group state before collecting) nor scans them.
// Nothing outside the grouper may keep a pointer into this memory: the
// group batches copy their key strings out (tgTable.batch).

// agMem owns the blocks of one table. It is used under the table's lock.
type agMem struct {
	blocks map[*byte][]byte
}

// bytes returns n zeroed bytes owned by m.
func (m *agMem) bytes(n int) []byte {
	if n == 0 {
		return nil
	}
	b := agMap(n)
	if m.blocks == nil {
		m.blocks = map[*byte][]byte{}
	}
	m.blocks[&b[0]] = b
	return b
}

// release gives back a block from bytes (nil is ignored).
func (m *agMem) release(b []byte) {
	if len(b) == 0 {
		return
	}
	b = b[:cap(b)]
	if _, ok := m.blocks[&b[0]]; ok {
		delete(m.blocks, &b[0])
		agUnmap(b)
	}
}

// releaseAll gives back every block; m can be used again afterwards.
func (m *agMem) releaseAll() {
	for k, b := range m.blocks {
		delete(m.blocks, k)
		agUnmap(b)
	}
}

// agSlice views b as a slice of n T; T must hold no pointers.
func agSlice[T any](b []byte, n int) []T {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
}

// agBytesOf views s (from agSlice) as its bytes, for release.
func agBytesOf[T any](s []T) []byte {
	if cap(s) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[:1][0])), cap(s)*int(unsafe.Sizeof(z)))
}
