package funcs

import (
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// TestSizedAccumulators checks that the growing aggregates report a state
// size that grows with what they hold, strings and arrays included.
func TestSizedAccumulators(t *testing.T) {
	r := Builtins()
	long := types.StringValue(strings.Repeat("x", 1000))
	tests := []struct {
		name string
		arg  func(i int) types.Value
		min  int64 // bytes expected at least after 1000 distinct adds
	}{
		{"make_set", func(i int) types.Value { return types.LongValue(int64(i)) }, 1000 * 16},
		{"make_list", func(i int) types.Value { return long }, 1000 * 1000},
		{"make_set", func(i int) types.Value {
			return types.StringValue(strings.Repeat("y", 100) + string(rune('a'+i%26)) + types.FormatValue(types.LongValue(int64(i))))
		}, 1000 * 100},
		{"make_bag", func(i int) types.Value {
			return types.DynamicValue(map[string]any{types.FormatValue(types.LongValue(int64(i))): int64(i)})
		}, 1000 * 48},
		{"dcount", func(i int) types.Value { return types.LongValue(int64(i)) }, 1000 * 32},
		{"make_set_if", func(i int) types.Value { return types.LongValue(int64(i)) }, 1000 * 16},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := r.Aggregate(tc.name)
			if !ok {
				t.Fatalf("no aggregate %s", tc.name)
			}
			argTs := []types.Type{tc.arg(0).T}
			if strings.HasSuffix(tc.name, "_if") {
				argTs = append(argTs, types.Bool)
			}
			acc := f.New(argTs, make([]*types.Value, len(argTs)))
			s, ok := acc.(SizedAccumulator)
			if !ok {
				t.Fatalf("%s state is not sized", tc.name)
			}
			before := s.SizeBytes()
			for i := 0; i < 1000; i++ {
				args := []types.Value{tc.arg(i)}
				if len(argTs) == 2 {
					args = append(args, types.BoolValue(true))
				}
				acc.Add(args)
			}
			if got := s.SizeBytes() - before; got < tc.min || got > 20*tc.min {
				t.Errorf("%s grew by %d bytes for 1000 adds, want about %d", tc.name, got, tc.min)
			}
		})
	}
}
