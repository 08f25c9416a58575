package funcs

import (
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// gcTestCall plans and evaluates one geo cell function call.
func gcTestCall(t *testing.T, name string, args ...types.Value) types.Value {
	t.Helper()
	f, ok := Builtins().Scalar(name)
	if !ok {
		t.Fatalf("%s is not registered", name)
	}
	ts := make([]types.Type, len(args))
	for i, a := range args {
		ts[i] = a.T
	}
	if _, err := f.Result(ts); err != nil {
		t.Fatalf("%s: plan: %v", name, err)
	}
	return f.Eval(&Context{}, args)
}

func gcJSON(t *testing.T, s string) types.Value {
	t.Helper()
	d, err := ParseJSON(s)
	if err != nil {
		t.Fatal(err)
	}
	return dynValue(d)
}

// gcCase is one call with its expected formatted result ("" for null or
// an empty string).
type gcCase struct {
	name string
	fn   string
	args []types.Value
	want string
}

func gcRun(t *testing.T, cases []gcCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := gcTestCall(t, c.fn, c.args...)
			if s := types.FormatValue(got); s != c.want {
				t.Errorf("%s = %s, want %s", c.fn, s, c.want)
			}
		})
	}
}

var gcNullInt = types.NullOf(types.Int)

// Values from Microsoft's documentation pages of each function.
func TestGeoS2Cells(t *testing.T) {
	nyc := `{"type":"Polygon","coordinates":[[[-74.030012249838478,40.8012684339439],[-74.030012249838478,40.7222262918358],[-73.935982114337421,40.708880489804564],[-73.935982114337421,40.787917134506841],[-74.030012249838478,40.8012684339439]]]}`
	gcRun(t, []gcCase{
		{"point miami level 8", "geo_point_to_s2cell", []types.Value{realV(-80.195829), realV(25.802215), longV(8)}, "88d9b"},
		{"point A", "geo_point_to_s2cell", []types.Value{realV(10.1234), realV(53), longV(8)}, "47b1d"},
		{"point C", "geo_point_to_s2cell", []types.Value{realV(10.6842), realV(53), longV(8)}, "47ae3"},
		{"point bad longitude", "geo_point_to_s2cell", []types.Value{longV(300), longV(1), longV(8)}, ""},
		{"point bad level", "geo_point_to_s2cell", []types.Value{longV(1), longV(1), longV(35)}, ""},
		{"point null level", "geo_point_to_s2cell", []types.Value{longV(1), longV(1), gcNullInt}, ""},
		{"neighbors", "geo_s2cell_neighbors", []types.Value{strV("89c259")}, `["89c25d","89c2f9","89c251","89c257","89c25f","89c25b","89c2f7","89c2f5"]`},
		{"neighbors invalid", "geo_s2cell_neighbors", []types.Value{strV("a")}, ""},
		{"central point", "geo_s2cell_to_central_point", []types.Value{strV("1234567")}, `{"coordinates":[9.868307318504081,27.468392925827608],"type":"Point"}`},
		{"central point invalid", "geo_s2cell_to_central_point", []types.Value{strV("a")}, ""},
		{"polygon invalid", "geo_s2cell_to_polygon", []types.Value{strV("a")}, ""},
		{"polygon not hex", "geo_s2cell_to_polygon", []types.Value{strV("89c25z")}, ""},
	})
	t.Run("default level is 11", func(t *testing.T) {
		a := gcTestCall(t, "geo_point_to_s2cell", realV(-73.956683), realV(40.807907))
		b := gcTestCall(t, "geo_point_to_s2cell", realV(-73.956683), realV(40.807907), longV(11))
		if a.S != b.S || len(a.S) == 0 {
			t.Errorf("default %q, level 11 %q", a.S, b.S)
		}
	})
	t.Run("polygon", func(t *testing.T) {
		got := gcTestCall(t, "geo_s2cell_to_polygon", strV("89c259"))
		if !gcNear(got.D, gcJSON(t, nyc).D, 1e-9) {
			t.Errorf("got %s, want %s", types.FormatValue(got), nyc)
		}
	})
}

// gcNear compares JSON values with a tolerance on numbers.
func gcNear(a, b any, tol float64) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !gcNear(x[i], y[i], tol) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !gcNear(v, y[k], tol) {
				return false
			}
		}
		return true
	case float64:
		y, ok := b.(float64)
		if !ok {
			if i, isInt := b.(int64); isInt {
				y, ok = float64(i), true
			}
		}
		return ok && x-y <= tol && y-x <= tol
	}
	return a == b
}

