package funcs

import (
	"math"
	"strconv"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// gsCall evaluates a registered function on values.
func gsCall(t *testing.T, name string, args ...types.Value) types.Value {
	t.Helper()
	f, ok := Builtins().Scalar(name)
	if !ok {
		t.Fatalf("%s is not registered", name)
	}
	return f.Eval(&Context{}, args)
}

func gsJSON(t *testing.T, s string) types.Value {
	t.Helper()
	d, err := ParseJSON(s)
	if err != nil {
		t.Fatalf("bad JSON %s: %v", s, err)
	}
	return dynValue(d)
}

func gsR(f float64) types.Value { return realV(f) }

const (
	gsCentralPark = `{"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]}`
	gsLasVegas    = `{"type":"LineString","coordinates":[[-115.115385,36.229195],[-115.136995,36.200366],[-115.140252,36.192470],[-115.143558,36.188523],[-115.144076,36.181954],[-115.154662,36.174483],[-115.166431,36.176388],[-115.183289,36.175007],[-115.192612,36.176736],[-115.202485,36.173439],[-115.225355,36.174365]]}`
	gsTwoParks    = `{"type":"MultiPolygon","coordinates":[[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]],[[[-73.94262313842773,40.775991804565585],[-73.98107528686523,40.791849155467695],[-73.99600982666016,40.77092185281977],[-73.96150588989258,40.75609977566361],[-73.94262313842773,40.775991804565585]]]]}`
)

// Values below are the documented outputs of Microsoft's KQL pages
// (geo-*-function.md), compared to the documented precision.
func TestGeoShapeReals(t *testing.T) {
	tests := []struct {
		name string
		fn   string
		args func(t *testing.T) []types.Value
		want float64 // NaN: null
		tol  float64
	}{
		{"distance 2 points", "geo_distance_2points", func(*testing.T) []types.Value {
			return []types.Value{gsR(-122.407628), gsR(47.578557), gsR(-118.275287), gsR(34.019056)}
		}, 1546754.35197381, 1e-6},
		{"distance invalid lng", "geo_distance_2points", func(*testing.T) []types.Value { return []types.Value{gsR(300), gsR(1), gsR(1), gsR(1)} }, math.NaN(), 0},
		{"point to line", "geo_distance_point_to_line", func(t *testing.T) []types.Value {
			return []types.Value{gsR(-115.199625), gsR(36.210419), gsJSON(t, gsLasVegas)}
		}, 3797.88887253334, 1e-6},
		{"point to polygon", "geo_distance_point_to_polygon", func(t *testing.T) []types.Value {
			return []types.Value{gsR(-73.9839), gsR(40.7705), gsJSON(t, gsCentralPark)}
		}, 259.940756070596, 1e-6},
		{"point to degenerate polygon", "geo_distance_point_to_polygon", func(t *testing.T) []types.Value {
			return []types.Value{gsR(1), gsR(1), gsJSON(t, `{"type": "Polygon","coordinates": [[[0,0],[10,10],[10,10],[0,0]]]}`)}
		}, math.NaN(), 0},
		{"polygon area", "geo_polygon_area", func(t *testing.T) []types.Value { return []types.Value{gsJSON(t, gsCentralPark)} }, 3475207.28346606, 1e-5},
		{"multipolygon union area", "geo_polygon_area", func(t *testing.T) []types.Value { return []types.Value{gsJSON(t, gsTwoParks)} }, 10889971.5343487, 1e-4},
		{"polygon perimeter", "geo_polygon_perimeter", func(t *testing.T) []types.Value { return []types.Value{gsJSON(t, gsCentralPark)} }, 9930.30149604938, 1e-6},
		{"multipolygon perimeter", "geo_polygon_perimeter", func(t *testing.T) []types.Value { return []types.Value{gsJSON(t, gsTwoParks)} }, 15943.5384578745, 1e-6},
		{"line length", "geo_line_length", func(t *testing.T) []types.Value {
			return []types.Value{gsJSON(t, `{"type":"LineString","coordinates":[[-73.95807266235352,40.800426144169315],[-73.94966125488281,40.79691751000055],[-73.97317886352539,40.764486356930334]]}`)}
		}, 4922.48016992081, 1e-6},
		{"multiline length", "geo_line_length", func(t *testing.T) []types.Value {
			return []types.Value{gsJSON(t, `{"type":"MultiLineString","coordinates":[[[-73.95798683166502,40.800556090021466],[-73.98193359375,40.76819171855746]],[[-73.94940376281738,40.79691751000055],[-73.97317886352539,40.76435634049001]]]}`)}
		}, 8262.24339753741, 1e-6},
		{"azimuth", "geo_azimuth", func(*testing.T) []types.Value { return []types.Value{gsR(5), gsR(10), gsR(10), gsR(-40)} }, 3.05459939796449, 1e-12},
		{"azimuth same point", "geo_azimuth", func(*testing.T) []types.Value { return []types.Value{gsR(5), gsR(10), gsR(5), gsR(10)} }, math.NaN(), 0},
		{"angle", "geo_angle", func(*testing.T) []types.Value {
			return []types.Value{gsR(0), gsR(10), gsR(0), gsR(5), gsR(3), gsR(-10)}
		}, 2.94493843406882, 1e-12},
		{"locate point", "geo_line_locate_point", func(t *testing.T) []types.Value {
			return []types.Value{gsJSON(t, `{"type":"LineString","coordinates":[[-73.95796, 40.80042], [-73.97317, 40.764486]]}`), gsR(-73.965), gsR(40.792)}
		}, 0.25560135100307552, 1e-12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := gsCall(t, tc.fn, tc.args(t)...)
			if math.IsNaN(tc.want) {
				if !got.IsNull() {
					t.Fatalf("got %v, want null", types.FormatValue(got))
				}
				return
			}
			if got.IsNull() || math.Abs(got.F-tc.want) > tc.tol {
				t.Fatalf("got %v, want %v", types.FormatValue(got), tc.want)
			}
		})
	}
}

