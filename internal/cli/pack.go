package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/huntpack/huntpack/intel/store"
	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/pack"
	"github.com/huntpack/huntpack/pack/render"
)

func init() { register(30, newPackCmd) }

func newPackCmd(ctx context.Context, env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pack",
		Short: "Build hunt packs from the intel store and render them for deployment",
		Long: `A hunt pack is a folder: pack.yaml (the source of truth), README.md (the
human document) and queries/*.kql. "pack build" writes one from the intel
store; "pack render" writes a pack's queries and IOCs in other formats.`,
		Example: "  huntpack pack build --family Remcos --since 30d -o remcos\n  huntpack pack render remcos --format readme",
	}
	cmd.AddCommand(newPackBuildCmd(ctx, env), newPackRenderCmd(ctx, env))
	return cmd
}

// packBuildFlags are the flags of "pack build".
type packBuildFlags struct {
	db, family, since, source, tag, out, lookback, exclusions, id, title, description, watchlist string
	minConfidence, maxQueryChars                                                                 int
	types, tables, formats                                                                       []string
	noExclusions, force                                                                          bool
}

func newPackBuildCmd(ctx context.Context, env Env) *cobra.Command {
	var fl packBuildFlags
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Write a hunt pack folder from IOCs selected in the intel store",
		Long: `Selects IOCs from the intel store (by family, age, confidence, type, source)
and writes a pack folder: pack.yaml, README.md and one KQL query per IOC kind and
table (ip:port/IPs: CommonSecurityLog, DeviceNetworkEvents, _Im_NetworkSession;
domains: DnsEvents, DeviceNetworkEvents, _Im_Dns, CommonSecurityLog; URLs:
CommonSecurityLog, DeviceNetworkEvents, UrlClickEvents; hashes: DeviceFileEvents,
DeviceProcessEvents). IOC lists that would make a query longer than
--max-query-chars (default 10000, Sentinel's analytics-rule limit) are split
over several queries; then a watchlist variant is written too: under
export/watchlist/, the IOC CSV to upload as a Sentinel watchlist (SearchKey =
key) and one query per table reading it with _GetWatchlist, which has no size
limit (--watchlist ALIAS names the watchlist and always writes it).

The store is the one "huntpack intel import" fills: --db, else
$XDG_DATA_HOME/huntpack/intel.db, else ~/.local/share/huntpack/intel.db.`,
		Example: `  huntpack pack build --family Remcos
  huntpack pack build --family Remcos --since 30d --min-confidence 50 --types ip:port,domain -o packs/remcos
  huntpack pack build --family AgentTesla --exclusions my-fps.yaml --format sentinel-hunting,stix
  huntpack pack build --tag RemcosRAT --source urlhaus --id remcos-urlhaus`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := intelDBPath(cmd, env)
			if err != nil {
				return err
			}
			fl.db = db
			return runPackBuild(ctx, env, fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.db, "db", "", "intel database file (default $XDG_DATA_HOME/huntpack/intel.db)")
	f.StringVar(&fl.family, "family", "", "malware family (name, Malpedia id or alias), e.g. Remcos")
	f.StringVar(&fl.since, "since", "", "only IOCs seen within this span, e.g. 30d, 12h")
	f.IntVar(&fl.minConfidence, "min-confidence", 0, "only IOCs with at least this confidence (0-100)")
	f.StringSliceVar(&fl.types, "types", nil, "only these IOC types: ip:port, ipv4, ipv6, domain, url, md5, sha1, sha256")
	f.StringVar(&fl.source, "source", "", "only IOCs reported by this feed, e.g. threatfox")
	f.StringVar(&fl.tag, "tag", "", "only IOCs carrying this feed tag, e.g. RemcosRAT (URLhaus tags URLs, it names no family)")
	f.StringVarP(&fl.out, "output", "o", "", "pack folder to write (default ./<pack id>)")
	f.StringVar(&fl.lookback, "lookback", pack.DefaultLookback, "time window written into every query (let lookback = ...)")
	f.StringSliceVar(&fl.tables, "tables", nil, "only queries on these tables, e.g. DnsEvents,DeviceNetworkEvents")
	f.IntVar(&fl.maxQueryChars, "max-query-chars", pack.DefaultMaxQueryChars, "split IOC lists so each query stays under this many characters")
	f.StringVar(&fl.exclusions, "exclusions", "", "YAML file with the false-positive exclusions (a list, FORMAT.md); default: the seed's scenarios")
	f.BoolVar(&fl.noExclusions, "no-exclusions", false, "write no exclusions")
	f.StringVar(&fl.id, "id", "", "pack id (default <family>-<source>)")
	f.StringVar(&fl.title, "title", "", "pack title")
	f.StringVar(&fl.description, "description", "", "extra prose for the README (after the hypothesis)")
	f.StringSliceVar(&fl.formats, "format", nil, "also render these formats under export/ ("+strings.Join(render.FormatNames(), ", ")+")")
	f.BoolVar(&fl.force, "force", false, "write into an existing folder that is not a pack")
	f.StringVar(&fl.watchlist, "watchlist", "", `write the watchlist variant (export/watchlist/: the IOC CSV and one query per table reading it with _GetWatchlist) with this alias; default: with the pack id as alias when an IOC list was split, "off" never`)
	return cmd
}

