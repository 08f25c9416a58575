package funcs

import (
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

func TestSeriesFuncs(t *testing.T) {
	runCases(t, []fcase{
		{"add ints", "series_add", []types.Value{dyn(`[1,2,4]`), dyn(`[4,2,1]`)}, "[5,4,5]"},
		{"add scalar broadcast", "series_add", []types.Value{dyn(`[1,2]`), longV(10)}, "[11,12]"},
		{"add different lengths", "series_add", []types.Value{dyn(`[1,2,3]`), dyn(`[1]`)}, "[2,null,null]"},
		{"divide is real", "series_divide", []types.Value{dyn(`[1,4]`), dyn(`[2,2]`)}, "[0.5,2]"},
		{"greater", "series_greater", []types.Value{dyn(`[1,2,4]`), dyn(`[4,2,1]`)}, "[false,false,true]"},
		{"abs keeps ints", "series_abs", []types.Value{dyn(`[-1,2.5,"x"]`)}, "[1,2.5,null]"},
		{"sum", "series_sum", []types.Value{dyn(`[1,2,3,"x"]`)}, "6"},
		{"fill forward", "series_fill_forward", []types.Value{dyn(`[null,1,null,3,null]`)}, "[null,1,1,3,3]"},
		{"fill backward", "series_fill_backward", []types.Value{dyn(`[null,1,null,3,null]`)}, "[1,1,3,3,null]"},
		{"fill const", "series_fill_const", []types.Value{dyn(`[null,1]`), longV(0)}, "[0,1]"},
		{"fill linear reals", "series_fill_linear", []types.Value{dyn(`[null,111.0,null,36.0,41.0,null,null,16.0,61.0,33.0,null,null]`)},
			"[111,111,73.5,36,41,32.666666666666664,24.333333333333332,16,61,33,33,33]"},
		{"fill linear ints truncate", "series_fill_linear", []types.Value{dyn(`[null,111,null,36,41,null,null,16,61,33,null,null]`)},
			"[111,111,73,36,41,32,24,16,61,33,33,33]"},
		{"fill linear no edges", "series_fill_linear", []types.Value{dyn(`[null,1,null,3,null]`), nullOf(types.Real), boolV(false)}, "[null,1,2,3,null]"},
		{"fill linear all missing", "series_fill_linear", []types.Value{dyn(`[null,null]`), nullOf(types.Real), boolV(true), realV(3.5)}, "[3.5,3.5]"},
		{"stats", "series_stats_dynamic", []types.Value{dyn(`[23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29]`)},
			`{"avg":32.8,"len":15,"max":87,"max_idx":3,"min":2,"min_idx":8,"stdev":28.50363385354827,"sum":492,"variance":812.4571428571429}`},
		{"fit line", "series_fit_line", []types.Value{dyn(`[2,4,6,8]`)}, `[1,2,5,0,0,[2,4,6,8]]`},
		{"outliers", "series_outliers", []types.Value{dyn(`[1,1,1,1,1,1,1,1,1,2,100]`)}, "[0,0,0,0,0,0,0,0,0,0,98]"},
	})
}

func TestSeriesDecomposeAnomalies(t *testing.T) {
	// A weekly pattern over 8 weeks with one spike: only the spike is flagged.
	var y []any
	for i := 0; i < 56; i++ {
		v := int64(10)
		if i%7 == 0 {
			v = 30
		}
		if i == 40 {
			v = 200
		}
		y = append(y, v)
	}
	out := call(t, "series_decompose_anomalies", dynValue(y), realV(1.5), longV(-1), strV("avg"))
	parts, ok := out.D.([]any)
	if !ok || len(parts) != 3 {
		t.Fatalf("result = %s", show(out))
	}
	flags := parts[0].([]any)
	for i, f := range flags {
		want := int64(0)
		if i == 40 {
			want = 1
		}
		if f != want {
			t.Errorf("flag[%d] = %v, want %d", i, f, want)
		}
	}
	if got := detectPeriod([]float64{1, 5, 1, 1, 1, 5, 1, 1, 1, 5, 1, 1, 1, 5, 1, 1}, 0.6); got != 4 {
		t.Errorf("detectPeriod = %d, want 4", got)
	}
	f, _ := testReg.Scalar("series_decompose_anomalies")
	if ts, err := f.Results(nil); err != nil || len(ts) != 3 {
		t.Errorf("Results = %v, %v", ts, err)
	}
}
