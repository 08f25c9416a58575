package jsonl

import (
	"errors"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/logs/record"
)

func members(t *testing.T, flatten bool, in string) (string, error) {
	t.Helper()
	sc := Scanner{Flatten: flatten}
	var out []string
	err := sc.Object([]byte(in), func(k, v []byte, kind Kind) {
		out = append(out, string(k)+"="+string(kind)+":"+string(v))
	})
	sort.Strings(out)
	return strings.Join(out, " "), err
}

func TestScanner(t *testing.T) {
	tests := []struct {
		name, in string
		flatten  bool
		want     string
		wantErr  string
	}{
		{"types", `{"s":"x","n":-1.5e3,"b":true,"z":null,"a":[1,{"q":2}],"o":{"k":"v"}}`, false,
			`a=a:[1,{"q":2}] b=b:true n=n:-1.5e3 o=o:{"k":"v"} s=s:x z=0:`, ""},
		{"escapes", `{"e":"a\"b\\c\/d\n\u00e9\ud83d\ude00"}`, false, "e=s:a\"b\\c/d\né😀", ""},
		{"flatten", `{"dns":{"rrname":"x.com","answers":[1]},"ts":"t"}`, true,
			`dns.answers=a:[1] dns.rrname=s:x.com dns=o:{"rrname":"x.com","answers":[1]} ts=s:t`, ""},
		{"empty", `{}`, false, "", ""},
		{"missing colon", `{"a" 1}`, false, "", "expected ':'"},
		{"trailing comma", `{"a":1,}`, false, "", "expected a string key"},
		{"unterminated", `{"a":"x`, false, "", "unterminated string"},
		{"garbage after", `{"a":1} x`, false, "", "unexpected data"},
		{"bad literal", `{"a":tru}`, false, "", "invalid literal"},
		{"not object", `[1]`, false, "", "expected '{'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := members(t, tc.flatten, tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

type result struct {
	line int64
	rec  string
	err  string
}

func readSource(t *testing.T, in string, o Options) ([]result, []record.Col) {
	t.Helper()
	s := NewSource(io.NopCloser(strings.NewReader(in)), o)
	var out []result
	for {
		fields, line, err := s.NextRecord()
		if err == io.EOF {
			break
		}
		var re *record.Error
		if err != nil && !(errors.As(err, &re) && re.Keep) {
			out = append(out, result{line: line, err: err.Error()})
			if re == nil {
				break
			}
			continue
		}
		var parts []string
		for _, f := range fields {
			if f == nil {
				parts = append(parts, "<nil>")
			} else {
				parts = append(parts, string(f))
			}
		}
		out = append(out, result{line: line, rec: strings.Join(parts, "|")})
	}
	return out, s.Columns()
}

func TestSourceArrayAndLines(t *testing.T) {
	array := "\ufeff[\n  {\"TimeGenerated [UTC]\": \"2/4/2021, 11:57:45.162 PM\", \"n\": 2},\n  {\"n\": null, \"x\": \"y\"},\n  {\"n\": 3 \"bad\": 1},\n  {\"n\": 4}\n]\n"
	got, cols := readSource(t, array, Options{Grow: true})
	if cols[0].Name != "TimeGenerated" || cols[0].Loc == nil {
		t.Errorf("columns %+v", cols)
	}
	want := []result{
		{line: 2, rec: "2/4/2021, 11:57:45.162 PM|2"},
		{line: 3, rec: "<nil>|<nil>|y"},
		{line: 4, err: "JSON syntax error"},
		{line: 5, rec: "<nil>|4|<nil>"},
	}
	check(t, got, want)

	lines := "{\"a\":1}\n\n{\"a\":2,\"b\":\"new\"}\n{\"a\":\n{\"a\":3}\n"
	got, _ = readSource(t, lines, Options{Columns: []record.Col{{Name: "a"}}})
	want = []result{
		{line: 1, rec: "1"},
		{line: 3, rec: "2"}, // "b" reported (Keep) and ignored
		{line: 4, err: "JSON syntax error"},
		{line: 5, rec: "3"},
	}
	check(t, got, want)
}

func TestSourceTruncatedArray(t *testing.T) {
	got, _ := readSource(t, "[{\"a\":1},\n{\"a\":\"unfinished", Options{Grow: true})
	if len(got) != 2 || got[0].rec != "1" || !strings.Contains(got[1].err, "unexpected end") {
		t.Errorf("got %+v", got)
	}
}

func check(t *testing.T, got, want []result) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	for i := range want {
		if got[i].line != want[i].line || got[i].rec != want[i].rec || !strings.Contains(got[i].err, want[i].err) || (want[i].err == "") != (got[i].err == "") {
			t.Errorf("record %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func FuzzScanner(f *testing.F) {
	for _, s := range []string{`{"s":"x","n":1,"o":{"k":[1,"]"]}}`, `{"e":"\ud83d\ude00\u12"}`, `{"a":{"b":{"c":null}}}`, `[{"a":1},{"b":2}]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc := Scanner{Flatten: true}
		_ = sc.Object([]byte(s), func(k, v []byte, kind Kind) {
			if kind == KNull && v != nil {
				t.Fatal("null with a value")
			}
		})
		src := NewSource(io.NopCloser(strings.NewReader(s)), Options{Grow: true, Flatten: true})
		for i := 0; i < 1000; i++ {
			_, _, err := src.NextRecord()
			var re *record.Error
			if err == io.EOF || (err != nil && !errors.As(err, &re)) {
				return
			}
		}
	})
}

func TestSourceInvalidUTF8(t *testing.T) {
	got, _ := readSource(t, "{\"a\":\"ok\"}\n{\"a\":\"bad\xff\"}\n", Options{Grow: true})
	if len(got) != 2 || got[1].rec != "bad\uFFFD" || got[1].line != 2 {
		t.Errorf("got %+v", got)
	}
}

// TestSourceArrayTrailingText is gap G1: text after the closing ']' of a
// JSON array is reported with its line; the elements before it are kept.
func TestSourceArrayTrailingText(t *testing.T) {
	tests := []struct {
		name, in string
		want     []result
	}{
		{"garbage on the same line", `[{"a":1},{"a":2},{"a":3}] trailing garbage {`, []result{
			{line: 1, rec: "1"}, {line: 1, rec: "2"}, {line: 1, rec: "3"},
			{line: 1, err: `text after the closing ] of the JSON array ignored: "trailing garbage {"`},
		}},
		{"second array lines later", "[\n{\"a\":1},\n{\"a\":2}\n]\n\n  [{\"a\":9}]\n", []result{
			{line: 2, rec: "1"}, {line: 3, rec: "2"},
			{line: 6, err: `ignored: "[{\"a\":9}]"`},
		}},
		{"white space only", "[{\"a\":1}]\n \r\n\t\n", []result{{line: 1, rec: "1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := readSource(t, tt.in, Options{Grow: true})
			check(t, got, tt.want)
		})
	}
}
