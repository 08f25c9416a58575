package funcs

import (
	"math"
	"strings"

	"github.com/huntpack/huntpack/kql/types"
)

// Unit conversion functions (convert_angle, convert_energy, ...): each
// unit is a linear factor to the family's base unit, except temperature
// and the angle unit Tilt, which carry their own conversions. Unit names
// are the ones Microsoft's docs list; they match case-insensitively.

// m2Unit converts a value to (toBase) and from (fromBase) the base unit.
type m2Unit struct {
	toBase, fromBase func(float64) float64
}

func m2Linear(f float64) m2Unit {
	return m2Unit{toBase: func(v float64) float64 { return v * f }, fromBase: func(v float64) float64 { return v / f }}
}

func m2Affine(scale, offset float64) m2Unit { // base = v*scale + offset
	return m2Unit{toBase: func(v float64) float64 { return v*scale + offset },
		fromBase: func(v float64) float64 { return (v - offset) / scale }}
}

// m2Family builds a unit table from linear factors.
func m2Family(f map[string]float64, extra map[string]m2Unit) map[string]m2Unit {
	out := map[string]m2Unit{}
	for k, v := range f {
		out[strings.ToLower(k)] = m2Linear(v)
	}
	for k, v := range extra {
		out[strings.ToLower(k)] = v
	}
	return out
}

const (
	m2Deg       = 180 / math.Pi // degrees per radian
	m2LightYear = 9.46073047258e15
	m2Parsec    = 3.08567758128e16
	m2Btu       = 1055.05585262
	m2EV        = 1.602176634e-19
	m2CubicFoot = 0.028316846592
	m2UsGallon  = 0.003785411784
	m2ImpGallon = 0.00454609
	m2SurveyFt  = 1200.0 / 3937.0
	m2Inch      = 0.0254
	m2Foot      = 0.3048
	m2Yard      = 0.9144
	m2Mile      = 1609.344
)

