// Package check validates KQL query files: syntax (kql/syntax) and, with a
// table catalog, names: unknown tables and columns that are not in the
// table or pipeline stage they are read from, with "did you mean"
// suggestions. Columns created by extend, project, summarize, parse and the
// other operators are tracked through the pipeline; where the output
// columns of an operator cannot be known without running it (evaluate
// plugins, unnamed aggregates of unknown functions, ...) the checker stops
// checking columns rather than raise false alarms.
package check

import (
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// Catalog resolves table names to schemas.
type Catalog interface {
	// Table returns the schema of a known table.
	Table(name string) (types.Schema, bool)
	// Names lists the known tables (for suggestions).
	Names() []string
}

// Options configure a check.
type Options struct {
	// Catalog enables name checks; nil checks syntax only.
	Catalog Catalog
}

// Result is the outcome of checking one source.
type Result struct {
	File  string
	Src   string
	Query *syntax.Query
	Diags syntax.Diagnostics // sorted by position
}

// OK reports whether the source has no errors.
func (r *Result) OK() bool { return !r.Diags.HasErrors() }

// Source parses and checks one query text.
func Source(file, src string, opts Options) *Result {
	q, diags := syntax.Parse(file, src)
	if opts.Catalog != nil && !diags.HasErrors() {
		diags = append(diags, checkNames(q, opts.Catalog)...)
		diags.Sort()
	}
	return &Result{File: file, Src: src, Query: q, Diags: diags}
}
