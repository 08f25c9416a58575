package syntax

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

type namedQuery struct{ name, src string }

// loadQueries splits a testdata file into queries at "// ==== name" lines.
func loadQueries(t testing.TB, path string) []namedQuery {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []namedQuery
	for _, part := range strings.Split(string(b), "// ==== ")[1:] {
		nl := strings.IndexByte(part, '\n')
		out = append(out, namedQuery{name: part[:nl], src: part[nl+1:]})
	}
	return out
}

// TestValidQueries parses every construct in testdata/valid.kql (each
// confirmed valid with Microsoft's parser) and round-trips it.
func TestValidQueries(t *testing.T) {
	for _, q := range loadQueries(t, "testdata/valid.kql") {
		t.Run(q.name, func(t *testing.T) { roundTrip(t, q.name, q.src) })
	}
}

// firstExpr returns the expression of the first print column.
func firstExpr(t *testing.T, src string) Expr {
	t.Helper()
	q, diags := Parse("t", "print "+src)
	if diags.HasErrors() {
		t.Fatalf("%s", diags.Format("t", "print "+src))
	}
	p := q.Stmts[0].(*ExprStmt).Expr.(*PrintOp)
	return p.Cols[0]
}

func TestLiteralValues(t *testing.T) {
	day := types.TicksPerDay
	tests := []struct {
		src  string
		want types.Value
	}{
		{`'a\\b'`, types.StringValue(`a\b`)},
		{`"tab\there"`, types.StringValue("tab\there")},
		{`@'C:\dir'`, types.StringValue(`C:\dir`)},
		{`@"say ""hi"""`, types.StringValue(`say "hi"`)},
		{`"a" 'b' @"c"`, types.StringValue("abc")},
		{"```x\ny```", types.StringValue("x\ny")},
		{`h"secret"`, types.StringValue("secret")},
		{`"\u00e9\x41"`, types.StringValue("éA")},
		{`42`, types.LongValue(42)},
		{`0x10`, types.LongValue(16)},
		{`int(7)`, types.IntValue(7)},
		{`long(-3)`, types.LongValue(-3)},
		{`1.5`, types.RealValue(1.5)},
		{`1e3`, types.RealValue(1000)},
		{`real(-2)`, types.RealValue(-2)},
		{`decimal(1.25)`, types.Value{T: types.Decimal, F: 1.25}},
		{`true`, types.BoolValue(true)},
		{`bool(false)`, types.BoolValue(false)},
		{`1d`, types.TimeSpanValue(day)},
		{`1.5h`, types.TimeSpanValue(90 * types.TicksPerMinute)},
		{`30m`, types.TimeSpanValue(30 * types.TicksPerMinute)},
		{`100ms`, types.TimeSpanValue(100 * types.TicksPerMillisecond)},
		{`1tick`, types.TimeSpanValue(1)},
		{`10microsecond`, types.TimeSpanValue(100)},
		{`2days`, types.TimeSpanValue(2 * day)},
		{`timespan(2)`, types.TimeSpanValue(2 * day)},
		{`timespan(15 seconds)`, types.TimeSpanValue(15 * types.TicksPerSecond)},
		{`time(1.02:00:00)`, types.TimeSpanValue(day + 2*types.TicksPerHour)},
		{`datetime(1970-01-01)`, types.DateTimeValue(types.UnixEpochTicks)},
		{`datetime(1970-01-01 00:00:01.5)`, types.DateTimeValue(types.UnixEpochTicks + 15*types.TicksPerSecond/10)},
		{`datetime(null)`, types.NullOf(types.DateTime)},
		{`long(null)`, types.NullOf(types.Long)},
		{`guid(74BE27DE-1E4E-49D9-B579-FE0B331D3642)`, types.Value{T: types.GUID, S: "74be27de-1e4e-49d9-b579-fe0b331d3642"}},
		{`dynamic(null)`, types.DynamicValue(nil)},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			lit, ok := firstExpr(t, tc.src).(*Literal)
			if !ok {
				t.Fatalf("not a literal: %T", firstExpr(t, tc.src))
			}
			if d := astDiff(tc.want, lit.Value); d != "" {
				t.Errorf("value %+v, want %+v (%s)", lit.Value, tc.want, d)
			}
		})
	}
}

