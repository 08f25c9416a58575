package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/huntpack/huntpack/intel"
)

// Maintenance runs (prune, expire) are recorded in the history with this
// source name and their kind as the format.
const (
	MaintenanceSource = "huntpack"
	FormatPrune       = "prune"
	FormatExpire      = "expire"
)

// PruneFunc makes today's pruning decisions about in (sets Decisions,
// pruning flags and lowered confidence, as warnlist.Set.Apply does) and
// reports whether in is excluded.
type PruneFunc func(in *intel.Indicator) bool

// PruneResult is what Reprune changed.
type PruneResult struct {
	RunID    int64 `json:"run_id"`
	Checked  int   `json:"checked"`  // indicators looked at (all of them, excluded ones too)
	Changed  int   `json:"changed"`  // indicators whose decisions, flags or confidence changed
	Excluded int   `json:"excluded"` // newly excluded as false positives
	Restored int   `json:"restored"` // no longer excluded
}

// Reprune re-applies prune to every stored indicator, excluded ones
// included, in one transaction, and records the run (origin says which
// lists) and a "pruned" change per indicator it changed. Each indicator
// starts from its feed state: the confidence before any earlier lowering
// (intel.Decision.ConfidenceBefore) and the flags the feeds set, so
// running it twice changes nothing the second time.
func (s *Store) Reprune(ctx context.Context, prune PruneFunc, origin string, now time.Time) (PruneResult, error) {
	var res PruneResult
	err := s.maintain(ctx, FormatPrune, origin, now, func(tx *sql.Tx, runID int64) error {
		res.RunID = runID
		recs, err := allIndicators(ctx, tx)
		if err != nil {
			return err
		}
		upd, err := tx.PrepareContext(ctx, `UPDATE indicators SET confidence=?, flags=?, decisions=?, excluded=?, updated_run=? WHERE id=?`)
		if err != nil {
			return err
		}
		defer upd.Close()
		for i := range recs {
			old := &recs[i].Indicator
			cur := *old
			cur.Confidence = old.ConfidenceBeforePruning()
			cur.Flags = feedFlags(old)
			cur.Decisions = nil
			excl := prune(&cur)
			res.Checked++
			detail := pruneDiff(old, &cur)
			if detail == "" {
				continue
			}
			_, wasExcl := old.Excluded()
			switch {
			case excl && !wasExcl:
				res.Excluded++
			case !excl && wasExcl:
				res.Restored++
			}
			res.Changed++
			if _, err := upd.ExecContext(ctx, cur.Confidence, jsonList(cur.Flags), jsonDecisions(cur.Decisions), excl, runID, recs[i].ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, qInsertChange, runID, recs[i].ID, "pruned", detail); err != nil {
				return err
			}
		}
		return finishRun(ctx, tx, runID, res.Checked, res.Changed, res.Checked-res.Changed, countExcluded(ctx, tx))
	})
	return res, err
}

// pruneDiff describes what re-pruning changed ("" for nothing).
func pruneDiff(old, cur *intel.Indicator) string {
	var d []string
	od, oldExcl := old.Excluded()
	nd, newExcl := cur.Excluded()
	switch {
	case newExcl && !oldExcl:
		d = append(d, "now excluded by "+nd.List+": "+nd.Reason)
	case oldExcl && !newExcl:
		d = append(d, "no longer excluded (was "+od.List+")")
	case oldExcl && newExcl && od.List != nd.List:
		d = append(d, "excluded by "+nd.List+" (was "+od.List+")")
	}
	if !slices.Equal(old.Flags, cur.Flags) {
		d = append(d, "flags "+orNone(old.Flags)+" -> "+orNone(cur.Flags))
	}
	if old.Confidence != cur.Confidence {
		d = append(d, fmt.Sprintf("confidence %d -> %d", old.Confidence, cur.Confidence))
	}
	if len(d) == 0 && !slices.Equal(old.Decisions, cur.Decisions) {
		d = append(d, "decision reasons updated")
	}
	return strings.Join(d, "; ")
}

func orNone(v []string) string {
	if len(v) == 0 {
		return "none"
	}
	return strings.Join(v, ",")
}

// ExpireResult is what Reexpire changed.
type ExpireResult struct {
	RunID       int64 `json:"run_id"`
	Sightings   int   `json:"sightings"`   // sightings re-evaluated
	Changed     int   `json:"changed"`     // indicators whose expiry changed
	NowExpired  int   `json:"now_expired"` // active before, expired now
	Reactivated int   `json:"reactivated"` // expired before, active now
}

