package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/huntpack/huntpack/intel"
	"github.com/huntpack/huntpack/intel/export"
	"github.com/huntpack/huntpack/intel/feed"
	"github.com/huntpack/huntpack/intel/store"
	"github.com/huntpack/huntpack/intel/warnlist"
	"github.com/spf13/cobra"
)

func init() { register(20, newIntelCmd) }

// intelMaxFeedBytes bounds one feed file or stdin.
const intelMaxFeedBytes = 1 << 30

func newIntelCmd(ctx context.Context, env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "intel",
		Short: "Ingest, prune and query threat intel (ThreatFox, URLhaus, Feodo, MISP, STIX, Zeek, plain lists)",
		Long: `intel keeps a local store of indicators (SQLite, by default in
$XDG_DATA_HOME/huntpack/intel.db, else ~/.local/share/huntpack/intel.db; --db overrides).

Feeds are detected by content, refanged, validated (rejects are counted with a
reason), pruned with the MISP warninglists (bogons, private and documentation
ranges, sinkholes, public resolvers and top sites are excluded; cloud/CDN ranges
are kept with lower confidence; dynamic DNS is flagged) and merged with history:
earliest first seen, latest last seen, one sighting per source, expiry per source.
"intel prune" re-applies changed warninglists to the whole store and "intel
expire" re-evaluates expiry (e.g. after shortening a source's period).`,
		Example: `  huntpack intel import threatfox_export.json urlhaus.csv
  huntpack intel ls --family Remcos --type ip:port --active
  huntpack intel why sls.in.net
  huntpack intel prune --warninglists ~/misp-warninglists/lists`,
	}
	cmd.PersistentFlags().String("db", "", "intel database file (default $XDG_DATA_HOME/huntpack/intel.db)")
	for _, f := range []func(context.Context, Env) *cobra.Command{
		newIntelImportCmd, newIntelFetchCmd, newIntelLsCmd, newIntelExportCmd, newIntelShowCmd,
		newIntelStatsCmd, newIntelWhyCmd, newIntelRunsCmd, newIntelPruneCmd, newIntelExpireCmd,
	} {
		cmd.AddCommand(f(ctx, env))
	}
	return cmd
}

// intelDBPath resolves --db, else the XDG data directory.
func intelDBPath(cmd *cobra.Command, env Env) (string, error) {
	if p, _ := cmd.Flags().GetString("db"); p != "" {
		return p, nil
	}
	if x := env.getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "huntpack", "intel.db"), nil
	}
	if h := env.getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "huntpack", "intel.db"), nil
	}
	return "", exitf(ExitBadInput, "cannot find the data directory (neither XDG_DATA_HOME nor HOME is set): pass --db PATH")
}

func openIntelStore(cmd *cobra.Command, env Env) (*store.Store, error) {
	p, err := intelDBPath(cmd, env)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(p)
	if err != nil {
		return nil, withCode(ExitBackend, err)
	}
	return st, nil
}

// intelParseAge reads "90d", "12h", "2w" or a Go duration.
func intelParseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	mul := map[byte]time.Duration{'d': 24 * time.Hour, 'w': 7 * 24 * time.Hour}
	if m, ok := mul[s[len(s)-1]]; ok {
		n, err := strconv.ParseFloat(s[:len(s)-1], 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad duration %q (want e.g. 90d, 12h, 2w)", s)
		}
		return time.Duration(n * float64(m)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q (want e.g. 90d, 12h, 2w)", s)
	}
	return d, nil
}

// intelPruneOptions are shared by import and fetch.
type intelPruneOptions struct {
	noPrune      bool
	warninglists string
	expireAfter  string
}

func (p *intelPruneOptions) flags(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&p.noPrune, "no-prune", false, "do not apply the warninglists")
	cmd.Flags().StringVar(&p.warninglists, "warninglists", "", "MISP warninglists directory (<dir>/<name>/list.json); default: the embedded copy")
	cmd.Flags().StringVar(&p.expireAfter, "expire-after", "", "expiry period of this source's sightings, e.g. 30d (remembered per source; default 90d)")
}

func (p *intelPruneOptions) load() (*warnlist.Set, error) {
	if p.noPrune {
		return nil, nil
	}
	var s *warnlist.Set
	var err error
	if p.warninglists != "" {
		s, err = warnlist.LoadDir(p.warninglists)
	} else {
		s, err = warnlist.LoadEmbedded()
	}
	if err != nil {
		return nil, withCode(ExitBadInput, err)
	}
	return s, nil
}

