package exec

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// The conformance test runs every case of the shared kql-docs corpus
// (Microsoft's documented examples with their output tables) and prints
// the pass rate. Cases whose documented output is wrong are overridden,
// one by one with a reason, in testdata/conformance/overrides.tsv.

var (
	conformanceVerbose = flag.Bool("conformance.v", false, "print every failing conformance case")
	conformanceCase    = flag.String("conformance.case", "", "run only conformance cases matching this regexp")
)

// sharedDir finds the shared corpus: $HUNTPACK_SHARED or ../shared next
// to the repository root.
func sharedDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("HUNTPACK_SHARED"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			s := filepath.Join(filepath.Dir(d), "shared")
			if _, err := os.Stat(s); err == nil {
				return s
			}
			break
		}
	}
	t.Skip("shared corpus not found (set HUNTPACK_SHARED or put it at ../shared next to the repo)")
	return ""
}

// docCase is one row of INDEX.tsv.
type docCase struct {
	name  string
	flags []string
}

func (c docCase) has(flag string) bool {
	for _, f := range c.flags {
		if f == flag || strings.HasPrefix(f, flag+":") {
			return true
		}
	}
	return false
}

func readIndex(t *testing.T, path string) []docCase {
	t.Helper()
	rows, err := readTSVFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []docCase
	for _, r := range rows[1:] {
		c := docCase{name: r[0]}
		if len(r) > 9 && r[9] != "" {
			c.flags = strings.Split(r[9], ",")
		}
		out = append(out, c)
	}
	return out
}

func readTSVFile(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		rows = append(rows, strings.Split(sc.Text(), "\t"))
	}
	return rows, sc.Err()
}

// override is a documented correction of one case.
type override struct {
	action string // "expect": use testdata/conformance/<case>.tsv; "skip": not comparable
	reason string
}

func readOverrides(t *testing.T) map[string]override {
	rows, err := readTSVFile(filepath.Join("testdata", "conformance", "overrides.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]override{}
	for _, r := range rows {
		if len(r) < 3 || strings.HasPrefix(r[0], "#") {
			continue
		}
		out[r[0]] = override{action: r[1], reason: r[2]}
	}
	return out
}

// excluded says why a case is not counted in the strict rate.
func excluded(c docCase) string {
	for _, f := range []string{"partial", "nondeterministic", "env-dependent", "ragged", "sandbox-plugin", "duplicate-of"} {
		if c.has(f) {
			return f
		}
	}
	return ""
}

func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("conformance run skipped in -short mode")
	}
	dir := filepath.Join(sharedDir(t), "corpus", "kql-docs")
	cases := readIndex(t, filepath.Join(dir, "INDEX.tsv"))
	overrides := readOverrides(t)
	var re *regexp.Regexp
	if *conformanceCase != "" {
		re = regexp.MustCompile(*conformanceCase)
	}
	type tally struct{ pass, total int }
	var all, eligible, unflagged tally
	causes := map[string]int{}
	var failures []string
	reg := funcs.Builtins()
	for _, c := range cases {
		if re != nil && !re.MatchString(c.name) {
			continue
		}
		ov, hasOv := overrides[c.name]
		if hasOv && ov.action == "skip" {
			continue
		}
		q, err := os.ReadFile(filepath.Join(dir, "cases", c.name, "query.kql"))
		if err != nil {
			t.Fatal(err)
		}
		wantPath := filepath.Join(dir, "cases", c.name, "expected.tsv")
		if hasOv && ov.action == "expect" {
			wantPath = filepath.Join("testdata", "conformance", c.name+".tsv")
		}
		want, err := readTSVFile(wantPath)
		if err != nil {
			t.Fatal(err)
		}
		msg := runCase(string(q), want, c.has("unordered"), reg)
		ok := msg == ""
		count := func(tl *tally) {
			tl.total++
			if ok {
				tl.pass++
			}
		}
		count(&all)
		if excluded(c) == "" {
			count(&eligible)
		}
		if len(c.flags) == 0 {
			count(&unflagged)
		}
		if !ok {
			causes[failureCause(msg)]++
			failures = append(failures, fmt.Sprintf("%s: %s", c.name, msg))
		}
	}
	pct := func(tl tally) string {
		if tl.total == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%d/%d = %.1f%%", tl.pass, tl.total, 100*float64(tl.pass)/float64(tl.total))
	}
	t.Logf("conformance: all cases %s; eligible (not partial/nondeterministic/env-dependent/ragged/sandbox/duplicate) %s; unflagged %s",
		pct(all), pct(eligible), pct(unflagged))
	type kv struct {
		k string
		v int
	}
	var cs []kv
	for k, v := range causes {
		cs = append(cs, kv{k, v})
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].v > cs[j].v || (cs[i].v == cs[j].v && cs[i].k < cs[j].k) })
	for i, c := range cs {
		if i >= 40 {
			break
		}
		t.Logf("  %4d  %s", c.v, c.k)
	}
	if *conformanceVerbose {
		for _, f := range failures {
			t.Log(f)
		}
	}
}