func runPackBuild(ctx context.Context, env Env, fl packBuildFlags) error {
	now := env.now().UTC()
	opts, err := packBuildOptions(env, fl, now)
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	sel, err := packSelectOptions(env, fl, now)
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	if _, err := os.Stat(sel.StorePath); err != nil {
		return exitf(ExitBadInput, "intel store %s: %v (run huntpack intel import first, or pass --db)", sel.StorePath, err)
	}
	st, err := store.Open(sel.StorePath)
	if err != nil {
		return exitf(ExitBadInput, "open intel store: %w", err)
	}
	defer st.Close()
	got, err := pack.Select(ctx, st, sel)
	if errors.Is(err, pack.ErrBadSelection) {
		return withCode(ExitBadInput, err)
	}
	if err != nil {
		return withCode(ExitBackend, err)
	}
	if len(got.IOCs) == 0 {
		return exitf(ExitBadInput, "no IOCs in %s match %s", sel.StorePath, describeSelection(got.Selection))
	}
	opts.Selection, opts.Skipped = got.Selection, got.Pruned
	p, err := pack.Build(got.IOCs, opts)
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	p.Description = fl.description
	dir := fl.out
	if dir == "" {
		dir = p.ID
	}
	if err := checkPackDir(dir, fl.force); err != nil {
		return withCode(ExitBadInput, err)
	}
	extra, err := packExtraFiles(p, fl.formats)
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	wl, err := packWatchlistFiles(p, fl.watchlist)
	if err != nil {
		return withCode(ExitBadInput, err)
	}
	extra = append(extra, wl...)
	if err := p.Save(dir, extra...); err != nil {
		return exitf(ExitBadInput, "%w", err)
	}
	fmt.Fprintf(env.Stderr, "huntpack: wrote %s: %d IOCs (%s), %d queries, %d skipped\n",
		dir, len(p.IOCs), countText(p.CountByType()), len(p.Queries), len(p.Skipped))
	fmt.Fprintln(env.Stdout, dir)
	return nil
}

func packBuildOptions(env Env, fl packBuildFlags, now time.Time) (pack.BuildOptions, error) {
	o := pack.BuildOptions{ID: fl.id, Title: fl.title, Family: fl.family, Now: now, Lookback: fl.lookback,
		Tables: fl.tables, MaxQueryChars: fl.maxQueryChars}
	if _, ok := types.ParseTimeSpanLiteral(fl.lookback); !ok || !packPlainSpan(fl.lookback) {
		return o, fmt.Errorf("--lookback %q: want a timespan such as 14d, 12h or 90m", fl.lookback)
	}
	if fl.maxQueryChars < 1000 {
		return o, fmt.Errorf("--max-query-chars %d: want at least 1000", fl.maxQueryChars)
	}
	if fl.minConfidence < 0 || fl.minConfidence > 100 {
		return o, fmt.Errorf("--min-confidence %d: want 0..100", fl.minConfidence)
	}
	switch {
	case fl.noExclusions:
		o.Exclusions = []pack.Exclusion{}
	case fl.exclusions != "":
		ex, err := loadExclusions(fl.exclusions)
		if err != nil {
			return o, err
		}
		o.Exclusions = ex
	}
	for _, f := range fl.formats {
		for _, name := range strings.Split(f, ",") {
			if _, ok := render.LookupFormat(strings.TrimSpace(name)); !ok {
				return o, fmt.Errorf("--format %q: known formats: %s", name, strings.Join(render.FormatNames(), ", "))
			}
		}
	}
	return o, nil
}

func packPlainSpan(s string) bool {
	_, ok := pack.WithLookback("let lookback = 1d;", s)
	return ok
}

func packSelectOptions(env Env, fl packBuildFlags, now time.Time) (pack.SelectOptions, error) {
	o := pack.SelectOptions{Family: fl.family, MinConfidence: fl.minConfidence, Types: fl.types,
		Source: fl.source, Tag: fl.tag, Now: now, SinceText: fl.since, StorePath: fl.db}
	if fl.since != "" {
		ticks, ok := types.ParseTimeSpanLiteral(fl.since)
		if !ok || ticks <= 0 {
			return o, fmt.Errorf("--since %q: want a timespan such as 30d or 12h", fl.since)
		}
		o.Since = time.Duration(ticks * 100)
	}
	return o, nil
}

// loadExclusions reads a YAML list of exclusions (or a map with an
// "exclusions" key, as in pack.yaml).
func loadExclusions(path string) ([]pack.Exclusion, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--exclusions: %w", err)
	}
	var list []pack.Exclusion
	if err := yaml.Unmarshal(b, &list); err != nil {
		var wrapped struct {
			Exclusions []pack.Exclusion `yaml:"exclusions"`
		}
		if err2 := yaml.Unmarshal(b, &wrapped); err2 != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		list = wrapped.Exclusions
	}
	for _, e := range list {
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return list, nil
}