type intelImportOptions struct {
	prune  intelPruneOptions
	format string
	source string
	json   bool
}

func newIntelImportCmd(ctx context.Context, env Env) *cobra.Command {
	var o intelImportOptions
	cmd := &cobra.Command{
		Use:   "import FILE...|-",
		Short: "Import feed files (format detected) into the intel store",
		Long: `import parses each FILE (or standard input for "-"), detecting its format:
ThreatFox API responses, JSON export and CSV export (14- or 15-column header),
URLhaus CSV, Feodo Tracker CSV and JSON, MISP event JSON, STIX 2.1 bundles, Zeek
intel files and plain lists (one IOC per line, defanged forms accepted).

Each file is imported in one transaction: it lands completely or not at all.
Re-importing the same file changes no indicator. Rejected values are counted by
reason; the first few are printed on stderr with file and line.

Formats: ` + intelFormatNames() + `

Exit status: 0 imported, 2 a file could not be read or parsed (other files are
still imported), 3 the store failed.`,
		Example: `  huntpack intel import threatfox_export.json
  curl -s https://example.org/iocs.txt | huntpack intel import --source myfeed -
  huntpack intel import --format threatfox-csv --expire-after 30d recent.csv`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIntelImport(cmd, env, o, args)
		},
	}
	o.prune.flags(cmd)
	cmd.Flags().StringVar(&o.format, "format", "", "feed format (default: detect)")
	cmd.Flags().StringVar(&o.source, "source", "", "source name to record (default: from the format, e.g. threatfox)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print the import results as JSON")
	return cmd
}

func intelFormatNames() string {
	names := make([]string, len(feed.Formats))
	for i, f := range feed.Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// intelImportSummary is one file's import outcome.
type intelImportSummary struct {
	File     string             `json:"file"`
	Format   string             `json:"format"`
	Source   string             `json:"source"`
	Parsed   int                `json:"parsed"`
	Rejected map[string]int     `json:"rejected,omitempty"`
	Skipped  map[string]int     `json:"skipped,omitempty"`
	Result   store.ImportResult `json:"result"`
}

func runIntelImport(cmd *cobra.Command, env Env, o intelImportOptions, files []string) error {
	var format feed.Format
	if o.format != "" {
		f, ok := feed.ParseFormat(o.format)
		if !ok {
			return exitf(ExitBadInput, "unknown --format %q (want one of %s)", o.format, intelFormatNames())
		}
		format = f
	}
	expire, err := intelParseAge(o.prune.expireAfter)
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	wl, err := o.prune.load()
	if err != nil {
		return err
	}
	st, err := openIntelStore(cmd, env)
	if err != nil {
		return err
	}
	defer st.Close()
	var sums []intelImportSummary
	failed := 0
	for _, f := range files {
		res, err := intelReadFeed(env, f, format)
		if err != nil {
			fmt.Fprintf(env.Stderr, "huntpack: %v\n", export.Visible(err.Error()))
			failed++
			continue
		}
		origin := f
		if f == "-" {
			origin = "<stdin>"
		}
		sum, err := intelImportResult(cmd.Context(), env, st, wl, res, origin, o.source, expire)
		if err != nil {
			return withCode(ExitBackend, err)
		}
		sums = append(sums, sum)
		if !o.json {
			printIntelImport(env.Stdout, sum)
		}
	}
	if o.json {
		if err := intelWriteJSON(env.Stdout, sums); err != nil {
			return err
		}
	}
	if failed > 0 {
		return exitf(ExitBadInput, "%d of %d files not imported", failed, len(files))
	}
	return nil
}

func intelReadFeed(env Env, name string, format feed.Format) (*feed.Result, error) {
	var data []byte
	var err error
	if name == "-" {
		data, err = readAllLimit(env.Stdin, intelMaxFeedBytes)
		name = "<stdin>"
	} else {
		data, err = intelReadFile(name, intelMaxFeedBytes)
	}
	if err != nil {
		return nil, err
	}
	return feed.ParseBytes(data, name, format)
}

func intelReadFile(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, limit)
	}
	return b, nil
}

