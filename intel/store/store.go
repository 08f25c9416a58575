// Package store is huntpack's embedded intel database: a single SQLite file
// (modernc.org/sqlite, no cgo) holding indicators, their per-source
// sightings, the history of import runs (what came in, what changed) and
// expiry.
//
// Every Import is one transaction: a crash or kill in the middle leaves the
// database exactly as it was before. The database runs in WAL mode with a
// busy timeout, so one process can import while others list.
//
// Merging rules: an indicator is identified by its intel.Key (type and
// canonical value). Re-seeing it keeps the earliest first_seen and the
// latest last_seen, the highest confidence, and unites tags. Each
// (source, source id) pair is one sighting with its own expiry:
// last_seen (or first_seen, or the import time when the feed gives no
// dates) plus the source's expire-after period (DefaultExpireAfter unless
// set). An indicator is active while any of its sightings has not expired.
//
// The caller resolves the database path (the CLI uses
// $XDG_DATA_HOME/huntpack/intel.db) and passes it to Open.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/huntpack/huntpack/intel"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// DefaultExpireAfter is how long a sighting stays active after its source
// last saw it, unless the source has its own setting.
const DefaultExpireAfter = 90 * 24 * time.Hour

// Store is an open intel database. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
}

// Open opens (creating if needed, with parent directories) the database at
// path and migrates its schema.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: empty database path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return s, nil
}

// Path is the database file the store was opened on.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// ImportRequest is one batch of indicators from one source, imported in one
// transaction.
type ImportRequest struct {
	// Source is the feed name ("threatfox", "urlhaus", ...); indicators
	// with an empty Source get this one.
	Source string
	// Origin says where the batch came from: a file name, "-" for stdin,
	// or an API URL (never a key).
	Origin string
	// Format is the parsed format's name (feed.Format), for the history.
	Format string
	// Indicators are normalised (intel.Normalize) indicators, with their
	// pruning Decisions already made. Duplicates are merged.
	Indicators []intel.Indicator
	// Rejected counts the values the parser or validation rejected, for
	// the history.
	Rejected intel.Rejects
	// Problems are the first rejected records with their positions
	// ("file:line: reason"), kept with the run (at most MaxRunProblems).
	Problems []string
	// ExpireAfter, when positive, sets (and remembers) the source's expiry
	// period; zero uses the source's remembered setting or
	// DefaultExpireAfter.
	ExpireAfter time.Duration
	// Now is the import time (UTC); zero means time.Now.
	Now time.Time
	// Progress, if set, is called after every indicator written.
	Progress func(done, total int)
}

// ImportResult is what an import changed.
type ImportResult struct {
	RunID     int64
	Total     int // indicators in the request, after de-duplication
	Added     int // new indicators
	Updated   int // existing indicators whose data changed
	Unchanged int // existing indicators seen again with nothing new
	Excluded  int // indicators (new or not) carrying an exclude decision
	Rejected  int // values rejected before the import (from the request)
}

// Filter selects indicators for Query. Zero fields do not filter.
type Filter struct {
	// Types keeps only these types.
	Types []intel.Type
	// Family matches the malware name, Malpedia id or an alias, case-insensitively.
	Family string
	// Source keeps indicators with a sighting from this source.
	Source string
	// Since keeps indicators last seen (or first seen) at or after it.
	Since time.Time
	// MinConfidence keeps indicators with at least this confidence.
	MinConfidence int
	// Active keeps only indicators with an unexpired sighting at Now.
	Active bool
	// Now is the reference time for Active; zero means time.Now.
	Now time.Time
	// Value keeps the indicator with this canonical value.
	Value string
	// IP keeps ipv4/ipv6 indicators with this address and ip:port
	// indicators on it (canonical address text).
	IP string
	// Tag keeps indicators carrying this tag (case-insensitive).
	Tag string
	// IncludeExcluded also returns indicators pruned as false positives.
	IncludeExcluded bool
	// Limit caps the number of results; 0 means no cap.
	Limit int
}

// Record is one stored indicator: the merged Indicator plus store facts.
type Record struct {
	intel.Indicator
	// ID is the store's row id.
	ID int64 `json:"id"`
	// ExpiresAt is the latest expiry of the indicator's sightings.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// Active is ExpiresAt after the query's Now.
	Active bool `json:"active"`
	// Sources are the names of the sources that reported the indicator.
	Sources []string `json:"sources,omitempty"`
	// Sightings are the per-source reports, oldest first (filled by Get
	// and by Query when the filter asks for them).
	Sightings []Sighting `json:"sightings,omitempty"`
}

// Sighting is one source's report of an indicator.
type Sighting struct {
	Source     string        `json:"source"`
	SourceID   string        `json:"source_id,omitempty"`
	Malware    intel.Malware `json:"malware,omitzero"`
	ThreatType string        `json:"threat_type,omitempty"`
	Confidence int           `json:"confidence,omitempty"`
	FirstSeen  time.Time     `json:"first_seen,omitzero"`
	LastSeen   time.Time     `json:"last_seen,omitzero"`
	Tags       []string      `json:"tags,omitempty"`
	Reference  string        `json:"reference,omitempty"`
	Reporter   string        `json:"reporter,omitempty"`
	FirstRun   int64         `json:"first_run"`
	LastRun    int64         `json:"last_run"`
	ExpiresAt  time.Time     `json:"expires_at"`
}

// Run is one import run in the history.
type Run struct {
	ID          int64         `json:"id"`
	Started     time.Time     `json:"started"`
	Source      string        `json:"source"`
	Origin      string        `json:"origin"`
	Format      string        `json:"format"`
	ExpireAfter time.Duration `json:"expire_after"`
	Total       int           `json:"total"`
	Added       int           `json:"added"`
	Updated     int           `json:"updated"`
	Unchanged   int           `json:"unchanged"`
	Excluded    int           `json:"excluded"`
	Rejected    int           `json:"rejected"`
	Rejects     string        `json:"rejects,omitempty"`
	// Problems are the first rejected records of the run with their
	// file:line and reason.
	Problems []string `json:"problems,omitempty"`
}

// MaxRunProblems caps the problems a run keeps.
const MaxRunProblems = 50

// Change is one entry of an import run's change log for an indicator.
type Change struct {
	RunID  int64     `json:"run_id"`
	At     time.Time `json:"at"`
	Action string    `json:"action"` // "added", "updated"
	Detail string    `json:"detail,omitempty"`
}

// Stats summarises the store.
type Stats struct {
	Indicators int            `json:"indicators"`
	Active     int            `json:"active"`
	Excluded   int            `json:"excluded"`
	ByType     map[string]int `json:"by_type"`
	ByFamily   map[string]int `json:"by_family"`
	BySource   map[string]int `json:"by_source"`
	Runs       int            `json:"runs"`
}
