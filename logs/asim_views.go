package logs

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/asim"
	"github.com/huntpack/huntpack/logs/record"
)

// asimView normalises rows of a source table into an ASIM table, as the
// source-specific ASIM parsers do in Sentinel.
type asimView struct {
	source string   // source table
	target string   // ASIM table
	cols   []string // source columns read
	// keep selects the source rows the parser covers.
	keep func(get func(string) types.Value) bool
	// fill sets the ASIM columns of one row.
	fill func(get func(string) types.Value, set func(string, types.Value))
}

// asimViews lists the source tables normalised by _Im_* besides the ASIM
// tables themselves.
var asimViews = []*asimView{dnsEventsView}

// dnsEventsView follows Azure-Sentinel's ASimDnsMicrosoftOMS parser:
// DnsEvents lookup events (SubType "LookupQuery") become DNS responses;
// ResultCode is the DNS RCODE, Name the query, ClientIP the client,
// IPAddresses the answers; QueryType is a number or a type name.
var dnsEventsView = &asimView{
	source: "DnsEvents",
	target: asim.Dns,
	cols:   []string{"TimeGenerated", "SubType", "ClientIP", "Name", "QueryType", "ResultCode", "IPAddresses", "Computer", "EventId"},
	keep: func(get func(string) types.Value) bool {
		return get("SubType").S == "LookupQuery"
	},
	fill: func(get func(string) types.Value, set func(string, types.Value)) {
		t := get("TimeGenerated")
		set("TimeGenerated", t)
		set("EventStartTime", t)
		set("EventEndTime", t)
		set("EventCount", types.IntValue(1))
		set("EventType", types.StringValue("Query"))
		set("EventSubType", types.StringValue("response"))
		set("EventVendor", types.StringValue("Microsoft"))
		set("EventProduct", types.StringValue("DNS Server"))
		set("EventSchemaVersion", types.StringValue("0.1.7"))
		set("Type", types.StringValue("DnsEvents"))
		set("SrcIpAddr", get("ClientIP"))
		set("DnsQuery", get("Name"))
		set("DnsResponseName", get("IPAddresses"))
		set("Dvc", get("Computer"))
		set("DvcHostname", get("Computer"))
		if id := get("EventId"); !id.IsNull() {
			set("EventOriginalType", types.StringValue(strconv.FormatInt(id.I, 10)))
		}
		qt := strings.TrimSpace(get("QueryType").S)
		if n, err := strconv.Atoi(qt); err == nil {
			set("DnsQueryType", types.IntValue(int64(n)))
			set("DnsQueryTypeName", types.StringValue(asim.QtypeName(qt)))
		} else if qt != "" {
			set("DnsQueryTypeName", types.StringValue(strings.ToUpper(qt)))
			if n, err := strconv.Atoi(asim.QtypeNumber(qt)); err == nil {
				set("DnsQueryType", types.IntValue(int64(n)))
			}
		}
		if rc := get("ResultCode"); !rc.IsNull() {
			set("DnsResponseCode", types.IntValue(rc.I))
			code := strconv.FormatInt(rc.I, 10)
			set("EventResultDetails", types.StringValue(asim.RcodeName(code)))
			if rc.I == 0 {
				set("EventResult", types.StringValue("Success"))
			} else {
				set("EventResult", types.StringValue("Failure"))
			}
		}
	},
}

// viewTable is a source table seen through an asimView.
type viewTable struct {
	src    types.Table
	view   *asimView
	schema types.Schema
}

func (t *viewTable) Name() string         { return t.view.target }
func (t *viewTable) Schema() types.Schema { return t.schema }

// Scan reads the source columns the view needs and maps each kept row.
// The raw filter is not applied (it is only an optimisation).
func (t *viewTable) Scan(ctx context.Context, opts types.ScanOptions, emit func(*types.Batch) error) error {
	out, err := record.Project(t.schema, opts.Columns)
	if err != nil {
		return fmt.Errorf("%s (from %s): %w", t.view.target, t.view.source, err)
	}
	outIdx := map[string]int{}
	for i, f := range out {
		outIdx[f.Name] = i
	}
	var cols []string
	for _, c := range t.view.cols {
		if t.src.Schema().Index(c) >= 0 {
			cols = append(cols, c)
		}
	}
	in := types.ScanOptions{Columns: cols, Concurrent: opts.Concurrent, Stats: opts.Stats}
	return t.src.Scan(ctx, in, func(b *types.Batch) error {
		ob := mapBatch(b, out, outIdx, t.view)
		if ob.Len == 0 {
			return nil
		}
		return emit(ob)
	})
}

func mapBatch(b *types.Batch, out types.Schema, outIdx map[string]int, v *asimView) *types.Batch {
	ob := types.NewBatch(out, b.Len)
	srcIdx := map[string]int{}
	for i, f := range b.Schema {
		srcIdx[f.Name] = i
	}
	row := 0
	get := func(col string) types.Value {
		i, ok := srcIdx[col]
		if !ok {
			return types.NullOf(types.String)
		}
		return b.Cols[i].Value(row)
	}
	vals := make([]types.Value, len(out))
	set := func(col string, val types.Value) {
		i, ok := outIdx[col]
		if !ok {
			return
		}
		if val.IsNull() {
			vals[i] = types.NullOf(out[i].Type)
			return
		}
		val.T = out[i].Type
		vals[i] = val
	}
	for row = 0; row < b.Len; row++ {
		if !v.keep(get) {
			continue
		}
		for i := range vals {
			vals[i] = types.NullOf(out[i].Type)
		}
		v.fill(get, set)
		for i, val := range vals {
			ob.Cols[i].Append(val)
		}
		ob.Len++
	}
	return ob
}

// unionTable reads several tables with one schema one after the other.
type unionTable struct {
	name   string
	schema types.Schema
	parts  []types.Table
}

func (t *unionTable) Name() string         { return t.name }
func (t *unionTable) Schema() types.Schema { return t.schema }

func (t *unionTable) Scan(ctx context.Context, opts types.ScanOptions, emit func(*types.Batch) error) error {
	for _, p := range t.parts {
		if err := p.Scan(ctx, opts, emit); err != nil {
			return err
		}
	}
	return nil
}