// intelImportResult prunes res with wl (if any) and imports it.
func intelImportResult(ctx context.Context, env Env, st *store.Store, wl *warnlist.Set, res *feed.Result,
	origin, source string, expire time.Duration) (intelImportSummary, error) {
	if source == "" {
		source = res.Format.Source()
	}
	if wl != nil {
		for i := range res.Indicators {
			wl.Apply(&res.Indicators[i])
		}
	}
	for i := range res.Indicators {
		if source != res.Format.Source() {
			res.Indicators[i].Source = source
		}
	}
	for _, p := range res.Problems {
		fmt.Fprintf(env.Stderr, "huntpack: %s\n", export.Visible(p.String()))
	}
	probs := make([]string, len(res.Problems))
	for i, p := range res.Problems {
		probs[i] = p.String()
	}
	r, err := st.Import(ctx, store.ImportRequest{Source: source, Origin: origin, Format: string(res.Format),
		Indicators: res.Indicators, Rejected: res.Rejected, Problems: probs, ExpireAfter: expire, Now: env.now()})
	if err != nil {
		return intelImportSummary{}, err
	}
	sum := intelImportSummary{File: origin, Format: string(res.Format), Source: source, Parsed: len(res.Indicators),
		Rejected: map[string]int{}, Skipped: res.Skipped, Result: r}
	for k, v := range res.Rejected {
		sum.Rejected[string(k)] = v
	}
	return sum, nil
}

func printIntelImport(w io.Writer, s intelImportSummary) {
	r := s.Result
	fmt.Fprintf(w, "%s: %s (source %s): %d indicators, %d added, %d updated, %d unchanged, %d excluded as false positives",
		export.Visible(s.File), s.Format, s.Source, r.Total, r.Added, r.Updated, r.Unchanged, r.Excluded)
	if r.Rejected > 0 {
		fmt.Fprintf(w, ", %d rejected (%s)", r.Rejected, intelJoinCounts(s.Rejected))
	}
	if len(s.Skipped) > 0 {
		fmt.Fprintf(w, ", skipped %s", intelJoinCounts(s.Skipped))
	}
	fmt.Fprintf(w, " [run %d]\n", r.RunID)
}

func intelJoinCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func intelWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

type intelFetchOptions struct {
	prune   intelPruneOptions
	days    int
	malware string
	tag     string
	limit   int
	authKey string
	baseURL string
	json    bool
}

func newIntelFetchCmd(ctx context.Context, env Env) *cobra.Command {
	var o intelFetchOptions
	cmd := &cobra.Command{
		Use:   "fetch threatfox [--days N] [--malware NAME] [--tag T]",
		Short: "Fetch IOCs from the ThreatFox API and import them",
		Long: `fetch calls the ThreatFox API (POST ` + feed.DefaultThreatFoxURL + `) and imports the
answer like "intel import". It needs an abuse.ch Auth-Key, from THREATFOX_AUTH_KEY
or --auth-key; the key is sent only in the Auth-Key header and never printed.
Rate-limit answers (HTTP 429 with Retry-After) are waited out and retried.

--malware NAME asks for one family (malwareinfo; ThreatFox names such as "Remcos"
or Malpedia ids such as win.remcos), --tag T for one tag (taginfo; with --malware
it filters the family's IOCs), otherwise the IOCs of the last --days days (1-7).

Exit status: 0 imported, 2 bad flags or no key, 3 the API or the store failed.`,
		Example: `  THREATFOX_AUTH_KEY=... huntpack intel fetch threatfox --days 3
  huntpack intel fetch threatfox --malware win.remcos --tag RAT`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] != "threatfox" {
				return exitf(ExitBadInput, "unknown feed %q: only threatfox can be fetched", args[0])
			}
			return runIntelFetch(cmd, env, o)
		},
	}
	o.prune.flags(cmd)
	cmd.Flags().IntVar(&o.days, "days", 1, "IOCs first seen in the last N days (1-7)")
	cmd.Flags().StringVar(&o.malware, "malware", "", "malware family (ThreatFox name or Malpedia id)")
	cmd.Flags().StringVar(&o.tag, "tag", "", "tag")
	cmd.Flags().IntVar(&o.limit, "limit", 1000, "maximum IOCs for --malware/--tag queries (ThreatFox caps at 1000)")
	cmd.Flags().StringVar(&o.authKey, "auth-key", "", "abuse.ch Auth-Key (default $THREATFOX_AUTH_KEY)")
	cmd.Flags().StringVar(&o.baseURL, "base-url", feed.DefaultThreatFoxURL, "ThreatFox API endpoint")
	cmd.Flags().BoolVar(&o.json, "json", false, "print the import result as JSON")
	return cmd
}

