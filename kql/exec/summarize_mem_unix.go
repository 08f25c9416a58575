//go:build unix

package exec

import (
	"fmt"
	"syscall"
)

// agMap maps n zeroed bytes from the OS (private anonymous memory).
func agMap(n int) []byte {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		// out of address space or memory: as the runtime would on make
		panic(fmt.Sprintf("summarize: mapping %d bytes: %v", n, err))
	}
	return b
}

// agUnmap returns b (from agMap) to the OS.
func agUnmap(b []byte) {
	if err := syscall.Munmap(b); err != nil {
		panic(fmt.Sprintf("summarize: unmapping %d bytes: %v", len(b), err))
	}
}
