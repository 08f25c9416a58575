package funcs

import (
	"math"
	"strconv"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// m2Near checks a real result against a documented value.
func m2Near(t *testing.T, name string, got types.Value, want float64) {
	t.Helper()
	if got.IsNull() || math.Abs(got.F-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %s, want %v", name, show(got), want)
	}
}

func TestMisc2Convert(t *testing.T) {
	cases := []struct {
		fn, from, to string
		v, want      float64
	}{ // documented examples, then round trips and known constants
		{"convert_angle", "Degree", "Arcminute", 1.2, 72},
		{"convert_energy", "Joule", "BritishThermalUnit", 1.2, 0.00113738054437598},
		{"convert_force", "Newton", "Decanewton", 1.2, 0.12},
		{"convert_length", "Meter", "Foot", 1.2, 3.93700787401575},
		{"convert_mass", "Kilogram", "Pound", 1.2, 2.64554714621853},
		{"convert_speed", "MeterPerSecond", "CentimeterPerHour", 1.2, 432000},
		{"convert_temperature", "Kelvin", "DegreeCelsius", 1.2, -271.95},
		{"convert_volume", "CubicMeter", "AcreFoot", 1.2, 0.0009728568},
		{"convert_temperature", "DegreeCelsius", "DegreeFahrenheit", 100, 212},
		{"convert_temperature", "DegreeFahrenheit", "DegreeRankine", 32, 491.67},
		{"convert_temperature", "DegreeCelsius", "DegreeDelisle", 0, 150},
		{"convert_angle", "Revolution", "Radian", 1, 2 * math.Pi},
		{"convert_angle", "Degree", "Tilt", 30, 0.5},
		{"convert_length", "mile", "KILOMETER", 1, 1.609344},
		{"convert_speed", "Knot", "KilometerPerHour", 1, 1.852},
		{"convert_volume", "UsGallon", "Liter", 1, 3.785411784},
		{"convert_mass", "Stone", "Pound", 1, 14},
		{"convert_energy", "KilowattHour", "Megajoule", 1, 3.6},
		{"convert_force", "KilogramForce", "Newton", 1, 9.80665},
	}
	for _, c := range cases {
		name := c.fn + "/" + c.from + "->" + c.to
		t.Run(name, func(t *testing.T) {
			m2Near(t, name, call(t, c.fn, realV(c.v), strV(c.from), strV(c.to)), c.want)
		})
	}
	runCases(t, []fcase{
		{"unknown unit is null", "convert_length", []types.Value{realV(1), strV("Furlong"), strV("Meter")}, "<null>"},
		{"null value is null", "convert_mass", []types.Value{nullOf(types.Real), strV("Gram"), strV("Kilogram")}, "<null>"},
	})
}

func TestMisc2Beta(t *testing.T) {
	m2Near(t, "beta_cdf", call(t, "beta_cdf", realV(0.9), realV(10), realV(20)), 0.999999999999959)
	m2Near(t, "beta_pdf", call(t, "beta_pdf", realV(0.5), realV(10), realV(20)), 0.746176019310951)
	m2Near(t, "beta_inv", call(t, "beta_inv", realV(0.1), realV(10), realV(20)), 0.226415022388749)
	m2Near(t, "beta_cdf(0.5,1,1)", call(t, "beta_cdf", realV(0.5), realV(1), realV(1)), 0.5)
	m2Near(t, "beta_cdf(0.3,2,3)", call(t, "beta_cdf", realV(0.3), realV(2), realV(3)), 0.3483)
	for _, p := range []float64{0.01, 0.25, 0.5, 0.9, 0.999} {
		x := call(t, "beta_inv", realV(p), realV(2.5), realV(7))
		m2Near(t, "round trip "+strconv.FormatFloat(p, 'g', -1, 64), call(t, "beta_cdf", x, realV(2.5), realV(7)), p)
	}
	runCases(t, []fcase{
		{"cdf x > 1", "beta_cdf", []types.Value{realV(1.5), realV(10), realV(20)}, "NaN"},
		{"cdf x < 0", "beta_cdf", []types.Value{realV(-10), realV(10), realV(20)}, "NaN"},
		{"pdf alpha < 0", "beta_pdf", []types.Value{realV(0.1), realV(-1), realV(20)}, "NaN"},
		{"inv p > 1 is null", "beta_inv", []types.Value{realV(1.5), realV(10), realV(20)}, "<null>"},
		{"inv alpha < 0", "beta_inv", []types.Value{realV(0.1), realV(-1), realV(20)}, "NaN"},
	})
}

func TestMisc2Env(t *testing.T) {
	runCases(t, []fcase{
		{"principal", "current_principal", nil, M2LocalPrincipal},
		{"member of a group", "current_principal_is_member_of", []types.Value{strV("aadgroup=group1@fabrikam.com")}, "false"},
		{"member of list", "current_principal_is_member_of", []types.Value{dyn(`["aaduser=a@b.c","localuser=huntpack"]`)}, "true"},
		{"cursor is now", "cursor_current", nil, "2024-03-15T12:00:00Z"},
	})
	if got := show(call(t, "current_principal_details")); got == "" || got == "{}" {
		t.Errorf("current_principal_details() = %s", got)
	}
}

func TestMisc2StoredCompression(t *testing.T) {
	runCases(t, []fcase{
		{"gzip doc", "gzip_compress_to_base64_string", []types.Value{strV("1234567890qwertyuiop")}, "H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA=="},
		{"zlib doc", "zlib_compress_to_base64_string", []types.Value{strV("1234567890qwertyuiop")}, "eAEBFADr/zEyMzQ1Njc4OTBxd2VydHl1aW9wOAkGdw=="},
		{"gzip round trip", "gzip_decompress_from_base64_string", []types.Value{strV("H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA==")}, "1234567890qwertyuiop"},
	})
	// inputs longer than one stored block still round-trip
	big := make([]byte, 3*m2MaxStored+7)
	for i := range big {
		big[i] = byte('a' + i%26)
	}
	for _, fn := range []string{"gzip", "zlib"} {
		enc := call(t, fn+"_compress_to_base64_string", strV(string(big)))
		if got := call(t, fn+"_decompress_from_base64_string", enc); got.S != string(big) {
			t.Errorf("%s round trip of %d bytes lost data (%d bytes back)", fn, len(big), len(got.S))
		}
	}
	if got := call(t, "gzip_decompress_from_base64_string", call(t, "gzip_compress_to_base64_string", strV(""))); got.S != "" || got.IsNull() {
		t.Errorf("empty round trip = %q", got.S)
	}
}

func TestMisc2ArraySortSeveral(t *testing.T) {
	runCases(t, []fcase{
		{"one array", "array_sort_asc", []types.Value{dyn(`[3,null,1,2]`)}, `[1,2,3,null]`},
		{"one array nulls first", "array_sort_asc", []types.Value{dyn(`[3,null,1]`), boolV(false)}, `[null,1,3]`},
		{"two arrays", "array_sort_asc", []types.Value{dyn(`[1,3,4,5,2]`), dyn(`["a","b","c","d","e"]`)}, `[[1,2,3,4,5],["a","e","b","c","d"]]`},
		{"two arrays desc", "array_sort_desc", []types.Value{dyn(`[1,3,4,5,2]`), dyn(`["a","b","c","d","e"]`)}, `[[5,4,3,2,1],["d","c","b","e","a"]]`},
		{"nulls follow the first array", "array_sort_desc", []types.Value{dyn(`[null,2,1]`), dyn(`["n","two","one"]`), boolV(true)}, `[[2,1,null],["two","one","n"]]`},
		{"lengths differ", "array_sort_asc", []types.Value{dyn(`[1,2]`), dyn(`[1]`)}, "<null>"},
		{"not an array", "array_sort_asc", []types.Value{strV("x")}, "<null>"},
	})
	f, _ := testReg.Scalar("array_sort_asc")
	if ts, _ := f.Results([]types.Type{types.Dynamic, types.Dynamic, types.Bool}); len(ts) != 2 {
		t.Errorf("Results of two arrays and nulls_last = %d outputs, want 2", len(ts))
	}
}
