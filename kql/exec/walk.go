package exec

import (
	"reflect"

	"github.com/huntpack/huntpack/kql/syntax"
)

var nodeType = reflect.TypeOf((*syntax.Node)(nil)).Elem()

// walkAST calls f for every syntax node reachable from n (depth first);
// f returning false skips the node's children. It is used at planning
// time only (column push-down analysis).
func walkAST(n syntax.Node, f func(syntax.Node) bool) {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return
	}
	if !f(n) {
		return
	}
	walkValue(reflect.ValueOf(n).Elem(), f)
}

func walkValue(v reflect.Value, f func(syntax.Node) bool) {
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walkValue(v.Field(i), f)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkValue(v.Index(i), f)
		}
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Type().Implements(nodeType) {
			if n, ok := v.Interface().(syntax.Node); ok {
				walkAST(n, f)
				return
			}
		}
		if v.Kind() == reflect.Pointer {
			walkValue(v.Elem(), f)
		}
	}
}
