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
		{"dot product broadcast", "series_dot_product", []types.Value{dyn(`[1,2,4]`), longV(1)}, "7"},
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

func TestMoreFuncs(t *testing.T) {
	runCases(t, []fcase{
		{"bag_zip", "bag_zip", []types.Value{dyn(`["a",8,"b"]`), dyn(`[1,"2"]`)}, `{"a":1,"b":null}`},
		{"around datetime", "around", []types.Value{dt("2021-01-01 01:29"), dt("2021-01-01 01:30"), ts("1m")}, "true"},
		{"around outside", "around", []types.Value{realV(5), realV(1), realV(2)}, "false"},
		{"series_iir cumulative sum", "series_iir", []types.Value{dyn(`[1,2,3,4]`), dyn(`[1]`), dyn(`[1,-1]`)}, "[1,3,6,10]"},
		{"series_seasonal noisy first cycle", "series_seasonal", []types.Value{dyn(`[2,5,3,4,3,2,1,2,3,4,3,2,1,2,3,4,3,2,1,2,3,4,3,2,1]`)},
			"[1,2,3,4,3,2,1,2,3,4,3,2,1,2,3,4,3,2,1,2,3,4,3,2,1]"},
		{"series_seasonal too few cycles", "series_seasonal", []types.Value{dyn(`[1,3,5,2,4,6,1,3,5,2,4,6]`)}, "[0,0,0,0,0,0,0,0,0,0,0,0]"},
		{"series_seasonal", "series_seasonal", []types.Value{dyn(`[8,12,14,12,10,10,12,14,12,10,10,12,14,12,10,10,12,14,12,10]`)},
			"[10,12,14,12,10,10,12,14,12,10,10,12,14,12,10,10,12,14,12,10]"},
		{"merge_tdigest + percentile_tdigest", "percentile_tdigest", []types.Value{dyn(`[[1,1],[5,1],[20,2]]`), longV(50)}, "5"},
		{"rank_tdigest", "rank_tdigest", []types.Value{dyn(`[[1,1],[5,1],[20,2]]`), longV(5)}, "2"},
	})
	cov := aggRun(t, "covariance", nil, [][]types.Value{{realV(1), realV(14)}, {realV(2), realV(10)}, {realV(3), realV(17)}, {realV(4), realV(20)}, {realV(5), realV(50)}}...)
	if show(cov) != "20.5" {
		t.Errorf("covariance = %s, want 20.5 (covariance-aggregation-function.md)", show(cov))
	}
	covif := aggRun(t, "covarianceif", nil, [][]types.Value{{realV(1), realV(1), boolV(true)}, {realV(2), realV(2), boolV(true)}, {realV(9), realV(-9), boolV(false)}}...)
	if show(covif) != "0.5" {
		t.Errorf("covarianceif = %s, want 0.5", show(covif))
	}
}