// checkPackDir refuses to write into a non-empty folder that holds no
// pack.yaml, unless forced: Save replaces queries/*.kql.
func checkPackDir(dir string, force bool) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(ents) == 0) || force {
		return nil
	}
	if err != nil {
		return fmt.Errorf("output %s: %w", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, pack.ManifestFile)); err == nil {
		return nil
	}
	return fmt.Errorf("output %s exists and is not a hunt pack (no %s); use --force or another -o", dir, pack.ManifestFile)
}

// packExtraFiles renders the README and the requested export formats.
func packExtraFiles(p *pack.Pack, formats []string) ([]pack.File, error) {
	files := []pack.File{{Path: pack.ReadmeFile, Data: render.README(p)}}
	for _, f := range formats {
		for _, name := range strings.Split(f, ",") {
			out, err := render.Render(p, strings.TrimSpace(name))
			if err != nil {
				return nil, err
			}
			for _, o := range out {
				files = append(files, pack.File{Path: pack.ExportDir + "/" + o.Path, Data: o.Data})
			}
		}
	}
	return files, nil
}

// packWatchlistFiles renders the watchlist variant: alias "" writes it
// (alias = pack id) only when an IOC list was split, "off" never.
func packWatchlistFiles(p *pack.Pack, alias string) ([]pack.File, error) {
	switch {
	case alias == "off":
		return nil, nil
	case alias == "" && !p.Split():
		return nil, nil
	case alias == "":
		alias = p.ID
	}
	qs, err := pack.WatchlistQueries(p, alias)
	if err != nil {
		return nil, fmt.Errorf("--watchlist: %w", err)
	}
	csvOut, err := render.Render(p, "csv")
	if err != nil {
		return nil, err
	}
	files := []pack.File{{Path: pack.WatchlistCSVFile(p), Data: csvOut[0].Data}}
	for _, q := range qs {
		files = append(files, pack.File{Path: q.File, Data: []byte(q.KQL)})
	}
	return files, nil
}

func describeSelection(s *pack.Selection) string {
	var p []string
	if s.Family != "" {
		p = append(p, "family "+s.Family)
	}
	if s.Since != "" {
		p = append(p, "since "+s.Since)
	}
	if s.MinConfidence > 0 {
		p = append(p, fmt.Sprintf("confidence >= %d", s.MinConfidence))
	}
	if len(s.Types) > 0 {
		p = append(p, "types "+strings.Join(s.Types, ","))
	}
	if len(s.Sources) > 0 {
		p = append(p, "source "+strings.Join(s.Sources, ","))
	}
	if s.Tag != "" {
		p = append(p, "tag "+s.Tag)
	}
	if len(p) == 0 {
		return "the selection (the store is empty)"
	}
	return strings.Join(p, ", ")
}

func countText(m map[string]int) string {
	var parts []string
	for _, t := range []string{"ip:port", "ipv4", "ipv6", "domain", "url", "sha256", "sha1", "md5"} {
		if m[t] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[t], t))
		}
	}
	return strings.Join(parts, ", ")
}

func newPackRenderCmd(ctx context.Context, env Env) *cobra.Command {
	var formats []string
	var out string
	cmd := &cobra.Command{
		Use:   "render DIR",
		Short: "Render a hunt pack's README or exports (Sentinel, Defender, SPL, ES|QL, Sigma, Zeek, Suricata, STIX, CSV)",
		Long: `Loads the pack in DIR and writes each requested format. With -o the files go
to that folder (a format may write several files); without it, a format that
writes one file prints it to stdout.`,
		Example: `  huntpack pack render examples/remcos-threatfox --format readme > README.md
  huntpack pack render examples/remcos-threatfox --format sentinel-hunting,sentinel-rule,arm,stix -o deploy/`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := pack.Load(args[0])
			if err != nil {
				return withCode(ExitBadInput, err)
			}
			if len(formats) == 0 {
				return exitf(ExitBadInput, "--format is required (%s)", strings.Join(render.FormatNames(), ", "))
			}
			var files []render.Output
			for _, f := range formats {
				for _, name := range strings.Split(f, ",") {
					o, err := render.Render(p, strings.TrimSpace(name))
					if err != nil {
						return withCode(ExitBadInput, err)
					}
					files = append(files, o...)
				}
			}
			return writeRendered(env, out, files)
		},
	}
	cmd.Flags().StringSliceVar(&formats, "format", nil, "formats: "+strings.Join(render.FormatNames(), ", "))
	cmd.Flags().StringVarP(&out, "output", "o", "", "folder to write the files to")
	return cmd
}

func writeRendered(env Env, out string, files []render.Output) error {
	if out == "" {
		if len(files) != 1 {
			return exitf(ExitBadInput, "these formats write %d files: pass -o DIR", len(files))
		}
		_, err := env.Stdout.Write(files[0].Data)
		return err
	}
	for _, f := range files {
		path := filepath.Join(out, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return exitf(ExitBadInput, "%w", err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			return exitf(ExitBadInput, "%w", err)
		}
		fmt.Fprintln(env.Stdout, path)
	}
	return nil
}
