package pack

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Large IOC sets. Inline, a query carries its IOCs as datatable and
// dynamic literals; Build keeps every query under MaxQueryChars
// (DefaultMaxQueryChars, Sentinel's 10,000-character rule limit) by
// splitting the IOC list over several queries ("part N of M"). A 286-IOC
// ip:port list becomes 4 queries per table. The other form has no size
// limit: WatchlistQueries reads the IOCs from a Sentinel watchlist
// (_GetWatchlist) uploaded from the pack's CSV export, one query per
// kind and table whatever the IOC count.

// watchlistAliasRe is what WatchlistQueries accepts as an alias: letters,
// digits, '-' and '_' (it is written into a KQL string literal as is).
var watchlistAliasRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// WatchlistQueries returns, for every IOC kind and table p has inline
// queries for, one query that reads the IOCs from the Sentinel watchlist
// alias instead of carrying them: `_GetWatchlist('alias')` over the
// watchlist made from the pack's CSV export (pack/render "csv", columns
// render.CSVHeader, SearchKey = key). The matching, the exclusions and
// the output columns are those of the inline queries; domains are
// matched against every parent domain of the logged host (the inline
// queries use a regex built from the list). Query files are
// WatchlistDir+"/NN_<id>.kql".
func WatchlistQueries(p *Pack, alias string) ([]Query, error) {
	if !watchlistAliasRe.MatchString(alias) {
		return nil, fmt.Errorf("watchlist alias %q: want letters, digits, '-' and '_' (at most 64)", alias)
	}
	lookback := p.Lookback
	if lookback == "" {
		lookback = DefaultLookback
	}
	var out []Query
	for _, t := range allTargets {
		var keys []string
		for _, i := range p.IOCs {
			if KindOf(i.Type) == t.Kind {
				keys = append(keys, i.Key())
			}
		}
		if len(keys) == 0 || !p.hasTarget(t) {
			continue
		}
		h := []string{t.Title + " - IOCs from a watchlist",
			fmt.Sprintf("Reads the %s IOCs from the Sentinel watchlist '%s' (upload %s with SearchKey = key); no IOC list in the query text, so no size limit.",
				kindLabel(t.Kind), alias, WatchlistCSVFile(p))}
		h = append(h, t.Describe...)
		h = append(h, "IOCFirstSeen is the IOC's first_seen in the feed. Time window: edit `let lookback` (huntpack hunt --lookback rewrites it).")
		kql, statuses := generate(genInput{Target: t, Header: h, Lookback: lookback, Exclusions: p.Exclusions, Watchlist: alias})
		id := t.Kind + "-" + t.Name + "-watchlist"
		out = append(out, Query{
			ID: id, Title: t.Title + " (watchlist)", Table: t.Table, Platform: t.Platform,
			File: WatchlistDir + "/" + strings.TrimPrefix(QueryFile(len(out)+1, id), QueriesDir+"/"), KQL: kql,
			Description: strings.Join(t.Describe, " "), IOCs: keys,
			TimestampColumn: t.TimeCol, LookbackParam: LookbackParam, Exclusions: statuses,
		})
	}
	return out, nil
}

// WatchlistDir is the pack folder that holds the watchlist variant: its
// queries and the watchlist CSV (WatchlistCSVFile).
const WatchlistDir = ExportDir + "/watchlist"

// WatchlistCSVFile is the pack-relative path of the watchlist CSV the
// watchlist queries read (the CSV export, pack/render "csv").
func WatchlistCSVFile(p *Pack) string { return WatchlistDir + "/" + p.ID + "-watchlist.csv" }

// Split reports whether any IOC list of p was split over several queries
// (an IOC set above the inline limit).
func (p *Pack) Split() bool {
	for _, q := range p.Queries {
		if q.Parts > 1 {
			return true
		}
	}
	return false
}

// hasTarget reports whether p has an inline query on target t.
func (p *Pack) hasTarget(t Target) bool {
	prefix := t.Kind + "-" + t.Name
	for _, q := range p.Queries {
		if q.ID == prefix || strings.HasPrefix(q.ID, prefix+"-part") {
			return true
		}
	}
	return false
}

// watchlistIOCs writes `let IOCs = _GetWatchlist(...) | where type ... |
// project <cols>;`. The watchlist's columns are strings.
func watchlistIOCs(b *strings.Builder, alias string, types []string, project string) {
	q := make([]string, len(types))
	for i, t := range types {
		q[i] = strconv.Quote(t)
	}
	fmt.Fprintf(b, "let IOCs = _GetWatchlist(%s)\n", KQLString(alias))
	fmt.Fprintf(b, "    | where ['type'] in (%s)\n", strings.Join(q, ", "))
	fmt.Fprintf(b, "    | project %s;\n", project)
}

// watchlistDomainMatch writes the per-column parent-domain match of the
// watchlist domain query: Match<k> is the longest parent domain of the
// column's host (the host itself first, without a trailing root dot)
// that is an IOC.
func watchlistDomainMatch(b *strings.Builder, k int, host string) {
	fmt.Fprintf(b, "| extend Host%d = trim_end(%s, %s)\n", k, KQLString(`\.`), host) // a root dot ("evil.example.") is the same name
	fmt.Fprintf(b, "| mv-apply with_itemindex=I%d L%d = split(Host%d, \".\") to typeof(string) on (\n", k, k, k)
	fmt.Fprintf(b, "    extend Cand = strcat_array(array_slice(split(Host%d, \".\"), I%d, -1), \".\")\n", k, k)
	b.WriteString("    | where Cand in (IOCDomains)\n")
	fmt.Fprintf(b, "    | summarize M%d = min(I%d)\n", k, k)
	b.WriteString("  )\n")
	fmt.Fprintf(b, "| extend Match%d = iff(isnull(M%d), \"\", strcat_array(array_slice(split(Host%d, \".\"), M%d, -1), \".\"))\n", k, k, k, k)
}
