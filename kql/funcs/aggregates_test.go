package funcs

import (
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// aggRun feeds rows to a fresh accumulator, and also to two accumulators
// that split the rows and merge, checking both give the same result.
func aggRun(t *testing.T, name string, consts []*types.Value, rows ...[]types.Value) types.Value {
	t.Helper()
	f, ok := testReg.Aggregate(name)
	if !ok {
		t.Fatalf("no aggregate %s", name)
	}
	var argTypes []types.Type
	if len(rows) > 0 {
		for _, v := range rows[0] {
			argTypes = append(argTypes, v.T)
		}
	}
	rt, err := f.Result(argTypes)
	if err != nil {
		t.Fatalf("%s Result: %v", name, err)
	}
	whole := f.New(argTypes, consts)
	for _, r := range rows {
		whole.Add(r)
	}
	a, b := f.New(argTypes, consts), f.New(argTypes, consts)
	for i, r := range rows {
		if i%2 == 0 {
			a.Add(r)
		} else {
			b.Add(r)
		}
	}
	a.Merge(b)
	got, merged := whole.Result(), a.Result()
	if name != "make_list" && name != "take_any" && name != "make_bag" && show(got) != show(merged) {
		t.Errorf("%s: merged result %s differs from single pass %s", name, show(merged), show(got))
	}
	if !got.IsNull() && got.T != rt && rt != types.Null {
		t.Errorf("%s: result type %s, Result said %s", name, got.T, rt)
	}
	return got
}

func rows1(vs ...types.Value) [][]types.Value {
	out := make([][]types.Value, len(vs))
	for i, v := range vs {
		out[i] = []types.Value{v}
	}
	return out
}

func cst(v types.Value) *types.Value { return &v }

func TestAggregates(t *testing.T) {
	longs := rows1(longV(5), nullLong, longV(1), longV(9), longV(1))
	cases := []struct {
		name   string
		fn     string
		consts []*types.Value
		rows   [][]types.Value
		want   string
	}{
		{"count rows", "count", nil, [][]types.Value{{}, {}, {}}, "3"},
		{"count empty", "count", nil, nil, "0"},
		{"count with non-bool counts rows incl. null", "count", nil, longs, "5"},
		{"count with bool counts true", "count", nil, rows1(boolV(true), boolV(false), boolV(true)), "2"},
		{"countif", "countif", nil, rows1(boolV(true), nullOf(types.Bool), boolV(true)), "2"},
		{"dcount ignores null", "dcount", nil, longs, "3"},
		{"dcount strings", "dcount", nil, rows1(strV("a"), strV("b"), strV("a"), strV("")), "3"},
		{"dcountif", "dcountif", nil, [][]types.Value{{longV(1), boolV(true)}, {longV(2), boolV(false)}, {longV(1), boolV(true)}}, "1"},
		{"sum longs", "sum", nil, longs, "16"},
		{"sum empty is 0", "sum", nil, nil, "0"},
		{"sum reals", "sum", nil, rows1(realV(0.5), realV(0.25)), "0.75"},
		{"sum timespans", "sum", nil, rows1(ts("1h"), ts("30m")), "01:30:00"},
		{"sumif", "sumif", nil, [][]types.Value{{longV(3), boolV(true)}, {longV(4), boolV(false)}}, "3"},
		{"avg", "avg", nil, longs, "4"},
		{"avg empty is null", "avg", nil, nil, "<null>"},
		{"avgif", "avgif", nil, [][]types.Value{{longV(3), boolV(true)}, {longV(5), boolV(true)}, {longV(100), boolV(false)}}, "4"},
		{"min", "min", nil, longs, "1"},
		{"max", "max", nil, longs, "9"},
		{"max strings", "max", nil, rows1(strV("apple"), strV("pear"), strV("fig")), "pear"},
		{"max datetime", "max", nil, rows1(dt("2024-01-01"), nullDT, dt("2024-02-01")), "2024-02-01T00:00:00Z"},
		{"min all null", "min", nil, rows1(nullLong, nullLong), "<null>"},
		{"maxif", "maxif", nil, [][]types.Value{{longV(3), boolV(true)}, {longV(9), boolV(false)}}, "3"},
		{"make_list drops nulls", "make_list", nil, longs, "[5,1,9,1]"},
		{"make_list empty", "make_list", nil, nil, "[]"},
		{"make_list cap", "make_list", []*types.Value{nil, cst(longV(2))}, [][]types.Value{{longV(1), longV(2)}, {longV(2), longV(2)}, {longV(3), longV(2)}}, "[1,2]"},
		{"make_list_with_nulls", "make_list_with_nulls", nil, rows1(longV(1), nullLong), "[1,null]"},
		{"make_set distinct", "make_set", nil, longs, "[5,1,9]"},
		{"makeset alias", "makeset", nil, rows1(strV("a"), strV("a")), `["a"]`},
		{"make_set keeps 1 and \"1\" apart", "make_set", nil, rows1(dyn(`1`), dyn(`"1"`)), `[1,"1"]`},
		{"make_set_if", "make_set_if", nil, [][]types.Value{{strV("a"), boolV(true)}, {strV("b"), boolV(false)}}, `["a"]`},
		{"make_bag", "make_bag", nil, rows1(dyn(`{"a":1}`), dyn(`{"b":2}`), dyn(`{"a":3}`), dyn(`[1]`)), `{"a":1,"b":2}`},
		{"percentile nearest rank", "percentile", []*types.Value{nil, cst(longV(50))}, rows1(longV(1), longV(2), longV(3), longV(4)), "2"},
		{"percentile 0 is min", "percentile", []*types.Value{nil, cst(longV(0))}, rows1(longV(7), longV(3)), "3"},
		{"percentile 100 is max", "percentile", []*types.Value{nil, cst(longV(100))}, rows1(longV(7), longV(3)), "7"},
		{"percentile non-constant", "percentile", nil, [][]types.Value{{longV(10), longV(90)}, {longV(20), longV(90)}}, "20"},
		{"percentiles_array", "percentiles_array", []*types.Value{nil, cst(longV(25)), cst(longV(75))}, rows1(longV(1), longV(2), longV(3), longV(4)), "[1,3]"},
		{"stdev sample", "stdev", nil, rows1(realV(2), realV(4), realV(4), realV(4), realV(5), realV(5), realV(7), realV(9)), "2.138089935299395"},
		{"stdevp population", "stdevp", nil, rows1(realV(2), realV(4), realV(4), realV(4), realV(5), realV(5), realV(7), realV(9)), "2"},
		{"variance single value", "variance", nil, rows1(realV(3)), "0"},
		{"variance empty", "variance", nil, nil, "0"},
		{"binary_all_or", "binary_all_or", nil, rows1(longV(1), longV(4)), "5"},
		{"hll + dcount_hll", "hll", nil, rows1(strV("a"), strV("b"), strV("a")), `["sa","sb"]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := show(aggRun(t, c.fn, c.consts, c.rows...)); got != c.want {
				t.Errorf("%s = %s, want %s", c.fn, got, c.want)
			}
		})
	}
}

func multi(t *testing.T, acc Accumulator) []types.Value {
	t.Helper()
	m, ok := acc.(MultiAccumulator)
	if !ok {
		t.Fatalf("%T is not a MultiAccumulator", acc)
	}
	return m.Results()
}

// TestArgMax follows the arg_max page's example: ties keep the first row,
// and a group whose values are all null still returns its first row.
func TestArgMax(t *testing.T) {
	f, _ := testReg.Aggregate("arg_max")
	ts := []types.Type{types.Int, types.String}
	rts, err := f.Results(ts)
	if err != nil || len(rts) != 2 {
		t.Fatalf("Results = %v, %v", rts, err)
	}
	groups := map[string][][]types.Value{
		"Apple":  {{intV(1), strV("Red")}, {nullOf(types.Int), strV("Green")}},
		"Banana": {{nullOf(types.Int), strV("Yellow")}, {nullOf(types.Int), strV("Green")}},
		"Pear":   {{intV(1), strV("Brown")}, {intV(2), strV("Green")}},
		"Tie":    {{intV(3), strV("first")}, {intV(3), strV("second")}},
	}
	want := map[string]string{"Apple": "1 Red", "Banana": "<null> Yellow", "Pear": "2 Green", "Tie": "3 first"}
	for g, rows := range groups {
		acc := f.New(ts, nil)
		for _, r := range rows {
			acc.Add(r)
		}
		rs := multi(t, acc)
		if got := show(rs[0]) + " " + show(rs[1]); got != want[g] {
			t.Errorf("arg_max %s = %s, want %s", g, got, want[g])
		}
	}
	mn, _ := testReg.Aggregate("arg_min")
	acc := mn.New(ts, nil)
	for _, r := range groups["Pear"] {
		acc.Add(r)
	}
	if got := show(multi(t, acc)[1]); got != "Brown" {
		t.Errorf("arg_min = %s, want Brown", got)
	}
	// Merging partial accumulators picks the overall maximum.
	a, b := f.New(ts, nil), f.New(ts, nil)
	a.Add([]types.Value{intV(1), strV("a")})
	b.Add([]types.Value{intV(5), strV("b")})
	a.Merge(b)
	if got := show(multi(t, a)[1]); got != "b" {
		t.Errorf("merged arg_max = %s, want b", got)
	}
}

func TestPercentilesAndTakeAny(t *testing.T) {
	f, _ := testReg.Aggregate("percentiles")
	acc := f.New([]types.Type{types.Long, types.Long, types.Long}, []*types.Value{nil, cst(longV(50)), cst(longV(90))})
	for i := int64(1); i <= 10; i++ {
		acc.Add([]types.Value{longV(i), longV(50), longV(90)})
	}
	rs := multi(t, acc)
	if show(rs[0]) != "5" || show(rs[1]) != "9" {
		t.Errorf("percentiles(1..10, 50, 90) = %s, %s; want 5, 9", show(rs[0]), show(rs[1]))
	}
	ta, _ := testReg.Aggregate("take_any")
	acc = ta.New([]types.Type{types.String, types.Long}, nil)
	acc.Add([]types.Value{strV(""), longV(1)})
	acc.Add([]types.Value{strV("x"), longV(2)})
	acc.Add([]types.Value{strV("y"), longV(3)})
	if rs := multi(t, acc); show(rs[0]) != "x" || show(rs[1]) != "2" {
		t.Errorf("take_any = %v, want the first row with a non-empty value", rs)
	}
	if got := NearestRank(95, 20); got != 18 {
		t.Errorf("NearestRank(95, 20) = %d, want 18", got)
	}
}

func TestDcountHLL(t *testing.T) {
	h, _ := testReg.Aggregate("hll")
	a, b := h.New(nil, nil), h.New(nil, nil)
	for _, s := range []string{"a", "b", "c"} {
		a.Add([]types.Value{strV(s)})
	}
	for _, s := range []string{"c", "d"} {
		b.Add([]types.Value{strV(s)})
	}
	m, _ := testReg.Aggregate("hll_merge")
	acc := m.New(nil, nil)
	acc.Add([]types.Value{a.Result()})
	acc.Add([]types.Value{b.Result()})
	if got := show(call(t, "dcount_hll", acc.Result())); got != "4" {
		t.Errorf("dcount_hll(hll_merge) = %s, want 4", got)
	}
}

// TestAggregatesNoPanics feeds every aggregate awkward rows.
func TestAggregatesNoPanics(t *testing.T) {
	samples := []types.Value{{T: types.Null, Null: true}, nullLong, strV(""), strV("x"), longV(-1), realV(0.5),
		boolV(true), dt("2024-01-01"), ts("1h"), dyn(`[1,"a"]`), dyn(`{"k":1}`), dyn(`null`)}
	for _, n := range testReg.AggregateNames() {
		f, _ := testReg.Aggregate(n)
		for k := f.MinArgs; k <= max(f.MinArgs, min(f.MaxArgs, 4)); k++ {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s with %d args panicked: %v", n, k, r)
					}
				}()
				ts := make([]types.Type, k)
				for i := range ts {
					ts[i] = samples[i%len(samples)].T
				}
				a, b := f.New(ts, make([]*types.Value, k)), f.New(ts, make([]*types.Value, k))
				for i := range samples {
					row := make([]types.Value, k)
					for j := range row {
						row[j] = samples[(i+j*5)%len(samples)]
					}
					a.Add(row)
					b.Add(row)
				}
				a.Merge(b)
				a.Result()
				if m, ok := a.(MultiAccumulator); ok {
					m.Results()
				}
				f.New(ts, nil).Result() // empty group
			}()
		}
	}
}
