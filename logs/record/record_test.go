package record

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/types"
)

func ticks(t *testing.T, s string) int64 {
	t.Helper()
	v, err := types.ParseDateTime(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParseHeader(t *testing.T) {
	tests := []struct {
		in, name, zone string
		wantErr        bool
	}{
		{"TimeGenerated [UTC]", "TimeGenerated", "UTC", false},
		{"TimeGenerated [Pacific Time (US and Canada) Tijuana]", "TimeGenerated", "America/Tijuana", false},
		{"StartTime [UTC+02:00]", "StartTime", "UTC+02:00", false},
		{"EndTime [Europe/Berlin]", "EndTime", "Europe/Berlin", false},
		{"Foo [Nowhere Land]", "Foo", "", true},
		{"Plain", "Plain", "", false},
		{"", "Column4", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			c, err := ParseHeader(tc.in, 3)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if c.Name != tc.name {
				t.Errorf("name %q, want %q", c.Name, tc.name)
			}
			if tc.zone != "" && (c.Loc == nil || c.Loc.String() != tc.zone) {
				t.Errorf("zone %v, want %s", c.Loc, tc.zone)
			}
		})
	}
}

func TestParseDateTimeIn(t *testing.T) {
	tijuana, _ := Zone("Pacific Time (US and Canada) Tijuana")
	tests := []struct {
		in    string
		loc   *time.Location
		epoch bool
		want  string
	}{
		{"11/20/2020, 4:20:29.443 PM", nil, false, "2020-11-20T16:20:29.443Z"},
		{"10/26/2021, 2:16:58.298 PM", tijuana, false, "2021-10-26T21:16:58.298Z"}, // PDT = UTC-7
		{"1/5/2021, 2:16:58.298 PM", tijuana, false, "2021-01-05T22:16:58.298Z"},   // PST = UTC-8
		{"2020-07-22T23:17:03.406Z", tijuana, false, "2020-07-22T23:17:03.406Z"},   // explicit zone wins
		{"2016-05-24T23:27:01.960780+0000", nil, false, "2016-05-24T23:27:01.96078Z"},
		{"1692161622.036086", nil, true, "2023-08-16T04:53:42.036086Z"},
		{"7/8/2019 16:08", nil, false, "2019-07-08T16:08:00Z"},
		{"2023-02-20T11:04:02.6371632Z", nil, false, "2023-02-20T11:04:02.6371632Z"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := ParseDateTimeIn([]byte(tc.in), tc.loc, tc.epoch)
			if !ok {
				t.Fatal("not parsed")
			}
			if s := types.FormatDateTime(got); s != tc.want {
				t.Errorf("got %s, want %s", s, tc.want)
			}
		})
	}
	if _, ok := ParseDateTimeIn([]byte("yesterday"), nil, false); ok {
		t.Error("parsed nonsense")
	}
}

func TestConvert(t *testing.T) {
	tests := []struct {
		in      string
		typ     types.Type
		want    string
		null    bool
		wantErr bool
	}{
		{"42", types.Long, "42", false, false},
		{"1.61248E+12", types.Long, "1612480000000", false, false},
		{"1.5", types.Long, "", true, true},
		{"null", types.Long, "", true, false},
		{"", types.Int, "", true, false},
		{"99999999999", types.Int, "", true, true},
		{"null", types.String, "null", false, false},
		{"True", types.Bool, "true", false, false},
		{"3.25", types.Real, "3.25", false, false},
		{`{"a":[1,2]}`, types.Dynamic, `{"a":[1,2]}`, false, false},
		{"plain", types.Dynamic, "plain", false, false},
		{"01:02:03", types.TimeSpan, "01:02:03", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.typ.String()+"/"+tc.in, func(t *testing.T) {
			v, err := Convert([]byte(tc.in), tc.typ, nil, false)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if v.IsNull() != tc.null {
				t.Fatalf("null = %v", v.IsNull())
			}
			if !tc.null && types.FormatValue(v) != tc.want {
				t.Errorf("got %q, want %q", types.FormatValue(v), tc.want)
			}
		})
	}
}

func TestInferrer(t *testing.T) {
	cols := []Col{{Name: "n"}, {Name: "r"}, {Name: "d"}, {Name: "b"}, {Name: "j"}, {Name: "s"}, {Name: "e"}, {Name: "ts", Epoch: true}}
	in := NewInferrer(cols)
	rows := [][]string{
		{"1", "1.5", "2020-07-22T23:17:03.406Z", "true", `{"a":1}`, "x", "", "1692161622.036086"},
		{"-7", "2", "11/20/2020, 4:20:29.443 PM", "False", `[1]`, "12", "null", "1692161623"},
		{"null", "", "", "", "", "", "", ""},
	}
	for _, r := range rows {
		fields := make([][]byte, len(r))
		for i, s := range r {
			fields[i] = []byte(s)
		}
		in.Add(fields)
	}
	want := []types.Type{types.Long, types.Real, types.DateTime, types.Bool, types.Dynamic, types.String, types.String, types.DateTime}
	got := in.Types()
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("column %s: %v, want %v", cols[i].Name, got[i], want[i])
		}
	}
}

// memSource is a record.Source over in-memory rows.
type memSource struct {
	cols []Col
	rows [][]string
	errs map[int]*Error
	i    int
}