// gsCoordsClose compares two GeoJSON values: same structure, numbers
// within tol.
func gsCoordsClose(a, b any, tol float64) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !gsCoordsClose(x[k], y[k], tol) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !gsCoordsClose(x[i], y[i], tol) {
				return false
			}
		}
		return true
	case string:
		return x == b
	}
	fa, ok1 := gsNum(a)
	fb, ok2 := gsNum(b)
	return ok1 && ok2 && math.Abs(fa-fb) <= tol
}

// Documented GeoJSON outputs (coordinates as printed by the docs).
func TestGeoShapeGeoJSON(t *testing.T) {
	const (
		line1 = `{"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]}`
		line2 = `{"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]}`
		poly1 = `{"type":"Polygon","coordinates":[[[-73.9630937576294,40.77498840732385],[-73.963565826416,40.774383111780914],[-73.96205306053162,40.773745311181585],[-73.96160781383514,40.7743912365898],[-73.9630937576294,40.77498840732385]]]}`
		poly2 = `{"type":"Polygon","coordinates":[[[-73.96213352680206,40.775045280447145],[-73.9631313085556,40.774578106920345],[-73.96207988262177,40.77416780398293],[-73.96213352680206,40.775045280447145]]]}`
		tri   = `{"type":"Polygon","coordinates":[[[2,45],[0,45],[1,44],[2,45]]]}`
	)
	tests := []struct {
		name string
		fn   string
		args []string // JSON args; numbers are passed as reals
		want string   // "" for null
	}{
		{"line centroid", "geo_line_centroid", []string{`{"type":"LineString","coordinates":[[-73.95796, 40.80042], [-73.97317, 40.764486]]}`},
			`{"type": "Point", "coordinates": [-73.965567057230942, 40.782453249627416]}`},
		{"line centroid one point", "geo_line_centroid", []string{`{"type":"LineString","coordinates":[[1, 1]]}`}, ""},
		{"polygon centroid", "geo_polygon_centroid", []string{gsCentralPark}, `{"type": "Point", "coordinates": [-73.965735689907618, 40.782550538057812]}`},
		{"interpolate", "geo_line_interpolate_point", []string{`{"type":"LineString","coordinates":[[-73.95796, 40.80042], [-73.97317, 40.764486]]}`, "0.25"},
			`{"type": "Point", "coordinates": [-73.961764043218281, 40.791436687257232]}`},
		{"closest on line", "geo_closest_point_on_line", []string{"-115.199625", "36.210419", gsLasVegas}, `{"type": "Point", "coordinates": [-115.192612, 36.176736]}`},
		{"closest on line bad lng", "geo_closest_point_on_line", []string{"300", "3", `{"type":"LineString","coordinates":[[1,1],[2,2]]}`}, ""},
		{"closest on polygon", "geo_closest_point_on_polygon", []string{"-73.9839", "40.7705", gsCentralPark},
			`{"type": "Point","coordinates": [-73.981205580153926, 40.769359452843211]}`},
		{"2 lines cross", "geo_intersection_2lines", []string{line1, line2}, `{"type": "Point","coordinates": [-73.979837116670978,40.783989289772165]}`},
		{"2 lines same", "geo_intersection_2lines", []string{line1, line1}, line1},
		{"2 lines apart", "geo_intersection_2lines", []string{`{"type":"LineString","coordinates":[[1, 1],[2, 2]]}`, `{"type":"LineString","coordinates":[[3, 3],[4, 4]]}`},
			`{"type": "GeometryCollection", "geometries": []}`},
		{"2 polygons", "geo_intersection_2polygons", []string{poly1, poly2},
			`{"type": "Polygon",  "coordinates": [[[-73.962105776437156,40.774591360999679],[-73.962642403166868,40.774807020251778],[-73.9631313085556,40.774578106920352],[-73.962079882621765,40.774167803982927],[-73.962105776437156,40.774591360999679]]]}`},
		{"2 polygons touch", "geo_intersection_2polygons", []string{tri, `{"type":"Polygon","coordinates":[[[3,44],[2,45],[2,43],[3,44]]]}`},
			`{"type": "Point","coordinates": [2,45]}`},
		{"2 polygons point and area", "geo_intersection_2polygons", []string{tri, `{"type":"MultiPolygon","coordinates":[[[[3,44],[2,45],[2,43],[3,44]]],[[[1.192,45.265],[1.005,44.943],[1.356,44.937],[1.192,45.265]]]]}`},
			`{"type": "GeometryCollection","geometries": [{ "type": "Point", "coordinates": [2, 45]},{ "type": "Polygon", "coordinates": [[[1.3227075526410679,45.003909145068739],[1.0404565374899824,45.004356403066552],[1.005,44.943],[1.356,44.937],[1.3227075526410679,45.003909145068739]]]}]}`},
		{"line with polygon hole", "geo_intersection_line_with_polygon", []string{`{"type":"LineString","coordinates":[[-110.522, 39.198],[-91.428, 40.880]]}`,
			`{"type":"Polygon","coordinates":[[[-90.263,36.738],[-102.041,45.274],[-109.335,36.527],[-90.263,36.738]],[[-100.393,41.705],[-103.139,38.925],[-97.558,39.113],[-100.393,41.705]]]}`},
			`{"type": "MultiLineString","coordinates": [[[  -106.89353655881905,  39.769226209776306],[  -101.74448553679453,  40.373506008712525]],[[-99.136499431328858,  40.589336512699994],[-95.284527737311791,  40.799060242246348]]]}`},
		{"line touching a polygon corner", "geo_intersection_line_with_polygon", []string{`{"type":"LineString","coordinates":[[1,0],[1,2]]}`, `{"type":"Polygon","coordinates":[[[1,1],[3,1],[3,-1],[1,1]]]}`},
			`{"type":"Point","coordinates":[1,1]}`},
		{"line crossing a polygon", "geo_intersection_line_with_polygon", []string{`{"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]}`,
			`{"type":"Polygon","coordinates":[[[-73.9712905883789,40.78580561168767],[-73.98004531860352,40.775276834803655],[-73.97000312805176,40.77852663535664],[-73.9712905883789,40.78580561168767]]]}`},
			`{"type": "LineString","coordinates": [[-73.975611956578192,40.78060906714618],[-73.974552,40.779761]]}`},
		{"union 2 polygons", "geo_union_polygons_array", []string{`[{"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807,40.80068],[-73.98201,40.76825],[-73.97317,40.76455],[-73.9495,40.7969]]]}, {"type":"Polygon","coordinates":[[[-73.94622,40.79249],[-73.96888,40.79282],[-73.9577,40.7789],[-73.94622,40.79249]]]}]`},
			`{"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807,40.80068],[-73.9639277517478,40.792748258673875],[-73.96888,40.792819999999992],[-73.9662719791645,40.7895734224338],[-73.98201,40.76825],[-73.97317,40.76455],[-73.960302383706178,40.782140794645024],[-73.9577,40.7789],[-73.94622,40.79249],[-73.9526593223173,40.792584227716468],[-73.9495,40.7969]]]}`},
		{"union lines", "geo_union_lines_array", []string{`[{"type":"LineString","coordinates":[[-73.95683884620665,40.80502891480884],[-73.95633727312088,40.8057171711177],[-73.95489156246185,40.80510200431311]]},{"type":"LineString","coordinates":[[-73.95633727312088,40.8057171711177],[-73.95489156246185,40.80510200431311],[-73.95537436008453,40.804413741624515]]}]`},
			`{"type": "LineString", "coordinates":[[-73.956838846206651, 40.805028914808844], [-73.95633727312088, 40.8057171711177], [-73.954891562461853, 40.80510200431312], [-73.955374360084534, 40.804413741624522]]}`},
		{"densify 1 degree", "geo_line_densify", []string{`{"type":"LineString","coordinates":[[50, 50], [51, 51]]}`},
			`{"type":"LineString","coordinates":[[50,50],[50.125,50.125],[50.25,50.25],[50.375,50.375],[50.5,50.5],[50.625,50.625],[50.75,50.75],[50.875,50.875],[51,51]]}`},
		{"densify polygon", "geo_polygon_densify", []string{`{"type":"Polygon","coordinates":[[[10,10],[11,10],[11,11],[10,11],[10,10]]]}`},
			`{"type":"Polygon","coordinates":[[[10,10],[10.25,10],[10.5,10],[10.75,10],[11,10],[11,11],[10.75,11],[10.5,11],[10.25,11],[10,11],[10,10]]]}`},
		{"densify across the map", "geo_line_densify", []string{`{"type":"LineString","coordinates":[[170,0],[-170,0]]}`},
			`{"type":"LineString","coordinates":[[170,0],[0,0],[-170,0]]}`},
		{"densify zero tolerance", "geo_line_densify", []string{`{"type":"LineString","coordinates":[[1,1],[2,2]]}`, "0"}, ""},
		{"simplify line", "geo_line_simplify", []string{`{"type":"LineString","coordinates":[[-73.97033169865608,40.789063020152824],[-73.97039607167244,40.78897975920816],[-73.9704617857933,40.78888837512432],[-73.97052884101868,40.7887949601531],[-73.9706052839756,40.788698498903564],[-73.97065222263336,40.78862640672032],[-73.97072866559029,40.78852791445617],[-73.97079303860664,40.788434498977836]]}`, "10"},
			`{"type": "LineString", "coordinates": [[-73.97033169865608, 40.789063020152824], [-73.97079303860664, 40.788434498977836]]}`},
		{"simplify line vanishes", "geo_line_simplify", []string{`{"type":"LineString","coordinates":[[1.1, 1.1],[1.2,1.2]]}`, "100000"}, ""},
		{"simplify polygon", "geo_polygon_simplify", []string{`{"type":"Polygon","coordinates":[[[-73.94885122776031,40.79673476355657],[-73.94885927438736,40.79692258628347],[-73.94887939095497,40.79692055577034],[-73.9488673210144,40.79693476936093],[-73.94888743758202,40.79693476936093],[-73.9488834142685,40.796959135509105],[-73.94890084862709,40.79695304397289],[-73.94906312227248,40.79710736271788],[-73.94923612475395,40.7968708081794],[-73.94885122776031,40.79673476355657]]]}`},
			`{"type": "Polygon", "coordinates": [[[-73.948851227760315, 40.796734763556572],[-73.949063122272477, 40.797107362717881],[-73.949236124753952, 40.7968708081794],[-73.948851227760315, 40.796734763556572]]]}`},
		{"point buffer negative radius", "geo_point_buffer", []string{"10", "10", "-1"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var args []types.Value
			for _, a := range tc.args {
				if f, err := strconv.ParseFloat(a, 64); err == nil {
					args = append(args, gsR(f))
				} else {
					args = append(args, gsJSON(t, a))
				}
			}
			got := gsCall(t, tc.fn, args...)
			if tc.want == "" {
				if !got.IsNull() {
					t.Fatalf("got %s, want null", types.FormatValue(got))
				}
				return
			}
			want, err := ParseJSON(tc.want)
			if err != nil {
				t.Fatal(err)
			}
			if got.IsNull() || !gsCoordsClose(got.D, want, 1e-9) {
				t.Fatalf("got  %s\nwant %s", types.FormatValue(got), tc.want)
			}
		})
	}
}