func runIntelFetch(cmd *cobra.Command, env Env, o intelFetchOptions) error {
	key := o.authKey
	if key == "" {
		key = env.getenv("THREATFOX_AUTH_KEY")
	}
	if key == "" {
		return withCode(ExitBadInput, feed.ErrNoAuthKey)
	}
	expire, err := intelParseAge(o.prune.expireAfter)
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	q := feed.ThreatFoxQuery{Days: o.days, Malware: o.malware, Tag: o.tag, Limit: o.limit}
	if _, err := q.Body(); err != nil {
		return withCode(ExitBadInput, err)
	}
	wl, err := o.prune.load()
	if err != nil {
		return err
	}
	client := &feed.ThreatFoxClient{BaseURL: o.baseURL, AuthKey: key, UserAgent: "huntpack",
		HTTP: &http.Client{Timeout: 2 * time.Minute}}
	res, err := client.FetchThreatFox(cmd.Context(), q)
	if err != nil {
		return withCode(ExitBackend, err)
	}
	st, err := openIntelStore(cmd, env)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := intelImportResult(cmd.Context(), env, st, wl, res, "threatfox-api "+intelDescribeQuery(q), "", expire)
	if err != nil {
		return withCode(ExitBackend, err)
	}
	if o.json {
		return intelWriteJSON(env.Stdout, sum)
	}
	printIntelImport(env.Stdout, sum)
	return nil
}

func intelDescribeQuery(q feed.ThreatFoxQuery) string {
	switch {
	case q.Malware != "" && q.Tag != "":
		return "malware=" + q.Malware + " tag=" + q.Tag
	case q.Malware != "":
		return "malware=" + q.Malware
	case q.Tag != "":
		return "tag=" + q.Tag
	}
	return "days=" + strconv.Itoa(max(q.Days, 1))
}

// intelFilterOptions are the selection flags of ls and export.
type intelFilterOptions struct {
	family, source, since, tag, format, out string
	types                                   []string
	minConf, limit                          int
	active, includeExcluded, defang         bool
	sentinel                                bool
}

func (o *intelFilterOptions) flags(cmd *cobra.Command, defFormat string) {
	f := cmd.Flags()
	f.StringVar(&o.family, "family", "", "malware family (name, Malpedia id or alias)")
	f.StringSliceVar(&o.types, "type", nil, "indicator types: ipv4, ipv6, ip:port, domain, url, md5, sha1, sha256 (repeatable or comma-separated)")
	f.StringVar(&o.source, "source", "", "source feed (threatfox, urlhaus, feodo, misp, stix, zeek, plain, ...)")
	f.StringVar(&o.since, "since", "", "last (or first) seen since: a date (2026-07-01) or an age (7d)")
	f.IntVar(&o.minConf, "min-confidence", 0, "minimum confidence (0-100)")
	f.BoolVar(&o.active, "active", false, "only indicators that have not expired")
	f.StringVar(&o.tag, "tag", "", "only indicators with this tag")
	f.BoolVar(&o.includeExcluded, "include-excluded", false, "also list indicators pruned as false positives")
	f.IntVar(&o.limit, "limit", 0, "at most N indicators (0: all)")
	f.StringVar(&o.format, "format", defFormat, "output: table, csv, json, stix, misp, zeek or plain")
	f.BoolVar(&o.defang, "defang", false, "defang values in csv and plain output (the table is always defanged)")
	f.BoolVar(&o.sentinel, "sentinel", false, "STIX: write ip:port as plain address patterns Microsoft Sentinel can match")
}

func (o *intelFilterOptions) filter(now time.Time) (store.Filter, error) {
	f := store.Filter{Family: o.family, Source: o.source, MinConfidence: o.minConf, Active: o.active,
		Tag: o.tag, IncludeExcluded: o.includeExcluded, Limit: o.limit, Now: now}
	for _, t := range o.types {
		typ, ok := intel.ParseType(strings.ToLower(strings.TrimSpace(t)))
		if !ok {
			return f, fmt.Errorf("unknown --type %q", t)
		}
		f.Types = append(f.Types, typ)
	}
	if o.since != "" {
		if t, err := time.Parse("2006-01-02", o.since); err == nil {
			f.Since = t
		} else if t, err := time.Parse(time.RFC3339, o.since); err == nil {
			f.Since = t
		} else if d, err := intelParseAge(o.since); err == nil {
			f.Since = now.Add(-d)
		} else {
			return f, fmt.Errorf("bad --since %q (want 2026-07-01, an RFC 3339 time or an age like 7d)", o.since)
		}
	}
	return f, nil
}