func TestGeoS2Coverings(t *testing.T) {
	tri := `{"type":"Polygon","coordinates":[[[0,0],[0,50],[100,50],[0,0]]]}`
	count := func(v types.Value) int {
		a, _ := v.D.([]any)
		return len(a)
	}
	t.Run("triangle level 5 has 286 cells (doc)", func(t *testing.T) {
		if n := count(gcTestCall(t, "geo_polygon_to_s2cells", gcJSON(t, tri), longV(5))); n != 286 {
			t.Errorf("got %d cells, want 286", n)
		}
	})
	t.Run("either ring orientation", func(t *testing.T) {
		rev := `{"type":"Polygon","coordinates":[[[0,0],[100,50],[0,50],[0,0]]]}`
		if n := count(gcTestCall(t, "geo_polygon_to_s2cells", gcJSON(t, rev), longV(5))); n != 286 {
			t.Errorf("got %d cells, want 286", n)
		}
	})
	t.Run("over the token limit is null (doc)", func(t *testing.T) {
		if v := gcTestCall(t, "geo_polygon_to_s2cells", gcJSON(t, tri), longV(30)); !v.IsNull() {
			t.Errorf("got %d cells, want null", count(v))
		}
	})
	t.Run("point cell is in the polygon covering", func(t *testing.T) {
		ny := `{"type":"Polygon","coordinates":[[[-73.85009765625,40.85744791303121],[-74.16046142578125,40.84290487729676],[-74.190673828125,40.59935608796518],[-73.83087158203125,40.61812224225511],[-73.85009765625,40.85744791303121]]]}`
		cover := types.FormatValue(gcTestCall(t, "geo_polygon_to_s2cells", gcJSON(t, ny), longV(12)))
		cell := types.FormatValue(gcTestCall(t, "geo_point_to_s2cell", realV(-73.95), realV(40.75), longV(12)))
		if !strings.Contains(cover, `"`+cell+`"`) {
			t.Errorf("cell %s not in covering %s", cell, cover)
		}
	})
	t.Run("radius grows the covering", func(t *testing.T) {
		sq := `{"type":"Polygon","coordinates":[[[10,10],[10.01,10],[10.01,10.01],[10,10.01],[10,10]]]}`
		a := count(gcTestCall(t, "geo_polygon_to_s2cells", gcJSON(t, sq), longV(16)))
		b := count(gcTestCall(t, "geo_polygon_to_s2cells", gcJSON(t, sq), longV(16), realV(500)))
		if a == 0 || b <= a {
			t.Errorf("covering %d cells, buffered %d", a, b)
		}
	})
	t.Run("invalid polygons are null", func(t *testing.T) {
		for _, p := range []string{
			`{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}`,
			`{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1]]]}`,
			`{"type":"Point","coordinates":[0,0]}`,
			`{"type":"Polygon","coordinates":[[[0,0],[0,95],[1,1],[0,0]]]}`,
		} {
			if v := gcTestCall(t, "geo_polygon_to_s2cells", gcJSON(t, p)); !v.IsNull() {
				t.Errorf("%s: got %s, want null", p, types.FormatValue(v))
			}
		}
	})
	t.Run("line", func(t *testing.T) {
		line := `{"type":"LineString","coordinates":[[-0.1399656708283601,51.50190802248855],[-0.14088438832752104,51.50012082761452]]}`
		plain := count(gcTestCall(t, "geo_line_to_s2cells", gcJSON(t, line), longV(14)))
		wide := gcTestCall(t, "geo_line_to_s2cells", gcJSON(t, line), longV(14), realV(500))
		station := types.FormatValue(gcTestCall(t, "geo_point_to_s2cell", realV(-0.13451078568013486), realV(51.49919145858172), longV(14)))
		if plain == 0 || count(wide) <= plain || !strings.Contains(types.FormatValue(wide), `"`+station+`"`) {
			t.Errorf("line covering %d cells, buffered %s, station cell %s", plain, types.FormatValue(wide), station)
		}
	})
	t.Run("invalid line is null (doc)", func(t *testing.T) {
		if v := gcTestCall(t, "geo_line_to_s2cells", gcJSON(t, `{"type":"LineString","coordinates":[[[0,0],[0,0]]]}`)); !v.IsNull() {
			t.Errorf("got %s", types.FormatValue(v))
		}
	})
}

