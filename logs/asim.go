package logs

import (
	"context"
	"fmt"
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
	return &filteredTable{name: f.name, inner: inner, pred: pred}, nil
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

// rowPredicate is a row filter over named columns.
type rowPredicate struct {
	cols []string
	keep func(get func(col string) types.Value) bool
}

// filteredTable is an ASIM table with parser filtering applied.
type filteredTable struct {
	name  string
	inner types.Table
	pred  rowPredicate
}

func (t *filteredTable) Name() string         { return t.name }
func (t *filteredTable) Schema() types.Schema { return t.inner.Schema() }

// Scan reads the inner table with the predicate's columns added to the
// projection, drops rows the parameters exclude, and returns the
// requested projection.
func (t *filteredTable) Scan(ctx context.Context, opts types.ScanOptions, emit func(*types.Batch) error) error {
	want, err := record.Project(t.inner.Schema(), opts.Columns)
	if err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	if t.pred.keep == nil {
		return t.inner.Scan(ctx, opts, emit)
	}
	cols := want.Names()
	for _, c := range t.pred.cols {
		if want.Index(c) < 0 && t.inner.Schema().Index(c) >= 0 {
			cols = append(cols, c)
		}
	}
	in := opts
	in.Columns = cols
	return t.inner.Scan(ctx, in, func(b *types.Batch) error {
		out := filterBatch(b, t.pred, len(want))
		if out.Len == 0 {
			return nil
		}
		return emit(out)
	})
}

// filterBatch keeps rows passing pred and the first n columns.
func filterBatch(b *types.Batch, pred rowPredicate, n int) *types.Batch {
	out := types.NewBatch(b.Schema[:n], b.Len)
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
	for row = 0; row < b.Len; row++ {
		if !pred.keep(get) {
			continue
		}
		for j := 0; j < n; j++ {
			out.Cols[j].Append(b.Cols[j].Value(row))
		}
		out.Len++
	}
	return out
}