var causeNoise = regexp.MustCompile(`"[^"]*"|\d+|q\.kql:\S*`)

// failureCause shortens a failure message to a groupable cause.
func failureCause(msg string) string {
	if i := strings.Index(msg, "\n"); i >= 0 {
		msg = msg[:i]
	}
	msg = causeNoise.ReplaceAllString(msg, "…")
	if len(msg) > 90 {
		msg = msg[:90]
	}
	return msg
}

// runCase runs one query and compares it with the expected table; it
// returns "" on success or a description of the difference.
func runCase(q string, want [][]string, unordered bool, reg *funcs.Registry) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprintf("panic: %v", r)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := RunString(ctx, "q.kql", q, Options{Funcs: reg, Now: testNow, MaxMemory: 1 << 30})
	if err != nil {
		var de *syntax.DiagError
		if errors.As(err, &de) && len(de.Diags.Errors()) > 0 {
			return "error: " + de.Diags.Errors()[0].Msg
		}
		return "error: " + err.Error()
	}
	if len(res.Tables) == 0 {
		return "no result table"
	}
	return compareTable(res.Tables[0].Batch, want, unordered)
}

// compareTable compares a result with an expected TSV table.
func compareTable(b *types.Batch, want [][]string, unordered bool) string {
	if len(want) == 0 {
		return "empty expectation"
	}
	hdr := want[0]
	if got := b.Schema.Names(); strings.Join(got, ",") != strings.Join(hdr, ",") {
		return fmt.Sprintf("columns: got %v want %v", got, hdr)
	}
	rows := want[1:]
	if len(rows) == 1 && len(hdr) > 1 && len(rows[0]) == 1 && rows[0][0] == "" {
		rows = nil
	}
	if b.Len != len(rows) {
		return fmt.Sprintf("rows: got %d want %d", b.Len, len(rows))
	}
	used := make([]bool, b.Len)
	for i, wr := range rows {
		if !unordered {
			if d := rowDiff(b, i, wr); d != "" {
				return fmt.Sprintf("row %d: %s", i, d)
			}
			continue
		}
		found := false
		for r := 0; r < b.Len && !found; r++ {
			if !used[r] && rowDiff(b, r, wr) == "" {
				used[r], found = true, true
			}
		}
		if !found {
			return fmt.Sprintf("row %d %v not found in result", i, wr)
		}
	}
	return ""
}

func rowDiff(b *types.Batch, r int, want []string) string {
	if len(want) != len(b.Cols) {
		return fmt.Sprintf("expected row has %d cells, result %d", len(want), len(b.Cols))
	}
	for j, c := range b.Cols {
		v := c.Value(r)
		if !cellMatches(v, want[j]) {
			return fmt.Sprintf("column %s: got %q want %q", b.Schema[j].Name, types.FormatValue(v), want[j])
		}
	}
	return ""
}

var brTag = regexp.MustCompile(`(?i)<br\s*/?>`)

// docTab is a documented tab (\t) not preceded by another backslash.
var docTab = regexp.MustCompile(`(^|[^\\])\\t`)

// cellMatches compares a value with a documented cell, tolerating the
// docs' formatting differences (datetime styles, rounding, JSON spacing,
// True/true, empty for null).
func cellMatches(v types.Value, want string) bool {
	want = strings.TrimSpace(strings.ReplaceAll(brTag.ReplaceAllString(want, " "), "&nbsp;", " "))
	got := types.FormatValue(v)
	if got == want {
		return true
	}
	if v.IsNull() || got == "" {
		return want == "" || strings.EqualFold(want, "null") || want == "(null)"
	}
	switch v.T {
	case types.Bool:
		// some doc pages print booleans as 1 and 0 (the geo_* pages)
		switch want {
		case "1":
			want = "true"
		case "0":
			want = "false"
		}
		return strings.EqualFold(got, want)
	case types.Int, types.Long:
		if f, err := strconv.ParseFloat(strings.ReplaceAll(want, ",", ""), 64); err == nil {
			return f == float64(v.I)
		}
	case types.Real, types.Decimal:
		return realMatches(v.F, want)
	case types.DateTime:
		if t, err := types.ParseDateTime(strings.TrimSuffix(want, "Z")); err == nil {
			return t == v.I
		}
	case types.TimeSpan:
		if t, err := types.ParseTimeSpan(want); err == nil {
			return t == v.I
		}
	case types.Dynamic:
		// tabs inside documented cells are written as the two characters \t
		// (but \\t is an escaped backslash before a t, as in "C:\\temp")
		return dynMatches(v.D, docTab.ReplaceAllString(want, "$1 "))
	case types.String, types.GUID:
		if strings.TrimSpace(got) == want || squeeze(got) == squeeze(want) {
			return true
		}
		// tostring() of a bag: Kusto does not preserve the order of a
		// property bag's slots ("you can't assume the order to be
		// preserved", the dynamic data type page), so a serialized bag
		// matches when it holds the same slots.
		if strings.HasPrefix(strings.TrimSpace(got), "{") {
			gd, gerr := funcs.ParseJSON(got)
			wd, werr := funcs.ParseJSON(want)
			return gerr == nil && werr == nil && (looseJSONEqual(gd, wd) || looseJSONEqual(normalizeRings(gd), normalizeRings(wd)))
		}
	}
	return false
}

