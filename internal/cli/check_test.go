package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckCommand(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.kql")
	bad := filepath.Join(dir, "bad.kql")
	if err := os.WriteFile(good, []byte("let x = 1;\nprint y = x + 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("print a\n| where (\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantOut  string
	}{
		{"valid file", []string{"check", "--no-schema", good}, "", ExitOK, ""},
		{"invalid file", []string{"check", "--no-schema", good, bad}, "", ExitFindings,
			bad + ":2:10: expected an expression, found end of query\n| where (\n         ^\n"},
		{"stdin", []string{"check", "--no-schema", "-"}, "T | take", ExitFindings,
			"-:1:9: expected an expression, found end of query\nT | take\n        ^\n"},
		{"json", []string{"check", "--no-schema", "--format", "json", good, bad}, "", ExitFindings,
			`{"file":"` + good + `","ok":true,"diagnostics":[]}` + "\n" +
				`{"file":"` + bad + `","ok":false,"diagnostics":[{"line":2,"col":10,"severity":"error","message":"expected an expression, found end of query"}]}` + "\n"},
		{"schema: unknown column", []string{"check", "-"}, "DeviceProcessEvents\n| where FileNme has 'x'", ExitFindings,
			"-:2:9: unknown column \"FileNme\" (not in DeviceProcessEvents); did you mean \"FileName\"?\n| where FileNme has 'x'\n        ^~~~~~~\n"},
		{"schema: unknown table", []string{"check", "-"}, "DeviceProcesEvents | take 1", ExitFindings,
			"-:1:1: unknown table \"DeviceProcesEvents\"; did you mean \"DeviceProcessEvents\"?\nDeviceProcesEvents | take 1\n^~~~~~~~~~~~~~~~~~\n"},
		{"schema: pipeline columns", []string{"check", "-"}, "DnsEvents | extend D = tolower(Name) | summarize n = count() by D | where n > 5", ExitOK, ""},
		{"set is ignored with a note", []string{"check", "--no-schema", "-"}, "set notruncation;\nT | take 1", ExitOK,
			"-:1:5: info: set option \"notruncation\" is ignored\nset notruncation;\n    ^~~~~~~~~~~~\n"},
		{"missing file", []string{"check", filepath.Join(dir, "nope.kql")}, "", ExitBadInput, ""},
		{"bad format", []string{"check", "--format", "xml", good}, "", ExitBadInput, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			env := Env{Stdin: strings.NewReader(tc.stdin), Stdout: &out, Stderr: &errb}
			code := Run(context.Background(), tc.args, env)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.wantCode, errb.String())
			}
			if out.String() != tc.wantOut {
				t.Errorf("stdout:\n%q\nwant:\n%q", out.String(), tc.wantOut)
			}
			if strings.Contains(strings.Join(tc.args, " "), "--format json") {
				for _, ln := range strings.Split(strings.TrimSpace(out.String()), "\n") {
					var v map[string]any
					if err := json.Unmarshal([]byte(ln), &v); err != nil {
						t.Errorf("not JSON: %q", ln)
					}
				}
			}
		})
	}
}
