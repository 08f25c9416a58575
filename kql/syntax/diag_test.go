package syntax

import "testing"

func TestDiagnosticFormat(t *testing.T) {
	tests := []struct {
		name string
		src  string
		d    Diagnostic
		want string
	}{
		{
			name: "caret under span",
			src:  "T | where x == \n| take 1",
			d:    Diagnostic{Span: Span{4, 9}, Msg: "boom"},
			want: "q.kql:1:5: boom\nT | where x == \n    ^~~~~\n",
		},
		{
			name: "tab kept so the caret lines up",
			src:  "T\n\t| where  x",
			d:    Diagnostic{Span: Span{12, 13}, Msg: "bad"},
			want: "q.kql:2:11: bad\n\t| where  x\n\t         ^\n",
		},
		{
			name: "multi-byte runes count once",
			src:  "print 'héllo€', y",
			d:    Diagnostic{Span: Span{19, 20}, Msg: "unknown y"},
			want: "q.kql:1:17: unknown y\nprint 'héllo€', y\n                ^\n",
		},
		{
			name: "span crossing a line end is cut at the line end",
			src:  "ab\ncd",
			d:    Diagnostic{Span: Span{1, 4}, Msg: "m"},
			want: "q.kql:1:2: m\nab\n ^\n",
		},
		{
			name: "point at end of input",
			src:  "T | where",
			d:    Diagnostic{Span: Span{9, 9}, Msg: "expected an expression"},
			want: "q.kql:1:10: expected an expression\nT | where\n         ^\n",
		},
		{
			name: "warning has a severity word",
			src:  "set x;",
			d:    Diagnostic{Span: Span{4, 5}, Msg: "ignored", Severity: SevWarning},
			want: "q.kql:1:5: warning: ignored\nset x;\n    ^\n",
		},
		{
			name: "CRLF line",
			src:  "a\r\nbad\r\n",
			d:    Diagnostic{Span: Span{3, 6}, Msg: "m"},
			want: "q.kql:2:1: m\nbad\n^~~\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Diagnostics{tc.d}.Format("q.kql", tc.src)
			if got != tc.want {
				t.Errorf("got:\n%q\nwant:\n%q", got, tc.want)
			}
		})
	}
}

func TestDiagnosticsErr(t *testing.T) {
	var ds Diagnostics
	if ds.Err() != nil {
		t.Fatal("empty diagnostics must give a nil error")
	}
	ds = append(ds, Diagnostic{Span: Span{3, 4}, Msg: "info only", Severity: SevInfo})
	if ds.Err() != nil || ds.HasErrors() {
		t.Fatal("info diagnostics are not errors")
	}
	ds = append(ds, Diagnostic{Span: Span{9, 9}, Msg: "second"}, Diagnostic{Span: Span{1, 2}, Msg: "first"})
	err := ds.Err()
	if err == nil || err.Error() != "offset 1: first (and 1 more errors)" {
		t.Fatalf("Err() = %v", err)
	}
	ds.Sort()
	if ds[0].Msg != "first" || ds[2].Msg != "second" {
		t.Fatalf("sort order: %+v", ds)
	}
}

func TestParseErrorsRendered(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"missing expression", "T | where", "q:1:10: expected an expression, found end of query\nT | where\n         ^\n"},
		{"unknown operator", "T | frobnicate x", "q:1:5: unknown query operator \"frobnicate\"\nT | frobnicate x\n    ^~~~~~~~~~\n"},
		{"missing semicolon", "let x = 1\nT", "q:1:10: expected ';' or end of query, found 'T'\nlet x = 1\n         ^\n"},
		{"bad escape", `print "a\d"`, "q:1:9: invalid escape sequence \\d in string literal (write \\\\ for a backslash, or use a verbatim @\"...\" string)\nprint \"a\\d\"\n        ^~\n"},
		{"unterminated string", "print 'abc", "q:1:7: unterminated string literal\nprint 'abc\n      ^~~~\n"},
		{"errors keep coming", "T | where (\n| project ,\n| take", "q:1:12: expected an expression, found '|'\nT | where (\n           ^\nq:2:11: expected an expression, found ','\n| project ,\n          ^\nq:3:7: expected an expression, found end of query\n| take\n      ^\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := Parse("q", tc.src)
			got := diags.Format("q", tc.src)
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s\n(%q)", got, tc.want, got)
			}
		})
	}
}
