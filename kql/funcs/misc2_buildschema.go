package funcs

import (
	"github.com/huntpack/huntpack/kql/types"
)

// buildschema(DynamicExpr): the minimal schema admitting every value, as
// Kusto writes it: a scalar is its type name ("long", "double", "string",
// "bool"), a bag maps each key to the schema of its values, an array is
// {"`indexer`": schema of its elements}, and a slot that saw several kinds
// holds them all in an array, in order of first appearance.

// m2Schema is the merged schema of a set of dynamic values.
type m2Schema struct {
	kinds []string             // scalar type names, "{}" and "[]" in first-seen order
	keys  []string             // bag keys in first-seen order
	props map[string]*m2Schema // bag key schemas
	elem  *m2Schema            // array element schema
}

func (s *m2Schema) addKind(k string) {
	for _, x := range s.kinds {
		if x == k {
			return
		}
	}
	s.kinds = append(s.kinds, k)
}

// add folds one dynamic payload in.
func (s *m2Schema) add(d any) {
	switch x := d.(type) {
	case nil:
	case map[string]any:
		s.addKind("{}")
		if s.props == nil {
			s.props = map[string]*m2Schema{}
		}
		for _, k := range sortedKeys(x) {
			p, ok := s.props[k]
			if !ok {
				p = &m2Schema{}
				s.props[k] = p
				s.keys = append(s.keys, k)
			}
			p.add(x[k])
		}
	case []any:
		s.addKind("[]")
		if s.elem == nil {
			s.elem = &m2Schema{}
		}
		for _, e := range x {
			s.elem.add(e)
		}
	case bool:
		s.addKind("bool")
	case int64:
		s.addKind("long")
	case float64:
		s.addKind("double")
	case string:
		s.addKind("string")
	default:
		s.addKind("string")
	}
}

// merge folds another schema in.
func (s *m2Schema) merge(o *m2Schema) {
	for _, k := range o.kinds {
		s.addKind(k)
	}
	for _, k := range o.keys {
		if s.props == nil {
			s.props = map[string]*m2Schema{}
		}
		p, ok := s.props[k]
		if !ok {
			p = &m2Schema{}
			s.props[k] = p
			s.keys = append(s.keys, k)
		}
		p.merge(o.props[k])
	}
	if o.elem != nil {
		if s.elem == nil {
			s.elem = &m2Schema{}
		}
		s.elem.merge(o.elem)
	}
}

// render returns the schema as a dynamic payload (nil when empty).
func (s *m2Schema) render() any {
	var parts []any
	for _, k := range s.kinds {
		switch k {
		case "{}":
			m := map[string]any{}
			for _, key := range s.keys {
				m[key] = s.props[key].render()
			}
			parts = append(parts, m)
		case "[]":
			parts = append(parts, map[string]any{"`indexer`": s.elem.render()})
		default:
			parts = append(parts, k)
		}
	}
	switch len(parts) {
	case 0:
		return nil
	case 1:
		return parts[0]
	}
	return parts
}

type m2SchemaAcc struct{ s m2Schema }

func (a *m2SchemaAcc) Add(args []types.Value) {
	v := args[0]
	if v.IsNull() {
		return
	}
	if v.T == types.Dynamic {
		a.s.add(v.D)
		return
	}
	a.s.add(toDyn(v))
}

func (a *m2SchemaAcc) Merge(o Accumulator) {
	if b, ok := o.(*m2SchemaAcc); ok {
		a.s.merge(&b.s)
	}
}

func (a *m2SchemaAcc) Result() types.Value {
	r := a.s.render()
	if r == nil {
		return nullOf(types.Dynamic)
	}
	return dynValue(r)
}

func addMisc2BuildSchema(r *Registry) {
	agg(r, "buildschema", "buildschema(value: dynamic): dynamic",
		"Returns the minimal schema that admits all values: type names, bags of key schemas, {\"`indexer`\": element schema} for arrays, unions as arrays.",
		1, 1, fixed(types.Dynamic), func([]types.Type, []*types.Value) Accumulator { return &m2SchemaAcc{} })
}