func TestGeoFromWKT(t *testing.T) {
	tests := []struct{ wkt, want string }{
		{"POINT (1 2)", `{"type": "Point","coordinates": [1,2]}`},
		{"point z (1 2 3)", `{"type": "Point","coordinates": [1,2]}`},
		{"LINESTRING (1 2, 3 4)", `{"type": "LineString", "coordinates": [[1,2],[3,4]]}`},
		{"POLYGON ((0 0, 2 0, 2 2, 0 0))", `{"type": "Polygon","coordinates": [[[0,0],[2,0],[2,2],[0,0]]]}`},
		{"MULTIPOINT (1 1, 2 2, 3 3)", `{"type": "MultiPoint","coordinates": [[1,1],[2,2],[3,3]]}`},
		{"MULTIPOINT ((1 1), (2 2))", `{"type": "MultiPoint","coordinates": [[1,1],[2,2]]}`},
		{"MULTILINESTRING ((1 1, 2 2, 3 3), (4 4, 5 5))", `{"type":"MultiLineString","coordinates":[[[1,1],[2,2],[3,3]],[[4,4],[5,5]]]}`},
		{"MULTIPOLYGON (((0 0, 2 0, 2 2, 0 0)),((10 10, 12 10, 12 12, 10 10)))", `{"type": "MultiPolygon","coordinates": [[[[0,0],[2,0],[2,2],[0,0]]],[[[10,10],[12,10],[12,12],[10,10]]]]}`},
		{"GEOMETRYCOLLECTION (POINT (1 1),LINESTRING (2 2, 3 3, 4 4),POLYGON ((10 10, 12 10, 12 12, 10 10)))",
			`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,1]},{"type":"LineString","coordinates":[[2,2],[3,3],[4,4]]},{"type":"Polygon","coordinates":[[[10,10],[12,10],[12,12],[10,10]]]}]}`},
		{"LINESTRING", ""},
		{"LINESTRING (1 2)", ""},
		{"POINT (200 1)", ""},
		{"POLYGON ((0 0, 2 0, 2 2, 0 1))", ""},
		{"POINT (1 2) x", ""},
		{"CIRCLE (1 2)", ""},
	}
	for _, tc := range tests {
		t.Run(tc.wkt, func(t *testing.T) {
			got := gsCall(t, "geo_from_wkt", strV(tc.wkt))
			if tc.want == "" {
				if !got.IsNull() {
					t.Fatalf("got %s, want null", types.FormatValue(got))
				}
				return
			}
			want, _ := ParseJSON(tc.want)
			if got.IsNull() || !gsCoordsClose(got.D, want, 0) {
				t.Fatalf("got %s, want %s", types.FormatValue(got), tc.want)
			}
		})
	}
}

