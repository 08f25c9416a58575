package funcs

import (
	"math"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/types"
)

var testReg = Builtins()

var testCtx = &Context{Now: time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)}

// call evaluates a scalar function and checks that its value has the type
// Result promised.
func call(t *testing.T, name string, args ...types.Value) types.Value {
	t.Helper()
	f, ok := testReg.Scalar(name)
	if !ok {
		t.Fatalf("no scalar %s", name)
	}
	if len(args) < f.MinArgs || f.MaxArgs >= 0 && len(args) > f.MaxArgs {
		t.Fatalf("%s: %d args outside [%d, %d]", name, len(args), f.MinArgs, f.MaxArgs)
	}
	ts := make([]types.Type, len(args))
	for i, a := range args {
		ts[i] = a.T
	}
	rt, err := f.Result(ts)
	if err != nil {
		t.Fatalf("%s: Result: %v", name, err)
	}
	v := f.Eval(testCtx, args)
	if v.T != rt {
		t.Errorf("%s%v: value type %s, Result said %s", name, args, v.T, rt)
	}
	return v
}

func dt(s string) types.Value {
	ticks, err := types.ParseDateTime(s)
	if err != nil {
		panic(err)
	}
	return types.DateTimeValue(ticks)
}

func ts(s string) types.Value {
	ticks, err := types.ParseTimeSpan(s)
	if err != nil {
		panic(err)
	}
	return types.TimeSpanValue(ticks)
}

func dyn(s string) types.Value {
	d, err := ParseJSON(s)
	if err != nil {
		panic(err)
	}
	return dynValue(d)
}

var (
	nullLong = nullOf(types.Long)
	nullDT   = nullOf(types.DateTime)
)

type fcase struct {
	name string
	fn   string
	args []types.Value
	want string // FormatValue of the result; "<null>" for null
}

func show(v types.Value) string {
	if v.IsNull() {
		return "<null>"
	}
	if v.T == types.Dynamic {
		return types.DynamicJSON(v.D)
	}
	return types.FormatValue(v)
}

func runCases(t *testing.T, cases []fcase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := show(call(t, c.fn, c.args...)); got != c.want {
				t.Errorf("%s(%v) = %s, want %s", c.fn, c.args, got, c.want)
			}
		})
	}
}

func TestConversions(t *testing.T) {
	runCases(t, []fcase{
		{"toint string real is null", "toint", []types.Value{strV("3.14")}, "<null>"},
		{"toint real truncates", "toint", []types.Value{realV(2.7)}, "2"},
		{"toint negative real", "toint", []types.Value{realV(-2.7)}, "-2"},
		{"toint string", "toint", []types.Value{strV(" 42 ")}, "42"},
		{"toint out of range string", "toint", []types.Value{strV("3000000000")}, "<null>"},
		{"toint long wraps", "toint", []types.Value{longV(3000000000)}, "-1294967296"},
		{"toint garbage", "toint", []types.Value{strV("abc")}, "<null>"},
		{"tolong string", "tolong", []types.Value{strV("-9")}, "-9"},
		{"tolong bool", "tolong", []types.Value{boolV(true)}, "1"},
		{"tolong dynamic", "tolong", []types.Value{dyn(`12`)}, "12"},
		{"tolong null", "tolong", []types.Value{nullOf(types.Real)}, "<null>"},
		{"todouble string", "todouble", []types.Value{strV("1e3")}, "1000"},
		{"toreal nan", "toreal", []types.Value{strV("NaN")}, "NaN"},
		{"toreal hex rejected", "toreal", []types.Value{strV("0x10")}, "<null>"},
		{"tostring null", "tostring", []types.Value{nullLong}, ""},
		{"tostring datetime", "tostring", []types.Value{dt("2024-01-02 03:04:05.5")}, "2024-01-02T03:04:05.5Z"},
		{"tostring dynamic string unquoted", "tostring", []types.Value{dyn(`"x"`)}, "x"},
		{"tostring dynamic bag", "tostring", []types.Value{dyn(`{"b":1,"a":[1,2]}`)}, `{"a":[1,2],"b":1}`},
		{"tobool TRUE", "tobool", []types.Value{strV("TRUE")}, "true"},
		{"tobool 0", "tobool", []types.Value{intV(0)}, "false"},
		{"tobool junk", "tobool", []types.Value{strV("yes")}, "<null>"},
		{"todatetime iso", "todatetime", []types.Value{strV("2015-12-31 23:59:59.9")}, "2015-12-31T23:59:59.9Z"},
		{"todatetime US dashed", "todatetime", []types.Value{strV("12-02-2022")}, "2022-12-02T00:00:00Z"},
		{"todatetime unpadded", "todatetime", []types.Value{strV("1970-5-12")}, "1970-05-12T00:00:00Z"},
		{"todatetime junk", "todatetime", []types.Value{strV("not a date")}, "<null>"},
		{"totimespan", "totimespan", []types.Value{strV("0.12:34:56.7")}, "12:34:56.7000000"},
		{"totimespan literal form", "totimespan", []types.Value{strV("1d")}, "1.00:00:00"},
		{"toguid upper", "toguid", []types.Value{strV("{0123456789ABCDEF0123456789ABCDEF}")}, "01234567-89ab-cdef-0123-456789abcdef"},
		{"toguid bad", "toguid", []types.Value{strV("0123")}, "<null>"},
		{"parse_json int", "parse_json", []types.Value{strV(`{"a":1,"b":1.5}`)}, `{"a":1,"b":1.5}`},
		{"parse_json invalid keeps string", "parse_json", []types.Value{strV(`not json`)}, `"not json"`},
		{"todynamic of dynamic string re-parses", "todynamic", []types.Value{dyn(`"[1,2]"`)}, `[1,2]`},
		{"gettype dynamic array", "gettype", []types.Value{dyn(`[1]`)}, "array"},
		{"gettype long", "gettype", []types.Value{longV(1)}, "long"},
		{"tohex", "tohex", []types.Value{longV(255)}, "ff"},
		{"tohex negative", "tohex", []types.Value{longV(-1)}, "ffffffffffffffff"},
		{"tohex negative int is 32-bit", "tohex", []types.Value{intV(-256), intV(8)}, "ffffff00"},
		{"tohex min length", "tohex", []types.Value{longV(256), intV(8)}, "00000100"},
	})
}

