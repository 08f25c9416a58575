//go:build !cgo

package funcs

import (
	"errors"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

func TestGeoH3NeedsCgo(t *testing.T) {
	reg := Builtins()
	for _, s := range gcH3Specs {
		t.Run(s.name, func(t *testing.T) {
			f, ok := reg.Scalar(s.name)
			if !ok {
				t.Fatal("not registered")
			}
			args := make([]types.Type, s.minArgs)
			for i := range args {
				args[i] = map[byte]types.Type{'n': types.Real, 's': types.String, 'd': types.Dynamic}[s.kinds[i]]
			}
			if _, err := f.Result(args); !errors.Is(err, gcErrH3NoCgo) {
				t.Errorf("plan error %v, want %v", err, gcErrH3NoCgo)
			}
		})
	}
}
