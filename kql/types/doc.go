// Package types holds the data model shared by the KQL engine, the log
// readers and the remote backends: KQL scalar types, scalar values, typed
// column vectors, batches of columns, schemas, and the Table interface that
// every row source implements.
//
// Representation (chosen for scan speed, see ARCHITECTURE.md):
//
//   - bool                      -> Column.Bools
//   - int, long                 -> Column.Ints (int64; int is kept 32-bit by the engine)
//   - datetime                  -> Column.Ints, 100 ns ticks since 0001-01-01T00:00:00Z
//   - timespan                  -> Column.Ints, 100 ns ticks
//   - real, decimal             -> Column.Reals (float64; decimal is approximated)
//   - string, guid              -> Column.Strs (guid in canonical lower-case 8-4-4-4-12 form)
//   - dynamic                   -> Column.Dyns (nil, bool, int64, float64, string, []any, map[string]any)
//
// Nulls are tracked in Column.Nulls (nil means no nulls). Strings have no
// null in KQL: a missing string is "".
package types