func TestStringFuncs(t *testing.T) {
	runCases(t, []fcase{
		{"strlen unicode", "strlen", []types.Value{strV("héllo")}, "5"},
		{"string_size bytes", "string_size", []types.Value{strV("héllo")}, "6"},
		{"substring", "substring", []types.Value{strV("123456"), intV(1), intV(2)}, "23"},
		{"substring to end", "substring", []types.Value{strV("123456"), intV(2)}, "3456"},
		{"substring doc negative start", "substring", []types.Value{strV("123456"), intV(-2), intV(2)}, "56"},
		{"substring doc AB", "substring", []types.Value{strV("ABCD"), intV(0), intV(2)}, "AB"},
		{"substring past end", "substring", []types.Value{strV("abc"), intV(5)}, ""},
		{"substring unicode", "substring", []types.Value{strV("日本語テキスト"), intV(2), intV(2)}, "語テ"},
		{"tolower unicode", "tolower", []types.Value{strV("ÄBC")}, "äbc"},
		{"strcat mixed", "strcat", []types.Value{strV("a"), longV(1), boolV(true), nullLong}, "a1true"},
		{"strcat_delim", "strcat_delim", []types.Value{strV("-"), strV("a"), longV(2), strV("c")}, "a-2-c"},
		{"split", "split", []types.Value{strV("aa_bb"), strV("_")}, `["aa","bb"]`},
		{"split index", "split", []types.Value{strV("a,b,c"), strV(","), intV(1)}, `["b"]`},
		{"split index out of range", "split", []types.Value{strV("a,b,c"), strV(","), intV(9)}, `[]`},
		{"split empty", "split", []types.Value{strV(""), strV(",")}, `[""]`},
		{"replace_string", "replace_string", []types.Value{strV("a.b.c"), strV("."), strV("[.]")}, "a[.]b[.]c"},
		{"replace_regex groups", "replace_regex", []types.Value{strV("Number is 12"), strV(`is (\d+)`), strV(`was: \1`)}, "Number was: 12"},
		{"replace_regex dollar literal", "replace_regex", []types.Value{strV("cost 5"), strV(`\d`), strV(`$1`)}, "cost $1"},
		{"replace deprecated order", "replace", []types.Value{strV(`o`), strV(`0`), strV("foo")}, "f00"},
		{"extract group", "extract", []types.Value{strV(`x=(\d+)`), intV(1), strV("a x=42 b")}, "42"},
		{"extract no match", "extract", []types.Value{strV(`x=(\d+)`), intV(1), strV("nothing")}, ""},
		{"extract typed", "extract", []types.Value{strV(`x=(\d+)`), intV(1), strV("x=7"), nullOf(types.Long)}, "7"},
		{"extract typeof as type name string", "extract", []types.Value{strV(`x=(\d+)`), intV(1), strV("x=007"), strV("long")}, "7"},
		{"extract typeof name no match", "extract", []types.Value{strV(`x=(\d+)`), intV(1), strV("y"), strV("long")}, ""},
		{"extract bad regex", "extract", []types.Value{strV(`(`), intV(0), strV("x")}, ""},
		{"extract_all one group", "extract_all", []types.Value{strV(`(\d)`), strV("a1b2")}, `["1","2"]`},
		{"extract_all two groups", "extract_all", []types.Value{strV(`(\w)(\d)`), strV("a1b2")}, `[["a","1"],["b","2"]]`},
		{"extract_all none", "extract_all", []types.Value{strV(`(\d)`), strV("ab")}, `<null>`},
		{"trim", "trim", []types.Value{strV(`--`), strV("--a--b----")}, "a--b"},
		{"trim whitespace", "trim", []types.Value{strV(`\s`), strV("  x  ")}, "x"},
		{"trim_start", "trim_start", []types.Value{strV(`\d+`), strV("12ab3")}, "ab3"},
		{"trim_end", "trim_end", []types.Value{strV(`\d+`), strV("12ab3")}, "12ab"},
		{"countof overlapping", "countof", []types.Value{strV("aaa"), strV("aa")}, "2"},
		// countof-function.md examples.
		{"countof doc aaaa/aa", "countof", []types.Value{strV("aaaa"), strV("aa")}, "3"},
		{"countof doc ababa/ab", "countof", []types.Value{strV("ababa"), strV("ab"), strV("normal")}, "2"},
		{"countof doc ababa/aba", "countof", []types.Value{strV("ababa"), strV("aba")}, "2"},
		{"countof doc regex a.c", "countof", []types.Value{strV("abcabc"), strV("a.c"), strV("regex")}, "2"},
		{"countof regex", "countof", []types.Value{strV("ababa"), strV("aba"), strV("regex")}, "1"},
		{"indexof", "indexof", []types.Value{strV("abcdefg"), strV("cde")}, "2"},
		{"indexof missing", "indexof", []types.Value{strV("abc"), strV("x")}, "-1"},
		{"reverse", "reverse", []types.Value{strV("ab語")}, "語ba"},
		{"strrep", "strrep", []types.Value{strV("ab"), intV(3), strV(",")}, "ab,ab,ab"},
		{"translate", "translate", []types.Value{strV("abc"), strV("x"), strV("aabbcc-")}, "xxxxxx-"},
		{"translate delete", "translate", []types.Value{strV("ab"), strV(""), strV("abcab")}, "c"},
		{"url_decode", "url_decode", []types.Value{strV("a%20b+c")}, "a b c"},
		{"url_decode bad", "url_decode", []types.Value{strV("%zz")}, ""},
		{"base64 roundtrip", "base64_decode_tostring", []types.Value{strV("S3VzdG8=")}, "Kusto"},
		{"base64 invalid", "base64_decode_tostring", []types.Value{strV("!!!")}, ""},
		{"hash_sha256", "hash_sha256", []types.Value{strV("World")}, "78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524"},
		{"hash xxhash64", "hash", []types.Value{strV("World")}, "1846988464401551951"},
		{"hash mod", "hash", []types.Value{strV("World"), intV(100)}, "51"},
	})
}

