package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// runCLI runs huntpack in-process and returns its exit code, stdout and stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errb,
		Now:    func() time.Time { return time.Date(2026, 5, 26, 0, 0, 0, 0, time.UTC) },
	})
	return code, out.String(), errb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

const remcos = "../../examples/remcos"

var seedQueries = []string{
	"01_CommonSecurityLog_ips",
	"02_DeviceNetworkEvents_ips",
	"03_DnsEvents_domains",
}

// TestSeedQueriesGolden runs the seed's three queries verbatim over the
// example exports, in every output format.
func TestSeedQueriesGolden(t *testing.T) {
	for _, q := range seedQueries {
		for _, format := range []string{"csv", "json", "jsonl", "table"} {
			t.Run(q+"/"+format, func(t *testing.T) {
				code, out, errOut := runCLI(t, "", "query", "--logs", remcos+"/logs", "--format", format, "-f", remcos+"/queries/"+q+".kql")
				if code != ExitOK || errOut != "" {
					t.Fatalf("exit %d, stderr:\n%s", code, errOut)
				}
				golden(t, q+"."+format, out)
			})
		}
	}
}

// TestSeedQueriesEveryExportShape checks the seed queries find the same
// rows in plain ISO CSV, JSON arrays and split gzip JSONL exports as in the
// portal CSV export.
func TestSeedQueriesEveryExportShape(t *testing.T) {
	for _, q := range seedQueries {
		_, want, _ := runCLI(t, "", "query", "--logs", remcos+"/logs", "--format", "csv", "-f", remcos+"/queries/"+q+".kql")
		for _, shape := range []string{"iso-csv", "json", "jsonl-gz"} {
			t.Run(q+"/"+shape, func(t *testing.T) {
				code, got, errOut := runCLI(t, "", "query", "--logs", "testdata/exports/"+shape, "--format", "csv", "-f", remcos+"/queries/"+q+".kql")
				if code != ExitOK {
					t.Fatalf("exit %d, stderr:\n%s", code, errOut)
				}
				if got != want {
					t.Errorf("%s export gives\n%s\nportal CSV gives\n%s", shape, got, want)
				}
			})
		}
	}
}

func TestQueryErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		stdin   string
		code    int
		wantErr string
	}{
		{
			name:    "unknown column",
			args:    []string{"query", "--logs", remcos + "/logs", "DnsEvents\n| where Nmae has 'x'"},
			code:    ExitBadInput,
			wantErr: "<query>:2:9: unknown column or variable \"Nmae\" (did you mean \"Name\"?)\n| where Nmae has 'x'\n        ^~~~\n",
		},
		{
			name:    "unknown table",
			args:    []string{"query", "--logs", remcos + "/logs", "DnsEvent | take 1"},
			code:    ExitBadInput,
			wantErr: "<query>:1:1: unknown table \"DnsEvent\" (did you mean \"DnsEvents\"?)\nDnsEvent | take 1\n^~~~~~~~\n",
		},
		{
			name:    "syntax error from stdin",
			args:    []string{"query", "--logs", remcos + "/logs", "-f", "-"},
			stdin:   "DnsEvents\n| where Name has 'x' |",
			code:    ExitBadInput,
			wantErr: "<stdin>:2:23: expected a query operator, found end of query\n| where Name has 'x' |\n                      ^\n",
		},
		{
			name:    "no query",
			args:    []string{"query", "--logs", remcos + "/logs"},
			code:    ExitBadInput,
			wantErr: "huntpack: no query: give -f FILE.kql or the query text as an argument\n",
		},
		{
			name:    "bad format",
			args:    []string{"query", "--format", "xml", "print 1"},
			code:    ExitBadInput,
			wantErr: "huntpack: unknown --format \"xml\" (want table, csv, json or jsonl)\n",
		},
		{
			name:    "unknown flag",
			args:    []string{"query", "--frmat", "csv", "print 1"},
			code:    ExitBadInput,
			wantErr: "huntpack: unknown flag: --frmat\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d", code, tc.code)
			}
			if errOut != tc.wantErr {
				t.Errorf("stderr:\n%q\nwant:\n%q", errOut, tc.wantErr)
			}
		})
	}
}

// TestQueryInline covers the constructs of the foundation issue on a
// datatable, so it needs no files.
func TestQueryInline(t *testing.T) {
	q := `let names = dynamic(["sls.in.net", "EVIL.example"]);
datatable(Name:string, Port:int)["www.sls.in.net", 1, "xsls.in.net", 2, "evil.EXAMPLE", 3, "sls.in.net.", 4, "", 5]
| where Name has_any (names) or Port in (5)
| order by Port asc
| project Name, Port`
	code, out, errOut := runCLI(t, "", "query", "--format", "csv", q)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "Name,Port\nwww.sls.in.net,1\nevil.EXAMPLE,3\nsls.in.net.,4\n,5\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}
