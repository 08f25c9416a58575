package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/huntpack/huntpack/intel"
)

// schemaVersion is stored in PRAGMA user_version. Version 2 added
// runs.problems (the first rejected records with their file:line).
const schemaVersion = 2

// Times are unix seconds (UTC), 0 for unknown; lists are JSON arrays.
const schema = `
CREATE TABLE IF NOT EXISTS indicators (
  id          INTEGER PRIMARY KEY,
  type        TEXT NOT NULL,
  value       TEXT NOT NULL,
  port        INTEGER NOT NULL DEFAULT 0,
  malware     TEXT NOT NULL DEFAULT '',
  malpedia    TEXT NOT NULL DEFAULT '',
  aliases     TEXT NOT NULL DEFAULT '[]',
  threat_type TEXT NOT NULL DEFAULT '',
  confidence  INTEGER NOT NULL DEFAULT 0,
  first_seen  INTEGER NOT NULL DEFAULT 0,
  last_seen   INTEGER NOT NULL DEFAULT 0,
  tags        TEXT NOT NULL DEFAULT '[]',
  reference   TEXT NOT NULL DEFAULT '',
  reporter    TEXT NOT NULL DEFAULT '',
  flags       TEXT NOT NULL DEFAULT '[]',
  decisions   TEXT NOT NULL DEFAULT '[]',
  excluded    INTEGER NOT NULL DEFAULT 0,
  expires_at  INTEGER NOT NULL DEFAULT 0,
  created_run INTEGER NOT NULL,
  updated_run INTEGER NOT NULL,
  UNIQUE (type, value)
);
CREATE INDEX IF NOT EXISTS indicators_malware ON indicators(malware COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS sightings (
  indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
  source       TEXT NOT NULL,
  source_id    TEXT NOT NULL,
  malware      TEXT NOT NULL DEFAULT '',
  malpedia     TEXT NOT NULL DEFAULT '',
  aliases      TEXT NOT NULL DEFAULT '[]',
  threat_type  TEXT NOT NULL DEFAULT '',
  confidence   INTEGER NOT NULL DEFAULT 0,
  first_seen   INTEGER NOT NULL DEFAULT 0,
  last_seen    INTEGER NOT NULL DEFAULT 0,
  tags         TEXT NOT NULL DEFAULT '[]',
  reference    TEXT NOT NULL DEFAULT '',
  reporter     TEXT NOT NULL DEFAULT '',
  first_run    INTEGER NOT NULL,
  last_run     INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  PRIMARY KEY (indicator_id, source, source_id)
);
CREATE INDEX IF NOT EXISTS sightings_source ON sightings(source);
CREATE TABLE IF NOT EXISTS runs (
  id           INTEGER PRIMARY KEY,
  started      INTEGER NOT NULL,
  source       TEXT NOT NULL,
  origin       TEXT NOT NULL,
  format       TEXT NOT NULL,
  expire_after INTEGER NOT NULL,
  total        INTEGER NOT NULL DEFAULT 0,
  added        INTEGER NOT NULL DEFAULT 0,
  updated      INTEGER NOT NULL DEFAULT 0,
  unchanged    INTEGER NOT NULL DEFAULT 0,
  excluded     INTEGER NOT NULL DEFAULT 0,
  rejected     INTEGER NOT NULL DEFAULT 0,
  rejects      TEXT NOT NULL DEFAULT '',
  problems     TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS changes (
  run_id       INTEGER NOT NULL REFERENCES runs(id),
  indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
  action       TEXT NOT NULL,
  detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS changes_indicator ON changes(indicator_id);
CREATE TABLE IF NOT EXISTS sources (
  name         TEXT PRIMARY KEY,
  expire_after INTEGER NOT NULL
);
`

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > schemaVersion {
		return fmt.Errorf("database schema version %d is newer than this huntpack (%d)", v, schemaVersion)
	}
	if v == schemaVersion {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	// Another process may have migrated between the read above and this
	// (immediate, so exclusive) transaction: read the version again.
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v == schemaVersion {
		return nil
	}
	if v == 1 {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE runs ADD COLUMN problems TEXT NOT NULL DEFAULT '[]'`); err != nil {
			return fmt.Errorf("migrate 1 -> 2: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return tx.Commit()
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromUnix(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

func jsonList(v []string) string {
	if len(v) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func parseList(s string) []string {
	var v []string
	if s == "" || s == "[]" {
		return nil
	}
	_ = json.Unmarshal([]byte(s), &v)
	return v
}

func jsonDecisions(d []intel.Decision) string {
	if len(d) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(d)
	return string(b)
}

func parseDecisions(s string) []intel.Decision {
	var v []intel.Decision
	if s == "" || s == "[]" {
		return nil
	}
	_ = json.Unmarshal([]byte(s), &v)
	return v
}
