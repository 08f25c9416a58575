package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/huntpack/huntpack/hunt"
	"github.com/huntpack/huntpack/hunt/local"
	"github.com/huntpack/huntpack/hunt/packspec"
	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs"
	"github.com/huntpack/huntpack/pack"
	"github.com/huntpack/huntpack/remote/adx"
	"github.com/huntpack/huntpack/remote/sentinel"
	"github.com/huntpack/huntpack/report"
)

func init() { register(40, newHuntCmd) }

// Remote client options; tests point them at local servers with a fake
// credential. Empty options mean the real endpoints and the SDK's default
// credential chain.
var (
	huntSentinelOptions sentinel.Options
	huntADXOptions      adx.Options
)

// huntOptions are the flags of `huntpack hunt`.
type huntOptions struct {
	logDirs        []string
	tables         []string
	workspace      string
	adxTarget      string
	from, to       string
	lookback       string
	format         string
	out            string
	failOnFindings bool
	quiet          bool
	strict         bool
	evidence       int
	rows           int
	maxHits        int
	maxMemory      string
	queryTimeout   time.Duration
	flavour        string
}

func newHuntCmd(ctx context.Context, env Env) *cobra.Command {
	o := &huntOptions{}
	cmd := &cobra.Command{
		Use:   "hunt PACK",
		Short: "Run a hunt pack locally over log files, or on Sentinel / ADX, and report findings",
		Long: `hunt runs every query of the hunt pack in directory PACK and reports, per query,
the hits and the rows, and per IOC: the hits, first and last hit, distinct hosts and
users, the tables and queries that matched, hits dated before the IOC's first_seen, and
capped evidence rows (the cap is stated).

Every hit is credited to one finding. An ip:port IOC gets only the hits where its
port matched too ("ip:port"); a hit on the IP of ip:port IOCs on another port, or
with no port in the row, is one "ip only" hit of that IP (listed once per IP with the
IOC ports), never a hit of every IOC on the IP. Rows of generated packs name their
IOC in the IOC column and are credited to exactly that IOC. The table, md and html
reports list the IOCs with hits and count the others; json and csv keep every IOC.

Backends (pick one):
  --logs DIR          local: the embedded KQL engine over log files (repeatable);
                      default: the pack's own logs/ folder
  --workspace ID      Sentinel / Log Analytics workspace (ID, a GUID)
  --adx CLUSTER/DB    Azure Data Explorer, e.g. https://c.westeurope.kusto.windows.net/Logs
Remote backends authenticate with the Azure SDK's default credential chain
(environment, workload or managed identity, Azure CLI login); no secret is taken on
the command line.

Exclusions: a query line "| where not(...)" tagged "// exclusion: NAME" (or generated
by 'pack build') is a false-positive exclusion. Suppressed hits are never invisible:
the query also runs without its exclusion lines, and the report gives, per scenario
and per IOC, how many hits the exclusions removed.

Time window: --lookback 14d (relative to now) or --from/--to (ISO 8601). Generated
queries' "let lookback = ...;" is set to match; local runs also bound TimeGenerated /
Timestamp of every table. Remote runs send the window with the request (Log
Analytics timespan, ADX datetime scope on TimeGenerated); there, since ago() counts
from the service's clock, --from/--to sets lookback to reach back to --from from now.

Output goes to stdout (or -o FILE, written atomically); progress and the run summary
go to stderr (--quiet silences them). Local progress is the share of the scanned
table's bytes read from disk (moving through a large file as it is read), its files,
the rows read and rows/s: a bar redrawn on a terminal, a plain line every 5 s
otherwise. The summary gives, per table, the rows, files, bytes and malformed rows,
and the time and rows/s. Ctrl-C stops cleanly: the report then covers the
queries that ran and says it was interrupted.

Exit codes:
  0  ran (hits or not, unless --fail-on-findings)
  1  ran and found hits, with --fail-on-findings
  2  bad input or usage (no such pack, bad flag, a query the backend rejects)
  3  backend failure (logs unreadable, authentication, throttling, network),
     or the run was interrupted`,
		Example: `  huntpack hunt examples/remcos
  huntpack hunt examples/remcos --format html -o report.html
  huntpack hunt ./packs/remcos --logs /var/exports --lookback 30d --fail-on-findings
  huntpack hunt ./packs/remcos --workspace 11111111-2222-3333-4444-555555555555 --lookback 14d --format md
  huntpack hunt ./packs/remcos --adx https://mycluster.westeurope.kusto.windows.net/SecurityLogs --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHunt(cmd.Context(), env, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.logDirs, "logs", nil, "directory of log files (repeatable; default PACK/logs)")
	f.StringArrayVar(&o.tables, "table", nil, "bind files to a table: NAME=GLOB (repeatable)")
	f.StringVar(&o.workspace, "workspace", "", "run on this Sentinel / Log Analytics workspace ID")
	f.StringVar(&o.adxTarget, "adx", "", "run on Azure Data Explorer: CLUSTER-URI/DATABASE")
	f.StringVar(&o.from, "from", "", "window start, ISO 8601 (e.g. 2026-05-01 or 2026-05-01T00:00:00Z)")
	f.StringVar(&o.to, "to", "", "window end (exclusive), ISO 8601; default now")
	f.StringVar(&o.lookback, "lookback", "", "window: this far back from now, a KQL timespan (14d, 12h)")
	f.StringVar(&o.format, "format", "table", "report format: "+strings.Join(report.Formats, ", "))
	f.StringVarP(&o.out, "output", "o", "", "write the report to FILE (atomically) instead of stdout")
	f.BoolVar(&o.failOnFindings, "fail-on-findings", false, "exit 1 when any query has hits")
	f.BoolVar(&o.quiet, "quiet", false, "no progress or summary on stderr")
	f.BoolVar(&o.strict, "strict", false, "a malformed log record is an error (exit 3), not a warning")
	f.IntVar(&o.evidence, "evidence", hunt.DefaultEvidencePerIOC, "evidence rows kept per IOC")
	f.IntVar(&o.rows, "rows", hunt.DefaultRowsPerQuery, "rows kept per query")
	f.IntVar(&o.maxHits, "max-hits", 1_000_000, "local: stop reading a query's result after this many rows (reported as a warning; 0: no limit)")
	f.StringVar(&o.maxMemory, "max-memory", "", "local: cap on the memory each query holds (joins, summarize, sort...; e.g. 2GB); a query over it fails and the hunt goes on")
	f.DurationVar(&o.queryTimeout, "query-timeout", 0, "stop any one query after this long (e.g. 10m); it is reported as failed and the hunt goes on")
	f.StringVar(&o.flavour, "flavour", "", `local schema flavour: "" (Sentinel) or "defenderxdr"`)
	return cmd
}

func runHunt(ctx context.Context, env Env, dir string, o *huntOptions) error {
	if !validFormat(o.format, report.Formats...) {
		return exitf(ExitBadInput, "unknown --format %q (want one of %s)", o.format, strings.Join(report.Formats, ", "))
	}
	if _, err := parseBytes(o.maxMemory); err != nil {
		return withCode(ExitBadInput, fmt.Errorf("--max-memory: %w", err))
	}
	if o.queryTimeout < 0 {
		return exitf(ExitBadInput, "--query-timeout %v: want a positive duration", o.queryTimeout)
	}
	now := env.now().UTC()
	win, span, err := huntWindow(o, now)
	if err == nil && o.lookback == "" && !win.From.IsZero() && (o.workspace != "" || o.adxTarget != "") {
		span, err = huntRemoteSpan(win, now)
	}
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	p, err := pack.Load(dir)
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	spec, err := packspec.FromPack(p, span)
	if err != nil {
		return withCode(ExitBadInput, fmt.Errorf("%s: %w", dir, err))
	}
	be, lb, err := huntBackend(o, dir, now, win)
	if err != nil {
		return err
	}
	prog := newHuntProgress(env, o.quiet, lb, len(spec.Queries))
	res, runErr := hunt.Run(ctx, spec, be, hunt.Options{
		Window: win, Limits: hunt.Limits{EvidencePerIOC: o.evidence, RowsPerQuery: o.rows},
		Now: env.Now, OnQuery: prog.onQuery, QueryTimeout: o.queryTimeout,
	})
	prog.stop()
	if err := huntWrite(env, o, res); err != nil {
		return err
	}
	if !o.quiet {
		huntSummary(env.Stderr, res, len(spec.Queries))
	}
	return huntExit(res, runErr, o.failOnFindings)
}

// huntWindow turns --from/--to/--lookback into a window and the lookback
// span generated queries get ("" to keep theirs).
func huntWindow(o *huntOptions, now time.Time) (hunt.Window, string, error) {
	var w hunt.Window
	if o.lookback != "" && (o.from != "" || o.to != "") {
		return w, "", errors.New("use either --lookback or --from/--to, not both")
	}
	if o.lookback != "" {
		ticks, ok := types.ParseTimeSpanLiteral(o.lookback)
		if !ok || ticks <= 0 {
			return w, "", fmt.Errorf("--lookback %q: want a positive KQL timespan such as 14d, 12h or 30m", o.lookback)
		}
		w.From, w.To = now.Add(-time.Duration(ticks*100)), now
		return w, o.lookback, nil
	}
	for _, f := range []struct {
		name, val string
		dst       *time.Time
	}{{"--from", o.from, &w.From}, {"--to", o.to, &w.To}} {
		if f.val == "" {
			continue
		}
		ticks, err := types.ParseDateTime(f.val)
		if err != nil {
			return w, "", fmt.Errorf("%s: %w", f.name, err)
		}
		*f.dst = types.TimeFromTicks(ticks)
	}
	if w.From.IsZero() {
		return w, "", nil
	}
	end := w.To
	if end.IsZero() {
		end = now
	}
	if !end.After(w.From) {
		return w, "", fmt.Errorf("--from %s is not before --to %s", w.From.Format(time.RFC3339), end.Format(time.RFC3339))
	}
	return w, fmt.Sprintf("%ds", int64(end.Sub(w.From).Seconds()+0.999)), nil
}

// huntRemoteSpan is the lookback generated queries get on a remote
// service for a --from/--to window: the service's ago() counts back from
// its own clock (now), not from --to, so the lookback reaches back to
// --from from now; the window itself, sent with the request (Log
// Analytics timespan, ADX datetime scope), bounds both ends.
func huntRemoteSpan(w hunt.Window, now time.Time) (string, error) {
	if !now.After(w.From) {
		return "", fmt.Errorf("--from %s is not in the past: a remote service's ago() counts back from its own clock", w.From.Format(time.RFC3339))
	}
	return fmt.Sprintf("%ds", int64(now.Sub(w.From).Seconds()+0.999)), nil
}

var huntGUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// huntBackend picks the backend; the local one is also returned for
// progress.
func huntBackend(o *huntOptions, dir string, now time.Time, w hunt.Window) (hunt.Backend, *local.Backend, error) {
	remote := 0
	for _, s := range []string{o.workspace, o.adxTarget} {
		if s != "" {
			remote++
		}
	}
	if remote > 1 || (remote == 1 && (len(o.logDirs) > 0 || len(o.tables) > 0)) {
		return nil, nil, exitf(ExitBadInput, "pick one backend: --logs/--table, --workspace or --adx")
	}
	switch {
	case o.workspace != "":
		if !huntGUID.MatchString(o.workspace) {
			return nil, nil, exitf(ExitBadInput, "--workspace %q: want the workspace ID, a GUID such as 11111111-2222-3333-4444-555555555555 (Log Analytics workspace > Overview > Workspace ID)", o.workspace)
		}
		c, err := sentinel.New(o.workspace, huntSentinelOptions)
		if err != nil {
			return nil, nil, withCode(ExitBackend, err)
		}
		return &sentinel.Backend{Client: c, Workspace: o.workspace}, nil, nil
	case o.adxTarget != "":
		i := strings.LastIndex(o.adxTarget, "/")
		if i <= 0 || i == len(o.adxTarget)-1 || !strings.Contains(o.adxTarget[:i], ".") {
			return nil, nil, exitf(ExitBadInput, "--adx %q: want CLUSTER-URI/DATABASE, e.g. https://mycluster.westeurope.kusto.windows.net/SecurityLogs", o.adxTarget)
		}
		cluster := o.adxTarget[:i]
		if !strings.Contains(cluster, "://") {
			cluster = "https://" + cluster
		}
		c, err := adx.New(cluster, o.adxTarget[i+1:], huntADXOptions)
		if err != nil {
			return nil, nil, withCode(ExitBackend, err)
		}
		return &adx.Backend{Client: c, Target: o.adxTarget}, nil, nil
	}
	return huntLocal(o, dir, now, w)
}

func huntLocal(o *huntOptions, dir string, now time.Time, w hunt.Window) (hunt.Backend, *local.Backend, error) {
	dirs := o.logDirs
	if len(dirs) == 0 && len(o.tables) == 0 {
		d := filepath.Join(dir, "logs")
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return nil, nil, exitf(ExitBadInput, "no --logs given and %s is not a directory (or use --workspace / --adx)", d)
		}
		dirs = []string{d}
	}
	tables := map[string][]string{}
	for _, t := range o.tables {
		name, glob, ok := strings.Cut(t, "=")
		if !ok || name == "" || glob == "" {
			return nil, nil, exitf(ExitBadInput, "--table %q: want NAME=GLOB", t)
		}
		tables[name] = append(tables[name], glob)
	}
	cat, err := logs.Open(logs.OpenOptions{Dirs: dirs, Tables: tables, Strict: o.strict, Flavour: o.flavour})
	if err != nil {
		return nil, nil, withCode(ExitBackend, err)
	}
	qnow := now
	if !w.To.IsZero() {
		qnow = w.To // ago(lookback) then ends where the window ends
	}
	maxMem, _ := parseBytes(o.maxMemory) // checked in runHunt
	lb := local.New(cat, local.Options{Name: "local logs " + strings.Join(dirs, ", "), Now: qnow, MaxRows: o.maxHits, MaxMemory: maxMem})
	return lb, lb, nil
}

// huntWrite renders the report to stdout or, atomically, to -o FILE.
func huntWrite(env Env, o *huntOptions, res *hunt.Result) error {
	ropts := report.Options{}
	if o.out == "" {
		if err := report.Write(env.Stdout, o.format, res, ropts); err != nil {
			return withCode(ExitBackend, err)
		}
		return nil
	}
	err := writeOutput(o.out, func(w io.Writer) error { return report.Write(w, o.format, res, ropts) })
	if err != nil {
		return withCode(ExitBackend, fmt.Errorf("writing %s: %w", o.out, err))
	}
	return nil
}

// huntExit maps the run's outcome to an exit code.
func huntExit(res *hunt.Result, runErr error, failOnFindings bool) error {
	switch {
	case res.Interrupted:
		done := 0
		for _, q := range res.Queries {
			if q.Error == "" {
				done++
			}
		}
		return exitf(ExitBackend, "interrupted after %d of the pack's queries; the report covers those", done)
	case runErr == nil:
	case huntBackendFailure(runErr):
		return withCode(ExitBackend, runErr)
	default:
		return withCode(ExitBadInput, runErr)
	}
	if failOnFindings && res.Totals.Hits > 0 {
		return &ExitError{Code: ExitFindings}
	}
	return nil
}

// huntBackendFailure reports whether any query failed for a reason other
// than a rejected query.
func huntBackendFailure(err error) bool {
	var qs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		qs = j.Unwrap()
	} else {
		qs = []error{err}
	}
	for _, e := range qs {
		if !errors.Is(e, hunt.ErrQuery) {
			return true
		}
	}
	return false
}

// huntSummary ends every run: rows scanned per table, files, malformed
// rows, time and rate.
func huntSummary(w io.Writer, res *hunt.Result, queries int) {
	s := res.Scan
	fmt.Fprintf(w, "huntpack: ran %d of %d queries on %s in %s: %d hits",
		len(res.Queries), queries, res.Backend, res.Elapsed.Round(time.Millisecond), res.Totals.Hits)
	if res.Totals.Suppressed > 0 {
		fmt.Fprintf(w, " (+%d suppressed by exclusions)", res.Totals.Suppressed)
	}
	fmt.Fprintln(w)
	for _, t := range s.Tables {
		fmt.Fprintf(w, "  %-28s %10d rows  %4d files  %10s  %d malformed\n", t.Name, t.Rows, t.Files, huntBytes(t.Bytes), t.Malformed)
	}
	if len(s.Tables) > 0 {
		fmt.Fprintf(w, "  %-28s %10d rows  %4d files  %10s  %d malformed  %.0f rows/s\n", "total", s.Rows, s.Files, huntBytes(s.Bytes), s.Malformed, s.RowsPerSecond())
	}
	for _, warn := range s.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warn)
	}
	if n := s.Malformed - int64(len(s.Warnings)); n > 0 && len(s.Warnings) > 0 {
		fmt.Fprintf(w, "  (%d more malformed records not listed; run with --strict to stop at the first)\n", n)
	}
	for _, q := range res.Queries {
		if q.Error != "" {
			fmt.Fprintf(w, "  query %s FAILED: %s\n", q.Name, q.Error)
		}
		for _, warn := range q.Warnings {
			fmt.Fprintf(w, "  query %s: warning: %s\n", q.Name, warn)
		}
	}
}

func huntBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Progress intervals: a terminal gets a redrawn bar, anything else a
// plain line now and then.
var (
	huntBarInterval   = 200 * time.Millisecond
	huntPlainInterval = 5 * time.Second
)

// huntProgress shows progress on stderr while a hunt runs.
type huntProgress struct {
	w     io.Writer
	tty   bool
	lb    *local.Backend
	n     int
	start time.Time
	cur   atomic.Int32
	name  atomic.Value
	done  chan struct{}
	wg    sync.WaitGroup
}

func newHuntProgress(env Env, quiet bool, lb *local.Backend, n int) *huntProgress {
	p := &huntProgress{w: env.Stderr, tty: env.StderrIsTerminal, lb: lb, n: n, start: time.Now(), done: make(chan struct{})}
	p.name.Store("")
	if quiet || env.Stderr == nil {
		p.w = nil
		return p
	}
	every := huntPlainInterval
	if p.tty {
		every = huntBarInterval
	}
	p.wg.Add(1)
	go p.loop(every)
	return p
}

func (p *huntProgress) onQuery(i, n int, q hunt.Query) {
	p.cur.Store(int32(i))
	p.name.Store(q.Name)
}

func (p *huntProgress) loop(every time.Duration) {
	defer p.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			p.draw()
		}
	}
}

func (p *huntProgress) draw() {
	sn := p.snapshot()
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", sn.bar())
		return
	}
	fmt.Fprintf(p.w, "huntpack: progress: %s\n", sn.line())
}

// huntSnap is what a progress line shows.
type huntSnap struct {
	i, n  int
	name  string
	local bool
	pct   int // of the current scan's bytes; -1: unknown
	scan  local.ScanProgress
	rows  int64
	rate  float64
}

func (p *huntProgress) snapshot() huntSnap {
	sn := huntSnap{i: int(p.cur.Load()), n: p.n, name: termCellName(p.name.Load().(string)), local: p.lb != nil, pct: -1}
	if p.lb == nil {
		return sn
	}
	pr := p.lb.Progress()
	sn.scan, sn.rows = pr.Scan, pr.Rows
	sn.scan.Table = termCellName(sn.scan.Table)
	if sc := pr.Scan; sc.Total > 0 {
		sn.pct = int(100 * min(sc.Read, sc.Total) / sc.Total)
	}
	if secs := time.Since(p.start).Seconds(); secs > 0 {
		sn.rate = float64(pr.Rows) / secs
	}
	return sn
}

// gauge renders "[####------]" of width: the current scan's bytes when
// known, else the queries done.
func (sn huntSnap) gauge(width int) string {
	fill := 0
	switch {
	case sn.pct >= 0:
		fill = width * sn.pct / 100
	case sn.n > 0:
		fill = width * sn.i / sn.n
	}
	s := "[" + strings.Repeat("#", fill) + strings.Repeat("-", width-fill) + "]"
	if sn.pct >= 0 {
		s += fmt.Sprintf(" %3d%%", sn.pct)
	}
	return s
}

// line renders a plain progress line. Locally, the bar and percentage
// are the bytes read from disk of the table being scanned (counted as
// they are read, so they move through a large file), then its files, all
// rows read so far and the rate:
//
//	[#########-----------]  45% query 2/3 02_x · DeviceNetworkEvents 1.2 GiB of 2.6 GiB · 1/4 files · 9120000 rows · 812000 rows/s
//
// Remote runs show the queries done.
func (sn huntSnap) line() string {
	s := sn.gauge(20) + fmt.Sprintf(" query %d/%d %s", sn.i+1, sn.n, sn.name)
	if !sn.local {
		return s
	}
	if sc := sn.scan; sc.Table != "" {
		s += " · " + sc.Table
		if sc.Total > 0 {
			s += fmt.Sprintf(" %s of %s", huntBytes(min(sc.Read, sc.Total)), huntBytes(sc.Total))
		}
		s += fmt.Sprintf(" · %d/%d files", sc.Files, sc.TotalFiles)
	}
	return s + fmt.Sprintf(" · %d rows · %.0f rows/s", sn.rows, sn.rate)
}

// huntBarWidth is the most a terminal progress bar takes, so it never
// wraps (a wrapped line cannot be redrawn in place) on an 80-column
// terminal.
const huntBarWidth = 79

// bar renders the terminal bar, compact and at most huntBarWidth
// columns: the table name, then the query name, are shortened to fit.
//
//	[####------]  45% 2/3 DeviceNetworkEvents 1.2/2.6 GiB 1/4 files 812k rows/s
func (sn huntSnap) bar() string {
	head := sn.gauge(10) + fmt.Sprintf(" %d/%d ", sn.i+1, sn.n)
	if !sn.local || sn.scan.Table == "" {
		tail := ""
		if sn.local {
			tail = fmt.Sprintf(" %s rows/s", huntSI(sn.rate))
		}
		return head + huntFit(sn.name, huntBarWidth-huntWidth(head)-huntWidth(tail)) + tail
	}
	sc := sn.scan
	tail := ""
	if sc.Total > 0 {
		tail = " " + huntBytesOf(min(sc.Read, sc.Total), sc.Total)
	}
	tail += fmt.Sprintf(" %d/%d files %s rows/s", sc.Files, sc.TotalFiles, huntSI(sn.rate))
	return head + huntFit(sc.Table, huntBarWidth-huntWidth(head)-huntWidth(tail)) + tail
}

// huntBytesOf renders "n/total UNIT" in total's unit (as huntBytes).
func huntBytesOf(n, total int64) string {
	t := huntBytes(total)
	num, unit, _ := strings.Cut(t, " ")
	div := map[string]float64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}[unit]
	if div == 0 {
		return fmt.Sprintf("%d/%s", n, t)
	}
	return fmt.Sprintf("%.1f/%s %s", float64(n)/div, num, unit)
}

// huntSI renders a rate with a k/M/G suffix.
func huntSI(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.1fG", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.0fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func huntWidth(s string) int { return utf8.RuneCountInString(s) }

// huntFit shortens s to at most n runes, ending it with "…" when cut.
func huntFit(s string, n int) string {
	if huntWidth(s) <= n {
		return s
	}
	if n <= 1 {
		return strings.Repeat("…", max(n, 0))
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// termCellName keeps a table name printable on a terminal.
func termCellName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

func (p *huntProgress) stop() {
	if p.w == nil {
		return
	}
	close(p.done)
	p.wg.Wait()
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
