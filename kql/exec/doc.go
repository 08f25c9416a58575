// Package exec is huntpack's KQL execution engine: it plans a parsed query
// (kql/syntax) against a catalog of tables (kql/types) and runs it over
// column batches.
//
// # API
//
//	res, err := exec.RunString(ctx, "hunt.kql", src, exec.Options{Catalog: cat})
//
// Run/RunString return one ResultTable per tabular statement. Planning
// errors (unknown table or column, with a "did you mean" suggestion; type
// errors; unsupported constructs) are *syntax.DiagError values carrying
// source spans: errors.As(err, &de) and de.Diags.Format(file, src) print
// `file:line:col: message` with the source line and a caret. Runtime
// errors (reader failures, ErrMemoryLimit, cancellation) wrap the cause
// with %w. MemTable and MemCatalog are in-memory tables for tests and
// for callers that already hold rows.
//
// # Design
//
// Planning resolves every name once: columns become batch indexes, let
// scalars become constants, functions are looked up in the funcs registry
// and constant sub-expressions are folded. Each scalar expression compiles
// to a closure that maps a batch to a column (cexpr); hot operators
// (string equality against a constant, in with a hash set, has_any with a
// term set, integer comparisons, logical operators) have typed loops.
// Operators are push-based nodes: a source calls the next operator's emit
// function with batches; streaming operators (where, project, extend,
// take) keep no state beyond the batch, so memory stays bounded; blocking
// operators (sort, summarize, join, distinct) account for what they hold
// against Options.MaxMemory. Catalog scans run with ScanOptions.Concurrent
// and receive the columns the pipeline needs (projection push-down) and a
// raw-text pre-filter derived from a leading where (in, has_any, ==, =~,
// has, contains on string columns).
package exec
