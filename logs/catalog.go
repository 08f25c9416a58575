package logs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/input"
	"github.com/huntpack/huntpack/logs/record"
	"github.com/huntpack/huntpack/logs/schema"
)

// Format names a file format huntpack reads.
type Format string

// The formats.
const (
	FormatCSV       Format = "csv"        // Log Analytics portal CSV or plain CSV with a header
	FormatJSON      Format = "json"       // JSON array of objects or JSON lines
	FormatParquet   Format = "parquet"    // Apache Parquet (ADX .export, data lakes)
	FormatLARest    Format = "la-rest"    // Log Analytics query REST response
	FormatADX       Format = "adx-v2"     // Azure Data Explorer v2 response frames
	FormatCEF       Format = "cef"        // CEF lines, with or without a syslog header
	FormatZeekTSV   Format = "zeek-tsv"   // Zeek TSV log (#fields header)
	FormatZeekJSON  Format = "zeek-json"  // Zeek JSON lines
	FormatSysmon    Format = "sysmon"     // Sysmon events, JSON lines
	FormatSysmonXML Format = "sysmon-xml" // Sysmon events, Windows event XML
	FormatSuricata  Format = "suricata"   // Suricata EVE JSON
	FormatDNSDebug  Format = "dnsdebug"   // Windows DNS server debug log
)

// OpenOptions says where logs are and how to read them.
type OpenOptions struct {
	// Dirs are searched (not recursively) for files named after tables
	// and for raw logs recognised by content.
	Dirs []string
	// Tables binds table names to file globs explicitly (--table NAME=GLOB).
	Tables map[string][]string
	// Strict makes any malformed record or unconvertible value an error
	// naming file:line instead of a warning.
	Strict bool
	// InferRows is how many records per file are read to discover
	// columns and infer types: 0 means 1000, negative means all.
	InferRows int
	// Flavour selects schema variants: "" (Sentinel / Log Analytics) or
	// "defenderxdr" (Defender XDR advanced hunting: Timestamp columns).
	Flavour string
	// ASimSourceTables makes _Im_Dns also read DnsEvents lookups,
	// normalised as Sentinel's ASimDnsMicrosoftOMS parser does (Sentinel's
	// own _Im_Dns includes them). Off by default: the ASIM functions then
	// read only the ASIM tables and the raw logs mapped to them.
	ASimSourceTables bool
}

// File is one input file and what it feeds.
type File struct {
	Path        string
	Table       string
	Format      Format
	Compression input.Compression
	// Encoding is the file's text encoding (UTF-16 is read as UTF-8).
	Encoding input.Encoding
	Size     int64
	// Explicit is set for files bound by --table.
	Explicit bool

	modYear  int    // for syslog timestamps without a year
	kind     string // Zeek log kind
	array    bool   // a JSON array (cannot be split into ranges)
	cols     []record.Col
	inferred []types.Type
	problems []string // header problems, reported as warnings on scan
}

// Unrecognised is a file in a log directory that feeds no table.
type Unrecognised struct {
	Path   string
	Reason string
	// Table is the table the file's name binds it to (an export named
	// `<Table>.csv` that is empty or cannot be read), or "". Scanning that
	// table reports the file (see Table.Scan).
	Table string
}

// Catalog is a set of tables backed by files. It implements
// types.Catalog and types.FunctionCatalog.
type Catalog struct {
	tables map[string]*Table
	files  []*File
	unrec  []Unrecognised
	opts   OpenOptions
}

var (
	_ types.Catalog         = (*Catalog)(nil)
	_ types.FunctionCatalog = (*Catalog)(nil)
)

