package check

import (
	"strconv"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

var testCatalog = MapCatalog{
	"Proc": types.Schema{
		{Name: "TimeGenerated", Type: types.DateTime}, {Name: "DeviceName", Type: types.String},
		{Name: "FileName", Type: types.String}, {Name: "ProcessCommandLine", Type: types.String},
		{Name: "AccountName", Type: types.String}, {Name: "ReportId", Type: types.Long},
	},
	"Net": types.Schema{
		{Name: "TimeGenerated", Type: types.DateTime}, {Name: "DeviceName", Type: types.String},
		{Name: "RemoteIP", Type: types.String}, {Name: "RemotePort", Type: types.Int},
	},
}

func TestNameChecks(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // expected error messages, in order ("" = none)
	}{
		{"valid", "Proc | where FileName == 'x' | project DeviceName", nil},
		{"unknown table", "Procs | take 1", []string{`1:1: unknown table "Procs"; did you mean "Proc"?`}},
		{"unknown column", "Proc | where FileNme == 'x'", []string{`1:14: unknown column "FileNme" (not in Proc); did you mean "FileName"?`}},
		{"case matters", "Proc | where filename == 'x'", []string{`1:14: unknown column "filename" (not in Proc); did you mean "FileName"?`}},
		{"extend creates", "Proc | extend Cmd = tolower(ProcessCommandLine) | where Cmd has 'x'", nil},
		{"extend uses earlier", "Proc | extend a = 1, b = a + 1", nil},
		{"project drops", "Proc | project FileName | where DeviceName == 'x'", []string{`1:33: unknown column "DeviceName"`}},
		{"project-away drops", "Proc | project-away File* | where FileName == 'x'", []string{`1:35: unknown column "FileName" (not in Proc)`}},
		{"project-rename", "Proc | project-rename Host = DeviceName | where Host == 'x' and DeviceName == 'y'", []string{`1:65: unknown column "DeviceName" (not in Proc)`}},
		{"summarize names", "Proc | summarize count(), dcount(AccountName), n = max(TimeGenerated) by DeviceName, bin(TimeGenerated, 1h) | where count_ > 1 and dcount_AccountName > 2 and n > ago(1d) and TimeGenerated > ago(1d)", nil},
		{"summarize drops", "Proc | summarize count() by DeviceName | where FileName == 'x'", []string{`1:48: unknown column "FileName"`}},
		{"arg_max star keeps all", "Proc | summarize arg_max(TimeGenerated, *) by DeviceName | project FileName, ProcessCommandLine", nil},
		{"let table", "let p = Proc | where FileName == 'x';\np | project DeviceName, Bad", []string{`2:25: unknown column "Bad" (not in Proc)`}},
		{"let scalar", "let n = 5; let names = dynamic(['a']);\nProc | where ReportId > n and FileName in (names)", nil},
		{"join on both", "Proc | join kind=inner (Net) on DeviceName | project FileName, RemoteIP", nil},
		{"join missing on right", "Proc | join (Net) on FileName", []string{`1:22: unknown column "FileName" (not in Net)`}},
		{"join left right", "Proc | join (Net) on $left.DeviceName == $right.RemoteIPs", []string{`1:49: unknown column "RemoteIPs" (not in Net); did you mean "RemoteIP"?`}},
		{"leftanti keeps left", "Proc | join kind=leftanti Net on DeviceName | project RemoteIP", []string{`1:55: unknown column "RemoteIP" (not in Proc)`}},
		{"parse adds", "Proc | parse ProcessCommandLine with * '-u ' User ' ' * | where User != ''", nil},
		{"mv-expand adds", "Proc | extend d = dynamic([1]) | mv-expand with_itemindex=i v = d | where v > 0 and i >= 0", nil},
		{"unknown source stops checks", "Other | where Anything == 1 | summarize count() by X | where Y > 1", []string{`1:1: unknown table "Other"`}},
		{"evaluate stops checks", "Proc | evaluate bag_unpack(x) | where NewCol == 1", nil},
		{"union of known tables", "union Proc, Net | where RemotePort == 443 and FileName == 'x'", nil},
		{"datatable", "datatable(a:string)['x'] | where a == 'x' | where b == 1", []string{`1:51: unknown column "b"; did you mean "a"?`}},
		{"toscalar inner checked", "let m = toscalar(Proc | summarize max(Bad));\nNet | where RemotePort > m", []string{`1:39: unknown column "Bad" (not in Proc)`}},
		{"function bodies not judged", "let f = (t:(*)) { t | where Whatever == 1 };\nf(Proc)", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Source("q", tc.src, Options{Catalog: testCatalog})
			var got []string
			for _, d := range r.Diags.Errors() {
				line, col := d.LineCol(tc.src)
				got = append(got, itoa(line)+":"+itoa(col)+": "+d.Msg)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