// FuzzGeoFromWKT checks that WKT parsing never panics and that whatever
// it accepts is valid GeoJSON the shape functions accept back.
func FuzzGeoFromWKT(f *testing.F) {
	for _, s := range []string{"POINT (1 2)", "LINESTRING (1 2, 3 4)", "POLYGON ((0 0, 2 0, 2 2, 0 0))", "MULTIPOINT ((1 1), (2 2))",
		"MULTIPOLYGON (((0 0, 2 0, 2 2, 0 0)),((10 10, 12 10, 12 12, 10 10)))", "GEOMETRYCOLLECTION (POINT (1 1))", "GEOMETRYCOLLECTION EMPTY", "LINESTRING"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := gsParseWKT(s)
		if err != nil {
			return
		}
		back, ok := gsParseMap(gsToJSON(g), 0)
		if !ok || back.kind != g.kind {
			t.Fatalf("%q: GeoJSON of the parsed geometry does not parse back", s)
		}
	})
}

// FuzzGeoJSONShapes feeds arbitrary JSON to the shape functions: they
// must return a value or null, never panic.
func FuzzGeoJSONShapes(f *testing.F) {
	for _, s := range []string{gsCentralPark, gsLasVegas, gsTwoParks, `{"type":"LineString"}`, `{"type":"Polygon","coordinates":[]}`,
		`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,1]}]}`} {
		f.Add(s, -73.97, 40.78)
	}
	reg := Builtins()
	f.Fuzz(func(t *testing.T, s string, lng, lat float64) {
		d, err := ParseJSON(s)
		if err != nil {
			return
		}
		v := dynValue(d)
		arr := dynValue([]any{d, d})
		for _, name := range []string{"geo_polygon_area", "geo_polygon_centroid", "geo_line_length", "geo_line_centroid", "geo_polygon_simplify", "geo_line_simplify"} {
			fn, _ := reg.Scalar(name)
			fn.Eval(&Context{}, []types.Value{v})
		}
		for _, name := range []string{"geo_point_in_polygon", "geo_distance_point_to_polygon", "geo_distance_point_to_line", "geo_closest_point_on_polygon"} {
			fn, _ := reg.Scalar(name)
			fn.Eval(&Context{}, []types.Value{realV(lng), realV(lat), v})
		}
		for _, name := range []string{"geo_intersection_2polygons", "geo_intersection_2lines", "geo_intersects_line_with_polygon"} {
			fn, _ := reg.Scalar(name)
			fn.Eval(&Context{}, []types.Value{v, v})
		}
		for _, name := range []string{"geo_union_polygons_array", "geo_union_lines_array"} {
			fn, _ := reg.Scalar(name)
			fn.Eval(&Context{}, []types.Value{arr})
		}
	})
}