func realMatches(f float64, want string) bool {
	w, err := strconv.ParseFloat(strings.ReplaceAll(want, ",", ""), 64)
	if err != nil {
		switch want {
		case "NaN":
			return math.IsNaN(f)
		case "Infinity", "∞":
			return math.IsInf(f, 1)
		case "-Infinity", "-∞":
			return math.IsInf(f, -1)
		}
		return false
	}
	if f == w {
		return true
	}
	// the docs round: accept a difference below the last written digit.
	dec := 0
	if i := strings.IndexByte(want, '.'); i >= 0 && !strings.ContainsAny(want, "eE") {
		dec = len(want) - i - 1
	}
	tol := 0.5 * math.Pow(10, -float64(dec))
	if math.Abs(f-w) <= tol*1.0001 {
		return true
	}
	return math.Abs(f-w) <= 1e-9*math.Max(math.Abs(f), math.Abs(w))
}

func dynMatches(d any, want string) bool {
	if strings.Contains(want, "'") && !strings.Contains(want, `"`) {
		// the docs sometimes show the dynamic literal as written in the
		// query (['a','b']), with single quotes
		want = strings.ReplaceAll(want, "'", `"`)
	}
	if wd, err := funcs.ParseJSON(want); err == nil {
		return types.DynamicJSON(d) == types.DynamicJSON(wd) || looseJSONEqual(d, wd) ||
			looseJSONEqual(normalizeRings(d), normalizeRings(wd))
	}
	if s, ok := d.(string); ok {
		return s == want
	}
	return squeeze(strings.ReplaceAll(types.DynamicJSON(d), `"`, "")) == squeeze(strings.ReplaceAll(want, `"`, ""))
}

// looseJSONEqual compares numbers with tolerance.
func looseJSONEqual(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !looseJSONEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !looseJSONEqual(x[k], y[k]) {
				return false
			}
		}
		return true
	case int64, float64:
		fa, _ := asReal(types.DynamicValue(a))
		fb, ok := asReal(types.DynamicValue(b))
		// the docs round array elements (32.667): accept half a unit of
		// the third decimal, or a relative 1e-6.
		return ok && (fa == fb || math.Abs(fa-fb) <= 5.1e-4 || math.Abs(fa-fb) <= 1e-6*math.Max(math.Abs(fa), math.Abs(fb)))
	}
	if sa, ok := a.(string); ok {
		if sb, ok := b.(string); ok {
			ta, ea := types.ParseDateTime(sa)
			tb, eb := types.ParseDateTime(sb)
			return sa == sb || (ea == nil && eb == nil && ta == tb)
		}
	}
	return types.DynamicJSON(a) == types.DynamicJSON(b)
}

func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

// normalizeRings rotates every closed ring of a GeoJSON Polygon or
// MultiPolygon to start at its smallest vertex. A ring is a cycle: the
// same polygon may be written from any starting vertex, and the docs do
// not say which one Kusto picks, so the comparison ignores it.
func normalizeRings(d any) any {
	m, ok := d.(map[string]any)
	if !ok {
		return d
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	switch m["type"] {
	case "Polygon":
		out["coordinates"] = rotateRings(m["coordinates"])
	case "MultiPolygon":
		if ps, ok := m["coordinates"].([]any); ok {
			np := make([]any, len(ps))
			for i, p := range ps {
				np[i] = rotateRings(p)
			}
			out["coordinates"] = np
		}
	}
	return out
}

func rotateRings(v any) any {
	rings, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, len(rings))
	for i, r := range rings {
		out[i] = rotateRing(r)
	}
	return out
}

func rotateRing(v any) any {
	pts, ok := v.([]any)
	if !ok || len(pts) < 4 {
		return v
	}
	coord := func(p any) (float64, float64, bool) {
		a, ok := p.([]any)
		if !ok || len(a) < 2 {
			return 0, 0, false
		}
		x, ok1 := toF(a[0])
		y, ok2 := toF(a[1])
		return math.Round(x*1e6) / 1e6, math.Round(y*1e6) / 1e6, ok1 && ok2
	}
	open := pts[:len(pts)-1] // drop the closing vertex
	best := 0
	bx, by, ok := coord(open[0])
	if !ok {
		return v
	}
	for i := 1; i < len(open); i++ {
		x, y, ok := coord(open[i])
		if !ok {
			return v
		}
		if x < bx || (x == bx && y < by) {
			best, bx, by = i, x, y
		}
	}
	out := make([]any, 0, len(pts))
	out = append(out, open[best:]...)
	out = append(out, open[:best]...)
	return append(out, open[best])
}

func toF(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}
