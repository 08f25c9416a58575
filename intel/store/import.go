package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/huntpack/huntpack/intel"
)

// Import writes req's indicators in one transaction and records the run.
// Re-importing the same data adds a run to the history and refreshes
// expiry of undated sightings but changes no indicator data (the result
// then counts every indicator as Unchanged).
func (s *Store) Import(ctx context.Context, req ImportRequest) (ImportResult, error) {
	now := req.Now.UTC()
	if req.Now.IsZero() {
		now = time.Now().UTC()
	}
	if req.Source == "" {
		return ImportResult{}, errors.New("store: import without a source name")
	}
	ins := make([]intel.Indicator, len(req.Indicators))
	copy(ins, req.Indicators)
	for i := range ins {
		if ins[i].Source == "" {
			ins[i].Source = req.Source
		}
	}
	ins, _ = intel.Dedupe(ins)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return ImportResult{}, fmt.Errorf("store: begin import: %w", err)
	}
	defer tx.Rollback()
	im, err := newImporter(ctx, tx, req, now)
	if err != nil {
		return ImportResult{}, err
	}
	defer im.close()
	for i := range ins {
		if err := im.one(&ins[i]); err != nil {
			return ImportResult{}, fmt.Errorf("store: import %s: %w", ins[i].Key(), err)
		}
		if req.Progress != nil {
			req.Progress(i+1, len(ins))
		}
	}
	im.res.Total = len(ins)
	im.res.Rejected = req.Rejected.Total()
	probs := req.Problems
	if len(probs) > MaxRunProblems {
		probs = probs[:MaxRunProblems]
	}
	if err := im.finish(req.Rejected, probs); err != nil {
		return ImportResult{}, err
	}
	if err := tx.Commit(); err != nil {
		return ImportResult{}, fmt.Errorf("store: commit import: %w", err)
	}
	return im.res, nil
}

// importer holds the prepared statements of one import transaction.
type importer struct {
	ctx    context.Context
	tx     *sql.Tx
	now    time.Time
	expire time.Duration
	res    ImportResult
	stmts  map[string]*sql.Stmt
}

const (
	qSelectInd = `SELECT ` + indicatorCols + ` FROM indicators i WHERE i.type = ? AND i.value = ?`
	qInsertInd = `INSERT INTO indicators (type, value, port, malware, malpedia, aliases, threat_type, confidence,
  first_seen, last_seen, tags, reference, reporter, flags, decisions, excluded, expires_at, created_run, updated_run)
  VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`
	qUpdateInd = `UPDATE indicators SET malware=?, malpedia=?, aliases=?, threat_type=?, confidence=?, first_seen=?,
  last_seen=?, tags=?, reference=?, reporter=?, flags=?, decisions=?, excluded=?, expires_at=?, updated_run=? WHERE id=?`
	qExpireInd    = `UPDATE indicators SET expires_at=? WHERE id=?`
	qSelectSight  = `SELECT ` + sightingCols + ` FROM sightings WHERE indicator_id=? AND source=? AND source_id=?`
	qUpsertSight  = `INSERT OR REPLACE INTO sightings (indicator_id, source, source_id, malware, malpedia, aliases, threat_type, confidence, first_seen, last_seen, tags, reference, reporter, first_run, last_run, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`
	qInsertChange = `INSERT INTO changes (run_id, indicator_id, action, detail) VALUES (?,?,?,?)`
)

func newImporter(ctx context.Context, tx *sql.Tx, req ImportRequest, now time.Time) (*importer, error) {
	im := &importer{ctx: ctx, tx: tx, now: now, stmts: map[string]*sql.Stmt{}}
	exp, err := sourceExpiry(ctx, tx, req.Source, req.ExpireAfter)
	if err != nil {
		return nil, err
	}
	im.expire = exp
	r, err := tx.ExecContext(ctx, `INSERT INTO runs (started, source, origin, format, expire_after) VALUES (?,?,?,?,?)`,
		now.Unix(), req.Source, req.Origin, req.Format, int64(exp/time.Second))
	if err != nil {
		return nil, fmt.Errorf("store: record run: %w", err)
	}
	if im.res.RunID, err = r.LastInsertId(); err != nil {
		return nil, fmt.Errorf("store: record run: %w", err)
	}
	for _, q := range []string{qSelectInd, qInsertInd, qUpdateInd, qExpireInd, qSelectSight, qUpsertSight, qInsertChange} {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			im.close()
			return nil, fmt.Errorf("store: prepare: %w", err)
		}
		im.stmts[q] = st
	}
	return im, nil
}

func (im *importer) close() {
	for _, st := range im.stmts {
		st.Close()
	}
}