// Buffers are checked by their area against the exact figure (circle
// π r², capsule 2 r L + π r²) and by containment.
func TestGeoShapeBuffers(t *testing.T) {
	area := func(t *testing.T, v types.Value) float64 {
		t.Helper()
		if v.IsNull() {
			t.Fatal("buffer is null")
		}
		return gsCall(t, "geo_polygon_area", v).F
	}
	line := gsJSON(t, `{"type":"LineString","coordinates":[[-80.66634997047466,24.894526340592122],[-80.67373241820246,24.890808090321286]]}`)
	length := gsCall(t, "geo_line_length", line).F
	tests := []struct {
		name string
		fn   string
		args []types.Value
		want float64
	}{
		{"point 20 km", "geo_point_buffer", []types.Value{gsR(-115.1745008278), gsR(36.1497251277), gsR(20000)}, math.Pi * 20000 * 20000},
		{"point 5 km tol 1", "geo_point_buffer", []types.Value{gsR(-80.3212217992616), gsR(25.268683367546604), gsR(5000), gsR(1)}, math.Pi * 5000 * 5000},
		{"line 4 m", "geo_line_buffer", []types.Value{line, gsR(4), gsR(0.1)}, 2*4*length + math.Pi*16},
		{"line 100 m tol 1", "geo_line_buffer", []types.Value{line, gsR(100), gsR(1)}, 2*100*length + math.Pi*100*100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := area(t, gsCall(t, tc.fn, tc.args...))
			if math.Abs(got-tc.want)/tc.want > 0.01 {
				t.Fatalf("area %v, want about %v", got, tc.want)
			}
		})
	}
	t.Run("polygon 10 km holds its neighbourhood", func(t *testing.T) {
		poly := gsJSON(t, `{"type":"Polygon","coordinates":[[[139.813757,35.719666],[139.72558,35.71813],[139.727471,35.653231],[139.818721,35.657264],[139.813757,35.719666]]]}`)
		buf := gsCall(t, "geo_polygon_buffer", poly, gsR(10000))
		a0, a1 := area(t, poly), area(t, buf)
		perim := gsCall(t, "geo_polygon_perimeter", poly).F
		want := a0 + perim*10000 + math.Pi*1e8
		if math.Abs(a1-want)/want > 0.01 {
			t.Fatalf("area %v, want about %v", a1, want)
		}
		for _, p := range [][2]float64{{139.77, 35.69}, {139.77, 35.80}, {139.63, 35.69}} {
			if in := gsCall(t, "geo_point_in_polygon", gsR(p[0]), gsR(p[1]), buf); !in.IsNull() && in.I == 0 {
				t.Errorf("%v not in the buffer", p)
			}
		}
	})
	for _, bad := range [][]types.Value{
		{gsJSON(t, `{"type":"LineString"}`), gsR(5)},
		{gsJSON(t, `{"type":"LineString","coordinates":[[0,0],[1,1]]}`), gsR(0)},
	} {
		if v := gsCall(t, "geo_line_buffer", bad...); !v.IsNull() {
			t.Errorf("geo_line_buffer(%v) = %s, want null", bad, types.FormatValue(v))
		}
	}
}