// Open finds the files, binds them to tables and works out each table's
// schema. It reads the start of each file (to sniff raw formats and infer
// types), not whole files.
func Open(opts OpenOptions) (*Catalog, error) {
	if opts.InferRows == 0 {
		opts.InferRows = 1000
	}
	c := &Catalog{tables: map[string]*Table{}, opts: opts}
	seen := map[string]bool{}
	if err := c.addExplicit(seen); err != nil {
		return nil, err
	}
	for _, dir := range opts.Dirs {
		if err := c.addDir(dir, seen); err != nil {
			return nil, err
		}
	}
	if err := c.buildSchemas(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Catalog) addExplicit(seen map[string]bool) error {
	names := make([]string, 0, len(c.opts.Tables))
	for n := range c.opts.Tables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, glob := range c.opts.Tables[name] {
			paths, err := filepath.Glob(glob)
			if err != nil {
				return fmt.Errorf("--table %s=%s: %w", name, glob, err)
			}
			if len(paths) == 0 {
				return fmt.Errorf("--table %s=%s: no files match", name, glob)
			}
			for _, p := range paths {
				if seen[fileKey(p)] {
					continue
				}
				seen[fileKey(p)] = true
				fs, u, err := c.classify(p, name)
				if err != nil {
					return err
				}
				if fs == nil {
					return fmt.Errorf("--table %s=%s: %s: %s", name, glob, p, u.Reason)
				}
				c.files = append(c.files, fs...)
			}
		}
	}
	return nil
}

func (c *Catalog) addDir(dir string, seen map[string]bool) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("logs directory: %w", err)
	}
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(dir, name)
		if seen[fileKey(p)] {
			continue
		}
		seen[fileKey(p)] = true
		fs, u, err := c.classify(p, "")
		if err != nil {
			return err
		}
		if fs == nil {
			c.unrec = append(c.unrec, u)
			continue
		}
		c.files = append(c.files, fs...)
	}
	return nil
}

// fileKey identifies a file however its path was written, so a file
// bound by --table is not bound again by its directory.
func fileKey(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}

// sniffBytes is how much of a file is read to recognise its format.
const sniffBytes = 64 << 10

// classify works out a file's format and the table(s) it feeds. table is
// the explicit table name or "". No files come with the reason the file
// was not used (and the table its name binds it to, if any).
func (c *Catalog) classify(path, table string) ([]*File, Unrecognised, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, Unrecognised{}, fmt.Errorf("logs: %w", err)
	}
	u := Unrecognised{Path: path, Table: nameTable(path, table)}
	head, info, err := input.HeadInfo(path, sniffBytes)
	if reason := unreadable(path, st.Size(), head, info, err); reason != "" {
		u.Reason = reason
		return nil, u, nil
	}
	f := &File{Path: path, Compression: info.Compression, Encoding: info.Encoding, Size: st.Size(), modYear: st.ModTime().UTC().Year(), Explicit: table != ""}
	if raws, ok := sniffRaw(head); ok {
		var out []*File
		for _, r := range raws {
			g := *f
			g.Format, g.Table, g.kind = r.format, r.table, r.kind
			if table != "" {
				if len(raws) > 1 && r.table != table {
					continue // --table NAME=eve.json binds only the matching part
				}
				g.Table = table
			}
			out = append(out, &g)
		}
		if len(out) == 0 { // explicit table that the raw format does not feed
			g := *f
			g.Format, g.Table, g.kind = raws[0].format, table, raws[0].kind
			out = append(out, &g)
		}
		return out, u, nil
	}
	base, ext := splitName(filepath.Base(path))
	format, ok := exportExts[ext]
	if !ok && (ext == "" || table != "") {
		format, ok = sniffExport(head)
	}
	if !ok {
		u.Reason = notRecognised(ext, head)
		return nil, u, nil
	}
	if format == FormatJSON {
		if r, ok := sniffResponse(head); ok {
			format = r
		}
	}
	f.Format = format
	f.Table = table
	if f.Table == "" {
		f.Table = TableForName(base)
	}
	if err := c.discover(f); err != nil {
		u.Reason = strings.TrimPrefix(err.Error(), path+": ")
		return nil, u, nil
	}
	return []*File{f}, u, nil
}

