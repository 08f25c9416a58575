package logs

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/record"
	"github.com/huntpack/huntpack/logs/schema"
)

// asimParam is one filtering parameter of an ASIM unifying parser.
type asimParam struct {
	name string
	typ  types.Type
	def  types.Value
}

// asimFunc describes _Im_NetworkSession or _Im_Dns: the ASIM table it
// reads and its filtering parameters, in the documented positional order
// (learn.microsoft.com/azure/sentinel/normalization-schema-network and
// normalization-schema-dns, "Filtering parser parameters").
type asimFunc struct {
	name   string
	table  string
	params []asimParam
}

var asimFuncs = []asimFunc{
	{
		name:  "_Im_NetworkSession",
		table: "ASimNetworkSessionLogs",
		params: []asimParam{
			{"starttime", types.DateTime, types.NullOf(types.DateTime)},
			{"endtime", types.DateTime, types.NullOf(types.DateTime)},
			{"srcipaddr_has_any_prefix", types.Dynamic, types.NullOf(types.Dynamic)},
			{"dstipaddr_has_any_prefix", types.Dynamic, types.NullOf(types.Dynamic)},
			{"ipaddr_has_any_prefix", types.Dynamic, types.NullOf(types.Dynamic)},
			{"dstportnumber", types.Int, types.NullOf(types.Int)},
			{"hostname_has_any", types.Dynamic, types.NullOf(types.Dynamic)},
			{"dvcaction", types.Dynamic, types.NullOf(types.Dynamic)},
			{"eventresult", types.String, types.StringValue("*")},
		},
	},
	{
		name:  "_Im_Dns",
		table: "ASimDnsActivityLogs",
		params: []asimParam{
			{"starttime", types.DateTime, types.NullOf(types.DateTime)},
			{"endtime", types.DateTime, types.NullOf(types.DateTime)},
			{"srcipaddr", types.String, types.StringValue("*")},
			{"domain_has_any", types.Dynamic, types.NullOf(types.Dynamic)},
			{"responsecodename", types.String, types.StringValue("*")},
			{"response_has_ipv4", types.String, types.StringValue("*")},
			{"response_has_any_prefix", types.Dynamic, types.NullOf(types.Dynamic)},
			{"eventtype", types.String, types.StringValue("Query")},
		},
	},
}

// TableFunction implements types.FunctionCatalog: the ASIM unifying
// parsers _Im_NetworkSession and _Im_Dns (and their _ASim_ parameterless
// forms) over the catalog's ASimNetworkSessionLogs and
// ASimDnsActivityLogs tables, which raw Zeek, Sysmon, Suricata and DNS
// debug logs and exports of those tables feed, plus (with
// OpenOptions.ASimSourceTables) DnsEvents lookups normalised as Sentinel's
// ASimDnsMicrosoftOMS parser does.
func (c *Catalog) TableFunction(name string) (types.TableFunction, bool) {
	for i := range asimFuncs {
		f := &asimFuncs[i]
		if name == f.name || name == strings.Replace(f.name, "_Im_", "_ASim_", 1) {
			return &asimTableFunc{cat: c, def: f, name: name}, true
		}
	}
	return nil, false
}

// TableFunctionNames lists the table functions the catalog provides.
func (c *Catalog) TableFunctionNames() []string {
	var out []string
	for _, f := range asimFuncs {
		out = append(out, f.name, strings.Replace(f.name, "_Im_", "_ASim_", 1))
	}
	return out
}

type asimTableFunc struct {
	cat  *Catalog
	def  *asimFunc
	name string
}

func (f *asimTableFunc) Name() string { return f.name }

// Call binds the arguments (positional or name=value) and returns the
// filtered table.
func (f *asimTableFunc) Call(args []types.Arg) (types.Table, error) {
	vals := make([]types.Value, len(f.def.params))
	set := make([]bool, len(vals))
	for i, p := range f.def.params {
		vals[i] = p.def
	}
	if strings.HasPrefix(f.name, "_ASim_") && len(args) > 0 {
		return nil, fmt.Errorf("%s takes no arguments", f.name)
	}
	for i, a := range args {
		j := i
		if a.Name != "" {
			j = f.paramIndex(a.Name)
			if j < 0 {
				return nil, fmt.Errorf("%s: unknown parameter %q", f.name, a.Name)
			}
		} else if j >= len(vals) {
			return nil, fmt.Errorf("%s: too many arguments (%d)", f.name, len(args))
		}
		if set[j] {
			return nil, fmt.Errorf("%s: parameter %s given twice", f.name, f.def.params[j].name)
		}
		v, err := coerceArg(a.Value, f.def.params[j].typ)
		if err != nil {
			return nil, fmt.Errorf("%s: parameter %s: %w", f.name, f.def.params[j].name, err)
		}
		vals[j], set[j] = v, true
	}
	return f.newTable(vals)
}

func (f *asimTableFunc) paramIndex(name string) int {
	for i, p := range f.def.params {
		if p.name == name {
			return i
		}
	}
	return -1
}

func coerceArg(v types.Value, t types.Type) (types.Value, error) {
	if v.IsNull() || v.T == t {
		return v, nil
	}
	switch {
	case t == types.Dynamic:
		if v.T == types.String {
			return types.DynamicValue([]any{v.S}), nil
		}
	case t == types.Int && (v.T == types.Long || v.T == types.Int):
		return types.IntValue(v.I), nil
	case t == types.String && v.T == types.Dynamic:
		if s, ok := v.D.(string); ok {
			return types.StringValue(s), nil
		}
	case t == types.DateTime && v.T == types.String:
		ticks, err := types.ParseDateTime(v.S)
		if err == nil {
			return types.DateTimeValue(ticks), nil
		}
	}
	return v, fmt.Errorf("want %v, got %v", t, v.T)
}

