package hunt

import (
	"sort"
	"time"

	"github.com/huntpack/huntpack/kql/types"
)

// Default caps.
const (
	DefaultEvidencePerIOC = 20
	DefaultRowsPerQuery   = 200
)

// Builder turns query result rows into findings. Use NewBuilder, then
// AddHits and AddSuppressed per query, then Finish.
type Builder struct {
	res  *Result
	m    *Matcher
	attr attribution
	// findings holds one finding per indicator (in the pack's order),
	// then the "ip only" findings in the order they were first hit;
	// sets their distinct hosts, users, tables and queries.
	findings []Finding
	sets     []findingSets
	ipOnly   map[string]int // canonical IP → its "ip only" finding
	hours    map[int64]int  // hour start (unix seconds) → hits
}

type findingSets struct{ hosts, users, tables, queries map[string]bool }

func newFindingSets() findingSets {
	return findingSets{map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}}
}

// NewBuilder starts a result for inds with the given caps (zero caps take
// the defaults).
func NewBuilder(res *Result, lim Limits) *Builder {
	if lim.EvidencePerIOC <= 0 {
		lim.EvidencePerIOC = DefaultEvidencePerIOC
	}
	if lim.RowsPerQuery <= 0 {
		lim.RowsPerQuery = DefaultRowsPerQuery
	}
	res.Limits = lim
	b := &Builder{res: res, m: NewMatcher(res.Indicators), attr: newAttribution(res.Indicators), ipOnly: map[string]int{}, hours: map[int64]int{}}
	b.findings = make([]Finding, len(res.Indicators))
	b.sets = make([]findingSets, len(res.Indicators))
	for i, ind := range res.Indicators {
		b.findings[i].Indicator = ind
		if b.attr.hostOf[i] != "" {
			b.findings[i].PortMatch = MatchExact
		}
		b.sets[i] = newFindingSets()
	}
	return b
}

// rowView is one row of a batch as cell texts plus its time.
type rowView struct {
	cells []string
	time  time.Time
}

func rowsOf(batch *types.Batch, l layout) []rowView {
	if batch == nil {
		return nil
	}
	out := make([]rowView, batch.Len)
	for i := 0; i < batch.Len; i++ {
		cells := make([]string, len(batch.Cols))
		for j, c := range batch.Cols {
			cells[j] = types.FormatValue(c.Value(i))
		}
		out[i].cells = cells
		if l.time >= 0 {
			out[i].time = rowTime(batch.Cols[l.time].Value(i))
		}
	}
	return out
}

func rowTime(v types.Value) time.Time {
	if v.IsNull() {
		return time.Time{}
	}
	switch v.T {
	case types.DateTime:
		return types.TimeFromTicks(v.I)
	case types.String:
		if t, err := types.ParseDateTime(v.S); err == nil {
			return types.TimeFromTicks(t)
		}
	}
	return time.Time{}
}

// AddHits records the rows batch as hits of query q, whose result entry is
// qr (its Columns, Rows, Hits and Unattributed are filled in).
func (b *Builder) AddHits(qr *QueryResult, q Query, batch *types.Batch) {
	if batch == nil {
		return
	}
	l := newLayout(batch.Schema)
	qr.Columns = batch.Schema.Names()
	scoped := b.scoped(q)
	for _, r := range rowsOf(batch, l) {
		qr.Hits++
		if len(qr.Rows) < b.res.Limits.RowsPerQuery {
			qr.Rows = append(qr.Rows, r.cells)
		} else {
			qr.RowsOmitted++
		}
		if !r.time.IsZero() {
			b.hours[r.time.Truncate(time.Hour).Unix()]++
		}
		c, ok := b.attribute(scoped, r.cells, l)
		if !ok {
			qr.Unattributed++
			continue
		}
		b.addEvidence(c, q, qr.Columns, r, l)
	}
}

func (b *Builder) addEvidence(m credit, q Query, cols []string, r rowView, l layout) {
	f := &b.findings[m.finding]
	s := b.sets[m.finding]
	f.Hits++
	if !r.time.IsZero() {
		if f.FirstHit.IsZero() || r.time.Before(f.FirstHit) {
			f.FirstHit = r.time
		}
		if r.time.After(f.LastHit) {
			f.LastHit = r.time
		}
	}
	addSet(s.hosts, l.host(r.cells, m.column))
	addSet(s.users, l.user(r.cells))
	addSet(s.tables, q.Table)
	addSet(s.queries, q.Name)
	switch m.port {
	case PortMatch:
		f.PortMatched++
	case PortMismatch:
		f.PortMismatched++
	case PortUnknown:
		f.PortUnknown++
	}
	early := !f.Indicator.FirstSeen.IsZero() && !r.time.IsZero() && r.time.Before(f.Indicator.FirstSeen)
	if early {
		f.BeforeFirstSeen++
	}
	if len(f.Evidence) >= b.res.Limits.EvidencePerIOC {
		f.EvidenceOmitted++
		return
	}
	f.Evidence = append(f.Evidence, Evidence{
		Query: q.Name, Table: q.Table, Time: r.time, Column: cols[m.column],
		Port: m.port, BeforeFirstSeen: early, Columns: cols, Values: r.cells,
	})
}

func addSet(set map[string]bool, v string) {
	if v != "" {
		set[v] = true
	}
}