func TestDateTimeFuncs(t *testing.T) {
	runCases(t, []fcase{
		{"ago uses context now", "ago", []types.Value{ts("1d")}, "2024-03-14T12:00:00Z"},
		{"now", "now", nil, "2024-03-15T12:00:00Z"},
		{"now offset", "now", []types.Value{ts("-1h")}, "2024-03-15T11:00:00Z"},
		{"startofday", "startofday", []types.Value{dt("2024-03-15 13:14:15")}, "2024-03-15T00:00:00Z"},
		{"startofday offset", "startofday", []types.Value{dt("2024-03-15 13:14:15"), intV(-1)}, "2024-03-14T00:00:00Z"},
		{"startofweek is sunday", "startofweek", []types.Value{dt("2024-03-15")}, "2024-03-10T00:00:00Z"},
		{"startofweek on sunday", "startofweek", []types.Value{dt("2024-03-10 05:00")}, "2024-03-10T00:00:00Z"},
		{"startofmonth", "startofmonth", []types.Value{dt("2024-03-15")}, "2024-03-01T00:00:00Z"},
		{"startofmonth offset wraps year", "startofmonth", []types.Value{dt("2024-01-15"), intV(-1)}, "2023-12-01T00:00:00Z"},
		{"startofyear", "startofyear", []types.Value{dt("2024-03-15")}, "2024-01-01T00:00:00Z"},
		{"endofday", "endofday", []types.Value{dt("2024-03-15 01:00")}, "2024-03-15T23:59:59.9999999Z"},
		{"endofweek", "endofweek", []types.Value{dt("2017-01-01 10:10:17")}, "2017-01-07T23:59:59.9999999Z"},
		{"endofmonth leap", "endofmonth", []types.Value{dt("2024-02-10")}, "2024-02-29T23:59:59.9999999Z"},
		{"startofday null", "startofday", []types.Value{nullDT}, "<null>"},
		{"dayofweek friday", "dayofweek", []types.Value{dt("2024-03-15")}, "5.00:00:00"},
		{"dayofweek sunday", "dayofweek", []types.Value{dt("2024-03-10")}, "00:00:00"},
		{"dayofmonth", "dayofmonth", []types.Value{dt("2024-03-15")}, "15"},
		{"dayofyear", "dayofyear", []types.Value{dt("2024-03-15")}, "75"},
		{"getmonth", "getmonth", []types.Value{dt("2024-03-15")}, "3"},
		{"getyear", "getyear", []types.Value{dt("2024-03-15")}, "2024"},
		{"hourofday", "hourofday", []types.Value{dt("2024-03-15 17:01")}, "17"},
		{"week_of_year", "week_of_year", []types.Value{dt("2021-01-01")}, "53"},
		{"bin datetime 1d", "bin", []types.Value{dt("1970-05-11 13:45:07"), ts("1d")}, "1970-05-11T00:00:00Z"},
		{"bin datetime 7d origin 0001-01-01 (a Monday)", "bin", []types.Value{dt("2024-03-15"), ts("7d")}, "2024-03-11T00:00:00Z"},
		{"bin datetime 1h", "bin", []types.Value{dt("2024-03-15 13:45"), ts("1h")}, "2024-03-15T13:00:00Z"},
		{"bin timespan", "bin", []types.Value{ts("16d"), ts("7d")}, "14.00:00:00"},
		{"bin real", "bin", []types.Value{realV(4.5), intV(1)}, "4"},
		{"bin negative floors", "bin", []types.Value{longV(-7), longV(5)}, "-10"},
		{"bin zero size", "bin", []types.Value{longV(7), longV(0)}, "<null>"},
		{"bin negative size", "bin", []types.Value{longV(7), longV(-5)}, "<null>"},
		{"bin null", "bin", []types.Value{nullLong, longV(5)}, "<null>"},
		{"floor alias", "floor", []types.Value{realV(-1.5), realV(1)}, "-2"},
		{"bin_at", "bin_at", []types.Value{dt("2017-05-15 10:20:00"), ts("1d"), dt("1970-01-01 12:00:00")}, "2017-05-14T12:00:00Z"},
		{"datetime_add month clamps", "datetime_add", []types.Value{strV("month"), intV(1), dt("2024-01-31")}, "2024-02-29T00:00:00Z"},
		{"datetime_add year", "datetime_add", []types.Value{strV("Year"), intV(-1), dt("2024-02-29")}, "2023-02-28T00:00:00Z"},
		{"datetime_add minute", "datetime_add", []types.Value{strV("minute"), intV(90), dt("2024-01-01")}, "2024-01-01T01:30:00Z"},
		{"datetime_add bad part", "datetime_add", []types.Value{strV("fortnight"), intV(1), dt("2024-01-01")}, "<null>"},
		{"datetime_diff day", "datetime_diff", []types.Value{strV("day"), dt("2017-10-29 00:00"), dt("2017-09-30 23:59")}, "29"},
		{"datetime_diff week", "datetime_diff", []types.Value{strV("week"), dt("2017-10-29 00:00"), dt("2017-09-30 23:59")}, "5"},
		{"datetime_diff negative", "datetime_diff", []types.Value{strV("hour"), dt("2024-01-01 00:00"), dt("2024-01-01 05:30")}, "-5"},
		{"datetime_part", "datetime_part", []types.Value{strV("Quarter"), dt("2024-08-01")}, "3"},
		{"format_datetime", "format_datetime", []types.Value{dt("2017-01-29 09:00:05.123"), strV("yyyy-MM-dd HH:mm:ss.fff")}, "2017-01-29 09:00:05.123"},
		{"format_datetime 12h", "format_datetime", []types.Value{dt("2017-01-29 15:00:05"), strV("h:mm tt")}, "3:00 PM"},
		{"format_timespan", "format_timespan", []types.Value{ts("29.09:00:05.12345"), strV("dd.hh:mm:ss:FF")}, "29.09:00:05:12"},
		{"make_datetime", "make_datetime", []types.Value{intV(2017), intV(10), intV(1), intV(12), intV(10), realV(5.5)}, "2017-10-01T12:10:05.5Z"},
		{"make_datetime invalid", "make_datetime", []types.Value{intV(2017), intV(2), intV(30)}, "<null>"},
		{"make_timespan", "make_timespan", []types.Value{intV(1), intV(12), intV(30), realV(55.5)}, "1.12:30:55.5000000"},
		{"unixtime seconds", "unixtime_seconds_todatetime", []types.Value{realV(1546300800)}, "2019-01-01T00:00:00Z"},
		{"unixtime ms", "unixtime_milliseconds_todatetime", []types.Value{longV(1546300800123)}, "2019-01-01T00:00:00.123Z"},
	})
}

