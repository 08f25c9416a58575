package pack

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads the pack in dir. With a pack.yaml it parses it (unknown keys
// are errors, so typos show), reads every Query.File into Query.KQL and
// validates the pack. Without one it builds a Pack from queries/*.kql (or,
// failing that, *.kql in dir) and README.md: one query per file, in file
// name order, its title from the first // comment, its table from the
// first tabular statement. Errors name the file (and line, for YAML).
func Load(dir string) (*Pack, error) {
	return LoadFS(os.DirFS(dir), dir)
}

// LoadFS is Load over a file system; name is used in messages and as
// Pack.Dir.
func LoadFS(fsys fs.FS, name string) (*Pack, error) {
	b, err := fs.ReadFile(fsys, ManifestFile)
	switch {
	case err == nil:
		p, err := Parse(b, filepath.Join(name, ManifestFile))
		if err != nil {
			return nil, err
		}
		p.Dir = name
		if err := readQueryFiles(fsys, name, p); err != nil {
			return nil, err
		}
		var root yaml.Node
		if yaml.Unmarshal(b, &root) != nil {
			root = yaml.Node{}
		}
		if err := p.validate(&root); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(name, ManifestFile), err)
		}
		return p, nil
	case errors.Is(err, fs.ErrNotExist):
		return loadBare(fsys, name)
	default:
		return nil, fmt.Errorf("read pack: %w", err)
	}
}

// Parse decodes pack.yaml text; file names the source in errors. It does
// not read query files or validate; Load does both.
func Parse(b []byte, file string) (*Pack, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var p Pack
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty file: %w", file, ErrInvalid)
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if p.Version > FormatVersion {
		return nil, fmt.Errorf("%s: format version %d is newer than this huntpack understands (%d): %w",
			file, p.Version, FormatVersion, ErrInvalid)
	}
	return &p, nil
}

func readQueryFiles(fsys fs.FS, name string, p *Pack) error {
	for i := range p.Queries {
		q := &p.Queries[i]
		if q.File == "" {
			continue
		}
		clean, err := cleanRel(q.File)
		if err != nil {
			return fmt.Errorf("%s: query %s: %w", filepath.Join(name, ManifestFile), q.ID, err)
		}
		b, err := fs.ReadFile(fsys, clean)
		if err != nil {
			return fmt.Errorf("%s: query %s: %w", filepath.Join(name, ManifestFile), q.ID, err)
		}
		q.KQL = string(b)
	}
	return nil
}

// cleanRel checks that a query file path stays inside the pack directory.
func cleanRel(p string) (string, error) {
	if strings.Contains(p, "\\") {
		p = strings.ReplaceAll(p, "\\", "/")
	}
	c := path.Clean(p)
	if path.IsAbs(c) || c == ".." || strings.HasPrefix(c, "../") || c == "." {
		return "", fmt.Errorf("file %q must be a relative path inside the pack: %w", p, ErrInvalid)
	}
	return c, nil
}

// Validate checks the pack's internal consistency: ids present and
// unique, every query has KQL, query files inside the pack, IOC keys and
// exclusion ids that queries reference exist, exclusion fields and
// operators known.
func (p *Pack) Validate() error { return p.validate(nil) }

// validate is Validate; root, when not nil, is the parsed pack.yaml,
// which gives errors about its fields their line numbers.
func (p *Pack) validate(root *yaml.Node) error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(format, args...))
	}
	if p.ID == "" {
		add("pack id is empty")
	}
	keys := map[string]bool{}
	errs = append(errs, p.checkText(root)...)
	if len(p.Queries) == 0 {
		errs = append(errs, missingQueries(root))
	}
	for i, ioc := range p.IOCs {
		if ioc.Type == "" || ioc.Value == "" {
			add("iocs[%d]: type and value are required", i)
		}
		if ioc.Port < 0 || ioc.Port > 65535 {
			add("iocs[%d] %s: port %d out of range", i, ioc.Value, ioc.Port)
		}
		keys[ioc.Key()] = true
	}
	excl := map[string]bool{}
	for _, e := range p.Exclusions {
		if excl[e.ID] {
			add("exclusion id %q is used twice", e.ID)
		}
		excl[e.ID] = true
		if err := e.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	ids := map[string]bool{}
	for i, q := range p.Queries {
		errs = append(errs, q.validate(i, ids, keys, excl)...)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrInvalid, errors.Join(errs...))
}

