// Package exec is huntpack's KQL execution engine: it plans a parsed query
// (kql/syntax) against a catalog of tables (kql/types) and runs it over
// column batches.
//
// # API
//
//	res, err := exec.RunString(ctx, "hunt.kql", src, exec.Options{Catalog: cat})
//	// or: q, diags := syntax.Parse(file, src); res, err := exec.Run(ctx, q, opts)
//
// Run/RunString return one ResultTable per tabular statement (named
// PrimaryResult for a single result, Table_<i> for several, or the name of
// a trailing `as Name`), plus Notes (ignored render/set, truncation by
// MaxRows, skipped union isfuzzy legs) and Stats (reader counters and
// warnings).
//
// RunTo(ctx, q, opts, sink) runs like Run but hands the rows to a Sink
// (BeginTable, Batch, EndTable) while the last operator produces them, so
// a large result (a summarize with millions of groups) is never held; a
// ConcurrentSink may format batches from several goroutines at once.
//
// Errors:
//   - planning errors (unknown table or column with a "did you mean"
//     suggestion, type errors, unsupported constructs, bad arguments) are
//     *syntax.DiagError values whose Diags carry source spans:
//     errors.As(err, &de) then de.Diags.Format(file, src) prints
//     `file:line:col: message`, the source line and a caret. Parse errors
//     from RunString have the same type.
//   - runtime errors (reader failures, ErrMemoryLimit, cancellation) wrap
//     their cause with %w; a recovered engine panic wraps ErrInternal.
//
// MemTable and MemCatalog are in-memory tables for tests and for callers
// that already hold rows.
//
// # What is supported
//
// Statements: let (scalars, tables, lambdas and views with scalar and
// tabular parameters, defaults and named arguments, materialize()),
// declare query_parameters (Options.Params), set (ignored with a note),
// several tabular statements.
//
// Sources: tables, let names, table("name"), catalog table functions
// (ASIM parsers through types.FunctionCatalog), datatable, print, range,
// union (kind=outer|inner, isfuzzy, withsource, wildcards),
// externaldata (local files and file:// URIs in csv/tsv/psv/scsv/txt/json;
// network URLs are refused), materialize().
//
// Operators: where/filter, project, project-away, project-keep,
// project-rename, project-reorder, extend (incl. tuple assignment from
// multi-output functions), summarize (every registry aggregate, by
// expressions and bin, Kusto's generated names count_, avg_x, set_x ...),
// count, distinct, take/limit, top, top-nested (with others), sort/order
// (asc/desc, nulls first/last, Kusto defaults), join (innerunique default;
// inner, leftouter, rightouter, fullouter, leftsemi, rightsemi, leftanti,
// rightanti; on Col and $left.a == $right.b), lookup (leftouter, inner),
// mv-expand (bagexpansion, with_itemindex, to typeof, limit), mv-apply,
// parse and parse-where (simple, regex, relaxed), parse-kv (delimiters,
// quotes, escape, greedy, regex), make-series (default fill, kind=nonempty),
// evaluate (bag_unpack, ipv4_lookup, ipv6_lookup, sliding_window_counts,
// activity_counts_metrics, active_users_count, activity_metrics,
// new_activity_metrics, rolling_percentile, dcount_intersect, rows_near,
// schema_merge; an output schema `: ([*,] col:type, ...)` shapes the
// result), reduce (SLCT-style patterns, kind=source), search (as a source over listed
// or all tables, with $table, and piped), project-by-names, serialize,
// sample (reservoir, fixed seed), sample-distinct, getschema, as, invoke,
// render (ignored with a note).
//
// Scalars: all kql/funcs functions, plus the ones that need the engine:
// not, toscalar, pack_all, column_ifexists, column_names_of, row_number,
// prev, next, row_cumsum, row_rank_dense, row_rank_min, row_window_session,
// assert, bag_pack_columns, bin_auto, estimate_data_size, hll_merge (scalar
// form); in/!in/in~/!in~ over lists,
// dynamic arrays and subqueries; has_any/has_all; between; * has "x".
//
// Also: partition by Col (subquery) (not the legacy { } form); scan with
// with_match_id, declare, order by, per-step output=all|last|none and
// Kusto's step matching logic (not scan's partition by).
//
// find (project, project-smart with pack_, withsource) is supported too,
// and fork / facet as the last operator of a statement (one result table
// per branch, named by the branch or GenericResult_<i>; facet gives the
// with-subquery result, then a count per value of each column).
//
// Graph semantics (graph.go has the details): make-graph (node tables,
// with_node_id, partitioned-by), graph-match (cycles=, several sequences,
// variable-length edges), graph-shortest-paths, graph-to-table,
// graph-mark-components, and all/any/map/inner_nodes/node_degree_in/
// node_degree_out/node_id/labels.
//
// Geospatial functions: the geo_* shape functions (golang/geo, spherical
// Earth), S2 and geohash cells, and H3 cells through uber/h3-go in cgo
// builds (a CGO_ENABLED=0 build refuses them with a clear error).
// geo_info_from_ip_address needs a GeoIP database huntpack does not ship
// and is refused at planning time.
//
// Not supported (planning error naming the construct): the python and r
// plugins (they need Kusto's sandbox), graph-merge and persistent graph
// models, cross-cluster/database references.
//
// Options.MaxRows stops each result after MaxRows+1 rows (a note says it
// was truncated); Options.From/To filter TimeGenerated or Timestamp of
// every scanned catalog table.
//
// # Semantics
//
// Kusto's rules (kql-semantics.md): strings are never null; == with one
// null side is false and != true; ordering comparisons with null are null;
// where drops null predicates; and/or use three-valued logic; has matches
// whole terms (via kql/funcs), =~ / in~ / has fold ASCII case only;
// summarize without by yields one row on empty input; extend replacing a
// column moves it to the end; sort defaults to desc with nulls last (asc:
// nulls first); innerunique joins keep the first left row per key. now()
// and ago() see Options.Now for the whole query.
//
// # Design
//
// Planning resolves every name once: columns become batch indexes, let
// scalars become constants, functions are looked up in the funcs registry
// and constant sub-expressions are folded. Each scalar expression compiles
// to a closure that maps a batch to a column (cexpr); hot operators
// (string equality against a constant, in with a hash set, has_any with a
// term set, integer comparisons, logical operators, long arithmetic) have
// typed loops. Operators are push-based nodes: a source calls the next
// operator's emit function with batches; streaming operators (where,
// project, extend, take, mv-expand, parse) keep no state beyond the batch,
// so memory stays bounded; what operators hold is charged against
// Options.MaxMemory: sort, top, summarize and aggregate state (make_set,
// make_list, make_bag, dcount, percentiles), join and lookup build sides
// and buffered rows (join output streams in chunks), mv-expand/mv-apply
// and per-row dynamic values, materialize, graphs and the result itself.
// Long loops check the context (--timeout, Ctrl-C) per batch or chunk. Catalog scans run with ScanOptions.Concurrent (every
// stateful operator serialises its own state) and receive the columns the
// pipeline needs (projection push-down) and a raw-text pre-filter derived
// from a leading where (in, in~, has_any, has, ==, =~, contains on string
// columns, combined with and/or).
package exec
