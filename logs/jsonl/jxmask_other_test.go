//go:build !amd64

package jsonl

type jxSIMD struct {
	name string
	use  func() (restore func())
}

func jxSIMDVariants() []jxSIMD {
	return []jxSIMD{{"go", func() func() { return func() {} }}}
}