var m2Units = map[string]map[string]m2Unit{
	"angle": m2Family(map[string]float64{ // base: degree
		"Arcminute": 1.0 / 60, "Arcsecond": 1.0 / 3600, "Centiradian": 0.01 * m2Deg, "Deciradian": 0.1 * m2Deg,
		"Degree": 1, "Gradian": 0.9, "Microdegree": 1e-6, "Microradian": 1e-6 * m2Deg, "Millidegree": 1e-3,
		"Milliradian": 1e-3 * m2Deg, "Nanodegree": 1e-9, "Nanoradian": 1e-9 * m2Deg, "NatoMil": 360.0 / 6400,
		"Radian": m2Deg, "Revolution": 360,
	}, map[string]m2Unit{"Tilt": {
		toBase:   func(v float64) float64 { return math.Asin(v) * m2Deg },
		fromBase: func(v float64) float64 { return math.Sin(v / m2Deg) },
	}}),
	"energy": m2Family(map[string]float64{ // base: joule
		"BritishThermalUnit": m2Btu, "Calorie": 4.184, "DecathermEc": 1.05505585262e9, "DecathermImperial": 1.05505585257348e9,
		"DecathermUs": 1.054804e9, "ElectronVolt": m2EV, "Erg": 1e-7, "FootPound": 1.355817948,
		"GigabritishThermalUnit": m2Btu * 1e9, "GigaelectronVolt": m2EV * 1e9, "Gigajoule": 1e9, "GigawattDay": 86400e9,
		"GigawattHour": 3600e9, "HorsepowerHour": 2.6845195377e6, "Joule": 1, "KilobritishThermalUnit": m2Btu * 1e3,
		"Kilocalorie": 4184, "KiloelectronVolt": m2EV * 1e3, "Kilojoule": 1e3, "KilowattDay": 86400e3, "KilowattHour": 3600e3,
		"MegabritishThermalUnit": m2Btu * 1e6, "Megacalorie": 4.184e6, "MegaelectronVolt": m2EV * 1e6, "Megajoule": 1e6,
		"MegawattDay": 86400e6, "MegawattHour": 3600e6, "Millijoule": 1e-3, "TeraelectronVolt": m2EV * 1e12,
		"TerawattDay": 86400e12, "TerawattHour": 3600e12, "ThermEc": 1.05505585262e8, "ThermImperial": 1.05505585257348e8,
		"ThermUs": 1.054804e8, "WattDay": 86400, "WattHour": 3600,
	}, nil),
	"force": m2Family(map[string]float64{ // base: newton
		"Decanewton": 10, "Dyn": 1e-5, "KilogramForce": 9.80665, "Kilonewton": 1e3, "KiloPond": 9.80665,
		"KilopoundForce": 4448.2216152605, "Meganewton": 1e6, "Micronewton": 1e-6, "Millinewton": 1e-3, "Newton": 1,
		"OunceForce": 0.278013850953781, "Poundal": 0.138254954376, "PoundForce": 4.4482216152605,
		"ShortTonForce": 8896.443230521, "TonneForce": 9806.65,
	}, nil),
	"length": m2Family(map[string]float64{ // base: meter
		"Angstrom": 1e-10, "AstronomicalUnit": 1.495978707e11, "Centimeter": 0.01, "Chain": 20.1168, "DataMile": 1828.8,
		"Decameter": 10, "Decimeter": 0.1, "DtpPica": m2Inch / 6, "DtpPoint": m2Inch / 72, "Fathom": 1.8288, "Foot": m2Foot,
		"Hand": 0.1016, "Hectometer": 100, "Inch": m2Inch, "KilolightYear": m2LightYear * 1e3, "Kilometer": 1e3,
		"Kiloparsec": m2Parsec * 1e3, "LightYear": m2LightYear, "MegalightYear": m2LightYear * 1e6, "Megaparsec": m2Parsec * 1e6,
		"Meter": 1, "Microinch": m2Inch * 1e-6, "Micrometer": 1e-6, "Mil": m2Inch * 1e-3, "Mile": m2Mile, "Millimeter": 1e-3,
		"Nanometer": 1e-9, "NauticalMile": 1852, "Parsec": m2Parsec, "PrinterPica": m2Inch / 6.0225, "PrinterPoint": m2Inch / 72.27,
		"Shackle": 27.432, "SolarRadius": 6.95508e8, "Twip": m2Inch / 1440, "UsSurveyFoot": m2SurveyFt, "Yard": m2Yard,
	}, nil),
	"mass": m2Family(map[string]float64{ // base: kilogram
		"Centigram": 1e-5, "Decagram": 1e-2, "Decigram": 1e-4, "EarthMass": 5.9722e24, "Grain": 64.79891e-6, "Gram": 1e-3,
		"Hectogram": 0.1, "Kilogram": 1, "Kilopound": 453.59237, "Kilotonne": 1e6, "LongHundredweight": 50.80234544,
		"LongTon": 1016.0469088, "Megapound": 453592.37, "Megatonne": 1e9, "Microgram": 1e-9, "Milligram": 1e-6,
		"Nanogram": 1e-12, "Ounce": 0.028349523125, "Pound": 0.45359237, "ShortHundredweight": 45.359237,
		"ShortTon": 907.18474, "Slug": 14.593902937206, "SolarMass": 1.98947e30, "Stone": 6.35029318, "Tonne": 1000,
	}, nil),
	"speed": m2Speeds(),
	"temperature": m2Family(nil, map[string]m2Unit{ // base: kelvin
		"Kelvin": m2Affine(1, 0), "DegreeCelsius": m2Affine(1, 273.15), "MillidegreeCelsius": m2Affine(1e-3, 273.15),
		"DegreeFahrenheit": m2Affine(5.0/9, 459.67*5/9), "DegreeRankine": m2Affine(5.0/9, 0),
		"DegreeDelisle": m2Affine(-2.0/3, 373.15), "DegreeNewton": m2Affine(100.0/33, 273.15),
		"DegreeReaumur": m2Affine(5.0/4, 273.15), "DegreeRoemer": m2Affine(40.0/21, 273.15-7.5*40/21),
		"SolarTemperature": m2Affine(5778, 0),
	}),
	"volume": m2Family(map[string]float64{ // base: cubic meter
		"AcreFoot":        1 / 0.000810714, // UnitsNet's factor, as Kusto shows "AuTablespoon": 2e-5, "BoardFoot": 2.359737216e-3, "Centiliter": 1e-5,
		"CubicCentimeter": 1e-6, "CubicDecimeter": 1e-3, "CubicFoot": m2CubicFoot, "CubicHectometer": 1e6,
		"CubicInch": 1.6387064e-5, "CubicKilometer": 1e9, "CubicMeter": 1, "CubicMicrometer": 1e-18,
		"CubicMile": 4.168181825440579584e9, "CubicMillimeter": 1e-9, "CubicYard": 0.764554857984, "Decaliter": 1e-2,
		"DecausGallon": m2UsGallon * 10, "Deciliter": 1e-4, "DeciusGallon": m2UsGallon / 10, "HectocubicFoot": m2CubicFoot * 100,
		"HectocubicMeter": 100, "Hectoliter": 0.1, "HectousGallon": m2UsGallon * 100, "ImperialBeerBarrel": 0.16365924,
		"ImperialGallon": m2ImpGallon, "ImperialOunce": 2.84130625e-5, "ImperialPint": 5.6826125e-4,
		"KilocubicFoot": m2CubicFoot * 1e3, "KilocubicMeter": 1e3, "KiloimperialGallon": m2ImpGallon * 1e3, "Kiloliter": 1,
		"KilousGallon": m2UsGallon * 1e3, "Liter": 1e-3, "MegacubicFoot": m2CubicFoot * 1e6, "MegaimperialGallon": m2ImpGallon * 1e6,
		"Megaliter": 1e3, "MegausGallon": m2UsGallon * 1e6, "MetricCup": 2.5e-4, "MetricTeaspoon": 5e-6, "Microliter": 1e-9,
		"Milliliter": 1e-6, "OilBarrel": 0.158987294928, "UkTablespoon": 1.5e-5, "UsBeerBarrel": 0.1173477658,
		"UsCustomaryCup": 2.365882365e-4, "UsGallon": m2UsGallon, "UsLegalCup": 2.4e-4, "UsOunce": 2.95735295625e-5,
		"UsPint": 4.73176473e-4, "UsQuart": 9.46352946e-4, "UsTablespoon": 1.478676478125e-5, "UsTeaspoon": 4.92892159375e-6,
	}, nil),
}