func TestGeohash(t *testing.T) {
	gcRun(t, []gcCase{
		{"point accuracy 8", "geo_point_to_geohash", []types.Value{realV(-80.195829), realV(25.802215), longV(8)}, "dhwfz15h"},
		{"point default accuracy", "geo_point_to_geohash", []types.Value{realV(-122.303404), realV(47.570482)}, "c23n8"},
		{"point C", "geo_point_to_geohash", []types.Value{realV(-122.278156), realV(47.566936)}, "c23n9"},
		{"bad longitude", "geo_point_to_geohash", []types.Value{longV(200), longV(1), longV(8)}, ""},
		{"null accuracy", "geo_point_to_geohash", []types.Value{longV(1), longV(1), gcNullInt}, ""},
		{"accuracy 19", "geo_point_to_geohash", []types.Value{longV(1), longV(1), longV(19)}, ""},
		{"neighbors", "geo_geohash_neighbors", []types.Value{strV("sunny")}, `["sunnt","sunpj","sunnx","sunpn","sunnv","sunpp","sunnz","sunnw"]`},
		{"neighbors invalid", "geo_geohash_neighbors", []types.Value{strV("a")}, ""},
		{"center", "geo_geohash_to_central_point", []types.Value{strV("sunny")}, `{"coordinates":[42.47314453125,23.70849609375],"type":"Point"}`},
		{"center bing", "geo_geohash_to_central_point", []types.Value{strV("sv8wzvy7")}, `{"coordinates":[34.80245590209961,32.15620994567871],"type":"Point"}`},
		{"center invalid", "geo_geohash_to_central_point", []types.Value{strV("a")}, ""},
		{"polygon", "geo_geohash_to_polygon", []types.Value{strV("dr5ru")}, `{"coordinates":[[[-74.00390625,40.7373046875],[-73.9599609375,40.7373046875],[-73.9599609375,40.78125],[-74.00390625,40.78125],[-74.00390625,40.7373046875]]],"type":"Polygon"}`},
		{"polygon invalid", "geo_geohash_to_polygon", []types.Value{strV("a")}, ""},
		// "b" is the north-west corner cell (-180..-135, 45..90): no
		// neighbors beyond the pole, west wraps over the antimeridian to
		// "z"/"x" (worked out by hand from the bit layout).
		{"neighbors wrap", "geo_geohash_neighbors", []types.Value{strV("b")}, `["x","9","z","c","8"]`},
	})
}

func TestGeohashRoundTrip(t *testing.T) {
	for _, p := range [][2]float64{{0, 0}, {-180, -90}, {180, 90}, {12.5, -33.25}, {-73.98, 40.75}} {
		for n := 1; n <= gcGeohashMaxLen; n++ {
			h := gcGeohashEncode(p[0], p[1], n)
			b, ok := gcGeohashDecode(h)
			if !ok || p[0] < b.minLng || p[0] > b.maxLng || p[1] < b.minLat || p[1] > b.maxLat {
				t.Fatalf("%v at %d: %s decodes to %+v", p, n, h, b)
			}
			if g := gcGeohashFromIndex(b.lngIdx, b.latIdx, b.bitsLng, b.bitsLat, n); g != h {
				t.Fatalf("index round trip of %s gave %s", h, g)
			}
		}
	}
}

func TestGeoInfoFromIPNeedsDatabase(t *testing.T) {
	f, ok := Builtins().Scalar("geo_info_from_ip_address")
	if !ok {
		t.Fatal("geo_info_from_ip_address is not registered")
	}
	_, err := f.Result([]types.Type{types.String})
	if err == nil || !strings.Contains(err.Error(), "GeoLite2") {
		t.Fatalf("want a plan error naming the missing database, got %v", err)
	}
	if _, err := f.Result([]types.Type{types.Long}); err == nil || !strings.Contains(err.Error(), "must be a string") {
		t.Fatalf("want a type error, got %v", err)
	}
}

func TestGeoCellArgTypes(t *testing.T) {
	f, _ := Builtins().Scalar("geo_point_to_s2cell")
	if _, err := f.Result([]types.Type{types.String, types.Real}); err == nil {
		t.Error("a string longitude must be rejected at plan time")
	}
	g, _ := Builtins().Scalar("geo_polygon_to_s2cells")
	if _, err := g.Result([]types.Type{types.Long}); err == nil {
		t.Error("a long polygon must be rejected at plan time")
	}
}