func (q Query) validate(i int, ids, keys, excl map[string]bool) []error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("queries[%d] %s: "+format, append([]any{i, q.ID}, args...)...))
	}
	if q.ID == "" {
		add("id is empty")
	} else if ids[q.ID] {
		add("id is used twice")
	}
	ids[q.ID] = true
	if strings.TrimSpace(q.KQL) == "" {
		add("no KQL (neither kql nor file)")
	}
	if q.File != "" {
		if _, err := cleanRel(q.File); err != nil {
			add("%v", err)
		}
	}
	for _, k := range q.IOCs {
		if !keys[k] {
			add("covers IOC %q which is not in iocs", k)
		}
	}
	for _, st := range q.Exclusions {
		if !excl[st.ID] {
			add("exclusion %q is not in exclusions", st.ID)
		}
		if st.Status != StatusApplied && st.Status != StatusNotApplicable {
			add("exclusion %s: status %q is neither %s nor %s", st.ID, st.Status, StatusApplied, StatusNotApplicable)
		}
	}
	return errs
}

// loadBare builds a Pack from a directory without pack.yaml.
func loadBare(fsys fs.FS, name string) (*Pack, error) {
	files, err := fs.Glob(fsys, QueriesDir+"/*.kql")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(files) == 0 {
		if files, err = fs.Glob(fsys, "*.kql"); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrNoPack)
	}
	sort.Strings(files)
	p := &Pack{ID: slug(filepath.Base(filepath.Clean(name))), Dir: name}
	if b, err := fs.ReadFile(fsys, ReadmeFile); err == nil {
		p.Readme = string(b)
		p.Title = readmeTitle(p.Readme)
	}
	if p.Title == "" {
		p.Title = p.ID
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(name, f), err)
		}
		p.Queries = append(p.Queries, bareQuery(f, string(b)))
	}
	return p, nil
}

func bareQuery(file, text string) Query {
	base := strings.TrimSuffix(path.Base(file), ".kql")
	q := Query{ID: base, File: file, KQL: text, Title: firstComment(text), Table: guessTable(text)}
	if q.Title == "" {
		q.Title = base
	}
	q.TimestampColumn = guessTimestamp(text)
	if LookbackLiteral(text) != "" {
		q.LookbackParam = LookbackParam
	}
	return q
}

func readmeTitle(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if t, ok := strings.CutPrefix(strings.TrimSpace(line), "# "); ok {
			return strings.TrimSpace(t)
		}
	}
	return ""
}

func firstComment(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if t, ok := strings.CutPrefix(line, "//"); ok {
			return strings.TrimSpace(t)
		}
		if line != "" {
			return ""
		}
	}
	return ""
}

var tableLine = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\||$|\()`)

// guessTable returns the first line's leading identifier that is not a
// let or a comment: the table a hand-written hunt query reads.
func guessTable(s string) string {
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "//") || strings.HasPrefix(t, "let ") || strings.HasPrefix(t, "|") {
			continue
		}
		if m := tableLine.FindStringSubmatch(t); m != nil && m[1] != "union" && m[1] != "search" {
			return m[1]
		}
	}
	return ""
}

func guessTimestamp(s string) string {
	switch {
	case regexp.MustCompile(`\bTimestamp\b`).MatchString(s):
		return "Timestamp"
	case regexp.MustCompile(`\bTimeGenerated\b`).MatchString(s):
		return "TimeGenerated"
	}
	return ""
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	return strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// Slug turns s into a lowercase id of [a-z0-9-].
func Slug(s string) string { return slug(s) }

// lookbackStmt matches the generated time-window statement.
var lookbackStmt = regexp.MustCompile(`(?m)^let\s+` + LookbackParam + `\s*=\s*([0-9]+(?:\.[0-9]+)?(?:d|h|m|s|ms|microsecond|tick)?|time\([^)]*\))\s*;`)

// LookbackLiteral returns the timespan literal of the query's
// `let lookback = <timespan>;` statement, or "" if it has none.
func LookbackLiteral(kql string) string {
	m := lookbackStmt.FindStringSubmatch(kql)
	if m == nil {
		return ""
	}
	return m[1]
}

// WithLookback returns kql with its `let lookback = ...;` timespan
// replaced by span (a KQL timespan literal such as "30d" or "12h"). It
// reports false, leaving kql unchanged, if the query has no such
// statement or span is not a plain timespan literal.
func WithLookback(kql, span string) (string, bool) {
	if !plainTimespan.MatchString(span) {
		return kql, false
	}
	loc := lookbackStmt.FindStringSubmatchIndex(kql)
	if loc == nil {
		return kql, false
	}
	return kql[:loc[2]] + span + kql[loc[3]:], true
}

var plainTimespan = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)?(?:d|h|m|s|ms)$`)
