package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func runFunctions(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), append([]string{"functions"}, args...), Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader("")})
	return code, out.String(), errb.String()
}

func TestFunctionsCommand(t *testing.T) {
	t.Run("table", func(t *testing.T) {
		code, out, _ := runFunctions(t)
		if code != ExitOK {
			t.Fatalf("exit %d", code)
		}
		if !strings.HasPrefix(out, "NAME") || !strings.Contains(out, "ipv4_is_private") || !strings.Contains(out, "arg_max") {
			t.Errorf("table output missing header or functions:\n%.500s", out)
		}
	})
	t.Run("json filter", func(t *testing.T) {
		code, out, _ := runFunctions(t, "--format", "json", "ipv4_is_priv")
		if code != ExitOK {
			t.Fatalf("exit %d", code)
		}
		var es []struct{ Name, Kind, Signature, Doc, URL string }
		if err := json.Unmarshal([]byte(out), &es); err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 || es[0].Name != "ipv4_is_private" || es[0].URL != "https://learn.microsoft.com/kusto/query/ipv4-is-private-function" {
			t.Errorf("json = %+v", es)
		}
	})
	t.Run("md", func(t *testing.T) {
		code, out, _ := runFunctions(t, "--format", "md", "make_set")
		if code != ExitOK {
			t.Fatalf("exit %d", code)
		}
		want := "| [make\\_set](https://learn.microsoft.com/kusto/query/make-set-aggregation-function) | aggregate |"
		if !strings.Contains(out, want) {
			t.Errorf("md output lacks %q:\n%s", want, out)
		}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n != 5 {
				t.Errorf("row with %d cell separators: %s", n, line)
			}
		}
	})
	t.Run("no match gives empty json array", func(t *testing.T) {
		code, out, _ := runFunctions(t, "--format", "json", "no_such_function_xyz")
		if code != ExitOK || strings.TrimSpace(out) != "[]" {
			t.Errorf("exit %d, out %q", code, out)
		}
	})
	t.Run("bad format", func(t *testing.T) {
		code, _, errOut := runFunctions(t, "--format", "xml")
		if code != ExitBadInput || !strings.Contains(errOut, "--format") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
}
