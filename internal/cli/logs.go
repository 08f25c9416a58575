package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs"
	"github.com/spf13/cobra"
)

func init() { register(70, newLogsCmd) }

func newLogsCmd(ctx context.Context, env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "logs",
		Short: "Inspect local log files and the tables they feed",
		Long: `logs shows how huntpack binds local log files to tables. Files bind by name
(<Table>.csv, <Table>.json, <Table>.jsonl, <Table>_<anything>.<ext>, each optionally
.gz or .zst) or explicitly with --table NAME=GLOB; raw logs (CEF, Zeek, Sysmon,
Suricata EVE, Windows DNS debug logs) are recognised by content whatever their name.`,
		Example: "  huntpack logs ls --logs ./logs\n  huntpack logs ls --logs ./logs --table CommonSecurityLog='exports/fw_*.csv.gz'",
	}
	cmd.AddCommand(newLogsLsCmd(ctx, env))
	return cmd
}

type logsLsOptions struct {
	dirs     []string
	tables   []string
	format   string
	warnings int
	flavour  string
	infer    int
}

func newLogsLsCmd(ctx context.Context, env Env) *cobra.Command {
	var o logsLsOptions
	cmd := &cobra.Command{
		Use:   "ls --logs DIR [--table NAME=GLOB]...",
		Short: "List which file feeds which table, with row counts and time ranges",
		Long: `ls reads every log file once and prints, per file: the table it feeds, its
format and compression, its row count, malformed records, and the time range of the
table's time column (TimeGenerated, else Timestamp). Files in the directories that
feed no table are listed as not recognised. Problems (malformed records, values
that do not convert) are printed with file and line on stderr (text format) or
listed in each file's "problems" (json format), up to --warnings per file.

Exit status: 0 listed, 2 bad flags or unreadable directory.`,
		Example: `  huntpack logs ls --logs ./logs
  huntpack logs ls --logs ./exports --table CommonSecurityLog='fw/*.csv' --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLogsLs(cmd.Context(), env, o)
		},
	}
	cmd.Flags().StringArrayVar(&o.dirs, "logs", nil, "directory of log files (repeatable)")
	cmd.Flags().StringArrayVar(&o.tables, "table", nil, "bind files to a table: NAME=GLOB (repeatable)")
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text or json")
	cmd.Flags().IntVar(&o.warnings, "warnings", 5, "problems printed per file (0: none)")
	cmd.Flags().StringVar(&o.flavour, "flavour", "", `schema flavour: "" (Sentinel) or "defenderxdr"`)
	cmd.Flags().IntVar(&o.infer, "infer-rows", 1000, "records per file sampled to find columns and infer types (-1: all)")
	return cmd
}

func runLogsLs(ctx context.Context, env Env, o logsLsOptions) error {
	if o.format != "text" && o.format != "json" {
		return exitf(ExitBadInput, "--format must be text or json, not %q", o.format)
	}
	if len(o.dirs) == 0 && len(o.tables) == 0 {
		return exitf(ExitBadInput, "give --logs DIR or --table NAME=GLOB")
	}
	tables, err := logs.ParseTableFlags(o.tables)
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	if o.infer == 0 {
		return exitf(ExitBadInput, "--infer-rows must be positive or -1")
	}
	cat, err := logs.Open(logs.OpenOptions{Dirs: o.dirs, Tables: tables, Flavour: o.flavour, InferRows: o.infer})
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	sums, err := cat.Inventory(ctx)
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	for _, s := range sums {
		if o.format == "json" {
			break // problems are in the JSON
		}
		for i, w := range s.Warnings {
			if i >= o.warnings {
				fmt.Fprintf(env.Stderr, "%s: ... %d more problems\n", s.Path, len(s.Warnings)-i)
				break
			}
			fmt.Fprintf(env.Stderr, "%s\n", w.String())
		}
	}
	if o.format == "json" {
		return writeLogsJSON(env.Stdout, sums, cat.Unrecognised(), o.warnings)
	}
	return writeLogsText(env.Stdout, sums, cat.Unrecognised())
}

func timeText(s logs.FileSummary, ticks int64) string {
	if !s.HasTime {
		return "-"
	}
	return types.FormatDateTime(ticks)
}

func writeLogsText(w io.Writer, sums []logs.FileSummary, unrec []logs.Unrecognised) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tFILE\tFORMAT\tROWS\tMALFORMED\tFROM\tTO")
	for _, s := range sums {
		format := string(s.Format)
		if s.Compression != "" {
			format += "+" + s.Compression
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\n", s.Table, s.Path, format, s.Rows, s.Malformed, timeText(s, s.MinTime), timeText(s, s.MaxTime))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(unrec) > 0 {
		fmt.Fprintf(w, "\nnot recognised (%d):\n", len(unrec))
		for _, u := range unrec {
			fmt.Fprintf(w, "  %s: %s\n", u.Path, u.Reason)
		}
	}
	return nil
}

type logsFileJSON struct {
	Table       string `json:"table"`
	File        string `json:"file"`
	Format      string `json:"format"`
	Compression string `json:"compression,omitempty"`
	Bytes       int64  `json:"bytes"`
	Rows        int64  `json:"rows"`
	Malformed   int64  `json:"malformed"`
	TimeColumn  string `json:"time_column,omitempty"`
	From        string `json:"from,omitempty"`
	To          string `json:"to,omitempty"`
	// Problems are the first --warnings problems ("file:line: message").
	Problems []string `json:"problems,omitempty"`
}

type logsUnrecJSON struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

func writeLogsJSON(w io.Writer, sums []logs.FileSummary, unrec []logs.Unrecognised, maxProblems int) error {
	out := struct {
		Files        []logsFileJSON  `json:"files"`
		Unrecognised []logsUnrecJSON `json:"unrecognised"`
	}{Files: []logsFileJSON{}, Unrecognised: []logsUnrecJSON{}}
	for _, s := range sums {
		f := logsFileJSON{Table: s.Table, File: s.Path, Format: string(s.Format), Compression: s.Compression,
			Bytes: s.Size, Rows: s.Rows, Malformed: s.Malformed, TimeColumn: s.TimeColumn}
		if s.HasTime {
			f.From, f.To = types.FormatDateTime(s.MinTime), types.FormatDateTime(s.MaxTime)
		}
		for i, p := range s.Warnings {
			if i >= maxProblems {
				break
			}
			f.Problems = append(f.Problems, p.String())
		}
		out.Files = append(out.Files, f)
	}
	for _, u := range unrec {
		out.Unrecognised = append(out.Unrecognised, logsUnrecJSON{File: u.Path, Reason: u.Reason})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