// m2Speeds builds <length>Per<time> units (base: meter per second).
func m2Speeds() map[string]m2Unit {
	lengths := map[string]float64{"Centimeter": 0.01, "Decimeter": 0.1, "Foot": m2Foot, "Inch": m2Inch, "Kilometer": 1e3,
		"Meter": 1, "Micrometer": 1e-6, "Millimeter": 1e-3, "Nanometer": 1e-9, "UsSurveyFoot": m2SurveyFt, "Yard": m2Yard}
	per := map[string]float64{"Hour": 3600, "Minute": 60, "Second": 1}
	f := map[string]float64{"Knot": 1852.0 / 3600, "MilePerHour": m2Mile / 3600}
	for l, lf := range lengths {
		for p, pf := range per {
			f[l+"Per"+p] = lf / pf
		}
	}
	return m2Family(f, nil)
}

// m2Convert converts v between two units of one family; null when a unit
// is unknown.
func m2Convert(family string, a []types.Value) types.Value {
	v, ok := asReal(a[0])
	from, ok1 := asString(a[1])
	to, ok2 := asString(a[2])
	if !ok || !ok1 || !ok2 {
		return nullOf(types.Real)
	}
	fu, ok1 := m2Units[family][strings.ToLower(from)]
	tu, ok2 := m2Units[family][strings.ToLower(to)]
	if !ok1 || !ok2 {
		return nullOf(types.Real)
	}
	return realV(tu.fromBase(fu.toBase(v)))
}

func addMisc2Convert(r *Registry) {
	for _, fam := range []string{"angle", "energy", "force", "length", "mass", "speed", "temperature", "volume"} {
		fam := fam
		name := "convert_" + fam
		scalar(r, name, name+"(value: real, from: string, to: string): real",
			"Converts a "+fam+" value from one unit to another (units as listed in Microsoft's docs); null for an unknown unit.",
			3, 3, fixed(types.Real), func(_ *Context, a []types.Value) types.Value { return m2Convert(fam, a) })
	}
}
