package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/huntpack/huntpack/intel"
)

const indicatorCols = `i.id, i.type, i.value, i.port, i.malware, i.malpedia, i.aliases, i.threat_type, i.confidence,
  i.first_seen, i.last_seen, i.tags, i.reference, i.reporter, i.flags, i.decisions, i.expires_at,
  (SELECT coalesce(group_concat(source, ','), '') FROM (SELECT DISTINCT source FROM sightings s WHERE s.indicator_id = i.id ORDER BY source))`

const sightingCols = `source, source_id, malware, malpedia, aliases, threat_type, confidence, first_seen, last_seen,
  tags, reference, reporter, first_run, last_run, expires_at`

type scanner interface{ Scan(dest ...any) error }

func scanIndicator(sc scanner) (Record, error) {
	var r Record
	var typ, aliases, tags, flags, decisions, sources string
	var port int
	var first, last, exp int64
	err := sc.Scan(&r.ID, &typ, &r.Value, &port, &r.Malware.Name, &r.Malware.Malpedia, &aliases, &r.ThreatType,
		&r.Confidence, &first, &last, &tags, &r.Reference, &r.Reporter, &flags, &decisions, &exp, &sources)
	if err != nil {
		return r, err
	}
	r.Type = intel.Type(typ)
	r.Port = uint16(port)
	r.Malware.Aliases = parseList(aliases)
	r.FirstSeen, r.LastSeen, r.ExpiresAt = fromUnix(first), fromUnix(last), fromUnix(exp)
	r.Tags, r.Flags, r.Decisions = parseList(tags), parseList(flags), parseDecisions(decisions)
	if sources != "" {
		r.Sources = strings.Split(sources, ",")
	}
	switch r.Type {
	case intel.TypeIPv4, intel.TypeIPv6:
		r.IP, _ = intel.ParseIP(r.Value)
	case intel.TypeIPPort:
		r.IP, _, _ = intel.ParseIPPort(r.Value)
	}
	return r, nil
}

func scanSighting(sc scanner) (Sighting, error) {
	var g Sighting
	var aliases, tags string
	var first, last, exp int64
	err := sc.Scan(&g.Source, &g.SourceID, &g.Malware.Name, &g.Malware.Malpedia, &aliases, &g.ThreatType,
		&g.Confidence, &first, &last, &tags, &g.Reference, &g.Reporter, &g.FirstRun, &g.LastRun, &exp)
	g.Malware.Aliases, g.Tags = parseList(aliases), parseList(tags)
	g.FirstSeen, g.LastSeen, g.ExpiresAt = fromUnix(first), fromUnix(last), fromUnix(exp)
	return g, err
}

// where builds the WHERE clause and arguments of f.
func (f Filter) where(now time.Time) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if len(f.Types) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?,", len(f.Types)), ",")
		a := make([]any, len(f.Types))
		for i, t := range f.Types {
			a[i] = string(t)
		}
		add("i.type IN ("+ph+")", a...)
	}
	if f.Family != "" {
		add(`(i.malware = ? COLLATE NOCASE OR i.malpedia = ? COLLATE NOCASE OR
		  EXISTS (SELECT 1 FROM json_each(i.aliases) j WHERE j.value = ? COLLATE NOCASE))`, f.Family, f.Family, f.Family)
	}
	if f.Source != "" {
		add("EXISTS (SELECT 1 FROM sightings s WHERE s.indicator_id = i.id AND s.source = ?)", f.Source)
	}
	if !f.Since.IsZero() {
		add("max(i.last_seen, i.first_seen) >= ?", f.Since.Unix())
	}
	if f.MinConfidence > 0 {
		add("i.confidence >= ?", f.MinConfidence)
	}
	if f.Active {
		add("i.expires_at > ?", now.Unix())
	}
	if f.Value != "" {
		add("i.value = ?", f.Value)
	}
	if f.IP != "" {
		add("(i.value = ? OR (i.type = 'ip:port' AND (i.value LIKE ? ESCAPE '\\' OR i.value LIKE ? ESCAPE '\\')))",
			f.IP, likeEscape(f.IP)+":%", "["+likeEscape(f.IP)+"]:%")
	}
	if f.Tag != "" {
		add("EXISTS (SELECT 1 FROM json_each(i.tags) j WHERE j.value = ? COLLATE NOCASE)", f.Tag)
	}
	if !f.IncludeExcluded {
		add("i.excluded = 0")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Query returns the indicators matching f in import order.
func (s *Store) Query(ctx context.Context, f Filter) ([]Record, error) {
	now := f.Now
	if now.IsZero() {
		now = time.Now()
	}
	w, args := f.where(now)
	q := "SELECT " + indicatorCols + " FROM indicators i" + w + " ORDER BY i.id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: query: %w", err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanIndicator(rows)
		if err != nil {
			return nil, fmt.Errorf("store: query: %w", err)
		}
		r.Active = r.ExpiresAt.After(now)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: query: %w", err)
	}
	return out, nil
}