func (f *asimTableFunc) newTable(vals []types.Value) (types.Table, error) {
	inner := f.cat.asimSources(f.def.table)
	var pred rowPredicate
	var err error
	if f.def.table == "ASimNetworkSessionLogs" {
		pred, err = networkPredicate(vals)
	} else {
		pred, err = dnsPredicate(vals)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	return newFilteredTable(f.name, inner, pred, strings.HasPrefix(f.name, "_Im_")), nil
}

// asimSources returns what an ASIM table function reads: the ASIM table
// itself (files and raw logs mapped to it) and, with
// OpenOptions.ASimSourceTables, the source tables normalised into it
// (DnsEvents for _Im_Dns), as one table.
func (c *Catalog) asimSources(target string) types.Table {
	s, _ := schema.Lookup(target)
	u := &unionTable{name: target, schema: s}
	if t, ok := c.tables[target]; ok {
		u.schema = t.schema
		u.parts = append(u.parts, t)
	}
	for _, v := range asimViews {
		if !c.opts.ASimSourceTables {
			break
		}
		if src, ok := c.tables[v.source]; ok && v.target == target {
			u.parts = append(u.parts, &viewTable{src: src, view: v, schema: u.schema})
		}
	}
	return u
}

// rowPredicate is a row filter over named columns that may also compute
// helper columns (ASimMatchingIpAddr, ...).
type rowPredicate struct {
	cols    []string // columns keep reads
	helpers []string // helper columns keep computes, in order
	all     bool     // no filtering: every row is kept
	// keep reports whether a row passes and sets helpers (len(helpers)
	// values). It must be safe for concurrent use.
	keep func(get func(col string) types.Value, helpers []types.Value) bool
}

// filteredTable is an ASIM table with parser filtering applied and the
// parser's helper columns appended.
type filteredTable struct {
	name   string
	inner  types.Table
	pred   rowPredicate
	schema types.Schema
	hidden bool // helper columns are computed but not part of the schema
}

// newFilteredTable returns inner filtered by pred; with helpers, pred's
// helper columns are appended to the schema (replacing inner columns of
// the same name), as the _Im_ filtering parsers do. The parameterless
// _ASim_ forms do not add them.
func newFilteredTable(name string, inner types.Table, pred rowPredicate, helpers bool) *filteredTable {
	t := &filteredTable{name: name, inner: inner, pred: pred}
	if !helpers {
		t.pred.helpers = nil
	}
	for _, f := range inner.Schema() {
		if !t.isHelper(f.Name) {
			t.schema = append(t.schema, f)
		}
	}
	for _, h := range t.pred.helpers {
		t.schema = append(t.schema, types.Field{Name: h, Type: types.String})
	}
	if !helpers {
		t.pred.helpers = pred.helpers // still computed by keep, never shown
		t.hidden = true
	}
	return t
}

func (t *filteredTable) Name() string         { return t.name }
func (t *filteredTable) Schema() types.Schema { return t.schema }

func (t *filteredTable) isHelper(col string) bool {
	if t.hidden {
		return false
	}
	for _, h := range t.pred.helpers {
		if h == col {
			return true
		}
	}
	return false
}

// Scan reads the inner table with the predicate's columns added to the
// projection, drops rows the parameters exclude, and returns the
// requested projection with the helper columns filled in.
func (t *filteredTable) Scan(ctx context.Context, opts types.ScanOptions, emit func(*types.Batch) error) error {
	want, err := record.Project(t.schema, opts.Columns)
	if err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	var innerCols []string
	helperAt := make([]int, len(want)) // index into helpers, or -1
	for i, f := range want {
		helperAt[i] = -1
		for j, h := range t.pred.helpers {
			if f.Name == h && t.isHelper(h) {
				helperAt[i] = j
			}
		}
		if helperAt[i] < 0 {
			innerCols = append(innerCols, f.Name)
		}
	}
	if t.pred.all && len(innerCols) == len(want) {
		in := opts
		in.Columns = innerCols
		return t.inner.Scan(ctx, in, emit)
	}
	for _, c := range t.pred.cols {
		if !slices.Contains(innerCols, c) && t.inner.Schema().Index(c) >= 0 {
			innerCols = append(innerCols, c)
		}
	}
	in := opts
	in.Columns = innerCols
	if in.Filter != nil && slices.ContainsFunc(in.Filter.Columns, t.isHelper) {
		in.Filter = nil // the pre-filter is an optimisation; the query re-checks
	}
	return t.inner.Scan(ctx, in, func(b *types.Batch) error {
		out := t.filterBatch(b, want, helperAt)
		if out.Len == 0 {
			return nil
		}
		return emit(out)
	})
}

// filterBatch keeps the rows of b passing the predicate, as the columns
// of want: inner columns are the first ones of b, in order; helper
// columns (helperAt[i] >= 0) come from the predicate.
func (t *filteredTable) filterBatch(b *types.Batch, want types.Schema, helperAt []int) *types.Batch {
	out := types.NewBatch(want, b.Len)
	idx := map[string]int{}
	for i, f := range b.Schema {
		idx[f.Name] = i
	}
	row := 0
	get := func(col string) types.Value {
		i, ok := idx[col]
		if !ok {
			return types.NullOf(types.String)
		}
		return b.Cols[i].Value(row)
	}
	helpers := make([]types.Value, len(t.pred.helpers))
	for row = 0; row < b.Len; row++ {
		if !t.pred.keep(get, helpers) {
			continue
		}
		in := 0
		for j := range want {
			if h := helperAt[j]; h >= 0 {
				out.Cols[j].Append(helpers[h])
				continue
			}
			out.Cols[j].Append(b.Cols[in].Value(row))
			in++
		}
		out.Len++
	}
	return out
}
