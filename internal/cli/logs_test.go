package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeGzip(t *testing.T, path, text string) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(text))
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLogsLs(t *testing.T) {
	dir := t.TempDir()
	csv := "\ufeffTimeGenerated [UTC],SourceIP,DestinationPort\n" +
		"\"11/20/2020, 4:20:29.443 PM\",10.0.0.1,443\n" +
		"\"11/20/2020, 4:21:00.000 PM\",10.0.0.2,not-a-port\n" +
		"short\n"
	if err := os.WriteFile(filepath.Join(dir, "CommonSecurityLog.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	writeGzip(t, filepath.Join(dir, "MyApp_CL_2024.jsonl.gz"), "{\"TimeGenerated\":\"2024-01-02T03:04:05Z\",\"n\":1}\n{\"TimeGenerated\":\"2024-01-03T03:04:05Z\",\"n\":2}\n")
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello\n"), 0o644)

	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"logs", "ls", "--logs", dir}, Env{Stdout: &out, Stderr: &errb})
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	text := out.String()
	for _, want := range []string{
		"CommonSecurityLog", "csv", "2020-11-20T16:20:29.443Z", "2020-11-20T16:21:00Z",
		"MyApp_CL", "json+gzip", "2024-01-02T03:04:05Z", "2024-01-03T03:04:05Z",
		"not recognised (1):", "notes.txt: format not recognised",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{
		"CommonSecurityLog.csv:3: column DestinationPort: cannot convert \"not-a-port\" to int; using null",
		"CommonSecurityLog.csv:4: record has 1 fields, header has 3; skipped",
	} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}

	out.Reset()
	errb.Reset()
	code = Run(context.Background(), []string{"logs", "ls", "--logs", dir, "--format", "json", "--warnings", "1"}, Env{Stdout: &out, Stderr: &errb})
	if code != ExitOK {
		t.Fatalf("json exit %d", code)
	}
	var got struct {
		Files []struct {
			Table     string
			Rows      int64
			Malformed int64
			Problems  []string
		}
		Unrecognised []struct{ File string }
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Files) != 2 || got.Files[0].Rows != 2 || got.Files[0].Malformed != 2 || got.Files[1].Rows != 2 || len(got.Unrecognised) != 1 {
		t.Errorf("json %+v", got)
	}
	if len(got.Files[0].Problems) != 1 || !strings.Contains(got.Files[0].Problems[0], "CommonSecurityLog.csv:3: column DestinationPort") || errb.Len() != 0 {
		t.Errorf("json problems %v, stderr %q", got.Files[0].Problems, errb.String())
	}
}

func TestLogsLsBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"logs", "ls"},
		{"logs", "ls", "--logs", "/nonexistent/dir"},
		{"logs", "ls", "--table", "noequals"},
		{"logs", "ls", "--table", "T=/nonexistent/*.csv"},
		{"logs", "ls", "--logs", ".", "--format", "xml"},
	} {
		var out, errb bytes.Buffer
		if code := Run(context.Background(), args, Env{Stdout: &out, Stderr: &errb}); code != ExitBadInput {
			t.Errorf("%v: exit %d, want %d", args, code, ExitBadInput)
		}
	}
}
