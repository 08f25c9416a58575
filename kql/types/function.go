package types

// Arg is one argument of a call to a table function, by position and,
// when given as name=value, by name.
type Arg struct {
	Name  string // empty for a positional argument
	Value Value
}

// TableFunction is a function that returns a table, such as the ASIM
// parsers _Im_NetworkSession(starttime=..., dstipaddr_has_any_prefix=...)
// and _Im_Dns(...), which normalise several sources into one schema.
type TableFunction interface {
	// Name is the function name as queries call it.
	Name() string
	// Call returns the table for these arguments, or an error naming the
	// bad argument.
	Call(args []Arg) (Table, error)
}

// FunctionCatalog is implemented by catalogs that also provide table
// functions. The engine checks for it with a type assertion.
type FunctionCatalog interface {
	TableFunction(name string) (TableFunction, bool)
}
