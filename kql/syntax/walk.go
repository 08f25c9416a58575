package syntax

import "reflect"

// Inspect walks the AST rooted at n in depth-first order, calling f for
// every node (including *Param, *ColumnDecl, *OpParam, *SortExpr and the
// other helper nodes). When f returns false the node's children are
// skipped. Inspect uses reflection and is meant for tools and tests, not
// hot paths.
func Inspect(n Node, f func(Node) bool) {
	inspectValue(reflect.ValueOf(n), f)
}

var nodeType = reflect.TypeOf((*Node)(nil)).Elem()

func inspectValue(v reflect.Value, f func(Node) bool) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			inspectValue(v.Elem(), f)
		}
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Type().Implements(nodeType) {
			if !f(v.Interface().(Node)) {
				return
			}
		}
		inspectValue(v.Elem(), f)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				inspectValue(v.Field(i), f)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			inspectValue(v.Index(i), f)
		}
	}
}
