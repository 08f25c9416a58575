// Package funcs is the registry of KQL scalar and aggregate functions: name,
// signature, documentation and implementation in one entry each, so that
// the engine, `huntpack functions` and the README's support list all come
// from one table.
package funcs

import (
	"sort"
	"time"

	"github.com/huntpack/huntpack/kql/types"
)

// Context is what a function may read besides its arguments. It is fixed
// for one query: now() and ago() see the same instant everywhere.
type Context struct {
	Now time.Time
}

// Scalar is a scalar function.
type Scalar struct {
	Name    string
	Aliases []string // deprecated or alternative names (iif, todynamic, ...)
	Sig     string   // human signature, e.g. "strlen(s: string): long"
	Doc     string   // one line; links to Microsoft's docs are derived from Name
	MinArgs int
	MaxArgs int // -1 for variadic
	// Result computes the result type from the argument types, or returns
	// an error naming the problem (wrong type, wrong count). It is called
	// once per call site when the query is planned.
	Result func(args []types.Type) (types.Type, error)
	// Eval computes one value. Arguments already have the types the
	// planner saw. It must not panic on any input: bad input gives a
	// null of the result type, as in Kusto.
	Eval func(c *Context, args []types.Value) types.Value
	// Results, when set, marks a function with several outputs
	// (series_decompose_anomalies, series_fit_line, ...), used as
	// `extend (a, b, c) = f(...)`: it returns the type of each output,
	// and Eval then returns a dynamic array holding one element per
	// output, in order. Nil means one output typed by Result.
	Results func(args []types.Type) ([]types.Type, error)
}

// Aggregate is an aggregation function used by summarize and friends.
type Aggregate struct {
	Name    string
	Aliases []string
	Sig     string
	Doc     string
	MinArgs int
	MaxArgs int
	// Result computes the result type from the argument types.
	Result func(args []types.Type) (types.Type, error)
	// New returns a fresh accumulator. consts holds the values of
	// arguments that are constant at the call site (e.g. the percentile
	// in percentile(x, 95)), nil entries for the others.
	New func(argTypes []types.Type, consts []*types.Value) Accumulator
	// Results, when set, marks an aggregate that yields several columns
	// (arg_max, arg_min, percentiles, take_any with several arguments):
	// it returns the type of each output column, and the accumulators
	// New returns implement MultiAccumulator. Column naming is the
	// engine's. Nil means one column typed by Result.
	Results func(args []types.Type) ([]types.Type, error)
}

// MultiAccumulator is an Accumulator that yields several values, one per
// output column, in the order Aggregate.Results gives their types.
type MultiAccumulator interface {
	Accumulator
	Results() []types.Value
}

// Accumulator folds rows of one group into one value.
type Accumulator interface {
	// Add folds one row's argument values in.
	Add(args []types.Value)
	// Merge folds another accumulator of the same function in (parallel
	// partial aggregation).
	Merge(other Accumulator)
	// Result returns the aggregate; called once, after the last Add.
	Result() types.Value
}

// Registry holds the functions by name.
type Registry struct {
	scalars    map[string]*Scalar
	aggregates map[string]*Aggregate
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{scalars: map[string]*Scalar{}, aggregates: map[string]*Aggregate{}}
}

// AddScalar registers f under its name and aliases.
func (r *Registry) AddScalar(f *Scalar) {
	r.scalars[f.Name] = f
	for _, a := range f.Aliases {
		r.scalars[a] = f
	}
}

// AddAggregate registers f under its name and aliases.
func (r *Registry) AddAggregate(f *Aggregate) {
	r.aggregates[f.Name] = f
	for _, a := range f.Aliases {
		r.aggregates[a] = f
	}
}

// Scalar looks up a scalar function by name (KQL names are case-sensitive).
func (r *Registry) Scalar(name string) (*Scalar, bool) { f, ok := r.scalars[name]; return f, ok }

// Aggregate looks up an aggregate function by name.
func (r *Registry) Aggregate(name string) (*Aggregate, bool) {
	f, ok := r.aggregates[name]
	return f, ok
}

// ScalarNames returns the primary names of all scalar functions, sorted.
func (r *Registry) ScalarNames() []string {
	var out []string
	for k, f := range r.scalars {
		if k == f.Name {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// AggregateNames returns the primary names of all aggregates, sorted.
func (r *Registry) AggregateNames() []string {
	var out []string
	for k, f := range r.aggregates {
		if k == f.Name {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
