package types

// Column is a typed vector of values. Exactly one payload slice is used,
// chosen by Type (see the package doc). Nulls, when non-nil, has the same
// length as the payload and marks null entries.
type Column struct {
	Type  Type
	Nulls []bool
	Bools []bool
	Ints  []int64
	Reals []float64
	Strs  []string
	Dyns  []any
}

// NewColumn returns an empty column of type t with room for n values.
func NewColumn(t Type, n int) *Column {
	c := &Column{Type: t}
	switch {
	case t == Bool:
		c.Bools = make([]bool, 0, n)
	case t.UsesInts():
		c.Ints = make([]int64, 0, n)
	case t.UsesReals():
		c.Reals = make([]float64, 0, n)
	case t.UsesStrs():
		c.Strs = make([]string, 0, n)
	default:
		c.Dyns = make([]any, 0, n)
	}
	return c
}

// Len returns the number of values in the column.
func (c *Column) Len() int {
	switch {
	case c.Type == Bool:
		return len(c.Bools)
	case c.Type.UsesInts():
		return len(c.Ints)
	case c.Type.UsesReals():
		return len(c.Reals)
	case c.Type.UsesStrs():
		return len(c.Strs)
	default:
		return len(c.Dyns)
	}
}

// IsNull reports whether entry i is null. Strings are never null.
func (c *Column) IsNull(i int) bool {
	if c.Type == Dynamic {
		return c.Dyns[i] == nil
	}
	return c.Nulls != nil && c.Nulls[i]
}

// Append adds v to the column. v is converted to the column's type only in
// the trivial sense: the payload field matching c.Type is used.
func (c *Column) Append(v Value) {
	null := v.IsNull()
	switch {
	case c.Type == Bool:
		c.Bools = append(c.Bools, !null && v.I != 0)
	case c.Type.UsesInts():
		c.Ints = append(c.Ints, v.I)
	case c.Type.UsesReals():
		c.Reals = append(c.Reals, v.F)
	case c.Type.UsesStrs():
		c.Strs = append(c.Strs, v.S)
		return
	default:
		if null {
			c.Dyns = append(c.Dyns, nil)
		} else {
			c.Dyns = append(c.Dyns, v.D)
		}
		return
	}
	c.markNull(null)
}

// AppendNull adds a null (or "" for strings).
func (c *Column) AppendNull() { c.Append(NullOf(c.Type)) }

func (c *Column) markNull(null bool) {
	if c.Nulls == nil {
		if !null {
			return
		}
		c.Nulls = make([]bool, c.Len()-1, 2*c.Len())
	}
	c.Nulls = append(c.Nulls, null)
}

// Value returns entry i as a Value.
func (c *Column) Value(i int) Value {
	v := Value{T: c.Type}
	switch {
	case c.Type == Bool:
		if c.Bools[i] {
			v.I = 1
		}
	case c.Type.UsesInts():
		v.I = c.Ints[i]
	case c.Type.UsesReals():
		v.F = c.Reals[i]
	case c.Type.UsesStrs():
		v.S = c.Strs[i]
		return v
	default:
		v.D = c.Dyns[i]
		v.Null = v.D == nil
		return v
	}
	v.Null = c.Nulls != nil && c.Nulls[i]
	return v
}

// Field is one column of a schema.
type Field struct {
	Name string
	Type Type
}

// Schema is an ordered list of columns.
type Schema []Field

// Index returns the position of the column named name, or -1.
// Column names are case-sensitive in KQL.
func (s Schema) Index(name string) int {
	for i, f := range s {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// Names returns the column names in order.
func (s Schema) Names() []string {
	out := make([]string, len(s))
	for i, f := range s {
		out[i] = f.Name
	}
	return out
}

// Batch is a set of equally long columns described by Schema.
type Batch struct {
	Schema Schema
	Cols   []*Column
	Len    int
}

// NewBatch returns an empty batch for schema s with room for n rows.
func NewBatch(s Schema, n int) *Batch {
	b := &Batch{Schema: s, Cols: make([]*Column, len(s))}
	for i, f := range s {
		b.Cols[i] = NewColumn(f.Type, n)
	}
	return b
}

// Row returns row i as values.
func (b *Batch) Row(i int) []Value {
	out := make([]Value, len(b.Cols))
	for j, c := range b.Cols {
		out[j] = c.Value(i)
	}
	return out
}
