//go:build cgo

package funcs

import (
	"sort"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// Values from Microsoft's documentation pages of each H3 function.
func TestGeoH3Cells(t *testing.T) {
	gcRun(t, []gcCase{
		{"point", "geo_point_to_h3cell", []types.Value{realV(-74.04450446039874), realV(40.689250859314974), longV(6)}, "862a1072fffffff"},
		{"point A res 5", "geo_point_to_h3cell", []types.Value{realV(-73.956683), realV(40.807907), longV(5)}, "852a100bfffffff"},
		{"point C res 5", "geo_point_to_h3cell", []types.Value{realV(-73.989148), realV(40.743273), longV(5)}, "852a1073fffffff"},
		{"point bad longitude", "geo_point_to_h3cell", []types.Value{longV(300), longV(1), longV(8)}, ""},
		{"point res 16", "geo_point_to_h3cell", []types.Value{longV(1), longV(1), longV(16)}, ""},
		{"point null res", "geo_point_to_h3cell", []types.Value{longV(1), longV(1), gcNullInt}, ""},
		{"level", "geo_h3cell_level", []types.Value{strV("862a1072fffffff")}, "6"},
		{"level invalid", "geo_h3cell_level", []types.Value{strV("abc")}, ""},
		{"parent", "geo_h3cell_parent", []types.Value{strV("862a1072fffffff")}, "852a1073fffffff"},
		{"parent res 1", "geo_h3cell_parent", []types.Value{strV("862a1072fffffff"), longV(1)}, "812a3ffffffffff"},
		{"parent invalid", "geo_h3cell_parent", []types.Value{strV("123")}, ""},
		{"parent res 100", "geo_h3cell_parent", []types.Value{strV("862a1072fffffff"), longV(100)}, ""},
		{"parent res 15", "geo_h3cell_parent", []types.Value{strV("862a1072fffffff"), longV(15)}, ""},
		{"parent same res", "geo_h3cell_parent", []types.Value{strV("862a1072fffffff"), longV(6)}, "862a1072fffffff"},
		{"parent of a res 0 cell", "geo_h3cell_parent", []types.Value{strV("8029fffffffffff")}, ""},
		{"level of a res 0 cell", "geo_h3cell_level", []types.Value{strV("8029fffffffffff")}, "0"},
		{"children of a res 15 cell", "geo_h3cell_children", []types.Value{gcTestPointH3(15)}, ""},
		{"children", "geo_h3cell_children", []types.Value{strV("862a1072fffffff")}, `["872a10728ffffff","872a10729ffffff","872a1072affffff","872a1072bffffff","872a1072cffffff","872a1072dffffff","872a1072effffff"]`},
		{"children invalid", "geo_h3cell_children", []types.Value{strV("abc")}, ""},
		{"neighbors", "geo_h3cell_neighbors", []types.Value{strV("862a1072fffffff")}, `["862a10727ffffff","862a10707ffffff","862a1070fffffff","862a10777ffffff","862a100dfffffff","862a100d7ffffff"]`},
		{"neighbors invalid", "geo_h3cell_neighbors", []types.Value{strV("abc")}, ""},
		{"rings", "geo_h3cell_rings", []types.Value{strV("861f8894fffffff"), longV(2)}, `[["861f8894fffffff"],["861f88947ffffff","861f8895fffffff","861f88867ffffff","861f8d497ffffff","861f8d4b7ffffff","861f8896fffffff"],["861f88967ffffff","861f88977ffffff","861f88957ffffff","861f8882fffffff","861f88877ffffff","861f88847ffffff","861f8886fffffff","861f8d49fffffff","861f8d487ffffff","861f8d4a7ffffff","861f8d59fffffff","861f8d597ffffff"]]`},
		{"rings invalid", "geo_h3cell_rings", []types.Value{strV("abc"), longV(3)}, ""},
		{"rings distance 150", "geo_h3cell_rings", []types.Value{strV("861f8894fffffff"), longV(150)}, ""},
		{"center invalid", "geo_h3cell_to_central_point", []types.Value{strV("1")}, ""},
		{"polygon invalid", "geo_h3cell_to_polygon", []types.Value{strV("@")}, ""},
	})
	t.Run("children 3 levels down (doc: 343)", func(t *testing.T) {
		v := gcTestCall(t, "geo_h3cell_children", strV("862a1072fffffff"), longV(9))
		if a, _ := v.D.([]any); len(a) != 343 {
			t.Errorf("got %d children", len(a))
		}
	})
	t.Run("children 6 levels down is null (doc)", func(t *testing.T) {
		c := gcTestCall(t, "geo_point_to_h3cell", longV(1), longV(1), longV(9))
		if v := gcTestCall(t, "geo_h3cell_children", c, longV(15)); !v.IsNull() {
			t.Error("want null")
		}
	})
	t.Run("center", func(t *testing.T) {
		got := gcTestCall(t, "geo_h3cell_to_central_point", strV("862a1072fffffff"))
		want := gcJSON(t, `{"type":"Point","coordinates":[-74.016008479792447,40.7041679083504]}`)
		if !gcNear(got.D, want.D, 1e-9) {
			t.Errorf("got %s", types.FormatValue(got))
		}
	})
	t.Run("polygon", func(t *testing.T) {
		got := gcTestCall(t, "geo_h3cell_to_polygon", strV("862a1072fffffff"))
		want := gcJSON(t, `{"type":"Polygon","coordinates":[[[-74.0022744646159,40.735376026215022],[-74.046908029686236,40.727986222489115],[-74.060610712223664,40.696775140349033],[-74.029724408156682,40.672970047595463],[-73.985140983708192,40.680349049267583],[-73.971393761028622,40.71154393543933],[-74.0022744646159,40.735376026215022]]]}`)
		if !gcNear(got.D, want.D, 1e-9) {
			t.Errorf("got %s", types.FormatValue(got))
		}
	})
}

// gcTestPointH3 is the cell holding (1, 1) at a resolution.
func gcTestPointH3(res int64) types.Value {
	f, _ := Builtins().Scalar("geo_point_to_h3cell")
	return f.Eval(&Context{}, []types.Value{longV(1), longV(1), longV(res)})
}

func TestGeoPolygonToH3(t *testing.T) {
	madrid := `{"type":"Polygon","coordinates":[[[-3.659,40.553],[-3.913,40.409],[-3.729,40.273],[-3.524,40.440],[-3.659,40.553]]]}`
	cells := func(v types.Value) []string {
		var out []string
		a, _ := v.D.([]any)
		for _, e := range a {
			out = append(out, e.(string))
		}
		sort.Strings(out)
		return out
	}
	t.Run("documented cell set", func(t *testing.T) {
		// the documented cells, sorted (the docs do not specify the order)
		want := []string{"86390ca07ffffff", "86390ca27ffffff", "86390ca2fffffff", "86390ca37ffffff", "86390cb07ffffff", "86390cb0fffffff",
			"86390cb17ffffff", "86390cb1fffffff", "86390cb57ffffff", "86390cb87ffffff", "86390cb8fffffff", "86390cba7ffffff", "86390cbafffffff"}
		got := cells(gcTestCall(t, "geo_polygon_to_h3cells", gcJSON(t, madrid)))
		if len(got) != len(want) {
			t.Fatalf("got %v", got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("got %v, want %v", got, want)
			}
		}
	})
	t.Run("radius adds cells", func(t *testing.T) {
		a := cells(gcTestCall(t, "geo_polygon_to_h3cells", gcJSON(t, madrid), longV(6)))
		b := cells(gcTestCall(t, "geo_polygon_to_h3cells", gcJSON(t, madrid), longV(6), realV(3000)))
		if len(b) <= len(a) {
			t.Errorf("buffered %d cells, plain %d", len(b), len(a))
		}
	})
	t.Run("invalid polygon is null (doc)", func(t *testing.T) {
		if v := gcTestCall(t, "geo_polygon_to_h3cells", gcJSON(t, `{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}`)); !v.IsNull() {
			t.Errorf("got %s", types.FormatValue(v))
		}
	})
	t.Run("too many cells is null", func(t *testing.T) {
		big := `{"type":"Polygon","coordinates":[[[0,0],[40,0],[40,40],[0,40],[0,0]]]}`
		if v := gcTestCall(t, "geo_polygon_to_h3cells", gcJSON(t, big), longV(10)); !v.IsNull() {
			t.Error("want null")
		}
	})
}

func FuzzH3Token(f *testing.F) {
	for _, s := range []string{"862a1072fffffff", "861f8894fffffff", "abc", "1", "@", "", "812a3ffffffffff", "ffffffffffffffff", "8001fffffffffff"} {
		f.Add(s)
	}
	reg := Builtins()
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := gcParseH3(s)
		if !ok {
			return
		}
		if !c.IsValid() {
			t.Fatalf("%q accepted as invalid cell", s)
		}
		for _, name := range []string{"geo_h3cell_level", "geo_h3cell_parent", "geo_h3cell_children", "geo_h3cell_neighbors", "geo_h3cell_to_central_point", "geo_h3cell_to_polygon"} {
			fn, _ := reg.Scalar(name)
			_ = fn.Eval(&Context{}, []types.Value{strV(s)})
		}
		fn, _ := reg.Scalar("geo_h3cell_rings")
		_ = fn.Eval(&Context{}, []types.Value{strV(s), longV(2)})
	})
}
