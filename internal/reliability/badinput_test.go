package reliability

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/internal/cli"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/pack"
)

var observe = flag.Bool("observe", false, "print the observed outcome of every bad-input case as a cases.tsv line")

// badCase is one line of testdata/bad/cases.tsv.
type badCase struct {
	Path  string // relative to testdata/bad
	Entry string // query, import, parse or pack
	Arg   string // the table for query
	Code  int    // expected exit code (parse/pack: 0 ok, 2 error)
	Rows  int    // valid rows / indicators / statements that must be read
	Diag  string // substring the diagnostics must hold ("-": none required)
	Gap   string // non-empty: a known gap (SECURITY.md), case reported and skipped
}

// outcome is what an entry point did with one input.
type outcome struct {
	Code int
	Rows int
	Diag string // everything the entry point said (stderr or error text)
}

func badRoot(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "bad"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func readCases(t *testing.T) []badCase {
	t.Helper()
	f, err := os.Open(filepath.Join(badRoot(t), "cases.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []badCase
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Split(line, "\t")
		if len(fs) < 6 {
			t.Fatalf("cases.tsv:%d: want 6 or 7 tab-separated fields, got %d", n, len(fs))
		}
		code, err1 := strconv.Atoi(fs[3])
		rows, err2 := strconv.Atoi(fs[4])
		if err1 != nil || err2 != nil {
			t.Fatalf("cases.tsv:%d: bad code or rows", n)
		}
		c := badCase{Path: fs[0], Entry: fs[1], Arg: fs[2], Code: code, Rows: rows, Diag: fs[5]}
		if len(fs) > 6 {
			c.Gap = fs[6]
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestBadInputCorpus runs every file of testdata/bad through the entry point
// a user would hit (huntpack query over a folder, huntpack intel import,
// the KQL parser, the pack loader) and checks the exit code, the count of
// valid rows read around the bad ones, and the diagnostic naming file:line.
func TestBadInputCorpus(t *testing.T) {
	cases := readCases(t)
	root := badRoot(t)
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.Path] = true
	}
	// Every committed file has a case.
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == "cases.tsv" || filepath.Base(p) == "README.md" {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if !seen[filepath.ToSlash(rel)] {
			t.Errorf("testdata/bad/%s has no line in cases.tsv", rel)
		}
		return nil
	})
	for _, c := range cases {
		t.Run(c.Path, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(root, c.Path))
			if err != nil {
				t.Fatal(err)
			}
			checkCase(t, c, data)
		})
	}
}

// checkCase runs one case (committed or generated) and compares.
func checkCase(t *testing.T, c badCase, data []byte) {
	t.Helper()
	got := runEntry(t, c, data)
	if *observe {
		diag := firstLine(got.Diag)
		if strings.Count(got.Diag, "\n") > 1 {
			diag += fmt.Sprintf(" [+%d lines]", strings.Count(got.Diag, "\n")-1)
		}
		fmt.Printf("OBSERVED\t%s\t%s\t%s\t%d\t%d\t%s\n", c.Path, c.Entry, c.Arg, got.Code, got.Rows, diag)
	}
	var bad []string
	if got.Code != c.Code {
		bad = append(bad, fmt.Sprintf("exit code %d, want %d", got.Code, c.Code))
	}
	if got.Rows != c.Rows {
		bad = append(bad, fmt.Sprintf("%d rows read, want %d", got.Rows, c.Rows))
	}
	if c.Diag != "-" && !strings.Contains(got.Diag, c.Diag) {
		bad = append(bad, fmt.Sprintf("diagnostics lack %q", c.Diag))
	}
	if got.Code != 0 && !strings.Contains(got.Diag, filepath.Base(c.Path)) && c.Entry != "pack" {
		bad = append(bad, "failure message does not name the file")
	}
	if len(bad) == 0 {
		if c.Gap != "" {
			t.Logf("known gap %q no longer reproduces: update cases.tsv and SECURITY.md", c.Gap)
		}
		return
	}
	msg := fmt.Sprintf("%s via %s: %s\n--- diagnostics:\n%s", c.Path, c.Entry, strings.Join(bad, "; "), clip(got.Diag, 2000))
	if c.Gap != "" {
		t.Skipf("known gap (%s): %s", c.Gap, msg)
	}
	t.Error(msg)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return clip(s, 200)
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// runEntry dispatches to the entry point; each has a hard time budget so a
// hang fails the test instead of stalling CI.
func runEntry(t *testing.T, c badCase, data []byte) outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan outcome, 1)
	dir := t.TempDir()
	go func() {
		switch c.Entry {
		case "query":
			done <- runQuery(ctx, dir, c, data)
		case "import":
			done <- runImport(ctx, dir, c, data)
		case "parse":
			done <- runParse(c, data)
		case "pack":
			done <- runPack(dir, data)
		default:
			done <- outcome{Code: -1, Diag: "unknown entry " + c.Entry}
		}
	}()
	select {
	case o := <-done:
		return o
	case <-time.After(40 * time.Second):
		t.Fatalf("%s via %s: no answer in 40s (hang)", c.Path, c.Entry)
		return outcome{}
	}
}

func runCLI(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = cli.Run(ctx, args, cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Now: func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }})
	return code, out.String(), errb.String()
}

// runQuery puts the file alone in a folder under its own name and counts
// the table's rows with huntpack query.
func runQuery(ctx context.Context, dir string, c badCase, data []byte) outcome {
	if err := os.WriteFile(filepath.Join(dir, filepath.Base(c.Path)), data, 0o644); err != nil {
		return outcome{Code: -1, Diag: err.Error()}
	}
	code, out, errs := runCLI(ctx, "query", "--logs", dir, "--format", "csv", c.Arg+" | extend _all = tostring(pack_all()) | count")
	o := outcome{Code: code, Rows: -1, Diag: errs}
	lines := strings.Fields(out)
	if len(lines) == 2 {
		if n, err := strconv.Atoi(lines[1]); err == nil {
			o.Rows = n
		}
	}
	return o
}

// runImport imports the file into a fresh store with huntpack intel import
// and counts the indicators parsed.
func runImport(ctx context.Context, dir string, c badCase, data []byte) outcome {
	p := filepath.Join(dir, filepath.Base(c.Path))
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return outcome{Code: -1, Diag: err.Error()}
	}
	code, out, errs := runCLI(ctx, "intel", "--db", filepath.Join(dir, "intel.db"), "import", "--json", "--no-prune", p)
	o := outcome{Code: code, Diag: errs}
	var res []struct {
		Parsed int `json:"parsed"`
	}
	if strings.TrimSpace(out) != "" {
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			o.Diag += "\n(unreadable --json output: " + err.Error() + ")"
			o.Rows = -1
		}
	}
	for _, r := range res {
		o.Rows += r.Parsed
	}
	return o
}

// runParse parses the KQL text; rows counts the statements.
func runParse(c badCase, data []byte) outcome {
	file := filepath.Base(c.Path)
	q, diags := syntax.Parse(file, string(data))
	o := outcome{Rows: len(q.Stmts), Diag: diags.Format(file, string(data))}
	if diags.HasErrors() {
		o.Code = 2
	}
	return o
}

// runPack loads the file as a pack directory's pack.yaml; rows counts IOCs.
func runPack(dir string, data []byte) outcome {
	if err := os.WriteFile(filepath.Join(dir, pack.ManifestFile), data, 0o644); err != nil {
		return outcome{Code: -1, Diag: err.Error()}
	}
	p, err := pack.Load(dir)
	if err != nil {
		return outcome{Code: 2, Diag: err.Error()}
	}
	return outcome{Rows: len(p.IOCs)}
}
