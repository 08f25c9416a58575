package output

import (
	"bytes"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

func sample(t *testing.T) []Table {
	t.Helper()
	s := types.Schema{{Name: "When", Type: types.DateTime}, {Name: "Ip", Type: types.String}, {Name: "Port", Type: types.Int}, {Name: "Bag", Type: types.Dynamic}}
	b := types.NewBatch(s, 2)
	ts, err := types.ParseDateTime("2026-05-23T09:14:02.12Z")
	if err != nil {
		t.Fatal(err)
	}
	b.Cols[0].Append(types.DateTimeValue(ts))
	b.Cols[1].Append(types.StringValue("46.151.182.76"))
	b.Cols[2].Append(types.IntValue(8080))
	b.Cols[3].Append(types.DynamicValue(map[string]any{"a": []any{int64(1), "x,y"}}))
	b.Cols[0].AppendNull()
	b.Cols[1].Append(types.StringValue("line\nbreak \"q\""))
	b.Cols[2].AppendNull()
	b.Cols[3].AppendNull()
	b.Len = 2
	return []Table{{Name: "PrimaryResult", Batch: b}}
}

func TestWrite(t *testing.T) {
	tests := []struct {
		format, want string
	}{
		{"csv", "When,Ip,Port,Bag\n2026-05-23T09:14:02.12Z,46.151.182.76,8080,\"{\"\"a\"\":[1,\"\"x,y\"\"]}\"\n,\"line\nbreak \"\"q\"\"\",,\n"},
		{"jsonl", "{\"When\":\"2026-05-23T09:14:02.12Z\",\"Ip\":\"46.151.182.76\",\"Port\":8080,\"Bag\":{\"a\":[1,\"x,y\"]}}\n{\"When\":null,\"Ip\":\"line\\nbreak \\\"q\\\"\",\"Port\":null,\"Bag\":null}\n"},
		{"json", "[\n  {\"When\":\"2026-05-23T09:14:02.12Z\",\"Ip\":\"46.151.182.76\",\"Port\":8080,\"Bag\":{\"a\":[1,\"x,y\"]}},\n  {\"When\":null,\"Ip\":\"line\\nbreak \\\"q\\\"\",\"Port\":null,\"Bag\":null}\n]\n"},
		{"table", "When                     Ip                 Port  Bag\n-----------------------  -----------------  ----  ---------------\n2026-05-23T09:14:02.12Z  46.151.182.76      8080  {\"a\":[1,\"x,y\"]}\n                         line\\nbreak \\\"q\\\"\n(2 rows)\n"},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tc.format, sample(t)); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tc.want {
				t.Errorf("Write(%s):\ngot  %q\nwant %q", tc.format, got, tc.want)
			}
		})
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "xml", nil); err == nil {
		t.Fatal("want an error for an unknown format")
	}
}

func TestCell(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"plain", 6, "plain"},
		{"a\x1b[2Jb", 20, `a\x1b[2Jb`},
		{"0123456789", 6, "01234…"},
		{"bad\xffutf8", 20, `bad\xffutf8`},
	}
	for _, tc := range tests {
		if got := Cell(tc.in, tc.width); got != tc.want {
			t.Errorf("Cell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
