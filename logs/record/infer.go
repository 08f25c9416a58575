package record

import (
	"bytes"

	"github.com/huntpack/huntpack/kql/types"
)

// candidate type bits, in preference order.
const (
	canBool = 1 << iota
	canLong
	canReal
	canDate
	canDyn
	canAll = canBool | canLong | canReal | canDate | canDyn
)

// Inferrer guesses column types from sample values: a column is bool,
// long, real, datetime or dynamic when every non-empty value seen parses
// as that type (tried in that order), otherwise string. Empty values and
// the literal null are ignored.
type Inferrer struct {
	cols []Col
	can  []uint8
	seen []bool
}

// NewInferrer returns an inferrer for a source with columns cols.
func NewInferrer(cols []Col) *Inferrer {
	in := &Inferrer{cols: cols, can: make([]uint8, len(cols)), seen: make([]bool, len(cols))}
	for i := range in.can {
		in.can[i] = canAll
	}
	return in
}

// Add looks at one record. Records may have more fields than the
// inferrer has columns (sources that discover columns as they go); the
// extra columns are added.
func (in *Inferrer) Add(fields [][]byte) {
	for len(in.can) < len(fields) {
		in.can = append(in.can, canAll)
		in.seen = append(in.seen, false)
	}
	for i, b := range fields {
		if i >= len(in.can) || in.can[i] == 0 || len(b) == 0 || bytes.Equal(b, nullText) {
			continue
		}
		in.seen[i] = true
		in.can[i] &= in.check(i, b)
	}
}

func (in *Inferrer) check(i int, b []byte) uint8 {
	var m uint8
	c := in.can[i]
	t := trimSpace(b)
	if c&canBool != 0 && (bytes.EqualFold(t, []byte("true")) || bytes.EqualFold(t, []byte("false"))) {
		m |= canBool
	}
	if c&canLong != 0 {
		if _, ok := parseInt(t); ok {
			m |= canLong
		}
	}
	if c&canReal != 0 && len(t) > 0 && (t[0] == '-' || t[0] == '.' || t[0] >= '0' && t[0] <= '9') {
		if _, ok := ParseReal(t); ok {
			m |= canReal
		}
	}
	if c&(canDate) != 0 {
		if i < len(in.cols) && in.cols[i].Epoch {
			m |= canDate
		} else if _, ok := parseInt(t); !ok {
			if _, ok := ParseDateTimeIn(t, nil, false); ok {
				m |= canDate
			}
		}
	}
	if c&canDyn != 0 && len(t) > 1 && (t[0] == '{' || t[0] == '[') {
		if _, isStr := ParseDynamic(t).(string); !isStr {
			m |= canDyn
		}
	}
	return m
}

// Types returns the inferred type of each column.
func (in *Inferrer) Types() []types.Type {
	out := make([]types.Type, len(in.can))
	for i, c := range in.can {
		out[i] = types.String
		if !in.seen[i] {
			continue
		}
		switch {
		case i < len(in.cols) && in.cols[i].Epoch && c&canDate != 0:
			out[i] = types.DateTime
		case c&canBool != 0:
			out[i] = types.Bool
		case c&canLong != 0:
			out[i] = types.Long
		case c&canReal != 0:
			out[i] = types.Real
		case c&canDate != 0:
			out[i] = types.DateTime
		case c&canDyn != 0:
			out[i] = types.Dynamic
		}
	}
	return out
}

// Merge returns the schema for a table made of a known schema (nil for an
// unknown table) and a source's columns with inferred types: known
// columns keep their order and types; source columns not in it are
// appended with their inferred types.
func Merge(known types.Schema, cols []Col, inferred []types.Type) types.Schema {
	out := append(types.Schema(nil), known...)
	for i, c := range cols {
		if out.Index(c.Name) >= 0 {
			continue
		}
		t := types.String
		if i < len(inferred) {
			t = inferred[i]
		}
		out = append(out, types.Field{Name: c.Name, Type: t})
	}
	return out
}

// Widen returns the common type of two inferences for the same column
// from different files: equal types stay, long+real is real, anything
// else is string.
func Widen(a, b types.Type) types.Type {
	switch {
	case a == b:
		return a
	case (a == types.Long && b == types.Real) || (a == types.Real && b == types.Long):
		return types.Real
	}
	return types.String
}
