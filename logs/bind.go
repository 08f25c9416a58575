package logs

import (
	"strings"

	"github.com/huntpack/huntpack/logs/schema"
)

// compressionExts are stripped from file names before binding.
var compressionExts = []string{".gz", ".gzip", ".zst", ".zstd"}

// exportExts maps export file extensions to formats.
var exportExts = map[string]Format{
	".csv":     FormatCSV,
	".json":    FormatJSON,
	".jsonl":   FormatJSON,
	".ndjson":  FormatJSON,
	".parquet": FormatParquet,
}

// splitName returns a file name's base (without format and compression
// extensions) and its format extension.
func splitName(name string) (base, ext string) {
	lower := strings.ToLower(name)
	for _, c := range compressionExts {
		if strings.HasSuffix(lower, c) {
			name, lower = name[:len(name)-len(c)], lower[:len(lower)-len(c)]
			break
		}
	}
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[:i], lower[i:]
	}
	return name, ""
}

// TableForName returns the table a file name binds to: `<Table>.<ext>` or
// `<Table>_<anything>.<ext>`. A name that is a known table, or a custom
// log table (`..._CL`), is taken whole; otherwise the part before the
// first underscore is the table.
func TableForName(base string) string {
	if _, ok := schema.Lookup(base); ok {
		return base
	}
	if i := strings.Index(base, "_CL_"); i > 0 {
		return base[:i+3]
	}
	if strings.HasSuffix(base, "_CL") {
		return base
	}
	for _, known := range schema.Names() {
		if strings.HasPrefix(base, known+"_") {
			return known
		}
	}
	if i := strings.IndexByte(base, '_'); i > 0 {
		return base[:i]
	}
	return base
}

// tableByContent guesses a known table for an export whose name does not
// give one: a `Type` column naming a known table (Log Analytics exports
// carry it), or a column set that is mostly one known table's (at least
// 80% of the file's columns, and at least 5).
func tableByContent(cols []string, typeValue string) (string, bool) {
	if _, ok := schema.Lookup(typeValue); ok {
		return typeValue, true
	}
	best, bestN := "", 0
	for _, name := range schema.Names() {
		s, _ := schema.Lookup(name)
		n := 0
		for _, c := range cols {
			if s.Index(c) >= 0 {
				n++
			}
		}
		if n > bestN {
			best, bestN = name, n
		}
	}
	if bestN >= 5 && bestN*5 >= len(cols)*4 {
		return best, true
	}
	return "", false
}
