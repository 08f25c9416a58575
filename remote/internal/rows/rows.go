// Package rows converts the rows of remote query responses (Log Analytics
// and Azure Data Explorer: a column list with KQL type names, and rows of
// JSON values) into *types.Batch, the table type the rest of huntpack
// uses, so remote and local runs produce identical findings.
package rows

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/kql/types"
)

// Column is a result column: its name and KQL (or .NET, for ADX v1
// frames) type name.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// TypeOf maps a response column type name to a KQL type. Unknown names
// become dynamic, so no value is lost.
func TypeOf(name string) types.Type {
	switch strings.ToLower(name) {
	case "system.string", "system.object":
		return typeOrDynamic(strings.TrimPrefix(strings.ToLower(name), "system."))
	case "system.int32":
		return types.Int
	case "system.int64":
		return types.Long
	case "system.double", "system.single":
		return types.Real
	case "system.datetime":
		return types.DateTime
	case "system.timespan":
		return types.TimeSpan
	case "system.boolean", "system.sbyte":
		return types.Bool
	case "system.guid":
		return types.GUID
	case "system.data.sqltypes.sqldecimal", "system.decimal":
		return types.Decimal
	}
	return typeOrDynamic(name)
}

func typeOrDynamic(name string) types.Type {
	if name == "object" {
		return types.Dynamic
	}
	if t, ok := types.ParseType(name); ok {
		return t
	}
	return types.Dynamic
}

// Batch builds a batch from columns and rows. Values are what
// encoding/json decoded (string, float64 or json.Number, bool, nil, maps
// and slices). A value that does not fit its column's type is an error
// naming the row and column.
func Batch(cols []Column, data [][]any) (*types.Batch, error) {
	schema := make(types.Schema, len(cols))
	for i, c := range cols {
		schema[i] = types.Field{Name: c.Name, Type: TypeOf(c.Type)}
	}
	b := types.NewBatch(schema, len(data))
	for r, row := range data {
		if len(row) != len(cols) {
			return nil, fmt.Errorf("row %d has %d values, want %d", r, len(row), len(cols))
		}
		for j, raw := range row {
			v, err := Value(schema[j].Type, raw)
			if err != nil {
				return nil, fmt.Errorf("row %d, column %s: %w", r, cols[j].Name, err)
			}
			b.Cols[j].Append(v)
		}
		b.Len++
	}
	return b, nil
}

// Value converts one JSON value to a KQL value of type t.
func Value(t types.Type, raw any) (types.Value, error) {
	if raw == nil {
		return types.NullOf(t), nil
	}
	switch t {
	case types.String, types.GUID:
		return types.Value{T: t, S: stringOf(raw)}, nil
	case types.Bool:
		return boolValue(raw)
	case types.Int, types.Long:
		return intValue(t, raw)
	case types.Real, types.Decimal:
		return realValue(t, raw)
	case types.DateTime:
		s, ok := raw.(string)
		if !ok {
			return types.Value{}, fmt.Errorf("datetime %v is not a string", raw)
		}
		if s == "" {
			return types.NullOf(t), nil
		}
		ticks, err := types.ParseDateTime(s)
		if err != nil {
			return types.Value{}, err
		}
		return types.DateTimeValue(ticks), nil
	case types.TimeSpan:
		return timespanValue(raw)
	}
	return dynamicValue(raw)
}

func stringOf(raw any) string {
	switch x := raw.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return types.FormatReal(x)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(raw)
	return string(b)
}

func boolValue(raw any) (types.Value, error) {
	switch x := raw.(type) {
	case bool:
		return types.BoolValue(x), nil
	case float64:
		return types.BoolValue(x != 0), nil
	case json.Number:
		return types.BoolValue(x.String() != "0"), nil
	case string:
		b, err := strconv.ParseBool(x)
		if err != nil {
			return types.Value{}, fmt.Errorf("bool %q: %w", x, err)
		}
		return types.BoolValue(b), nil
	}
	return types.Value{}, fmt.Errorf("bool %v has type %T", raw, raw)
}

func intValue(t types.Type, raw any) (types.Value, error) {
	var n int64
	switch x := raw.(type) {
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<63 {
			return types.Value{}, fmt.Errorf("%v is not an integer", x)
		}
		n = int64(x)
	case json.Number:
		i, err := strconv.ParseInt(x.String(), 10, 64)
		if err != nil {
			return types.Value{}, fmt.Errorf("integer %s: %w", x, err)
		}
		n = i
	case string:
		i, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return types.Value{}, fmt.Errorf("integer %q: %w", x, err)
		}
		n = i
	default:
		return types.Value{}, fmt.Errorf("integer %v has type %T", raw, raw)
	}
	if t == types.Int {
		return types.IntValue(n), nil
	}
	return types.LongValue(n), nil
}

func realValue(t types.Type, raw any) (types.Value, error) {
	var f float64
	switch x := raw.(type) {
	case float64:
		f = x
	case json.Number:
		v, err := x.Float64()
		if err != nil {
			return types.Value{}, fmt.Errorf("real %s: %w", x, err)
		}
		f = v
	case string: // "NaN", "Infinity", decimals sent as strings
		v, err := strconv.ParseFloat(strings.Replace(x, "Infinity", "Inf", 1), 64)
		if err != nil {
			return types.Value{}, fmt.Errorf("real %q: %w", x, err)
		}
		f = v
	default:
		return types.Value{}, fmt.Errorf("real %v has type %T", raw, raw)
	}
	return types.Value{T: t, F: f}, nil
}

func timespanValue(raw any) (types.Value, error) {
	s, ok := raw.(string)
	if !ok {
		return types.Value{}, fmt.Errorf("timespan %v is not a string", raw)
	}
	ticks, err := types.ParseTimeSpan(s)
	if err != nil {
		return types.Value{}, err
	}
	return types.TimeSpanValue(ticks), nil
}

// dynamicValue keeps JSON values; a string holding JSON (Log Analytics
// sends dynamic columns as JSON text) is decoded.
func dynamicValue(raw any) (types.Value, error) {
	switch x := raw.(type) {
	case string:
		var d any
		dec := json.NewDecoder(strings.NewReader(x))
		dec.UseNumber()
		if t := strings.TrimSpace(x); (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && dec.Decode(&d) == nil {
			return types.DynamicValue(normalise(d)), nil
		}
		return types.DynamicValue(x), nil
	}
	return types.DynamicValue(normalise(raw)), nil
}

// normalise turns JSON numbers into int64 or float64 as the dynamic model
// wants.
func normalise(d any) any {
	switch x := d.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
		return x
	case []any:
		for i := range x {
			x[i] = normalise(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = normalise(x[k])
		}
	}
	return d
}
