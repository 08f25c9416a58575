//go:build !unix

package exec

// agMap allocates n zeroed bytes on the Go heap (no mmap here).
func agMap(n int) []byte { return make([]byte, n) }

// agUnmap leaves b to the GC.
func agUnmap([]byte) {}
