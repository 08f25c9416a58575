package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/huntpack/huntpack/intel"
	"github.com/huntpack/huntpack/intel/export"
	"github.com/huntpack/huntpack/intel/store"
	"github.com/spf13/cobra"
)

func newIntelPruneCmd(ctx context.Context, env Env) *cobra.Command {
	var o intelPruneOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "prune [--warninglists DIR]",
		Short: "Re-apply the warninglists to every stored indicator (after the lists change)",
		Long: `prune re-runs false-positive pruning over the whole store, excluded indicators
included, with the embedded MISP warninglists or --warninglists DIR. Use it after
the lists change: an indicator newly listed is excluded, one no longer listed is
hunted again, cloud flags and lowered confidence follow the lists (confidence is
lowered from the feed's value, never twice). It is one transaction, recorded in
"intel runs" (format prune); every indicator it changes gets a "pruned" entry in
its history, which "intel why" and "intel show" print.

Exit status: 0 done, 2 bad lists, 3 the store failed.`,
		Example: `  huntpack intel prune
  huntpack intel prune --warninglists ~/misp-warninglists/lists --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIntelPrune(cmd, env, o, asJSON)
		},
	}
	cmd.Flags().StringVar(&o.warninglists, "warninglists", "", "MISP warninglists directory (<dir>/<name>/list.json); default: the embedded copy")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

func runIntelPrune(cmd *cobra.Command, env Env, o intelPruneOptions, asJSON bool) error {
	wl, err := o.load()
	if err != nil {
		return err
	}
	st, err := openIntelStore(cmd, env)
	if err != nil {
		return err
	}
	defer st.Close()
	origin := "embedded warninglists"
	if o.warninglists != "" {
		origin = "warninglists " + o.warninglists
	}
	res, err := st.Reprune(cmd.Context(), wl.Apply, origin, env.now())
	if err != nil {
		return withCode(ExitBackend, err)
	}
	if asJSON {
		return intelWriteJSON(env.Stdout, res)
	}
	fmt.Fprintf(env.Stdout, "pruned with %s: %d indicators checked, %d changed (%d newly excluded, %d no longer excluded) [run %d]\n",
		export.Visible(origin), res.Checked, res.Changed, res.Excluded, res.Restored, res.RunID)
	return nil
}

func newIntelExpireCmd(ctx context.Context, env Env) *cobra.Command {
	var source, after string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "expire [--source NAME --expire-after 30d]",
		Short: "Re-evaluate the expiry of every stored sighting (optionally after changing a source's period)",
		Long: `expire recomputes every sighting's expiry with the rule imports use (last seen,
else first seen, else the time of the import that last saw it, plus the source's
expire-after period) and every indicator's expiry as the latest of its
sightings'. With --source and --expire-after it first sets that source's period
(remembered, like import --expire-after), so a shorter period retires old IOCs
now instead of at the next import. One transaction, recorded in "intel runs"
(format expire); each indicator whose expiry moves gets an "expiry" entry in its
history.

Exit status: 0 done, 2 bad flags, 3 the store failed.`,
		Example: `  huntpack intel expire
  huntpack intel expire --source threatfox --expire-after 30d`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIntelExpire(cmd, env, source, after, asJSON)
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "source whose period --expire-after sets")
	cmd.Flags().StringVar(&after, "expire-after", "", "new expiry period of --source, e.g. 30d")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

func runIntelExpire(cmd *cobra.Command, env Env, source, after string, asJSON bool) error {
	if (source == "") != (after == "") {
		return exitf(ExitBadInput, "--source and --expire-after go together")
	}
	var period time.Duration
	if after != "" {
		d, err := intelParseAge(after)
		if err != nil {
			return withCode(ExitBadInput, err)
		}
		if d <= 0 {
			return exitf(ExitBadInput, "--expire-after must be positive")
		}
		period = d
	}
	st, err := openIntelStore(cmd, env)
	if err != nil {
		return err
	}
	defer st.Close()
	origin := "re-evaluate expiry"
	if source != "" {
		if err := st.SetExpiry(cmd.Context(), source, period); err != nil {
			return withCode(ExitBackend, err)
		}
		origin = fmt.Sprintf("source %s expire-after %s", source, after)
	}
	res, err := st.Reexpire(cmd.Context(), origin, env.now())
	if err != nil {
		return withCode(ExitBackend, err)
	}
	if asJSON {
		return intelWriteJSON(env.Stdout, res)
	}
	fmt.Fprintf(env.Stdout, "expiry re-evaluated (%s): %d sightings, %d indicators changed expiry (%d now expired, %d active again) [run %d]\n",
		export.Visible(origin), res.Sightings, res.Changed, res.NowExpired, res.Reactivated, res.RunID)
	return nil
}

// intelStoredVerdict says what the store recorded about r's pruning, and
// whether that differs from what the lists say now (probe: in after
// today's lists were applied).
func intelStoredVerdict(r *store.Record, probe *intel.Indicator) (string, bool) {
	stored := "kept: no warninglist applied"
	if d, ok := r.Excluded(); ok {
		stored = "excluded as a false positive (" + d.List + ")"
	} else if len(r.Decisions) > 0 {
		var lists []string
		for _, d := range r.Decisions {
			lists = append(lists, d.Action+" "+d.List)
		}
		stored = "kept (" + strings.Join(lists, ", ") + ")"
	}
	return stored, !sameDecisions(r.Decisions, probe.Decisions)
}

func sameDecisions(a, b []intel.Decision) bool {
	key := func(ds []intel.Decision) []string {
		var k []string
		for _, d := range ds {
			k = append(k, d.Action+"\x00"+d.List)
		}
		slices.Sort(k)
		return k
	}
	return slices.Equal(key(a), key(b))
}

// intelExpiryLines explains each sighting's expiry: its base date and
// the period of its source.
func intelExpiryLines(ctx context.Context, st *store.Store, r *store.Record) ([]string, error) {
	var out []string
	for _, s := range r.Sightings {
		period, set, err := st.ExpiryPeriod(ctx, s.Source)
		if err != nil {
			return nil, err
		}
		base, what := s.LastSeen, "last seen"
		if s.FirstSeen.After(base) {
			base, what = s.FirstSeen, "first seen"
		}
		if base.IsZero() {
			what = fmt.Sprintf("import run %d (the feed gives no dates)", s.LastRun)
		} else {
			what += " " + intelDate(base)
		}
		kind := "default"
		if set {
			kind = "set for " + s.Source
		}
		line := fmt.Sprintf("%s sighting expires %s = %s + %s (%s)", s.Source, intelDate(s.ExpiresAt), what, intelDays(period), kind)
		if !base.IsZero() && !base.Add(period).Equal(s.ExpiresAt) {
			line += "; the period changed since: run huntpack intel expire"
		}
		out = append(out, line)
	}
	return out, nil
}

func intelDays(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

func printIntelWhyStored(w io.Writer, e intelWhyStored) {
	v := export.Visible
	fmt.Fprintf(w, "stored verdict: %s\n", v(intel.Defang(e.Verdict)))
	if e.Stale {
		fmt.Fprintln(w, "stale:     the warninglists now decide differently; run `huntpack intel prune` to re-apply them to the store")
	}
	for _, l := range e.Expiry {
		fmt.Fprintf(w, "expiry:    %s\n", v(l))
	}
}

// intelWhyStored is what "why" says about one stored record's pruning
// and expiry.
type intelWhyStored struct {
	Value   string   `json:"value"`
	Verdict string   `json:"verdict"`
	Stale   bool     `json:"stale"`
	Expiry  []string `json:"expiry,omitempty"`
}