func TestMathAndConditional(t *testing.T) {
	runCases(t, []fcase{
		{"abs long", "abs", []types.Value{longV(-5)}, "5"},
		{"abs timespan", "abs", []types.Value{ts("-1h")}, "01:00:00"},
		{"round half away", "round", []types.Value{realV(2.5)}, "3"},
		{"round negative half", "round", []types.Value{realV(-2.5)}, "-3"},
		{"round precision", "round", []types.Value{realV(1.2345), intV(2)}, "1.23"},
		{"round negative precision", "round", []types.Value{realV(1234.5), intV(-2)}, "1200"},
		{"ceiling", "ceiling", []types.Value{realV(-1.1)}, "-1"},
		{"log of zero is null", "log", []types.Value{realV(0)}, "<null>"},
		{"log10", "log10", []types.Value{longV(1000)}, "3"},
		{"pow", "pow", []types.Value{intV(2), intV(10)}, "1024"},
		{"sqrt negative null", "sqrt", []types.Value{realV(-1)}, "<null>"},
		{"sign", "sign", []types.Value{longV(-9)}, "-1"},
		{"isnan", "isnan", []types.Value{realV(math.NaN())}, "true"},
		{"iff true", "iff", []types.Value{boolV(true), intV(1), longV(2)}, "1"},
		{"iff null cond takes else", "iff", []types.Value{nullOf(types.Bool), strV("a"), strV("b")}, "b"},
		{"iif alias", "iif", []types.Value{boolV(false), strV("a"), strV("b")}, "b"},
		{"case", "case", []types.Value{boolV(false), strV("x"), boolV(true), strV("y"), strV("z")}, "y"},
		{"case else", "case", []types.Value{boolV(false), strV("x"), strV("z")}, "z"},
		{"coalesce skips null and empty", "coalesce", []types.Value{nullLong, longV(42), longV(33)}, "42"},
		{"coalesce strings", "coalesce", []types.Value{strV(""), strV("b")}, "b"},
		{"coalesce all null", "coalesce", []types.Value{nullLong, nullLong}, "<null>"},
		{"isempty empty string", "isempty", []types.Value{strV("")}, "true"},
		{"isempty null long", "isempty", []types.Value{nullLong}, "true"},
		// isempty-function.md examples.
		{"isempty parsejson empty", "isempty", []types.Value{ToDynamic(strV(""))}, "true"},
		{"isempty parsejson []", "isempty", []types.Value{ToDynamic(strV("[]"))}, "false"},
		{"isempty parsejson {}", "isempty", []types.Value{ToDynamic(strV("{}"))}, "false"},
		{"isnotempty", "isnotempty", []types.Value{strV("a")}, "true"},
		{"isnull empty string is false", "isnull", []types.Value{strV("")}, "false"},
		{"isnull null", "isnull", []types.Value{nullLong}, "true"},
		{"max_of ignores null", "max_of", []types.Value{longV(1), nullLong, longV(7)}, "7"},
		{"min_of mixed numeric", "min_of", []types.Value{intV(3), realV(2.5)}, "2.5"},
		{"max_of all null", "max_of", []types.Value{nullLong, nullLong}, "<null>"},
		{"binary_and", "binary_and", []types.Value{longV(6), longV(3)}, "2"},
	})
	if _, err := commonType([]types.Type{types.String, types.Long}); err == nil {
		t.Error("commonType(string, long) should fail")
	}
	for _, c := range []struct{ a, b, q, m int64 }{{-5, 3, -1, 1}, {5, 3, 1, 2}, {5, -3, -1, 2}, {-5, -3, 1, 1}, {math.MinInt64, -1, math.MinInt64, 0}} {
		q, ok := DivLong(c.a, c.b)
		m, ok2 := ModLong(c.a, c.b)
		if !ok || !ok2 || q != c.q || m != c.m {
			t.Errorf("DivLong/ModLong(%d, %d) = %d, %d; want %d, %d", c.a, c.b, q, m, c.q, c.m)
		}
	}
	if _, ok := DivLong(1, 0); ok {
		t.Error("DivLong by zero should fail")
	}
}

