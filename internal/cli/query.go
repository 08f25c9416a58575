package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/huntpack/huntpack/internal/output"
	"github.com/huntpack/huntpack/kql/exec"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs"
)

func init() { register(20, newQueryCmd) }

type queryOptions struct {
	logs      []string
	tables    []string
	format    string
	file      string
	strict    bool
	maxRows   int
	maxMemory string
	timeout   time.Duration
}

func newQueryCmd(ctx context.Context, env Env) *cobra.Command {
	var o queryOptions
	cmd := &cobra.Command{
		Use:   "query [--logs DIR]... [--format table|csv|json|jsonl] (-f FILE.kql | 'QUERY')",
		Short: "Run one KQL query over local log files",
		Long: `Run one KQL query over local log files with the embedded engine.

Tables bind to files in each --logs DIR by name: <Table>.csv, <Table>.json (an array
of objects), <Table>.jsonl and <Table>_<anything>.<ext>, each optionally .gz or .zst;
all files that match one name form one table. --table NAME=GLOB binds files explicitly.
Known Sentinel, Defender and ASIM tables get their column types from the embedded
schemas; other tables get inferred types.

Errors in the query are printed as file:line:col with the source line and a caret,
and exit with code 2. Malformed data rows are reported with file and line and
counted; --strict makes the first one fatal.

With --format csv, json or jsonl, rows are written while the query produces them
(a large summarize is never held whole); a query that fails part-way leaves the
rows written so far and exits non-zero. --format table needs every row first.`,
		Example: `  huntpack query --logs examples/remcos/logs -f examples/remcos/queries/03_DnsEvents_domains.kql
  huntpack query --logs ./exports --format csv 'CommonSecurityLog | where DestinationPort == 8080 | take 5'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runQuery(cmd.Context(), env, o, args)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.logs, "logs", nil, "folder of log files (repeatable; default: current folder)")
	f.StringArrayVar(&o.tables, "table", nil, "bind a table to files explicitly: NAME=GLOB (repeatable)")
	f.StringVar(&o.format, "format", "table", "output format: table, csv, json or jsonl")
	f.StringVarP(&o.file, "file", "f", "", "read the query from this .kql file")
	f.BoolVar(&o.strict, "strict", false, "fail on the first malformed data row")
	f.IntVar(&o.maxRows, "max-rows", 0, "cap on result rows per table (0: no cap)")
	f.StringVar(&o.maxMemory, "max-memory", "", "cap on the memory a query holds: joins, summarize, sort, mv-expand, make_set... (e.g. 2GB)")
	f.DurationVar(&o.timeout, "timeout", 0, "stop the query after this long (e.g. 30s)")
	return cmd
}

func runQuery(ctx context.Context, env Env, o queryOptions, args []string) error {
	file, src, err := querySource(env, o.file, args)
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	if !validFormat(o.format, output.Formats...) {
		return exitf(ExitBadInput, "unknown --format %q (want table, csv, json or jsonl)", o.format)
	}
	limit, err := parseBytes(o.maxMemory)
	if err != nil {
		return withCode(ExitBadInput, fmt.Errorf("--max-memory: %w", err))
	}
	q, diags := syntax.Parse(file, src)
	if diags.HasErrors() {
		fmt.Fprint(env.Stderr, diags.Format(file, src))
		return &ExitError{Code: ExitBadInput}
	}
	dirs := o.logs
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	bind, err := parseBindings(o.tables)
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	cat, err := logs.Open(logs.OpenOptions{Dirs: dirs, Tables: bind, Strict: o.strict})
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	opts := exec.Options{Catalog: cat, Now: env.now(), MaxRows: o.maxRows, MaxMemory: limit}
	if o.format != "table" {
		return streamQuery(ctx, env, q, opts, o.format, file, src)
	}
	res, err := exec.Run(ctx, q, opts)
	if err != nil {
		printWarnings(env, res)
		return reportRunError(ctx, env, file, src, err)
	}
	tables := make([]output.Table, len(res.Tables))
	for i, t := range res.Tables {
		tables[i] = output.Table{Name: t.Name, Batch: t.Batch}
	}
	if err := output.Write(env.Stdout, o.format, tables); err != nil {
		return withCode(ExitBackend, err)
	}
	printWarnings(env, res)
	return nil
}

// streamQuery runs q writing its rows to stdout as the engine produces
// them (csv, json, jsonl): the result is never held whole. A failed write
// stops the query and exits 3; a query that fails after some rows were
// written leaves them written (the error goes to stderr and the exit code
// says it failed).
func streamQuery(ctx context.Context, env Env, q *syntax.Query, opts exec.Options, format, file, src string) error {
	st, err := output.NewStream(env.Stdout, format)
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	sink := &streamSink{s: st}
	res, err := exec.RunTo(ctx, q, opts, sink)
	if err == nil {
		err = sink.keep(st.Close())
	}
	printWarnings(env, res)
	if sink.err != nil {
		return withCode(ExitBackend, sink.err)
	}
	if err != nil {
		return reportRunError(ctx, env, file, src, err)
	}
	return nil
}

// streamSink hands the engine's result batches to an output.Stream and
// remembers the first write error. For CSV and JSON lines batches are
// formatted by the goroutines that produce them, and only written in turn.
type streamSink struct {
	s   *output.Stream
	mu  sync.Mutex
	err error
}

var streamBufs = sync.Pool{New: func() any { return new([]byte) }}

func (a *streamSink) keep(err error) error {
	if err != nil {
		a.mu.Lock()
		if a.err == nil {
			a.err = err
		}
		a.mu.Unlock()
	}
	return err
}

func (a *streamSink) ConcurrentBatches() bool { return a.s.Concurrent() }

func (a *streamSink) BeginTable(t exec.TableInfo) error {
	return a.keep(a.s.BeginTable(t.Name, t.Schema, t.Index, t.Count))
}

func (a *streamSink) Batch(b *types.Batch) error {
	if !a.s.Concurrent() {
		return a.keep(a.s.Batch(b))
	}
	bp := streamBufs.Get().(*[]byte)
	defer streamBufs.Put(bp)
	buf, err := a.s.FormatBatch((*bp)[:0], b)
	*bp = buf
	if err != nil {
		return a.keep(err)
	}
	a.mu.Lock()
	err = a.s.WriteFormatted(buf)
	if err != nil && a.err == nil {
		a.err = err
	}
	a.mu.Unlock()
	return err
}

func (a *streamSink) EndTable() error { return a.keep(a.s.EndTable()) }

// maxPrintedWarnings bounds the malformed-row lines printed to stderr; the
// count always covers all of them.
const maxPrintedWarnings = 20

// printWarnings reports notes and malformed input on stderr, so that no
// skipped row goes unmentioned.
func printWarnings(env Env, res *exec.Result) {
	if res == nil {
		return
	}
	for _, n := range res.Notes {
		fmt.Fprintf(env.Stderr, "note: %s\n", n)
	}
	ws := res.Stats.Warnings
	for i, w := range ws {
		if i == maxPrintedWarnings {
			fmt.Fprintf(env.Stderr, "warning: ... and %d more\n", len(ws)-i)
			break
		}
		fmt.Fprintf(env.Stderr, "warning: %s\n", w)
	}
	if res.Stats.Malformed > 0 {
		fmt.Fprintf(env.Stderr, "warning: %d input problems were reported: unreadable records are skipped, values that do not convert become null (--strict stops at the first)\n", res.Stats.Malformed)
	}
}

// querySource returns the query's file name (for diagnostics) and text.
func querySource(env Env, file string, args []string) (string, string, error) {
	switch {
	case file != "" && len(args) > 0:
		return "", "", errors.New("give the query either with -f FILE or as an argument, not both")
	case file == "-":
		b, err := readAllLimit(env.Stdin, maxQueryBytes)
		return "<stdin>", string(b), err
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", fmt.Errorf("reading query: %w", err)
		}
		return file, string(b), nil
	case len(args) == 1:
		return "<query>", args[0], nil
	}
	return "", "", errors.New("no query: give -f FILE.kql or the query text as an argument")
}

func parseBindings(specs []string) (map[string][]string, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	out := map[string][]string{}
	for _, s := range specs {
		name, glob, ok := strings.Cut(s, "=")
		if !ok || name == "" || glob == "" {
			return nil, fmt.Errorf("--table %q: want NAME=GLOB", s)
		}
		out[name] = append(out[name], glob)
	}
	return out, nil
}

// reportRunError prints an engine error the way a user needs it and maps
// it to an exit code: query errors with a position get file:line:col, the
// source line and a caret (exit 2); a timeout or memory cap says which
// limit was hit (exit 2); anything else is a failure to read or run (3).
func reportRunError(ctx context.Context, env Env, file, src string, err error) error {
	var de *syntax.DiagError
	switch {
	case errors.As(err, &de):
		fmt.Fprint(env.Stderr, de.Diags.Format(file, src))
		return &ExitError{Code: ExitBadInput}
	case errors.Is(err, exec.ErrMemoryLimit):
		return exitf(ExitBadInput, "%v (raise --max-memory, or narrow the query)", err)
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		return exitf(ExitBadInput, "query stopped: --timeout reached (%v)", err)
	case errors.Is(err, context.Canceled):
		return exitf(ExitBadInput, "query interrupted")
	}
	return withCode(ExitBackend, err)
}