// sourceExpiry returns the source's expiry period, remembering set when
// it is positive.
func sourceExpiry(ctx context.Context, tx *sql.Tx, source string, set time.Duration) (time.Duration, error) {
	if set > 0 {
		_, err := tx.ExecContext(ctx, `INSERT INTO sources (name, expire_after) VALUES (?, ?)
		  ON CONFLICT(name) DO UPDATE SET expire_after = excluded.expire_after`, source, int64(set/time.Second))
		if err != nil {
			return 0, fmt.Errorf("store: set expiry of %s: %w", source, err)
		}
		return set, nil
	}
	var secs int64
	err := tx.QueryRowContext(ctx, `SELECT expire_after FROM sources WHERE name = ?`, source).Scan(&secs)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultExpireAfter, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: expiry of %s: %w", source, err)
	}
	return time.Duration(secs) * time.Second, nil
}

// sightingExpiry is the sighting's base date (last seen, else first seen,
// else the import time) plus the expiry period.
func (im *importer) sightingExpiry(in *intel.Indicator) time.Time {
	base := in.LastSeen
	if in.FirstSeen.After(base) {
		base = in.FirstSeen
	}
	if base.IsZero() {
		base = im.now
	}
	return base.Add(im.expire)
}

func (im *importer) one(in *intel.Indicator) error {
	old, found, err := im.load(in.Key())
	if err != nil {
		return err
	}
	exp := im.sightingExpiry(in)
	if _, ok := in.Excluded(); ok {
		im.res.Excluded++
	}
	if !found {
		return im.add(in, exp)
	}
	merged := old.Indicator
	merged.Tags = slices.Clone(old.Tags)
	merged.Malware.Aliases = slices.Clone(old.Malware.Aliases)
	intel.Merge(&merged, in)
	// Pruning decisions (and the flags they set) are today's verdict;
	// flags from feeds accumulate.
	merged.Flags = intel.CleanTags(append(feedFlags(&old.Indicator), in.Flags...))
	merged.Decisions = in.Decisions
	sightChanged, err := im.upsertSighting(old.ID, in, exp)
	if err != nil {
		return err
	}
	diff := diffIndicator(&old.Indicator, &merged)
	if sightChanged != "" {
		diff = append(diff, sightChanged)
	}
	expires := old.ExpiresAt
	if exp.After(expires) {
		expires = exp
	}
	if len(diff) == 0 {
		im.res.Unchanged++
		if !expires.Equal(old.ExpiresAt) {
			_, err = im.stmts[qExpireInd].ExecContext(im.ctx, unix(expires), old.ID)
		}
		return err
	}
	im.res.Updated++
	if err := im.update(old.ID, &merged, expires); err != nil {
		return err
	}
	_, err = im.stmts[qInsertChange].ExecContext(im.ctx, im.res.RunID, old.ID, "updated", strings.Join(diff, "; "))
	return err
}

func (im *importer) load(k intel.Key) (Record, bool, error) {
	rows, err := im.stmts[qSelectInd].QueryContext(im.ctx, string(k.Type), k.Value)
	if err != nil {
		return Record{}, false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return Record{}, false, rows.Err()
	}
	r, err := scanIndicator(rows)
	return r, err == nil, err
}

func (im *importer) add(in *intel.Indicator, exp time.Time) error {
	_, excl := in.Excluded()
	r, err := im.stmts[qInsertInd].ExecContext(im.ctx, string(in.Type), in.Value, int(in.Port),
		in.Malware.Name, in.Malware.Malpedia, jsonList(in.Malware.Aliases), in.ThreatType, in.Confidence,
		unix(in.FirstSeen), unix(in.LastSeen), jsonList(in.Tags), in.Reference, in.Reporter,
		jsonList(in.Flags), jsonDecisions(in.Decisions), excl, unix(exp), im.res.RunID, im.res.RunID)
	if err != nil {
		return err
	}
	id, err := r.LastInsertId()
	if err != nil {
		return err
	}
	if _, err := im.upsertSighting(id, in, exp); err != nil {
		return err
	}
	im.res.Added++
	_, err = im.stmts[qInsertChange].ExecContext(im.ctx, im.res.RunID, id, "added", "from "+in.Source)
	return err
}

func (im *importer) update(id int64, m *intel.Indicator, expires time.Time) error {
	_, excl := m.Excluded()
	_, err := im.stmts[qUpdateInd].ExecContext(im.ctx, m.Malware.Name, m.Malware.Malpedia, jsonList(m.Malware.Aliases),
		m.ThreatType, m.Confidence, unix(m.FirstSeen), unix(m.LastSeen), jsonList(m.Tags), m.Reference, m.Reporter,
		jsonList(m.Flags), jsonDecisions(m.Decisions), excl, unix(expires), im.res.RunID, id)
	return err
}

