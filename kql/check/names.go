package check

import "github.com/huntpack/huntpack/kql/syntax"

// checkNames reports unknown tables and columns.
func checkNames(q *syntax.Query, cat Catalog) syntax.Diagnostics {
	return nil
}
