package reliability

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// limitCase is one hostile query run with `huntpack query` in process and
// small caps; it must end with the documented exit code (2: the query was
// stopped) and a message naming the limit, quickly, never by exhausting
// memory.
type limitCase struct {
	name  string
	query string
	flags []string
	code  int
	msg   string  // substring of stderr (exit != 0) or stdout (exit 0)
	rows  int     // exit 0: data rows printed (csv, header excluded); -1 any
	gap   string  // known gap (SECURITY.md): run only with HUNTPACK_RELIABILITY_FULL=1
	limit float64 // seconds the run may take
}

var limitCases = []limitCase{
	{name: "range 1e12 timeout", query: "range x from 1 to 1000000000000 step 1 | summarize count()",
		flags: []string{"--timeout", "300ms"}, code: 2, msg: "--timeout reached", limit: 5},
	{name: "range 1e12 sort memory", query: "range x from 1 to 1000000000000 step 1 | order by x",
		flags: []string{"--max-memory", "8MB", "--timeout", "20s"}, code: 2, msg: "query memory limit exceeded", limit: 10},
	{name: "range 1e12 take is lazy", query: "range x from 1 to 1000000000000 step 1 | take 3",
		flags: []string{"--timeout", "20s"}, code: 0, msg: "x", rows: 3, limit: 5},
	{name: "summarize 10M groups memory", query: "range x from 1 to 10000000 step 1 | summarize count() by x",
		flags: []string{"--max-memory", "8MB", "--timeout", "20s"}, code: 2, msg: "query memory limit exceeded", limit: 10},
	{name: "make_set 1M groups memory", query: "range x from 1 to 3000000 step 1 | summarize s = make_set(x) by k = x % 1000000",
		flags: []string{"--max-memory", "8MB", "--timeout", "20s"}, code: 2, msg: "query memory limit exceeded", limit: 10},
	{name: "make_set one huge set capped", query: "range x from 1 to 1500000 step 1 | summarize s = make_set(x) | project n = array_length(s)",
		flags: []string{"--timeout", "30s"}, code: 0, msg: "1048576", rows: 1, limit: 20},
	{name: "exploding mv-expand memory", query: "range x from 1 to 200 step 1 | mv-expand a = range(1, 1000, 1) to typeof(long) | summarize count() by x, a",
		flags: []string{"--max-memory", "2MB", "--timeout", "20s"}, code: 2, msg: "query memory limit exceeded", limit: 10},
	{name: "max-rows caps output", query: "range x from 1 to 100000 step 1",
		flags: []string{"--max-rows", "10"}, code: 0, msg: "truncated to 10", rows: 10, limit: 5},
	{name: "bad max-memory value", query: "print 1",
		flags: []string{"--max-memory", "lots"}, code: 2, msg: "max-memory", limit: 5},

	// Known gaps: these exceed their caps today (see SECURITY.md).
	{name: "cross join memory", query: "range x from 1 to 1000 step 1 | extend k = 1 | join kind=inner (range y from 1 to 1000 step 1 | extend k = 1) on k | count",
		flags: []string{"--max-memory", "8MB", "--timeout", "20s"}, code: 2, msg: "query memory limit exceeded", limit: 10,
		gap: "L2 join output is not counted against --max-memory (1000x1000 cross join: 1M rows, ~75 MB, exit 0)"},
	{name: "max-rows over endless source", query: "range x from 1 to 1000000000000 step 1",
		flags: []string{"--max-rows", "10", "--timeout", "2s"}, code: 0, msg: "truncated to 10", rows: 10, limit: 5},
	{name: "make_set state memory", query: "range x from 1 to 20000 step 1 | mv-expand a = range(1, 100, 1) | summarize s = make_set(a) by x | count",
		flags: []string{"--max-memory", "8MB", "--timeout", "20s"}, code: 2, msg: "query memory limit exceeded", limit: 10,
		gap: "L5 make_set/make_list state is not counted against --max-memory (2M values held, exit 0)"},
	{name: "dynamic extend timeout", query: "range x from 1 to 100000 step 1 | mv-expand a = range(1, 1000, 1) | summarize count()",
		flags: []string{"--timeout", "300ms"}, code: 2, msg: "--timeout reached", limit: 1,
		gap: "L3 mv-expand builds its whole output batch before --timeout or --max-memory are checked (1.6 s and ~1 GB past a 300ms timeout)"},
}

// TestQueryLimits runs each limit case through the CLI in process.
func TestQueryLimits(t *testing.T) {
	full := os.Getenv("HUNTPACK_RELIABILITY_FULL") != ""
	dir := t.TempDir()
	for _, c := range limitCases {
		t.Run(c.name, func(t *testing.T) {
			if c.gap != "" && !full {
				t.Skipf("known gap %s; run with HUNTPACK_RELIABILITY_FULL=1", c.gap)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			args := append([]string{"query", "--logs", dir, "--format", "csv"}, c.flags...)
			start := time.Now()
			code, out, errs := runCLI(ctx, append(args, c.query)...)
			took := time.Since(start).Seconds()
			var bad []string
			if code != c.code {
				bad = append(bad, "exit code "+itoa(code)+", want "+itoa(c.code))
			}
			where := errs
			if c.code == 0 {
				where = out + errs
			}
			if !strings.Contains(where, c.msg) {
				bad = append(bad, "output lacks "+c.msg)
			}
			if c.code == 0 && c.rows >= 0 {
				if n := len(strings.Split(strings.TrimSpace(out), "\n")) - 1; n != c.rows {
					bad = append(bad, "rows "+itoa(n)+", want "+itoa(c.rows))
				}
			}
			if took > c.limit*raceSlowdown() {
				bad = append(bad, "took "+time.Duration(took*float64(time.Second)).String())
			}
			if len(bad) > 0 {
				t.Errorf("%s: %s\nstdout: %s\nstderr: %s", c.query, strings.Join(bad, "; "), clip(out, 500), clip(errs, 500))
			}
		})
	}
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int) string {
	if n < 0 {
		return "-" + fmtInt(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return fmtInt(n/10) + string(rune('0'+n%10))
}