// upsertSighting merges in into its (source, source id) sighting. It
// returns a description of what changed in the sighting's data ("" when
// nothing did; first/last run and expiry are bookkeeping).
func (im *importer) upsertSighting(id int64, in *intel.Indicator, exp time.Time) (string, error) {
	old, found, err := im.loadSighting(id, in.Source, in.SourceID)
	if err != nil {
		return "", err
	}
	cur := sightingOf(in)
	cur.FirstRun, cur.LastRun, cur.ExpiresAt = im.res.RunID, im.res.RunID, exp
	change := "new sighting from " + in.Source
	if found {
		cur.FirstRun = old.FirstRun
		if !old.FirstSeen.IsZero() && (cur.FirstSeen.IsZero() || old.FirstSeen.Before(cur.FirstSeen)) {
			cur.FirstSeen = old.FirstSeen
		}
		if old.LastSeen.After(cur.LastSeen) {
			cur.LastSeen = old.LastSeen
		}
		if old.ExpiresAt.After(cur.ExpiresAt) {
			cur.ExpiresAt = old.ExpiresAt
		}
		change = ""
		if !sameSighting(&old, &cur) {
			change = "sighting from " + in.Source + " changed"
		}
	}
	_, err = im.stmts[qUpsertSight].ExecContext(im.ctx, id, cur.Source, cur.SourceID, cur.Malware.Name, cur.Malware.Malpedia,
		jsonList(cur.Malware.Aliases), cur.ThreatType, cur.Confidence, unix(cur.FirstSeen), unix(cur.LastSeen),
		jsonList(cur.Tags), cur.Reference, cur.Reporter, cur.FirstRun, cur.LastRun, unix(cur.ExpiresAt))
	return change, err
}

func (im *importer) loadSighting(id int64, source, sid string) (Sighting, bool, error) {
	rows, err := im.stmts[qSelectSight].QueryContext(im.ctx, id, source, sid)
	if err != nil {
		return Sighting{}, false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return Sighting{}, false, rows.Err()
	}
	sg, err := scanSighting(rows)
	return sg, err == nil, err
}

func sightingOf(in *intel.Indicator) Sighting {
	return Sighting{Source: in.Source, SourceID: in.SourceID, Malware: in.Malware, ThreatType: in.ThreatType,
		Confidence: in.Confidence, FirstSeen: in.FirstSeen, LastSeen: in.LastSeen, Tags: in.Tags,
		Reference: in.Reference, Reporter: in.Reporter}
}

func sameSighting(a, b *Sighting) bool {
	return a.Malware.Name == b.Malware.Name && a.Malware.Malpedia == b.Malware.Malpedia &&
		slices.Equal(a.Malware.Aliases, b.Malware.Aliases) && a.ThreatType == b.ThreatType &&
		a.Confidence == b.Confidence && a.FirstSeen.Equal(b.FirstSeen) && a.LastSeen.Equal(b.LastSeen) &&
		slices.Equal(a.Tags, b.Tags) && a.Reference == b.Reference && a.Reporter == b.Reporter
}

// diffIndicator names the data fields that differ between a and b.
func diffIndicator(a, b *intel.Indicator) []string {
	var d []string
	add := func(changed bool, what string) {
		if changed {
			d = append(d, what)
		}
	}
	add(a.Malware.Name != b.Malware.Name || a.Malware.Malpedia != b.Malware.Malpedia ||
		!slices.Equal(a.Malware.Aliases, b.Malware.Aliases), "malware "+b.Malware.Name)
	add(a.ThreatType != b.ThreatType, "threat type "+b.ThreatType)
	add(a.Confidence != b.Confidence, fmt.Sprintf("confidence %d -> %d", a.Confidence, b.Confidence))
	add(!a.FirstSeen.Equal(b.FirstSeen), "first seen "+fmtTime(b.FirstSeen))
	add(!a.LastSeen.Equal(b.LastSeen), "last seen "+fmtTime(b.LastSeen))
	add(!slices.Equal(a.Tags, b.Tags), "tags "+strings.Join(b.Tags, ","))
	add(a.Reference != b.Reference, "reference")
	add(a.Reporter != b.Reporter, "reporter "+b.Reporter)
	add(!slices.Equal(a.Flags, b.Flags), "flags "+strings.Join(b.Flags, ","))
	add(!slices.Equal(a.Decisions, b.Decisions), "pruning decisions")
	return d
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func (im *importer) finish(rej intel.Rejects, problems []string) error {
	r := im.res
	_, err := im.tx.ExecContext(im.ctx, `UPDATE runs SET total=?, added=?, updated=?, unchanged=?, excluded=?, rejected=?, rejects=?, problems=? WHERE id=?`,
		r.Total, r.Added, r.Updated, r.Unchanged, r.Excluded, r.Rejected, rej.String(), jsonList(problems), r.RunID)
	if err != nil {
		return fmt.Errorf("store: record run: %w", err)
	}
	return nil
}

// feedFlags returns in's flags that were not set by a pruning decision.
func feedFlags(in *intel.Indicator) []string {
	pruned := map[string]bool{}
	for _, d := range in.Decisions {
		pruned[d.List], pruned["cloud:"+d.List] = true, true
	}
	var out []string
	for _, f := range in.Flags {
		if !pruned[f] {
			out = append(out, f)
		}
	}
	return out
}