func FuzzGeohashDecode(f *testing.F) {
	for _, s := range []string{"sunny", "dr5ru", "sv8wzvy7", "a", "", "b", "zzzzzzzzzzzzzzzzzz", "0000000000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, ok := gcGeohashDecode(s)
		if !ok {
			return
		}
		if b.minLng < -180 || b.maxLng > 180 || b.minLat < -90 || b.maxLat > 90 || b.minLng >= b.maxLng || b.minLat >= b.maxLat {
			t.Fatalf("%q decodes to %+v", s, b)
		}
		if g := gcGeohashEncode((b.minLng+b.maxLng)/2, (b.minLat+b.maxLat)/2, len(s)); g != s {
			t.Fatalf("center of %q encodes to %q", s, g)
		}
		_ = gcGeohashNeighbors(s, b)
	})
}

func FuzzS2Token(f *testing.F) {
	for _, s := range []string{"89c259", "1234567", "a", "", "88d9b", "X", "ffffffffffffffff", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := gcParseS2Token(s)
		if !ok {
			return
		}
		if !id.IsValid() {
			t.Fatalf("%q accepted as invalid cell", s)
		}
		_ = gcS2Center(id)
		_ = gcS2Polygon(id)
		// a face (level 0) touches 4 faces; deeper cells have 8 around
		// them, 7 at a cube corner
		n := gcS2Neighbors(id).([]any)
		if id.Level() == 0 && len(n) != 4 || id.Level() > 0 && (len(n) < 7 || len(n) > 8) {
			t.Fatalf("%q (level %d) has %d neighbors", s, id.Level(), len(n))
		}
	})
}

func FuzzGeoJSONCells(f *testing.F) {
	for _, s := range []string{
		`{"type":"Polygon","coordinates":[[[0,0],[0,50],[100,50],[0,0]]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}`,
		`{"type":"MultiPolygon","coordinates":[[[[0,0],[0,1],[1,1],[0,0]]],[[[5,5],[5,6],[6,6],[5,5]]]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[1,2],[2,2],[1,1]]]}`,
		`{"type":"LineString","coordinates":[[-0.087152,51.509596],[-0.088340,51.506110]]}`,
		`{"type":"LineString","coordinates":[[[0,0],[0,0]]]}`,
		`{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[2,2]]]}`,
		`{"type":"Point","coordinates":[0,0]}`,
	} {
		f.Add(s, int64(5), 0.0)
		f.Add(s, int64(12), 1000.0)
	}
	reg := Builtins()
	f.Fuzz(func(t *testing.T, js string, level int64, radius float64) {
		d, err := ParseJSON(js)
		if err != nil {
			return
		}
		level %= 16 // keep coverings small enough for a fuzz run
		for _, name := range []string{"geo_polygon_to_s2cells", "geo_line_to_s2cells", "geo_polygon_to_h3cells"} {
			fn, _ := reg.Scalar(name)
			v := fn.Eval(&Context{}, []types.Value{dynValue(d), longV(level), realV(radius)})
			if v.T != types.Dynamic {
				t.Fatalf("%s returned %s", name, v.T)
			}
			if a, ok := v.D.([]any); ok && name != "geo_polygon_to_h3cells" && len(a) > gcMaxCoverTokens {
				t.Fatalf("%s returned %d cells", name, len(a))
			}
		}
	})
}

func TestGeoLineCoveringLimit(t *testing.T) {
	// 1000 km at level 20 (cells of about 10 m) needs far more than 65536
	// cells: null, and quickly.
	long := `{"type":"LineString","coordinates":[[0,0],[9,0]]}`
	if v := gcTestCall(t, "geo_line_to_s2cells", gcJSON(t, long), longV(20)); !v.IsNull() {
		t.Error("want null for a covering over the limit")
	}
	// about 2.2 km at level 18 (cells of about 30 m): under the limit
	short := `{"type":"LineString","coordinates":[[0,0],[0.02,0]]}`
	v := gcTestCall(t, "geo_line_to_s2cells", gcJSON(t, short), longV(18))
	a, _ := v.D.([]any)
	if len(a) < 50 || len(a) > 200 {
		t.Errorf("got %d cells", len(a))
	}
}
