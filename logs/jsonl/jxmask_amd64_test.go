package jsonl

import "golang.org/x/sys/cpu"

type jxSIMD struct {
	name string
	use  func() (restore func())
}

// jxSIMDVariants are the mask code paths this machine can run.
func jxSIMDVariants() []jxSIMD {
	set := func(v bool) func() func() {
		return func() func() {
			old := jxAVX2
			jxAVX2 = v
			return func() { jxAVX2 = old }
		}
	}
	out := []jxSIMD{{"sse2", set(false)}}
	if cpu.X86.HasAVX2 {
		out = append(out, jxSIMD{"avx2", set(true)})
	}
	return out
}