func newIntelLsCmd(ctx context.Context, env Env) *cobra.Command {
	var o intelFilterOptions
	cmd := &cobra.Command{
		Use:   "ls [filters]",
		Short: "List stored indicators",
		Long: `ls lists stored indicators matching the filters, in import order. Indicators pruned
as false positives are left out unless --include-excluded. The table defangs values;
other formats carry them as they are (--defang for csv and plain).`,
		Example: `  huntpack intel ls --family Remcos --type ip:port --active
  huntpack intel ls --source threatfox --since 7d --min-confidence 75 --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runIntelList(cmd, env, o) },
	}
	o.flags(cmd, "table")
	return cmd
}

func newIntelExportCmd(ctx context.Context, env Env) *cobra.Command {
	var o intelFilterOptions
	cmd := &cobra.Command{
		Use:   "export --format stix|misp|zeek|csv|json|plain [filters] [--out FILE]",
		Short: "Export stored indicators for other tools",
		Long: `export writes the indicators matching the filters (same as ls) as a STIX 2.1 bundle,
a MISP event, a Zeek intel file, CSV, JSON or a plain list, to standard output or
--out FILE (written atomically). Zeek intel has no port type: ip:port becomes the
address. STIX writes ip:port as a network-traffic pattern unless --sentinel.`,
		Example: `  huntpack intel export --format stix --family Remcos --active --out remcos.json
  huntpack intel export --format zeek --type ipv4,ip:port,domain --out huntpack.intel`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runIntelList(cmd, env, o) },
	}
	o.flags(cmd, "stix")
	cmd.Flags().StringVar(&o.out, "out", "", "write to FILE instead of standard output")
	return cmd
}

func runIntelList(cmd *cobra.Command, env Env, o intelFilterOptions) error {
	if !validFormat(o.format, "table", "csv", "json", "stix", "misp", "zeek", "plain") {
		return exitf(ExitBadInput, "unknown --format %q (want table, csv, json, stix, misp, zeek or plain)", o.format)
	}
	now := env.now()
	f, err := o.filter(now)
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	st, err := openIntelStore(cmd, env)
	if err != nil {
		return err
	}
	defer st.Close()
	recs, err := st.Query(cmd.Context(), f)
	if err != nil {
		return withCode(ExitBackend, err)
	}
	items := make([]export.Item, len(recs))
	for i, r := range recs {
		items[i] = export.Item{Indicator: r.Indicator, Active: r.Active, ExpiresAt: r.ExpiresAt, Sources: r.Sources}
	}
	opts := export.Options{Defang: o.defang, Now: now, SentinelSTIX: o.sentinel, Title: "huntpack intel export"}
	if o.out == "" {
		return export.Write(env.Stdout, export.Format(o.format), items, opts)
	}
	return intelWriteAtomic(o.out, func(w io.Writer) error {
		return export.Write(w, export.Format(o.format), items, opts)
	})
}

// intelWriteAtomic writes via a temporary file renamed into place (see
// writeOutput; devices and pipes are written directly).
func intelWriteAtomic(path string, write func(io.Writer) error) error {
	return writeOutput(path, write)
}

// intelLookup normalises a value typed by a user and finds the matching
// records: the exact indicator and, for an address, its ip:port entries.
func intelLookup(ctx context.Context, st *store.Store, raw string, now time.Time) (intel.Indicator, []store.Record, error) {
	in := intel.Indicator{Value: raw}
	if err := intel.Normalize(&in); err != nil {
		return in, nil, err
	}
	f := store.Filter{Value: in.Value, IncludeExcluded: true, Now: now}
	if in.Type == intel.TypeIPv4 || in.Type == intel.TypeIPv6 {
		f = store.Filter{IP: in.Value, IncludeExcluded: true, Now: now}
	}
	recs, err := st.Query(ctx, f)
	if err != nil {
		return in, nil, err
	}
	for i := range recs {
		full, ok, err := st.Get(ctx, recs[i].Key(), now)
		if err != nil {
			return in, nil, err
		}
		if ok {
			recs[i] = full
		}
	}
	return in, recs, nil
}

func newIntelShowCmd(ctx context.Context, env Env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "show VALUE",
		Short: "Show one stored indicator with its sightings and change history",
		Long: `show prints everything the store holds about VALUE (defanged input is fine): the
merged indicator, each source's sighting and the change log. For an IP address the
ip:port indicators on it are shown too.

Exit status: 0 shown, 1 not in the store, 2 not a valid indicator.`,
		Example: "  huntpack intel show 46[.]151[.]182[.]76\n  huntpack intel show hxxps://evil[.]example/x --format json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIntelShow(cmd, env, args[0], format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json")
	return cmd
}

type intelShowEntry struct {
	store.Record
	Changes []store.Change `json:"changes,omitempty"`
}

func runIntelShow(cmd *cobra.Command, env Env, value, format string) error {
	if format != "text" && format != "json" {
		return exitf(ExitBadInput, "--format must be text or json")
	}
	st, err := openIntelStore(cmd, env)
	if err != nil {
		return err
	}
	defer st.Close()
	in, recs, err := intelLookup(cmd.Context(), st, value, env.now())
	if err != nil {
		if intel.ReasonOf(err) != "" {
			return withCode(ExitBadInput, err)
		}
		return withCode(ExitBackend, err)
	}
	entries := make([]intelShowEntry, 0, len(recs))
	for _, r := range recs {
		ch, err := st.Changes(cmd.Context(), r.ID)
		if err != nil {
			return withCode(ExitBackend, err)
		}
		entries = append(entries, intelShowEntry{Record: r, Changes: ch})
	}
	if format == "json" {
		if err := intelWriteJSON(env.Stdout, entries); err != nil {
			return err
		}
	} else {
		for _, e := range entries {
			printIntelShow(env.Stdout, e)
		}
	}
	if len(entries) == 0 {
		return exitf(ExitFindings, "%s %s is not in the store", in.Type, in.Defanged())
	}
	return nil
}

func printIntelShow(w io.Writer, e intelShowEntry) {
	v := export.Visible
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "indicator\t%s %s\n", e.Type, v(e.Defanged()))
	fmt.Fprintf(tw, "family\t%s\n", v(intelFamily(e.Malware)))
	fmt.Fprintf(tw, "threat type\t%s\n", v(e.ThreatType))
	fmt.Fprintf(tw, "confidence\t%d\n", e.Confidence)
	fmt.Fprintf(tw, "first / last seen\t%s / %s\n", intelDate(e.FirstSeen), intelDate(e.LastSeen))
	fmt.Fprintf(tw, "expires\t%s (active: %v)\n", intelDate(e.ExpiresAt), e.Active)
	fmt.Fprintf(tw, "tags\t%s\n", v(strings.Join(e.Tags, ", ")))
	fmt.Fprintf(tw, "reference\t%s\n", v(intel.Defang(e.Reference)))
	fmt.Fprintf(tw, "flags\t%s\n", v(strings.Join(e.Flags, ", ")))
	for _, d := range e.Decisions {
		fmt.Fprintf(tw, "decision\t%s by %s: %s\n", d.Action, d.List, v(intel.Defang(d.Reason)))
	}
	tw.Flush()
	for _, s := range e.Sightings {
		fmt.Fprintf(w, "  sighting %s id %s: %s, confidence %d, seen %s .. %s, runs %d..%d, expires %s\n",
			v(s.Source), v(intelOrDash(s.SourceID)), v(intelFamily(s.Malware)), s.Confidence, intelDate(s.FirstSeen),
			intelDate(s.LastSeen), s.FirstRun, s.LastRun, intelDate(s.ExpiresAt))
	}
	for _, c := range e.Changes {
		fmt.Fprintf(w, "  run %d %s: %s %s\n", c.RunID, intelDate(c.At), c.Action, v(c.Detail))
	}
	fmt.Fprintln(w)
}

func intelFamily(m intel.Malware) string {
	s := m.Name
	if m.Malpedia != "" {
		s += " (" + m.Malpedia + ")"
	}
	if len(m.Aliases) > 0 {
		s += " aka " + strings.Join(m.Aliases, ", ")
	}
	return intelOrDash(s)
}

func intelOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func intelDate(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

func newIntelStatsCmd(ctx context.Context, env Env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:     "stats",
		Short:   "Summarise the intel store: counts per type, family and source",
		Example: "  huntpack intel stats\n  huntpack intel stats --format json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return exitf(ExitBadInput, "--format must be text or json")
			}
			st, err := openIntelStore(cmd, env)
			if err != nil {
				return err
			}
			defer st.Close()
			s, err := st.Stats(cmd.Context(), env.now())
			if err != nil {
				return withCode(ExitBackend, err)
			}
			if format == "json" {
				return intelWriteJSON(env.Stdout, s)
			}
			printIntelStats(env.Stdout, s)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json")
	return cmd
}

func printIntelStats(w io.Writer, s store.Stats) {
	fmt.Fprintf(w, "indicators: %d (active %d, excluded as false positives %d), import runs: %d\n",
		s.Indicators, s.Active, s.Excluded, s.Runs)
	for _, g := range []struct {
		title string
		m     map[string]int
	}{{"by type", s.ByType}, {"by source", s.BySource}, {"by family (top 20)", s.ByFamily}} {
		fmt.Fprintf(w, "%s:\n", g.title)
		keys := make([]string, 0, len(g.m))
		for k := range g.m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if g.m[keys[i]] != g.m[keys[j]] {
				return g.m[keys[i]] > g.m[keys[j]]
			}
			return keys[i] < keys[j]
		})
		if len(keys) > 20 {
			keys = keys[:20]
		}
		for _, k := range keys {
			fmt.Fprintf(w, "  %-28s %d\n", export.Visible(intelOrDash(k)), g.m[k])
		}
	}
}

func newIntelWhyCmd(ctx context.Context, env Env) *cobra.Command {
	var o intelPruneOptions
	var format string
	cmd := &cobra.Command{
		Use:   "why VALUE",
		Short: "Explain every decision made about a value: parsing, pruning and store history",
		Long: `why explains how huntpack treats VALUE: how it was refanged and classified, what
the warninglists say about it now (exclusions, flags, lowered confidence, and
matches deliberately ignored, e.g. a top-sites entry that is a public suffix), and
what the store recorded (decisions at import, sightings, changes).`,
		Example: "  huntpack intel why sls.in.net\n  huntpack intel why 8.8.8.8 --format json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIntelWhy(cmd, env, o, format, args[0])
		},
	}
	cmd.Flags().StringVar(&o.warninglists, "warninglists", "", "MISP warninglists directory; default: the embedded copy")
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json")
	return cmd
}

type intelWhyReport struct {
	Input      string             `json:"input"`
	Refanged   string             `json:"refanged"`
	Type       intel.Type         `json:"type,omitempty"`
	Canonical  string             `json:"canonical,omitempty"`
	Invalid    string             `json:"invalid,omitempty"`
	Host       string             `json:"host,omitempty"`
	Registered string             `json:"registrable_domain,omitempty"`
	Findings   []warnlist.Finding `json:"findings"`
	Verdict    string             `json:"verdict"`
	Stored     []intelShowEntry   `json:"stored"`
	// StoredWhy compares, per stored record, the pruning verdict the
	// store holds with today's lists and explains its expiry.
	StoredWhy []intelWhyStored `json:"stored_why"`
}

func runIntelWhy(cmd *cobra.Command, env Env, o intelPruneOptions, format, value string) error {
	if format != "text" && format != "json" {
		return exitf(ExitBadInput, "--format must be text or json")
	}
	rep := intelWhyReport{Input: value, Refanged: intel.Refang(value), Findings: []warnlist.Finding{}, Stored: []intelShowEntry{}}
	in := intel.Indicator{Value: value}
	if err := intel.Normalize(&in); err != nil {
		rep.Invalid = err.Error()
		rep.Verdict = "rejected: " + string(intel.ReasonOf(err))
		return writeIntelWhy(env.Stdout, format, rep)
	}
	rep.Type, rep.Canonical, rep.Host = in.Type, in.Value, in.Host()
	wl, err := o.load()
	if err != nil {
		return err
	}
	rep.Findings = append(rep.Findings, wl.Explain(&in)...)
	probe := in
	excluded := wl.Apply(&probe)
	rep.Verdict = intelVerdict(excluded, &in, &probe)
	st, err := openIntelStore(cmd, env)
	if err != nil {
		return err
	}
	defer st.Close()
	_, recs, err := intelLookup(cmd.Context(), st, value, env.now())
	if err != nil {
		return withCode(ExitBackend, err)
	}
	rep.StoredWhy = []intelWhyStored{}
	for _, r := range recs {
		ch, err := st.Changes(cmd.Context(), r.ID)
		if err != nil {
			return withCode(ExitBackend, err)
		}
		rep.Stored = append(rep.Stored, intelShowEntry{Record: r, Changes: ch})
		probe := r.Indicator
		probe.Confidence, probe.Flags, probe.Decisions = r.ConfidenceBeforePruning(), nil, nil
		wl.Apply(&probe)
		w := intelWhyStored{Value: r.Value}
		w.Verdict, w.Stale = intelStoredVerdict(&r, &probe)
		if w.Expiry, err = intelExpiryLines(cmd.Context(), st, &r); err != nil {
			return withCode(ExitBackend, err)
		}
		rep.StoredWhy = append(rep.StoredWhy, w)
	}
	return writeIntelWhy(env.Stdout, format, rep)
}

func intelVerdict(excluded bool, before, after *intel.Indicator) string {
	switch {
	case excluded:
		d, _ := after.Excluded()
		return "excluded as a false positive (" + d.List + ")"
	case after.Confidence != before.Confidence:
		return fmt.Sprintf("kept, flagged %s, confidence lowered by %d", strings.Join(after.Flags, ","), before.Confidence-after.Confidence)
	case len(after.Flags) > 0:
		return "kept, flagged " + strings.Join(after.Flags, ",")
	}
	return "kept: no warninglist applies"
}

func writeIntelWhy(w io.Writer, format string, rep intelWhyReport) error {
	if format == "json" {
		return intelWriteJSON(w, rep)
	}
	v := export.Visible
	if rep.Refanged == strings.TrimSpace(rep.Input) {
		fmt.Fprintf(w, "input:     %s\n", v(intel.Defang(rep.Input)))
	} else {
		fmt.Fprintf(w, "input:     %s (defanged)\n", v(rep.Input))
	}
	if rep.Refanged != strings.TrimSpace(rep.Input) {
		fmt.Fprintf(w, "refanged:  the input was defanged; shown defanged again: %s\n", v(intel.Defang(rep.Refanged)))
	}
	if rep.Invalid != "" {
		fmt.Fprintf(w, "invalid:   %s\nverdict:   %s\n", v(intel.Defang(rep.Invalid)), rep.Verdict)
		return nil
	}
	fmt.Fprintf(w, "type:      %s, canonical %s\n", rep.Type, v(intel.Defang(rep.Canonical)))
	if len(rep.Findings) == 0 {
		fmt.Fprintln(w, "warninglists: no list matches")
	}
	for _, f := range rep.Findings {
		fmt.Fprintf(w, "%-16s %s [%s, %s]: %s\n", f.Action, f.List, f.Category, intelActionNote(f.Action), v(intel.Defang(f.Reason)))
	}
	fmt.Fprintf(w, "verdict:   %s\n", rep.Verdict)
	if len(rep.Stored) == 0 {
		fmt.Fprintln(w, "store:     not stored")
	}
	for i, e := range rep.Stored {
		fmt.Fprintln(w, "store:")
		if i < len(rep.StoredWhy) {
			printIntelWhyStored(w, rep.StoredWhy[i])
		}
		printIntelShow(w, e)
	}
	return nil
}

func intelActionNote(a string) string {
	switch a {
	case intel.ActionExclude:
		return "never hunted"
	case intel.ActionLowerConfidence:
		return "kept, lower confidence"
	case intel.ActionFlag:
		return "kept, flagged"
	case warnlist.ActionIgnored:
		return "not applied"
	}
	return a
}

func newIntelRunsCmd(ctx context.Context, env Env) *cobra.Command {
	var limit int
	var format string
	cmd := &cobra.Command{
		Use:     "runs",
		Short:   "Show the import history: what came in and what changed",
		Example: "  huntpack intel runs --limit 10",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return exitf(ExitBadInput, "--format must be text or json")
			}
			st, err := openIntelStore(cmd, env)
			if err != nil {
				return err
			}
			defer st.Close()
			runs, err := st.Runs(cmd.Context(), limit)
			if err != nil {
				return withCode(ExitBackend, err)
			}
			if format == "json" {
				return intelWriteJSON(env.Stdout, runs)
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "RUN\tSTARTED\tSOURCE\tFORMAT\tTOTAL\tADDED\tUPDATED\tUNCHANGED\tEXCLUDED\tREJECTED\tORIGIN")
			for _, r := range runs {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", r.ID, intelDate(r.Started), export.Visible(r.Source),
					r.Format, r.Total, r.Added, r.Updated, r.Unchanged, r.Excluded, r.Rejected, export.Visible(r.Origin))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 20, "newest N runs (0: all)")
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json")
	return cmd
}