func TestIPFuncs(t *testing.T) {
	runCases(t, []fcase{
		{"private 10/8", "ipv4_is_private", []types.Value{strV("10.1.2.3")}, "true"},
		{"private 172.16/12 edge", "ipv4_is_private", []types.Value{strV("172.31.255.255")}, "true"},
		{"not private 172.32", "ipv4_is_private", []types.Value{strV("172.32.0.1")}, "false"},
		{"private range", "ipv4_is_private", []types.Value{strV("192.168.1.1/24")}, "true"},
		{"range wider than block", "ipv4_is_private", []types.Value{strV("192.168.1.1/8")}, "false"},
		{"loopback not private", "ipv4_is_private", []types.Value{strV("127.0.0.1")}, "false"},
		{"invalid is null", "ipv4_is_private", []types.Value{strV("10.1.2")}, "<null>"},
		{"octet too big", "ipv4_is_private", []types.Value{strV("10.1.2.256")}, "<null>"},
		{"in range", "ipv4_is_in_range", []types.Value{strV("192.168.1.6"), strV("192.168.1.1/24")}, "true"},
		{"not in range", "ipv4_is_in_range", []types.Value{strV("192.168.2.6"), strV("192.168.1.1/24")}, "false"},
		{"in any range dynamic", "ipv4_is_in_any_range", []types.Value{strV("10.0.0.5"), dyn(`["192.168.0.0/16", "10.0.0.0/8"]`)}, "true"},
		{"is match prefix", "ipv4_is_match", []types.Value{strV("192.168.1.1/24"), strV("192.168.1.255")}, "true"},
		{"compare", "ipv4_compare", []types.Value{strV("127.0.0.1"), strV("127.0.0.2")}, "-1"},
		{"parse_ipv4", "parse_ipv4", []types.Value{strV("127.0.0.1")}, "2130706433"},
		{"parse_ipv4 masked", "parse_ipv4", []types.Value{strV("192.1.168.1/24")}, "3221334016"},
		{"parse_ipv4 bad", "parse_ipv4", []types.Value{strV("1.2.3")}, "<null>"},
		{"format_ipv4 from long", "format_ipv4", []types.Value{longV(3232236031)}, "192.168.1.255"},
		{"format_ipv4_mask", "format_ipv4_mask", []types.Value{strV("192.168.1.255"), intV(24)}, "192.168.1.0/24"},
		{"has_ipv4", "has_ipv4", []types.Value{strV("GET 127.0.0.1 /x"), strV("127.0.0.1")}, "true"},
		{"has_ipv4 longer address", "has_ipv4", []types.Value{strV("127.0.0.12"), strV("127.0.0.1")}, "false"},
		{"has_ipv4 sentence dot", "has_ipv4", []types.Value{strV("from 10.0.0.1."), strV("10.0.0.1")}, "true"},
		{"has_ipv4 letters", "has_ipv4", []types.Value{strV("ip10.0.0.1"), strV("10.0.0.1")}, "false"},
		{"has_ipv4_prefix", "has_ipv4_prefix", []types.Value{strV("x 10.1.2.3 y"), strV("10.1.")}, "true"},
		{"has_ipv4_prefix needs dot", "has_ipv4_prefix", []types.Value{strV("x 10.1.2.3 y"), strV("10.1")}, "false"},
		{"has_any_ipv4", "has_any_ipv4", []types.Value{strV("a 1.2.3.4 b"), strV("5.6.7.8"), strV("1.2.3.4")}, "true"},
		{"parse_ipv6 v4", "parse_ipv6", []types.Value{strV("127.0.0.1")}, "0000:0000:0000:0000:0000:ffff:7f00:0001"},
		{"ipv6_compare", "ipv6_compare", []types.Value{strV("::1"), strV("::2")}, "-1"},
		{"ipv6_is_match prefix", "ipv6_is_match", []types.Value{strV("fe80::85d:e82c:9446:7994"), strV("fe80::85d:e82c:9446:7995"), intV(120)}, "true"},
	})
}

