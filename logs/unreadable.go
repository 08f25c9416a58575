package logs

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/input"
	"github.com/huntpack/huntpack/logs/schema"
)

// nameTable returns the table a file's name binds it to when it is an
// export (a known export extension) or bound explicitly, else "".
func nameTable(path, explicit string) string {
	if explicit != "" {
		return explicit
	}
	base, ext := splitName(filepath.Base(path))
	if _, ok := exportExts[ext]; !ok || base == "" {
		return ""
	}
	return TableForName(base)
}

// unreadable says why a file cannot be read at all ("" when its start
// could be read): empty, empty once decompressed, or a read or
// decompression error.
func unreadable(path string, size int64, head []byte, info input.Info, err error) string {
	switch {
	case size == 0:
		return "empty file (0 bytes)"
	case err != nil:
		msg := strings.TrimPrefix(err.Error(), path+": ")
		if info.Compression != input.None && !strings.HasPrefix(msg, string(info.Compression)) {
			msg = string(info.Compression) + ": " + msg
		}
		return "cannot read: " + msg
	case len(head) == 0 && info.Compression != input.None:
		return fmt.Sprintf("empty once decompressed (%s, %d bytes)", info.Compression, size)
	case len(bytes.TrimSpace(head)) == 0:
		return fmt.Sprintf("no content (%d bytes of white space)", size)
	}
	return ""
}

// notRecognised is the reason for a file that is neither an export (by
// its extension) nor a raw log (by its content): it says what was looked
// for and what the file starts with.
func notRecognised(ext string, head []byte) string {
	what := "no export extension (.csv, .json, .jsonl, .ndjson, .parquet)"
	if ext != "" {
		what = fmt.Sprintf("extension %q is not an export (.csv, .json, .jsonl, .ndjson, .parquet)", ext)
	}
	return fmt.Sprintf("format not recognised: %s and the content is no raw log huntpack reads (CEF, Zeek, Sysmon, Suricata EVE, DNS debug log); it starts with %s", what, quoteStart(head))
}

// quoteStart quotes the first line of head (at most 60 bytes).
func quoteStart(head []byte) string {
	b := trimBOM(head)
	if i := strings.IndexByte(string(b[:min(len(b), 200)]), '\n'); i >= 0 {
		b = b[:i]
	}
	cut := ""
	if len(b) > 60 {
		b, cut = b[:60], "..."
	}
	return fmt.Sprintf("%q%s", strings.TrimRight(string(b), "\r"), cut)
}

// bindUnreadable attaches the unreadable files named after a table to
// that table, creating it (with its known schema, if any) when no
// readable file feeds it: a query on it then says which file is wrong
// instead of "unknown table".
func (c *Catalog) bindUnreadable() {
	for _, u := range c.unrec {
		if u.Table == "" {
			continue
		}
		t := c.tables[u.Table]
		if t == nil {
			t = &Table{name: u.Table, strict: c.opts.Strict}
			if s, ok := schema.LookupFlavour(u.Table, c.opts.Flavour); ok {
				t.schema, t.known = s, true
			}
			c.tables[u.Table] = t
		}
		t.unreadable = append(t.unreadable, u)
	}
	for _, t := range c.tables {
		sort.SliceStable(t.unreadable, func(i, j int) bool { return t.unreadable[i].Path < t.unreadable[j].Path })
	}
}

// reportUnreadable runs before a scan: a table whose files are all
// unreadable fails naming them; otherwise each unreadable file is a
// warning (an error with Strict).
func (t *Table) reportUnreadable(opts types.ScanOptions) error {
	if len(t.unreadable) == 0 {
		return nil
	}
	if len(t.files) == 0 || t.strict {
		return &UnreadableError{Table: t.name, Files: t.Unreadable(), NoneRead: len(t.files) == 0}
	}
	if opts.Stats != nil {
		for _, u := range t.unreadable {
			atomic.AddInt64(&opts.Stats.Malformed, 1)
			opts.Stats.Warn(types.Warning{File: u.Path, Msg: "not read: " + u.Reason})
		}
	}
	return nil
}

// ReadError is the error of a table none of whose files could be read
// (nil when a file was read). The engine reports it at planning time for a
// table with no columns, which it would otherwise call unknown.
func (t *Table) ReadError() error {
	if len(t.files) > 0 || len(t.unreadable) == 0 {
		return nil
	}
	return &UnreadableError{Table: t.name, Files: t.Unreadable(), NoneRead: true}
}

// Unreadable lists the files named after the table that could not be read.
func (t *Table) Unreadable() []Unrecognised { return append([]Unrecognised(nil), t.unreadable...) }

// UnreadableError is the scan error of a table with files that cannot be
// read: all of its files (NoneRead), or any of them with Strict. It is bad
// input, not a failure of the reader.
type UnreadableError struct {
	Table    string
	Files    []Unrecognised
	NoneRead bool
}

func (e *UnreadableError) Error() string {
	parts := make([]string, len(e.Files))
	for i, u := range e.Files {
		parts[i] = u.Path + ": " + u.Reason
	}
	what := "unreadable file"
	if e.NoneRead {
		what = "no readable file"
	}
	return fmt.Sprintf("table %s: %s: %s", e.Table, what, strings.Join(parts, "; "))
}