func (m *memSource) Columns() []Col { return m.cols }
func (m *memSource) Close() error   { return nil }
func (m *memSource) Next(fields [][]byte) (int64, error) {
	if m.i >= len(m.rows) {
		return int64(m.i + 1), io.EOF
	}
	m.i++
	if e, ok := m.errs[m.i]; ok {
		return int64(m.i), e
	}
	for j, s := range m.rows[m.i-1] {
		if s == "<nil>" {
			fields[j] = nil
		} else {
			fields[j] = []byte(s)
		}
	}
	return int64(m.i), nil
}

func TestRunProjectionFilterWarnings(t *testing.T) {
	table := types.Schema{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "SourceIP", Type: types.String}, {Name: "DestinationPort", Type: types.Int}, {Name: "Missing", Type: types.Long}}
	src := &memSource{
		cols: []Col{{Name: "DestinationPort"}, {Name: "SourceIP"}, {Name: "TimeGenerated"}},
		rows: [][]string{
			{"443", "10.0.0.1", "2020-07-22T23:17:03Z"},
			{"bad", "10.0.0.2", "2020-07-22T23:17:04Z"},
			{"53", "192.168.1.1", "2020-07-22T23:17:05Z"},
			{"", "", ""},
			{"80", "10.0.0.9", "not a date"},
		},
		errs: map[int]*Error{4: {Line: 4, Msg: "record has 1 fields, header has 3; skipped"}},
	}
	opts := types.ScanOptions{
		Columns: []string{"SourceIP", "DestinationPort", "Missing", "TimeGenerated"},
		Filter:  &types.RawFilter{Columns: []string{"SourceIP"}, Keep: func(f [][]byte) bool { return strings.HasPrefix(string(f[0]), "10.") }},
		Stats:   &types.ScanStats{},
	}
	plan, err := NewPlan(table, src.Columns(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	sink := NewSink(plan, SinkOptions{File: "f.csv", Stats: opts.Stats, Emit: func(b *types.Batch) error {
		if len(b.Schema) != 4 || b.Schema[0].Name != "SourceIP" {
			t.Errorf("schema %v", b.Schema)
		}
		for i := 0; i < b.Len; i++ {
			var parts []string
			for _, v := range b.Row(i) {
				if v.IsNull() {
					parts = append(parts, "null")
				} else {
					parts = append(parts, types.FormatValue(v))
				}
			}
			got = append(got, strings.Join(parts, "|"))
		}
		return nil
	}})
	if err := Run(context.Background(), src, sink); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"10.0.0.1|443|null|2020-07-22T23:17:03Z",
		"10.0.0.2|null|null|2020-07-22T23:17:04Z",
		"10.0.0.9|80|null|null",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	ws := opts.Stats.Warnings()
	if len(ws) != 3 || opts.Stats.Malformed != 3 || opts.Stats.Rows != 4 {
		t.Fatalf("warnings %v malformed %d rows %d", ws, opts.Stats.Malformed, opts.Stats.Rows)
	}
	if ws[0].String() != `f.csv:2: column DestinationPort: cannot convert "bad" to int; using null` {
		t.Errorf("warning text %q", ws[0].String())
	}
	if ws[1].Line != 4 {
		t.Errorf("skipped record warning at line %d", ws[1].Line)
	}

	// Strict: the first problem is an error naming file:line.
	src.i = 0
	plan, _ = NewPlan(table, src.Columns(), types.ScanOptions{})
	sink = NewSink(plan, SinkOptions{File: "f.csv", Strict: true, Emit: func(*types.Batch) error { return nil }})
	err = Run(context.Background(), src, sink)
	if err == nil || !strings.HasPrefix(err.Error(), "f.csv:2: column DestinationPort") {
		t.Errorf("strict error = %v", err)
	}
}

func TestNewPlanErrors(t *testing.T) {
	table := types.Schema{{Name: "A", Type: types.String}}
	if _, err := NewPlan(table, nil, types.ScanOptions{Columns: []string{"B"}}); err == nil {
		t.Error("projection of unknown column accepted")
	}
	if _, err := NewPlan(table, nil, types.ScanOptions{Filter: &types.RawFilter{Columns: []string{"B"}, Keep: func([][]byte) bool { return true }}}); err == nil {
		t.Error("filter on unknown column accepted")
	}
}

func FuzzConvert(f *testing.F) {
	for _, s := range []string{"42", "1.61248E+12", "11/20/2020, 4:20:29.443 PM", "1692161622.036086", `{"a":1}`, "null", "01:02:03", "true"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range []types.Type{types.Bool, types.Int, types.Long, types.Real, types.DateTime, types.TimeSpan, types.String, types.Dynamic} {
			v, err := Convert([]byte(s), typ, time.UTC, true)
			if err != nil && !v.IsNull() {
				t.Fatalf("error with non-null value for %q as %v", s, typ)
			}
		}
		in := NewInferrer([]Col{{Name: "x"}})
		in.Add([][]byte{[]byte(s)})
		typ := in.Types()[0]
		if _, err := Convert([]byte(s), typ, nil, false); err != nil {
			t.Fatalf("inferred %v for %q but it does not convert: %v", typ, s, err)
		}
	})
}