func TestSpecialReals(t *testing.T) {
	for src, check := range map[string]func(float64) bool{
		"real(nan)":  math.IsNaN,
		"real(+inf)": func(f float64) bool { return math.IsInf(f, 1) },
		"real(-inf)": func(f float64) bool { return math.IsInf(f, -1) },
	} {
		lit := firstExpr(t, src).(*Literal)
		if lit.Value.T != types.Real || !check(lit.Value.F) {
			t.Errorf("%s = %+v", src, lit.Value)
		}
	}
}

func TestDynamicLiteral(t *testing.T) {
	lit := firstExpr(t, `dynamic({"a": [1, 2.5, "x", true, null], "b": {"c": -1}})`).(*Literal)
	want := map[string]any{"a": []any{int64(1), 2.5, "x", true, nil}, "b": map[string]any{"c": int64(-1)}}
	if d := astDiff(want, lit.Value.D); d != "" {
		t.Errorf("payload %#v: %s", lit.Value.D, d)
	}
}

func TestPipelineShape(t *testing.T) {
	src := "let t = 1d;\nT | where x > ago(t) | join kind=inner hint.strategy=shuffle (U | take 1) on $left.a == $right.b | project y = x"
	q, diags := Parse("t", src)
	if diags.HasErrors() {
		t.Fatal(diags.Format("t", src))
	}
	if len(q.Stmts) != 2 {
		t.Fatalf("%d statements", len(q.Stmts))
	}
	let := q.Stmts[0].(*LetStmt)
	if let.Name.Name != "t" || let.Value.(*Literal).Value.I != types.TicksPerDay {
		t.Errorf("let: %+v", let)
	}
	pe := q.Stmts[1].(*ExprStmt).Expr.(*PipeExpr)
	if pe.Source.(*Ident).Name != "T" || len(pe.Ops) != 3 {
		t.Fatalf("pipe: %+v", pe)
	}
	j := pe.Ops[1].(*JoinOp)
	if j.Kind() != "inner" || len(j.Params) != 2 || j.Params[1].Name != "hint.strategy" {
		t.Errorf("join params: %+v", j.Params)
	}
	cond := j.On[0].(*BinaryExpr)
	if cond.Op != OpEq || cond.X.(*MemberExpr).X.(*Ident).Name != "$left" || cond.Y.(*MemberExpr).Name.Name != "b" {
		t.Errorf("join condition: %s", PrintExpr(cond))
	}
	right := j.Right.(*ParenExpr).X.(*PipeExpr)
	if right.Source.(*Ident).Name != "U" {
		t.Errorf("right side: %s", PrintExpr(right))
	}
	if got := pe.Ops[2].Span().Text(src); got != "project y = x" {
		t.Errorf("project span text %q", got)
	}
	if got := cond.Span().Text(src); got != "$left.a == $right.b" {
		t.Errorf("condition span text %q", got)
	}
}

func TestPrecedence(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a or b and c", "(a or (b and c))"},
		{"a and b or c", "((a and b) or c)"},
		{"a + b * c == d", "((a + (b * c)) == d)"},
		{"-a * b", "((-a) * b)"},
		{"a - b - c", "((a - b) - c)"},
		{"x has 'a' and y in (1, 2)", "((x has \"a\") and (y in (1, 2)))"},
		{"a < b == c", "((a < b) == c)"},
		{"a + b has 'x'", "(a + (b has \"x\"))"},
		{"a =~ b + c", "((a =~ b) + c)"},
		{"a == b has c", "(a == (b has c))"},
		{"-a has b", "((-a) has b)"},
		{"a * b contains c", "(a * (b contains c))"},
		{"a > 1 in (true)", "((a > 1) in (true))"},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			if got := paren(firstExpr(t, tc.src)); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// paren prints an expression with every operator node parenthesised.
func paren(e Expr) string {
	switch e := e.(type) {
	case *BinaryExpr:
		return "(" + paren(e.X) + " " + e.Op.String() + " " + paren(e.Y) + ")"
	case *UnaryExpr:
		return "(" + e.Op.String() + paren(e.X) + ")"
	case *InExpr:
		return "(" + paren(e.X) + " " + e.Op.String() + " (" + PrintExpr(&ListExpr{Elems: e.List}) + "))"
	}
	return PrintExpr(e)
}

func TestSpansEverywhere(t *testing.T) {
	for _, q := range loadQueries(t, "testdata/valid.kql") {
		t.Run(q.name, func(t *testing.T) {
			ast, _ := Parse(q.name, q.src)
			checkSpans(t, ast, len(q.src))
		})
	}
}