func BenchmarkGeoPointInPolygon(b *testing.B) {
	f, _ := Builtins().Scalar("geo_point_in_polygon")
	d, _ := ParseJSON(gsTwoParks)
	poly := dynValue(d)
	args := []types.Value{gsR(-73.97), gsR(40.78), poly}
	b.ReportAllocs()
	for b.Loop() {
		f.Eval(&Context{}, args)
	}
}

func TestGeoDensifyPreserveCrossing(t *testing.T) {
	line := gsJSON(t, `{"type":"LineString","coordinates":[[170,0],[-170,0]]}`)
	got := gsCall(t, "geo_line_densify", line, gsR(10), boolV(true))
	if s := types.FormatValue(got); s != `{"coordinates":[[170,0],[-170,0]],"type":"LineString"}` {
		t.Fatalf("got %s", s)
	}
}

// FuzzGeoOverlay checks the polygon overlay on random triangle pairs:
// area(A ∩ B) <= min(area A, area B) and area(A ∪ B) is between
// max(area A, area B) and area A + area B.
func FuzzGeoOverlay(f *testing.F) {
	f.Add(2.0, 45.0, 0.0, 45.0, 1.0, 44.0, 3.0, 44.0, 2.0, 45.0, 2.0, 43.0)
	f.Add(0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.2, 0.2, 2.0, 0.2, 0.2, 2.0)
	f.Add(0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0)
	f.Fuzz(func(t *testing.T, x1, y1, x2, y2, x3, y3, u1, v1, u2, v2, u3, v3 float64) {
		clamp := func(v float64) float64 {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0
			}
			return math.Round(math.Mod(v, 5)*1000) / 1000 // a 5° box on a 0.001° grid
		}
		tri := func(a, b, c, d, e, g float64) []gsLL {
			return []gsLL{{clamp(a), clamp(b)}, {clamp(c), clamp(d)}, {clamp(e), clamp(g)}, {clamp(a), clamp(b)}}
		}
		ta, tb := tri(x1, y1, x2, y2, x3, y3), tri(u1, v1, u2, v2, u3, v3)
		if len(gsRingVertices(ta)) < 3 || len(gsRingVertices(tb)) < 3 {
			return
		}
		area := func(polys [][][]gsLL) float64 {
			s := 0.0
			for _, p := range gsPolys(&gsGeom{polys: polys}) {
				s += gsPolyArea(p)
			}
			return s * gsEarthRadius * gsEarthRadius
		}
		pa, pb := [][][]gsLL{{ta}}, [][][]gsLL{{tb}}
		aa, ab := area(pa), area(pb)
		if aa < 1e6 || ab < 1e6 { // slivers: skip
			return
		}
		inter, _ := gsOverlay(pa, pb, gsOpIntersection)
		uni, _ := gsOverlay(pa, pb, gsOpUnion)
		ai, au := area(inter), area(uni)
		slack := 1e-6 * (aa + ab)
		if ai > math.Min(aa, ab)+slack {
			t.Fatalf("intersection area %v > min(%v, %v) for %v %v", ai, aa, ab, ta, tb)
		}
		if au < math.Max(aa, ab)-slack || au > aa+ab+slack {
			t.Fatalf("union area %v outside [max, sum] of %v, %v for %v %v", au, aa, ab, ta, tb)
		}
		if math.Abs(ai+au-aa-ab) > 1e-3*(aa+ab) {
			t.Fatalf("inclusion-exclusion: %v + %v != %v + %v for %v %v", ai, au, aa, ab, ta, tb)
		}
	})
}

func TestGeoShapeWithinPolarCap(t *testing.T) {
	cap := gsJSON(t, `{"type":"Polygon","coordinates":[[[0,80],[120,80],[-120,80],[0,80]]]}`)
	g, ok := NewGeoPolygon(cap)
	if !ok {
		t.Fatal("polygon rejected")
	}
	if !g.Within(45, 89.9, 0) || !g.Contains(45, 89.9) {
		t.Error("a point near the pole is inside the polar cap")
	}
	if g.Within(45, 60, 1000) {
		t.Error("a point 20° away is not within 1 km")
	}
	if !g.Within(0, 79.995, 1000) {
		t.Error("a point ~560 m from a vertex is within 1 km")
	}
}