func TestDynamicFuncs(t *testing.T) {
	runCases(t, []fcase{
		{"array_length", "array_length", []types.Value{dyn(`[1,2,"x"]`)}, "3"},
		{"array_length of bag is null", "array_length", []types.Value{dyn(`{"a":1}`)}, "<null>"},
		{"arraylength alias", "arraylength", []types.Value{dyn(`[]`)}, "0"},
		{"array_concat", "array_concat", []types.Value{dyn(`[1]`), dyn(`[2,3]`)}, "[1,2,3]"},
		{"array_slice negative", "array_slice", []types.Value{dyn(`[1,2,3,4,5]`), intV(-3), intV(-2)}, "[3,4]"},
		{"array_slice past end", "array_slice", []types.Value{dyn(`[1,2,3]`), intV(1), intV(100)}, "[2,3]"},
		{"array_index_of", "array_index_of", []types.Value{dyn(`["a","b"]`), strV("b")}, "1"},
		{"array_index_of missing", "array_index_of", []types.Value{dyn(`["a","b"]`), strV("c")}, "-1"},
		{"array_sort_asc nulls last", "array_sort_asc", []types.Value{dyn(`[null,"b","a"]`)}, `["a","b",null]`},
		{"array_sort_desc nulls first", "array_sort_desc", []types.Value{dyn(`[null,3,1,2]`), boolV(false)}, `[null,3,2,1]`},
		{"array_reverse", "array_reverse", []types.Value{dyn(`[1,2,3]`)}, "[3,2,1]"},
		{"set_union", "set_union", []types.Value{dyn(`[1,2,2]`), dyn(`[2,3]`)}, "[1,2,3]"},
		{"set_intersect", "set_intersect", []types.Value{dyn(`[1,2,3]`), dyn(`[3,2,9]`)}, "[2,3]"},
		{"set_difference", "set_difference", []types.Value{dyn(`[1,2,3]`), dyn(`[2]`), dyn(`[3]`)}, "[1]"},
		{"set_has_element", "set_has_element", []types.Value{dyn(`["a",1]`), longV(1)}, "true"},
		{"set_has_element type strict", "set_has_element", []types.Value{dyn(`["1"]`), longV(1)}, "false"},
		{"pack_array", "pack_array", []types.Value{longV(1), strV("a"), nullLong}, `[1,"a",null]`},
		{"bag_pack", "bag_pack", []types.Value{strV("k"), longV(1), strV("d"), dt("2024-01-01")}, `{"d":"2024-01-01T00:00:00.0000000Z","k":1}`},
		{"pack alias", "pack", []types.Value{strV("k"), strV("v")}, `{"k":"v"}`},
		{"bag_keys", "bag_keys", []types.Value{dyn(`{"b":1,"a":2}`)}, `["a","b"]`},
		{"bag_merge first wins", "bag_merge", []types.Value{dyn(`{"a":1}`), dyn(`{"a":2,"b":3}`)}, `{"a":1,"b":3}`},
		{"bag_remove_keys", "bag_remove_keys", []types.Value{dyn(`{"a":1,"b":{"c":2,"d":3}}`), dyn(`["a","$.b.c"]`)}, `{"b":{"d":3}}`},
		{"bag_has_key", "bag_has_key", []types.Value{dyn(`{"a":{"b":1}}`), strV("$.a.b")}, "true"},
		{"zip", "zip", []types.Value{dyn(`[1,2]`), dyn(`["a"]`)}, `[[1,"a"],[2,null]]`},
		{"treepath", "treepath", []types.Value{dyn(`{"a":{"b":1},"c":[{"d":2}]}`)}, `["$.a","$.a.b","$.c","$.c[0]","$.c[0].d"]`},
		{"extractjson", "extractjson", []types.Value{strV("$.a.b[1]"), strV(`{"a":{"b":[5,6]}}`)}, "6"},
		{"extractjson typed", "extractjson", []types.Value{strV("$['a']"), strV(`{"a":"12"}`), nullOf(types.Long)}, "12"},
		{"extractjson missing", "extractjson", []types.Value{strV("$.x"), strV(`{"a":1}`)}, ""},
		{"array_split", "array_split", []types.Value{dyn(`[1,2,3,4]`), intV(1)}, "[[1],[2,3,4]]"},
		{"range", "range", []types.Value{longV(1), longV(7), longV(3)}, "[1,4,7]"},
	})
}

