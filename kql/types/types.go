package types

import (
	"fmt"
	"strings"
)

// Type is a KQL scalar type.
type Type uint8

// The KQL scalar types. Null is the type of an untyped null literal only.
const (
	Null Type = iota
	Bool
	Int
	Long
	Real
	Decimal
	String
	DateTime
	TimeSpan
	GUID
	Dynamic
)

var typeNames = [...]string{
	Null:     "null",
	Bool:     "bool",
	Int:      "int",
	Long:     "long",
	Real:     "real",
	Decimal:  "decimal",
	String:   "string",
	DateTime: "datetime",
	TimeSpan: "timespan",
	GUID:     "guid",
	Dynamic:  "dynamic",
}

// String returns the KQL name of the type.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// IsNumeric reports whether t is int, long, real or decimal.
func (t Type) IsNumeric() bool { return t == Int || t == Long || t == Real || t == Decimal }

// IsIntegral reports whether t is int or long.
func (t Type) IsIntegral() bool { return t == Int || t == Long }

// UsesInts reports whether values of t are stored in Column.Ints.
func (t Type) UsesInts() bool { return t == Int || t == Long || t == DateTime || t == TimeSpan }

// UsesStrs reports whether values of t are stored in Column.Strs.
func (t Type) UsesStrs() bool { return t == String || t == GUID }

// UsesReals reports whether values of t are stored in Column.Reals.
func (t Type) UsesReals() bool { return t == Real || t == Decimal }

// ParseType parses a KQL type name, including the documented aliases
// (boolean, int32, int64, double, float, date, time, uniqueid, object, ...).
func ParseType(s string) (Type, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "bool", "boolean":
		return Bool, true
	case "int", "int32":
		return Int, true
	case "long", "int64":
		return Long, true
	case "real", "double", "float":
		return Real, true
	case "decimal":
		return Decimal, true
	case "string":
		return String, true
	case "datetime", "date":
		return DateTime, true
	case "timespan", "time":
		return TimeSpan, true
	case "guid", "uniqueid":
		return GUID, true
	case "dynamic", "object":
		return Dynamic, true
	}
	return Null, false
}
