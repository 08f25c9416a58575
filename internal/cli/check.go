package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/huntpack/huntpack/kql/check"
	"github.com/spf13/cobra"
)

func init() { register(60, newCheckCmd) }

type checkOptions struct {
	format   string
	noSchema bool
	flavour  string
}

func newCheckCmd(ctx context.Context, env Env) *cobra.Command {
	var o checkOptions
	cmd := &cobra.Command{
		Use:   "check [flags] FILE...",
		Short: "Check KQL files for syntax errors and unknown tables/columns",
		Long: `check parses each KQL file with huntpack's KQL parser and, unless --no-schema is
given, checks table and column names against the embedded Sentinel / Defender XDR /
ASIM table catalog (columns created by extend, project, summarize, parse ... are
tracked through the pipeline). A file name "-" reads standard input.

Text output prints each diagnostic as file:line:col: message, then the source line
and a caret under the problem. JSON output prints one object per file and line:
{"file":..., "ok":..., "diagnostics":[{"line":..,"col":..,"severity":..,"message":..}]}.

Exit status: 0 when every file is valid, 1 when any file has an error, 2 when a
file cannot be read or the flags are wrong.`,
		Example: `  huntpack check hunts/*.kql
  huntpack check --format json query.kql
  huntpack check --flavour defenderxdr m365d/*.kql
  echo 'DeviceProcessEvents | where FileNme has "x"' | huntpack check -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(env, o, args)
		},
	}
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&o.noSchema, "no-schema", false, "check syntax only, not table and column names")
	cmd.Flags().StringVar(&o.flavour, "flavour", "", `schema flavour: "" (Sentinel / Log Analytics) or "defenderxdr"`)
	return cmd
}

// checkJSON is the JSON shape of one checked file.
type checkJSON struct {
	File        string          `json:"file"`
	OK          bool            `json:"ok"`
	Diagnostics []checkJSONDiag `json:"diagnostics"`
}

type checkJSONDiag struct {
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

func runCheck(env Env, o checkOptions, files []string) error {
	if o.format != "text" && o.format != "json" {
		return exitf(ExitBadInput, "--format must be text or json, not %q", o.format)
	}
	if o.flavour != "" && o.flavour != "defenderxdr" {
		return exitf(ExitBadInput, "--flavour must be empty or defenderxdr, not %q", o.flavour)
	}
	opts := check.Options{}
	if !o.noSchema {
		opts.Catalog = check.EmbeddedCatalog(o.flavour)
	}
	var results []*check.Result
	for _, f := range files {
		src, err := readCheckInput(env, f)
		if err != nil {
			return withCode(ExitBadInput, err)
		}
		results = append(results, check.Source(f, src, opts))
	}
	failed := false
	for _, r := range results {
		if !r.OK() {
			failed = true
		}
		if err := writeCheckResult(env.Stdout, o.format, r); err != nil {
			return withCode(ExitBadInput, fmt.Errorf("writing output: %w", err))
		}
	}
	if failed {
		return &ExitError{Code: ExitFindings}
	}
	return nil
}

func readCheckInput(env Env, name string) (string, error) {
	if name == "-" {
		if env.Stdin == nil {
			return "", fmt.Errorf("-: no standard input")
		}
		b, err := io.ReadAll(env.Stdin)
		if err != nil {
			return "", fmt.Errorf("reading standard input: %w", err)
		}
		return string(b), nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", name, err)
	}
	return string(b), nil
}

func writeCheckResult(w io.Writer, format string, r *check.Result) error {
	if format == "text" {
		_, err := io.WriteString(w, r.Diags.Format(r.File, r.Src))
		return err
	}
	out := checkJSON{File: r.File, OK: r.OK(), Diagnostics: []checkJSONDiag{}}
	for _, d := range r.Diags {
		line, col := d.LineCol(r.Src)
		out.Diagnostics = append(out.Diagnostics, checkJSONDiag{Line: line, Col: col, Severity: d.Severity.String(), Message: d.Msg})
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