func TestRegistryEntries(t *testing.T) {
	names := append(testReg.ScalarNames(), testReg.AggregateNames()...)
	if len(names) < 200 {
		t.Errorf("only %d functions registered", len(names))
	}
	for _, n := range testReg.ScalarNames() {
		f, _ := testReg.Scalar(n)
		if f.Sig == "" || f.Doc == "" || f.Result == nil || f.Eval == nil {
			t.Errorf("scalar %s is missing Sig, Doc, Result or Eval", n)
		}
		if f.MaxArgs >= 0 && f.MaxArgs < f.MinArgs {
			t.Errorf("scalar %s: MaxArgs < MinArgs", n)
		}
	}
	for _, n := range testReg.AggregateNames() {
		f, _ := testReg.Aggregate(n)
		if f.Sig == "" || f.Doc == "" || f.Result == nil || f.New == nil {
			t.Errorf("aggregate %s is missing Sig, Doc, Result or New", n)
		}
	}
	// Every scalar and aggregate with a share >= 0.5% in the corpus
	// (kql-frequencies.md), except the ones the engine owns.
	for _, n := range []string{"ago", "tostring", "isnotempty", "parse_json", "bin", "extract", "split", "iff", "strcat",
		"tolower", "todatetime", "case", "todynamic", "isempty", "now", "array_length", "iif", "ipv4_is_private",
		"replace", "parse_xml", "toint", "strlen", "pack_array", "startofday", "pack", "extract_all", "datetime_diff",
		"parse_url", "tolong", "substring", "toupper", "totimespan", "todouble", "coalesce", "toreal", "extractjson", "countof"} {
		if _, ok := testReg.Scalar(n); !ok {
			t.Errorf("scalar %s missing", n)
		}
	}
	for _, n := range []string{"count", "max", "min", "make_set", "dcount", "makeset", "arg_max", "sum", "make_list",
		"countif", "any", "makelist", "avg", "make_bag"} {
		if _, ok := testReg.Aggregate(n); !ok {
			t.Errorf("aggregate %s missing", n)
		}
	}
}

