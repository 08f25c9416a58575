package exec

import "testing"

func TestPlugActivityPlugins(t *testing.T) {
	const users = `let T = datatable(U:string, Ts:datetime) ["a", datetime(2024-01-01), "b", datetime(2024-01-01), "a", datetime(2024-01-02),
"c", datetime(2024-01-03), "a", datetime(2024-01-03), "b", datetime(2024-01-05), "z", datetime(2023-12-31)];
T `
	plugRunTable(t, []struct{ name, q, want string }{
		{"sliding_window_counts", users + `| evaluate sliding_window_counts(U, Ts, datetime(2024-01-01), datetime(2024-01-05), 2d, 1d)`,
			"Ts|Count|dcount\n2024-01-01T00:00:00Z|3|3\n2024-01-02T00:00:00Z|3|2\n2024-01-03T00:00:00Z|3|2\n" +
				"2024-01-04T00:00:00Z|2|2\n2024-01-05T00:00:00Z|1|1"},
		{"sliding_window_counts with a dimension", `datatable(U:string, Ts:datetime, D:string) ["a", datetime(2024-01-01), "x", "b", datetime(2024-01-01), "y", "a", datetime(2024-01-02), "x"]
| evaluate sliding_window_counts(U, Ts, datetime(2024-01-01), datetime(2024-01-02), 2d, 1d, D)`,
			"Ts|D|Count|dcount\n2024-01-01T00:00:00Z|x|1|1\n2024-01-02T00:00:00Z|x|2|1\n2024-01-01T00:00:00Z|y|1|1\n2024-01-02T00:00:00Z|y|1|1"},
		{"activity_counts_metrics", users + `| evaluate activity_counts_metrics(U, Ts, datetime(2024-01-01), datetime(2024-01-04), 1d)`,
			"Ts|count|dcount|new_dcount|aggregated_dcount\n2024-01-01T00:00:00Z|2|2|2|2\n2024-01-02T00:00:00Z|1|1|0|2\n" +
				"2024-01-03T00:00:00Z|2|2|1|3\n2024-01-04T00:00:00Z|0|0|0|3"},
		{"active_users_count", users + `| evaluate active_users_count(U, Ts, datetime(2024-01-01), datetime(2024-01-05), 3d, 1d, 2, 2d)`,
			"Ts|dcount\n2024-01-01T00:00:00Z|1\n2024-01-03T00:00:00Z|1"},
		{"activity_metrics", users + `| evaluate activity_metrics(U, Ts, datetime(2024-01-01), datetime(2024-01-03), 1d)`,
			"Ts|dcount_values|dcount_newvalues|retention_rate|churn_rate\n2024-01-01T00:00:00Z|2|2|NaN|NaN\n" +
				"2024-01-02T00:00:00Z|1|0|0.5|0.5\n2024-01-03T00:00:00Z|2|1|1|0"},
		{"new_activity_metrics cohort", users + `| evaluate new_activity_metrics(U, Ts, datetime(2024-01-01), datetime(2024-01-03), 1d, datetime(2024-01-01)) | project from_Ts, to_Ts, dcount_new_values, dcount_retained_values, retention_rate`,
			"from_Ts|to_Ts|dcount_new_values|dcount_retained_values|retention_rate\n2024-01-01T00:00:00Z|2024-01-01T00:00:00Z|2|2|1\n" +
				"2024-01-01T00:00:00Z|2024-01-02T00:00:00Z|2|1|0.5\n2024-01-01T00:00:00Z|2024-01-03T00:00:00Z|2|1|0.5"},
		{"new_activity_metrics lookback table", users + `| evaluate new_activity_metrics(U, Ts, datetime(2024-01-01), datetime(2024-01-01), 1d, datetime(2024-01-01), datatable(U:string)["b"]) | project dcount_new_values`,
			"dcount_new_values\n1"},
		{"rolling_percentile", `range i from 0 to 5 step 1 | extend v = i * 10 | evaluate rolling_percentile(v, 50, i, 2, 2)`,
			"i|rolling_2_percentile_v_50\n0|0\n2|10\n4|30"},
		{"dcount_intersect", `range x from 1 to 30 step 1 | summarize a = hll(iff(x % 2 == 0, x, 0)), b = hll(iff(x % 3 == 0, x, 0)), c = hll(iff(x % 5 == 0, x, 0))
| evaluate dcount_intersect(a, b, c) | project s0, s1, s2`, "s0|s1|s2\n16|6|2"},
		{"Start must be constant", users + `| evaluate activity_counts_metrics(U, Ts, Ts, datetime(2024-01-04), 1d)`, "error: Start must be a constant"},
		{"too many windows", users + `| evaluate activity_counts_metrics(U, Ts, datetime(2024-01-01), datetime(2025-01-01), 1s)`, "error: more than the 100000 supported"},
		{"End before Start", users + `| evaluate sliding_window_counts(U, Ts, datetime(2024-01-05), datetime(2024-01-01), 1d, 1d)`, "error: End is before Start"},
		{"too few arguments", users + `| evaluate sliding_window_counts(U, Ts)`, "error: sliding_window_counts(IdColumn"},
	})
}
