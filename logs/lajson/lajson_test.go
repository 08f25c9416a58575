package lajson

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/logs/record"
)

func TestRead(t *testing.T) {
	tests := []struct {
		name, in string
		kind     Kind
		cols     string
		rows     int
		warn     int
		wantErr  string
	}{
		{"la", `{"tables":[{"name":"PrimaryResult","columns":[{"name":"Category","type":"string"},{"name":"count_","type":"long"}],"rows":[["Administrative",20839],["Alert",64]]}]}`,
			LogAnalytics, "Category:string count_:long", 2, 0, ""},
		{"la partial", `{"tables":[{"name":"PrimaryResult","columns":[{"name":"a","type":"int"}],"rows":[[1]]}],"error":{"code":"PartialError","message":"too many rows"}}`,
			LogAnalytics, "a:int", 1, 1, ""},
		{"la error only", `{"error":{"code":"BadArgumentError","message":"syntax"}}`, "", "", 0, 0, "BadArgumentError"},
		{"adx v2", `[{"FrameType":"DataSetHeader"},{"FrameType":"DataTable","TableKind":"QueryProperties","Columns":[],"Rows":[]},{"FrameType":"DataTable","TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":[{"ColumnName":"t","ColumnType":"datetime"},{"ColumnName":"d","ColumnType":"dynamic"}],"Rows":[["2022-01-06T13:01:34Z",{"a":1}]]},{"FrameType":"DataSetCompletion"}]`,
			ADXv2, "t:datetime d:dynamic", 1, 0, ""},
		{"adx v1", `{"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName":"x","DataType":"Int64"},{"ColumnName":"b","DataType":"Boolean"}],"Rows":[[1,true]]}]}`,
			ADXv1, "x:long b:bool", 1, 0, ""},
		{"bad type", `{"tables":[{"name":"P","columns":[{"name":"a","type":"blob"}],"rows":[]}]}`, LogAnalytics, "", 0, 0, "unknown type"},
		{"syntax", "{\"tables\":[\n{\"name\":\n}", LogAnalytics, "", 0, 0, "line 3: JSON syntax error"},
		{"no primary", `[{"FrameType":"DataSetHeader"}]`, ADXv2, "", 0, 0, "no PrimaryResult"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if k, ok := Sniff([]byte(tc.in)); tc.kind != "" && (!ok || k != tc.kind) {
				t.Errorf("Sniff = %s %v", k, ok)
			}
			res, err := Read(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var cols []string
			for _, c := range res.Columns {
				cols = append(cols, c.Name+":"+c.Type.String())
			}
			if strings.Join(cols, " ") != tc.cols || len(res.Rows) != tc.rows || len(res.Warnings) != tc.warn {
				t.Errorf("cols %v rows %d warnings %v", cols, len(res.Rows), res.Warnings)
			}
		})
	}
}

func TestSourceRows(t *testing.T) {
	in := `{"tables":[{"name":"P","columns":[{"name":"s","type":"string"},{"name":"n","type":"real"},{"name":"d","type":"dynamic"}],"rows":[["a\"b",null,"{\"k\":1}"],["x"],{"oops":1},["y",1.5,[1]]]}]}`
	p := filepath.Join(t.TempDir(), "r.json")
	os.WriteFile(p, []byte(in), 0o600)
	src, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	fields := make([][]byte, 3)
	var got []string
	for {
		clear(fields)
		n, err := src.Next(fields)
		if err == io.EOF {
			break
		}
		if re, ok := err.(*record.Error); ok {
			got = append(got, "error "+re.Msg[:5]+" at "+string(rune('0'+n)))
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
		got = append(got, strings.Join(parts, "|"))
	}
	want := `a"b|<nil>|{"k":1};error row 2 at 2;error row 3 at 3;y|1.5|[1]`
	if strings.Join(got, ";") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, ";"), want)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(`{"tables":[{"name":"P","columns":[{"name":"a","type":"int"}],"rows":[[1],[null]]}]}`)
	f.Add(`[{"FrameType":"DataTable","TableKind":"PrimaryResult","Columns":[{"ColumnName":"t","ColumnType":"datetime"}],"Rows":[["x"]]}]`)
	f.Fuzz(func(t *testing.T, s string) {
		Sniff([]byte(s))
		res, err := Read(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, r := range res.Rows {
			valueText(r)
		}
	})
}