// TestNoPanics calls every scalar with awkward arguments of every type.
func TestNoPanics(t *testing.T) {
	samples := []types.Value{
		{T: types.Null, Null: true}, nullLong, nullDT, strV(""), strV("x"), strV("1.2.3.4/99"), longV(-1), intV(0),
		realV(math.NaN()), realV(math.Inf(-1)), boolV(true), dt("0001-01-01"), dt("9999-12-31 23:59:59"),
		types.TimeSpanValue(math.MinInt64), types.TimeSpanValue(math.MaxInt64), longV(math.MinInt64), longV(math.MaxInt64),
		dyn(`null`), dyn(`[]`), dyn(`{"a":[1,{"b":null}]}`), dyn(`"s"`), {T: types.GUID, S: "not-a-guid"},
	}
	for _, n := range testReg.ScalarNames() {
		f, _ := testReg.Scalar(n)
		if nondeterministicOrSlow(n) {
			continue
		}
		maxArgs := f.MaxArgs
		if maxArgs < 0 || maxArgs > 4 {
			maxArgs = max(f.MinArgs, 4)
		}
		for k := f.MinArgs; k <= maxArgs; k++ {
			for i, s := range samples {
				args := make([]types.Value, k)
				for j := range args {
					args[j] = samples[(i+j*7)%len(samples)]
				}
				_ = s
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Errorf("%s%v panicked: %v", n, args, r)
						}
					}()
					f.Eval(testCtx, args)
				}()
			}
		}
	}
}

func nondeterministicOrSlow(name string) bool { return name == "rand" || name == "new_guid" }

// FuzzScalarEval calls a scalar chosen by index with arguments built from
// fuzzed text and numbers (strings, JSON-parsed dynamics, longs, reals,
// datetimes), checking that no function panics or returns a value of a
// type other than its Result.
func FuzzScalarEval(f *testing.F) {
	f.Add(uint16(0), "abc", `[1,"a"]`, int64(3), 1.5)
	f.Add(uint16(17), "10.0.0.1/8", `{"a":{"b":1}}`, int64(-1), -0.0)
	f.Add(uint16(99), "%zz", "xn--bcher-kva", int64(1<<40), 1e300)
	names := testReg.ScalarNames()
	f.Fuzz(func(t *testing.T, idx uint16, s1, s2 string, n int64, x float64) {
		name := names[int(idx)%len(names)]
		if nondeterministicOrSlow(name) {
			return
		}
		fn, _ := testReg.Scalar(name)
		pool := []types.Value{strV(s1), ToDynamic(strV(s2)), longV(n), realV(x), types.DateTimeValue(n), strV(s2), intV(n), boolV(n%2 == 0)}
		for k := fn.MinArgs; k <= fn.MinArgs+2 && (fn.MaxArgs < 0 || k <= fn.MaxArgs); k++ {
			args := make([]types.Value, k)
			for i := range args {
				args[i] = pool[(int(idx)/len(names)+i*3+int(uint64(n)%5))%len(pool)]
			}
			ts := make([]types.Type, k)
			for i, a := range args {
				ts[i] = a.T
			}
			rt, err := fn.Result(ts)
			if err != nil {
				continue
			}
			v := fn.Eval(testCtx, args)
			if v.T != rt {
				t.Fatalf("%s%v returned %s, Result said %s", name, args, v.T, rt)
			}
		}
	})
}
