package rows

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

func TestBatch(t *testing.T) {
	cols := []Column{{"t", "datetime"}, {"n", "long"}, {"i", "System.Int32"}, {"r", "real"}, {"b", "bool"}, {"s", "string"}, {"d", "dynamic"}, {"ts", "timespan"}, {"g", "guid"}}
	data := [][]any{
		{"2023-02-20T11:04:02.6371632Z", json.Number("9007199254740993"), 7.0, "NaN", false, "x", `{"a":[1,2]}`, "1.02:03:04", "00000000-0000-0000-0000-000000000001"},
		{nil, nil, nil, nil, nil, nil, nil, nil, nil},
	}
	b, err := Batch(cols, data)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2023-02-20T11:04:02.6371632Z", "9007199254740993", "7", "NaN", "false", "x", `{"a":[1,2]}`, "1.02:03:04", "00000000-0000-0000-0000-000000000001"}
	for j, w := range want {
		if got := types.FormatValue(b.Cols[j].Value(0)); got != w {
			t.Errorf("column %s = %q, want %q", cols[j].Name, got, w)
		}
		if !cols[j].isStrs() && !b.Cols[j].Value(1).IsNull() {
			t.Errorf("column %s: null not kept", cols[j].Name)
		}
	}
}

func TestBatchErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		col Column
		v   any
	}{
		"fractional long": {Column{"n", "long"}, 1.5},
		"bad datetime":    {Column{"t", "datetime"}, "yesterday"},
		"bool as string":  {Column{"b", "bool"}, "maybe"},
		"number as time":  {Column{"t", "datetime"}, 5.0},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Batch([]Column{tc.col}, [][]any{{tc.v}})
			if err == nil || !strings.Contains(err.Error(), "row 0, column "+tc.col.Name) {
				t.Errorf("err = %v", err)
			}
		})
	}
	if _, err := Batch([]Column{{"a", "string"}}, [][]any{{"x", "y"}}); err == nil {
		t.Error("wide row accepted")
	}
}

func FuzzValue(f *testing.F) {
	f.Add("datetime", `"2023-02-20T11:04:02Z"`)
	f.Add("long", `12`)
	f.Add("dynamic", `"{\"a\":1}"`)
	f.Add("timespan", `"1.00:00:00"`)
	f.Fuzz(func(t *testing.T, typ, js string) {
		var v any
		dec := json.NewDecoder(strings.NewReader(js))
		dec.UseNumber()
		if dec.Decode(&v) != nil {
			return
		}
		Value(TypeOf(typ), v) // must not panic
	})
}

// isStrs: string and guid columns keep no nulls in types.Column.
func (c Column) isStrs() bool { return TypeOf(c.Type).UsesStrs() }
