package exec

import (
	"strings"
	"testing"
)

func TestPlugReduce(t *testing.T) {
	plugRunTable(t, []struct{ name, q, want string }{
		{"no separators: all others", `range x from 1 to 10 step 1 | project str = strcat("foo", "Z", tostring(x)) | reduce by str`,
			"Pattern|Count|Representative\nothers|10|"},
		{"custom separator", `range x from 1 to 10 step 1 | project str = strcat("foo", "Z", tostring(x)) | reduce by str with characters="Z"`,
			"Pattern|Count|Representative\nfoo*|10|fooZ1"},
		{"default separators keep spaces", `range x from 1 to 20 step 1 | project s = strcat("user ", x, " logged in") | reduce by s`,
			"Pattern|Count|Representative\nuser * logged in|20|user 1 logged in"},
		{"threshold splits groups", `range x from 1 to 20 step 1 | project s = iff(x <= 15, strcat("open file", x), strcat("close ", x)) | reduce by s with threshold=0.3`,
			"Pattern|Count|Representative\nopen *|15|open file1\nothers|5|"},
		{"kind=source", `range x from 1 to 4 step 1 | project s = strcat("a-", x) | reduce kind=source by s`,
			"s|Pattern\na-1|a-*\na-2|a-*\na-3|a-*\na-4|a-*"},
		{"bad threshold", `print s = "a" | reduce by s with threshold=2`, "error: threshold must be between 0 and 1"},
		{"bad property", `print s = "a" | reduce by s with foo=1`, "error: unknown property foo"},
	})
}

// FuzzPlugReduce: the clustering never panics, and every value lands in
// exactly one group (the counts add up to the number of values).
func FuzzPlugReduce(f *testing.F) {
	for _, s := range []string{"fooZ1\nfooZ2\nfooZ3", "San Jose\nSan Diego\nParis", "a-1\na-2\n\n", "é€\x00\xff", ""} {
		f.Add(s, "", 0.1)
		f.Add(s, "Z-", 0.5)
	}
	f.Fuzz(func(t *testing.T, text, seps string, threshold float64) {
		if !(threshold >= 0 && threshold <= 1) {
			return
		}
		vals := strings.Split(text, "\n")
		r := &plugReducer{threshold: threshold, seps: seps, custom: seps != ""}
		pats := r.patterns(vals)
		if len(pats) != len(vals) {
			t.Fatalf("%d patterns for %d values", len(pats), len(vals))
		}
		for i, p := range pats {
			if p != plugOthers && r.keys[i] == "" {
				t.Fatalf("value %q has pattern %q but no cluster", vals[i], p)
			}
		}
	})
}
