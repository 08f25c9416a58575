package types

// Value is one KQL scalar. Which payload field is meaningful depends on T,
// following the same mapping as Column (see the package doc). A Value with
// Null set is a typed null; strings are never null.
type Value struct {
	T    Type
	Null bool
	I    int64   // bool (0/1), int, long, datetime ticks, timespan ticks
	F    float64 // real, decimal
	S    string  // string, guid
	D    any     // dynamic payload: nil, bool, int64, float64, string, []any, map[string]any
}

// NullOf returns the null value of type t ("" for strings).
func NullOf(t Type) Value {
	if t == String {
		return Value{T: String}
	}
	return Value{T: t, Null: true}
}

// BoolValue returns a bool value.
func BoolValue(b bool) Value {
	v := Value{T: Bool}
	if b {
		v.I = 1
	}
	return v
}

// LongValue returns a long value.
func LongValue(i int64) Value { return Value{T: Long, I: i} }

// IntValue returns an int value (truncated to 32 bits as Kusto does).
func IntValue(i int64) Value { return Value{T: Int, I: int64(int32(i))} }

// RealValue returns a real value.
func RealValue(f float64) Value { return Value{T: Real, F: f} }

// StringValue returns a string value.
func StringValue(s string) Value { return Value{T: String, S: s} }

// DateTimeValue returns a datetime value from 100 ns ticks since 0001-01-01.
func DateTimeValue(ticks int64) Value { return Value{T: DateTime, I: ticks} }

// TimeSpanValue returns a timespan value from 100 ns ticks.
func TimeSpanValue(ticks int64) Value { return Value{T: TimeSpan, I: ticks} }

// DynamicValue returns a dynamic value; a nil payload is a dynamic null.
func DynamicValue(d any) Value { return Value{T: Dynamic, D: d, Null: d == nil} }

// IsNull reports whether v is null. The empty string is not null.
func (v Value) IsNull() bool { return v.Null || v.T == Null }

// Bool returns the value of a bool Value.
func (v Value) Bool() bool { return v.I != 0 }
