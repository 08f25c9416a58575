package exec

import (
	"strings"
	"testing"
)

// plugRunTable runs queries without a catalog and compares the rendered
// first table (or the error text).
func plugRunTable(t *testing.T, tests []struct{ name, q, want string }) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := runQ(t, MemCatalog{}, tc.q)
			if err != nil {
				if strings.HasPrefix(tc.want, "error: ") && strings.Contains(err.Error(), strings.TrimPrefix(tc.want, "error: ")) {
					return
				}
				t.Fatalf("error: %v", err)
			}
			if strings.HasPrefix(tc.want, "error: ") {
				t.Fatalf("want %s, got a result", tc.want)
			}
			if got := render(res.Tables[0].Batch); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestPlugSpecialFunctions(t *testing.T) {
	plugRunTable(t, []struct{ name, q, want string }{
		{"assert true passes", `let f = (n:long, s:string) { assert(n > 0, "n must be positive") and strlen(s) > n };
datatable(s:string)["123","4567"] | where f(3, s)`, "s\n4567"},
		{"assert false fails the query", `print assert(1 > 2, "one is not more than two")`, "error: assertion failed: one is not more than two"},
		{"assert needs a constant", `datatable(x:long)[1] | extend a = assert(x > 0, "m")`, "error: must be constant"},
		{"bag_pack_columns", `datatable(Id:string, V:long, O:long)["A",1,9,"B",2,8] | project P = bag_pack_columns(Id, V)`,
			"P\n{\"Id\":\"A\",\"V\":1}\n{\"Id\":\"B\",\"V\":2}"},
		{"bag_pack_columns rejects expressions", `print x = 1 | project bag_pack_columns(x + 1)`, "error: must be a column"},
		{"estimate_data_size star", `range x from 1 to 10 step 1 | extend Text = '1234567890' | summarize Total = sum(estimate_data_size(*))`, "Total\n180"},
		{"estimate_data_size types", `print a = estimate_data_size(true, int(1), 1.5, datetime(2020-01-01), "héllo")`, "a\n27"},
		{"hll_merge scalar", `range x from 1 to 10 step 1 | extend y = x + 5 | summarize hx = hll(x), hy = hll(y) | project m = hll_merge(hx, hy) | project dcount_hll(m)`,
			"dcount_hll_m\n15"},
		{"hll_merge aggregate still works", `range x from 1 to 4 step 1 | summarize h = hll(x) by k = x % 2 | summarize m = hll_merge(h) | project dcount_hll(m)`,
			"dcount_hll_m\n4"},
		{"bin_auto datetime", `set query_bin_auto_size=1h; set query_bin_auto_at=datetime(2017-01-01 00:05);
range T from datetime(2017-01-01 00:05) to datetime(2017-01-01 02:00) step 1m | summarize c = count() by B = bin_auto(T)`,
			"B|c\n2017-01-01T00:05:00Z|60\n2017-01-01T01:05:00Z|56"},
		{"bin_auto number without origin", `set query_bin_auto_size=10; print b = bin_auto(37)`, "b\n30"},
		{"bin_auto needs the size", `print b = bin_auto(37)`, "error: needs `set query_bin_auto_size"},
		{"loose datetime literals", `print a = datetime(2025, 6, 14), b = datetime(2017 - 08 - 01), c = datetime('12-02-2022'), d = datetime(1970-5-12)`,
			"a|b|c|d\n2025-06-14T00:00:00Z|2017-08-01T00:00:00Z|2022-12-02T00:00:00Z|1970-05-12T00:00:00Z"},
		{"toscalar of a scalar is evaluated once", `range x from 1 to 5 step 1 | extend g = toscalar(new_guid()), h = new_guid() | summarize dg = dcount(g), dh = dcount(h)`,
			"dg|dh\n1|5"},
		{"print of array_sort_asc with two arrays", `let a1 = dynamic([3,1,2]); let a2 = dynamic(["c","a","b"]); print array_sort_asc(a1, a2)`,
			"a1_sorted|a2_sorted\n[1,2,3]|[\"a\",\"b\",\"c\"]"},
		{"index into several sorted arrays", `print x = array_sort_desc(dynamic([1,2]), dynamic(["a","b"]))[1]`, "x\n[\"b\",\"a\"]"},
		{"extend with one array stays one column", `print a = dynamic([2,1]) | extend array_sort_asc(a)`, "a|Column1\n[2,1]|[1,2]"},
		{"toscalar in a function body is evaluated once per query", `let y = () { toscalar(rand(1000000)) }; let x = () { rand(1000000) }; print a = y() == y(), b = x() == x()`,
			"a|b\ntrue|false"},
		{"toscalar with a parameter is not shared between calls", `let f = (k:long) { toscalar(k * 10 + toint(rand(1) * 0)) }; print f(1), f(2)`,
			"print_0|print_1\n10|20"},
		{"row_window_session", `datatable (ID:string, T:datetime) ["1", datetime(2024-04-11 10:00), "2", datetime(2024-04-11 10:18),
"1", datetime(2024-04-11 11:00), "3", datetime(2024-04-11 11:30), "2", datetime(2024-04-11 13:30), "2", datetime(2024-04-11 10:16)]
| sort by ID asc, T asc | extend S = row_window_session(T, 1h, 5m, ID != prev(ID)) | project ID, S`,
			"ID|S\n1|2024-04-11T10:00:00Z\n1|2024-04-11T11:00:00Z\n2|2024-04-11T10:16:00Z\n2|2024-04-11T10:16:00Z\n2|2024-04-11T13:30:00Z\n3|2024-04-11T11:30:00Z"},
		{"row_window_session max from first", `range T from datetime(2024-01-01) to datetime(2024-01-01 00:25) step 5m | serialize | extend S = row_window_session(T, 12m, 6m) | project S`,
			"S\n2024-01-01T00:00:00Z\n2024-01-01T00:00:00Z\n2024-01-01T00:00:00Z\n2024-01-01T00:15:00Z\n2024-01-01T00:15:00Z\n2024-01-01T00:15:00Z"},
	})
}

func TestScanStepOutput(t *testing.T) {
	const events = `datatable (Ts: long, E: string) [0, "A", 1, "A", 2, "B", 3, "B", 4, "C"] | sort by Ts asc `
	plugRunTable(t, []struct{ name, q, want string }{
		{"output none", events + `| scan with (step s1 output=none: E == "A"; step s2: E == "B";) | project Ts`, "Ts\n2\n3"},
		{"output last", events + `| scan with (step s1 output=last: E == "A"; step s2: E == "B";) | project Ts`, "Ts\n1\n2\n3"},
		{"output all", events + `| scan with (step s1 output=all: E == "A"; step s2: E == "B";) | project Ts`, "Ts\n0\n1\n2\n3"},
		{"bad output", events + `| scan with (step s1 output=some: E == "A";)`, "error: output must be all, last or none"},
	})
}