// SetExpiry sets (and remembers) a source's expire-after period without
// importing; Reexpire applies it to the stored sightings.
func (s *Store) SetExpiry(ctx context.Context, source string, d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("store: expiry of %s must be positive", source)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sources (name, expire_after) VALUES (?, ?)
	  ON CONFLICT(name) DO UPDATE SET expire_after = excluded.expire_after`, source, int64(d/time.Second))
	if err != nil {
		return fmt.Errorf("store: set expiry of %s: %w", source, err)
	}
	return nil
}

// Reexpire recomputes, in one transaction, every sighting's expiry from
// its dates and its source's current period (the rule imports use: last
// seen, else first seen, else the time of the run that last saw it, plus
// the period) and every indicator's expiry as the latest of its
// sightings'. It records the run and an "expiry" change per indicator
// whose expiry moved. now decides what counts as active.
func (s *Store) Reexpire(ctx context.Context, origin string, now time.Time) (ExpireResult, error) {
	var res ExpireResult
	err := s.maintain(ctx, FormatExpire, origin, now, func(tx *sql.Tx, runID int64) error {
		res.RunID = runID
		r, err := tx.ExecContext(ctx, `UPDATE sightings SET expires_at =
		  (CASE WHEN max(last_seen, first_seen) > 0 THEN max(last_seen, first_seen)
		        ELSE coalesce((SELECT started FROM runs WHERE runs.id = sightings.last_run), 0) END)
		  + coalesce((SELECT expire_after FROM sources WHERE sources.name = sightings.source), ?)`,
			int64(DefaultExpireAfter/time.Second))
		if err != nil {
			return err
		}
		n, _ := r.RowsAffected()
		res.Sightings = int(n)
		rows, err := tx.QueryContext(ctx, `SELECT i.id, i.expires_at, (SELECT max(s.expires_at) FROM sightings s WHERE s.indicator_id = i.id)
		  FROM indicators i WHERE EXISTS (SELECT 1 FROM sightings s WHERE s.indicator_id = i.id)`)
		if err != nil {
			return err
		}
		type move struct{ id, from, to int64 }
		var moves []move
		for rows.Next() {
			var m move
			if err := rows.Scan(&m.id, &m.from, &m.to); err != nil {
				rows.Close()
				return err
			}
			if m.from != m.to {
				moves = append(moves, m)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		t := now.Unix()
		for _, m := range moves {
			switch {
			case m.from > t && m.to <= t:
				res.NowExpired++
			case m.from <= t && m.to > t:
				res.Reactivated++
			}
			if _, err := tx.ExecContext(ctx, `UPDATE indicators SET expires_at=? WHERE id=?`, m.to, m.id); err != nil {
				return err
			}
			detail := "expires " + fmtTime(fromUnix(m.from)) + " -> " + fmtTime(fromUnix(m.to))
			if _, err := tx.ExecContext(ctx, qInsertChange, runID, m.id, "expiry", detail); err != nil {
				return err
			}
		}
		res.Changed = len(moves)
		total := 0
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM indicators`).Scan(&total); err != nil {
			return err
		}
		return finishRun(ctx, tx, runID, total, res.Changed, total-res.Changed, countExcluded(ctx, tx))
	})
	return res, err
}

// maintain runs fn in one transaction with a new run of the given kind.
func (s *Store) maintain(ctx context.Context, kind, origin string, now time.Time, fn func(*sql.Tx, int64) error) error {
	if now.IsZero() {
		now = time.Now()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin %s: %w", kind, err)
	}
	defer tx.Rollback()
	r, err := tx.ExecContext(ctx, `INSERT INTO runs (started, source, origin, format, expire_after) VALUES (?,?,?,?,0)`,
		now.UTC().Unix(), MaintenanceSource, origin, kind)
	if err != nil {
		return fmt.Errorf("store: record %s run: %w", kind, err)
	}
	id, err := r.LastInsertId()
	if err != nil {
		return fmt.Errorf("store: record %s run: %w", kind, err)
	}
	if err := fn(tx, id); err != nil {
		return fmt.Errorf("store: %s: %w", kind, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit %s: %w", kind, err)
	}
	return nil
}

func finishRun(ctx context.Context, tx *sql.Tx, runID int64, total, updated, unchanged, excluded int) error {
	_, err := tx.ExecContext(ctx, `UPDATE runs SET total=?, updated=?, unchanged=?, excluded=? WHERE id=?`,
		total, updated, unchanged, excluded, runID)
	return err
}

func countExcluded(ctx context.Context, tx *sql.Tx) int {
	n := 0
	_ = tx.QueryRowContext(ctx, `SELECT count(*) FROM indicators WHERE excluded = 1`).Scan(&n)
	return n
}

// allIndicators reads every indicator (excluded ones too) in id order.
func allIndicators(ctx context.Context, tx *sql.Tx) ([]Record, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+indicatorCols+" FROM indicators i ORDER BY i.id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanIndicator(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ExpiryPeriod returns the expire-after period the store applies to
// source (its remembered setting, else DefaultExpireAfter) and whether it
// is a per-source setting.
func (s *Store) ExpiryPeriod(ctx context.Context, source string) (time.Duration, bool, error) {
	var secs int64
	err := s.db.QueryRowContext(ctx, `SELECT expire_after FROM sources WHERE name = ?`, source).Scan(&secs)
	if err == sql.ErrNoRows {
		return DefaultExpireAfter, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: expiry of %s: %w", source, err)
	}
	return time.Duration(secs) * time.Second, true, nil
}