// discover reads the first records of an export to find its columns and
// infer their types, and rebinds it to a known table by content when its
// name does not give one.
func (c *Catalog) discover(f *File) error {
	src, err := openSampler(f)
	if err != nil {
		return err
	}
	defer src.Close()
	inf := record.NewInferrer(src.Columns())
	typeValue := ""
	for n := 0; c.opts.InferRows < 0 || n < c.opts.InferRows; n++ {
		fields, _, err := src.NextRecord()
		if err == io.EOF {
			break
		}
		var re *record.Error
		if errors.As(err, &re) && !re.Keep {
			continue
		}
		if err != nil && re == nil {
			break // reported when the table is scanned
		}
		inf.Add(fields)
		if typeValue == "" {
			if i := colIndex(src.Columns(), "Type"); i >= 0 && i < len(fields) {
				typeValue = string(fields[i])
			}
		}
	}
	f.cols = append([]record.Col(nil), src.Columns()...)
	f.inferred = inf.Types()
	if js, ok := src.(jsonSampler); ok {
		f.array = js.IsArray()
	}
	if d, ok := src.(interface{ declaredTypes() []types.Type }); ok {
		f.inferred = d.declaredTypes()
	}
	f.problems = append(f.problems, src.Problems()...)
	if _, known := schema.Lookup(f.Table); !known && !f.Explicit {
		names := make([]string, len(f.cols))
		for i, col := range f.cols {
			names[i] = col.Name
		}
		if t, ok := tableByContent(names, typeValue); ok {
			f.Table = t
		}
	}
	return nil
}

func colIndex(cols []record.Col, name string) int {
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// buildSchemas groups files into tables and computes each schema.
func (c *Catalog) buildSchemas() error {
	for _, f := range c.files {
		t := c.tables[f.Table]
		if t == nil {
			t = &Table{name: f.Table, strict: c.opts.Strict}
			if s, ok := schema.LookupFlavour(f.Table, c.opts.Flavour); ok {
				t.schema, t.known = s, true
			}
			c.tables[f.Table] = t
		}
		t.files = append(t.files, f)
	}
	for _, t := range c.tables {
		t.schema = mergeFileColumns(t.schema, t.known, t.files)
	}
	c.bindUnreadable()
	return nil
}

// mergeFileColumns appends the files' columns that are not in the schema,
// with their inferred types widened across files.
func mergeFileColumns(s types.Schema, known bool, files []*File) types.Schema {
	out := append(types.Schema(nil), s...)
	// pos indexes out by name (the first of duplicates, as Schema.Index
	// does): one map lookup per column keeps this linear in the column
	// count (a 100k-column header).
	pos := make(map[string]int, len(out))
	for j := len(out) - 1; j >= 0; j-- {
		pos[out[j].Name] = j
	}
	for _, f := range files {
		for i, col := range f.cols {
			t := types.String
			if i < len(f.inferred) {
				t = f.inferred[i]
			}
			j, ok := pos[col.Name]
			switch {
			case !ok:
				pos[col.Name] = len(out)
				out = append(out, types.Field{Name: col.Name, Type: t})
			case j >= len(s) || !known:
				out[j].Type = record.Widen(out[j].Type, t)
			}
		}
	}
	return out
}

// Table returns the table called name.
func (c *Catalog) Table(name string) (types.Table, bool) {
	t, ok := c.tables[name]
	if !ok {
		return nil, false
	}
	return t, true
}

// TableNames lists the tables, sorted.
func (c *Catalog) TableNames() []string {
	out := make([]string, 0, len(c.tables))
	for n := range c.tables {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Files lists the files that feed tables, in the order found.
func (c *Catalog) Files() []*File { return append([]*File(nil), c.files...) }

// Unrecognised lists files in the log directories that feed no table.
func (c *Catalog) Unrecognised() []Unrecognised { return append([]Unrecognised(nil), c.unrec...) }

// Table is a table read from files.
type Table struct {
	name   string
	schema types.Schema
	known  bool
	strict bool
	files  []*File
	// unreadable are files named after the table that could not be read
	// (empty, corrupt): reported when the table is scanned.
	unreadable []Unrecognised
}

// Name implements types.Table.
func (t *Table) Name() string { return t.name }

// Schema implements types.Table.
func (t *Table) Schema() types.Schema { return t.schema }

// Files lists the table's files.
func (t *Table) Files() []*File { return append([]*File(nil), t.files...) }