// AddSuppressed attributes rows that exclusions removed from query q to
// the IOCs, each row to one finding as AddHits does.
func (b *Builder) AddSuppressed(q Query, batch *types.Batch) int {
	if batch == nil {
		return 0
	}
	l := newLayout(batch.Schema)
	scoped := b.scoped(q)
	for _, r := range rowsOf(batch, l) {
		if c, ok := b.attribute(scoped, r.cells, l); ok {
			b.findings[c.finding].Suppressed++
		}
	}
	return batch.Len
}

// scopedMatcher matches only the indicators a query hunts for; idx maps
// its indicator indexes back to the result's.
type scopedMatcher struct {
	m   *Matcher
	idx []int
}

// scoped returns the matcher for q's own IOCs, or nil when q's IOCs
// cannot be told (then every IOC of the pack is tried).
func (b *Builder) scoped(q Query) *scopedMatcher {
	t := q.targets(b.res.Indicators)
	if len(t) == 0 {
		return nil
	}
	inds := make([]Indicator, len(t))
	for i, j := range t {
		inds[i] = b.res.Indicators[j]
	}
	return &scopedMatcher{m: NewMatcher(inds), idx: t}
}

// match attributes a row to the query's own IOCs first; a row matching
// none of them is tried against every IOC of the pack.
func (b *Builder) match(s *scopedMatcher, cells []string, ports []int) []Match {
	if s != nil {
		if ms := s.m.Row(cells, ports); len(ms) > 0 {
			for i := range ms {
				ms[i].Indicator = s.idx[ms[i].Indicator]
			}
			return ms
		}
	}
	return b.m.Row(cells, ports)
}

// Finish fills in the findings, totals and timeline of the result and
// returns it. Findings are ordered by hits (most first), then by first
// hit (earliest first), then those with suppressed hits, then in the
// pack's IOC order ("ip only" findings after the IOCs); IOCs without hits
// are kept with zero hits.
func (b *Builder) Finish() *Result {
	res := b.res
	for i := range b.findings {
		f := &b.findings[i]
		s := b.sets[i]
		f.Hosts, f.Users, f.Tables, f.Queries = sorted(s.hosts), sorted(s.users), sorted(s.tables), sorted(s.queries)
		sort.SliceStable(f.Evidence, func(a, c int) bool { return f.Evidence[a].Time.Before(f.Evidence[c].Time) })
	}
	fs := append([]Finding(nil), b.findings...)
	sort.SliceStable(fs, func(a, c int) bool { return findingLess(fs[a], fs[c]) })
	res.Findings = fs
	res.Timeline = timeline(b.hours)
	res.Totals = totals(res)
	return res
}

// findingLess orders findings for reports: most hits first, then the
// earliest first hit, then suppressed hits before none.
func findingLess(a, c Finding) bool {
	if a.Hits != c.Hits {
		return a.Hits > c.Hits
	}
	if !a.FirstHit.Equal(c.FirstHit) {
		if a.FirstHit.IsZero() || c.FirstHit.IsZero() {
			return c.FirstHit.IsZero()
		}
		return a.FirstHit.Before(c.FirstHit)
	}
	return a.Suppressed > 0 && c.Suppressed == 0
}

func sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// timeline returns one bucket per hour from the first to the last hour
// with hits (empty hours included, so a chart shows gaps).
func timeline(hours map[int64]int) []TimelineBucket {
	if len(hours) == 0 {
		return nil
	}
	var lo, hi int64
	first := true
	for h := range hours {
		if first || h < lo {
			lo = h
		}
		if first || h > hi {
			hi = h
		}
		first = false
	}
	const maxBuckets = 24 * 366
	if (hi-lo)/3600 >= maxBuckets {
		return sparseTimeline(hours)
	}
	out := make([]TimelineBucket, 0, (hi-lo)/3600+1)
	for h := lo; h <= hi; h += 3600 {
		out = append(out, TimelineBucket{Start: time.Unix(h, 0).UTC(), Hits: hours[h]})
	}
	return out
}

// sparseTimeline lists only the hours with hits (for spans over a year).
func sparseTimeline(hours map[int64]int) []TimelineBucket {
	out := make([]TimelineBucket, 0, len(hours))
	for h, n := range hours {
		out = append(out, TimelineBucket{Start: time.Unix(h, 0).UTC(), Hits: n})
	}
	sort.Slice(out, func(a, c int) bool { return out[a].Start.Before(out[c].Start) })
	return out
}

func totals(res *Result) Totals {
	var t Totals
	for _, q := range res.Queries {
		t.Hits += q.Hits
		t.Suppressed += q.Suppressed
		t.Unattributed += q.Unattributed
		if q.Error != "" {
			t.FailedQueries++
		}
	}
	exactIPs := map[string]bool{} // IPs of ip:port IOCs with an exact hit
	var ipOnly []string           // IPs of "ip only" findings with hits
	for _, f := range res.Findings {
		t.BeforeFirstSeen += f.BeforeFirstSeen
		switch {
		case f.Hits == 0:
		case f.IPOnly():
			t.IPOnlyHits += f.Hits
			ipOnly = append(ipOnly, f.Indicator.Value)
		default:
			t.IOCsHit++
			if host, _, ok := portIOC(f.Indicator); ok {
				t.IOCsExact++
				exactIPs[host] = true
			}
		}
	}
	for _, ip := range ipOnly {
		if !exactIPs[ip] {
			t.IOCsIPOnly++
		}
	}
	t.IOCsHit += t.IOCsIPOnly
	return t
}
