//go:build !cgo

package funcs

// Without cgo the H3 functions are registered (so that `huntpack
// functions` lists them and queries parse) but every call fails at plan
// time with gcErrH3NoCgo: the H3 library is C code used through cgo.

// gcH3Available reports whether the H3 functions work in this build.
const gcH3Available = false

func gcAddH3(r *Registry) { gcRegisterH3(r, nil) }