// List is Query: it returns the indicators matching f.
func (s *Store) List(ctx context.Context, f Filter) ([]Record, error) { return s.Query(ctx, f) }

// Get returns the stored indicator with key k and its sightings; ok is
// false when it is not in the store.
func (s *Store) Get(ctx context.Context, k intel.Key, now time.Time) (rec Record, ok bool, err error) {
	if now.IsZero() {
		now = time.Now()
	}
	row := s.db.QueryRowContext(ctx, "SELECT "+indicatorCols+" FROM indicators i WHERE i.type = ? AND i.value = ?", string(k.Type), k.Value)
	rec, err = scanIndicator(row)
	if err == sql.ErrNoRows {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, fmt.Errorf("store: get %s: %w", k, err)
	}
	rec.Active = rec.ExpiresAt.After(now)
	rows, err := s.db.QueryContext(ctx, "SELECT "+sightingCols+" FROM sightings WHERE indicator_id = ? ORDER BY first_run, source, source_id", rec.ID)
	if err != nil {
		return Record{}, false, fmt.Errorf("store: get %s: %w", k, err)
	}
	defer rows.Close()
	for rows.Next() {
		g, err := scanSighting(rows)
		if err != nil {
			return Record{}, false, fmt.Errorf("store: get %s: %w", k, err)
		}
		rec.Sightings = append(rec.Sightings, g)
	}
	return rec, true, rows.Err()
}

// Changes returns the change log of the indicator with row id id, oldest first.
func (s *Store) Changes(ctx context.Context, id int64) ([]Change, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.run_id, r.started, c.action, c.detail FROM changes c
	  JOIN runs r ON r.id = c.run_id WHERE c.indicator_id = ? ORDER BY c.rowid`, id)
	if err != nil {
		return nil, fmt.Errorf("store: changes: %w", err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var at int64
		if err := rows.Scan(&c.RunID, &at, &c.Action, &c.Detail); err != nil {
			return nil, fmt.Errorf("store: changes: %w", err)
		}
		c.At = fromUnix(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Runs returns the import history, newest first; limit 0 means all.
func (s *Store) Runs(ctx context.Context, limit int) ([]Run, error) {
	q := `SELECT id, started, source, origin, format, expire_after, total, added, updated, unchanged, excluded, rejected, rejects, problems
	  FROM runs ORDER BY id DESC`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var started, exp int64
		var probs string
		if err := rows.Scan(&r.ID, &started, &r.Source, &r.Origin, &r.Format, &exp, &r.Total, &r.Added, &r.Updated,
			&r.Unchanged, &r.Excluded, &r.Rejected, &r.Rejects, &probs); err != nil {
			return nil, fmt.Errorf("store: runs: %w", err)
		}
		r.Problems = parseList(probs)
		r.Started, r.ExpireAfter = fromUnix(started), time.Duration(exp)*time.Second
		out = append(out, r)
	}
	return out, rows.Err()
}

// Stats summarises the store at now.
func (s *Store) Stats(ctx context.Context, now time.Time) (Stats, error) {
	st := Stats{ByType: map[string]int{}, ByFamily: map[string]int{}, BySource: map[string]int{}}
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(expires_at > ? AND excluded = 0), 0),
	  coalesce(sum(excluded), 0), (SELECT count(*) FROM runs) FROM indicators`, now.Unix()).
		Scan(&st.Indicators, &st.Active, &st.Excluded, &st.Runs)
	if err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	groups := []struct {
		q string
		m map[string]int
	}{
		{`SELECT type, count(*) FROM indicators WHERE excluded = 0 GROUP BY type`, st.ByType},
		{`SELECT malware, count(*) FROM indicators WHERE excluded = 0 GROUP BY malware`, st.ByFamily},
		{`SELECT s.source, count(DISTINCT s.indicator_id) FROM sightings s GROUP BY s.source`, st.BySource},
	}
	for _, g := range groups {
		if err := countInto(ctx, s.db, g.q, g.m); err != nil {
			return st, fmt.Errorf("store: stats: %w", err)
		}
	}
	return st, nil
}

func countInto(ctx context.Context, db *sql.DB, q string, m map[string]int) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		m[k] = n
	}
	return rows.Err()
}

// IntegrityCheck runs PRAGMA integrity_check and returns its verdict
// ("ok" for a sound database).
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	if err := s.db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return "", fmt.Errorf("store: integrity check: %w", err)
	}
	return res, nil
}

// likeEscape escapes LIKE wildcards (with ESCAPE '\\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
