package logs

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/klauspost/compress/zstd"
	parquetgo "github.com/parquet-go/parquet-go"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	var data []byte
	switch {
	case strings.HasSuffix(path, ".gz"):
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(text))
		zw.Close()
		data = buf.Bytes()
	case strings.HasSuffix(path, ".zst"):
		enc, _ := zstd.NewWriter(nil)
		data = enc.EncodeAll([]byte(text), nil)
	default:
		data = []byte(text)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTableForName(t *testing.T) {
	tests := map[string]string{
		"CommonSecurityLog":           "CommonSecurityLog",
		"CommonSecurityLog_2024-01":   "CommonSecurityLog",
		"DeviceNetworkEvents_part2":   "DeviceNetworkEvents",
		"MyApp_CL":                    "MyApp_CL",
		"NXLog_DNS_Server_CL":         "NXLog_DNS_Server_CL",
		"NXLog_DNS_Server_CL_2021":    "NXLog_DNS_Server_CL",
		"Firewall_dump":               "Firewall",
		"ASimNetworkSessionLogs_zeek": "ASimNetworkSessionLogs",
	}
	for in, want := range tests {
		if got := TableForName(in); got != want {
			t.Errorf("TableForName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string][2]string{
		"a.csv.gz":          {"a", ".csv"},
		"T_x.JSONL.zst":     {"T_x", ".jsonl"},
		"noext":             {"noext", ""},
		"x.parquet":         {"x", ".parquet"},
		"CommonSecurityLog": {"CommonSecurityLog", ""},
	} {
		b, e := splitName(in)
		if b != want[0] || e != want[1] {
			t.Errorf("splitName(%q) = %q, %q", in, b, e)
		}
	}
}

func TestOpenBindingAndSchemas(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "CommonSecurityLog.csv"), "TimeGenerated,SourceIP,DestinationPort,VendorExtra\n2024-01-01T00:00:00Z,10.0.0.1,443,7\n")
	write(t, filepath.Join(dir, "CommonSecurityLog_part2.jsonl.gz"), `{"TimeGenerated":"2024-01-02T00:00:00Z","SourceIP":"10.0.0.2","DestinationPort":80,"VendorExtra":"x"}`+"\n")
	write(t, filepath.Join(dir, "Custom_CL.json.zst"), `[{"When":"2024-01-01T00:00:00Z","N":1,"R":1.5,"B":true,"D":{"a":1},"S":"s"},{"When":"2024-01-02T00:00:00Z","N":2,"R":2,"B":false,"D":[1],"S":"3"}]`)
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cat.TableNames(), ","); got != "CommonSecurityLog,Custom_CL" {
		t.Fatalf("tables %s", got)
	}
	csl, _ := cat.Table("CommonSecurityLog")
	s := csl.Schema()
	if len(s) != 164 || s[163].Name != "VendorExtra" || s[163].Type != types.String {
		t.Errorf("CommonSecurityLog schema: %d columns, last %v (long in one file, string in the other: widened to string)", len(s), s[len(s)-1])
	}
	b, st := scanAll(t, csl, types.ScanOptions{Columns: []string{"SourceIP", "DestinationPort", "DeviceVendor", "VendorExtra"}})
	if b.Len != 2 || st.Files != 2 || st.Malformed != 0 {
		t.Fatalf("rows %d files %d malformed %d", b.Len, st.Files, st.Malformed)
	}
	if got := cell(b, 1, "DestinationPort") + "/" + cell(b, 0, "DeviceVendor") + "/" + cell(b, 0, "VendorExtra"); got != "80//7" {
		t.Errorf("values %q", got)
	}
	custom, _ := cat.Table("Custom_CL")
	want := "When:datetime N:long R:real B:bool D:dynamic S:string"
	var got []string
	for _, f := range custom.Schema() {
		got = append(got, f.Name+":"+f.Type.String())
	}
	if strings.Join(got, " ") != want {
		t.Errorf("inferred %s, want %s", strings.Join(got, " "), want)
	}
}

func TestExplicitTablesAndStrict(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "fw1.csv"), "TimeGenerated,DestinationPort\n2024-01-01T00:00:00Z,443\n2024-01-01T00:00:01Z,http\n")
	tables, err := ParseTableFlags([]string{"CommonSecurityLog=" + filepath.Join(dir, "fw*.csv")})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := Open(OpenOptions{Tables: tables})
	if err != nil {
		t.Fatal(err)
	}
	tb, ok := cat.Table("CommonSecurityLog")
	if !ok || len(cat.Files()) != 1 || !cat.Files()[0].Explicit {
		t.Fatal("explicit binding failed")
	}
	b, st := scanAll(t, tb, types.ScanOptions{Columns: []string{"DestinationPort"}})
	if b.Len != 2 || st.Malformed != 1 || cell(b, 1, "DestinationPort") != "<null>" {
		t.Errorf("rows %d malformed %d", b.Len, st.Malformed)
	}
	strict, _ := Open(OpenOptions{Tables: tables, Strict: true})
	tb, _ = strict.Table("CommonSecurityLog")
	err = tb.Scan(context.Background(), types.ScanOptions{}, func(*types.Batch) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "fw1.csv:3: column DestinationPort") {
		t.Errorf("strict scan error = %v", err)
	}
	if _, err := ParseTableFlags([]string{"nope"}); err == nil {
		t.Error("bad --table accepted")
	}
}

func TestRawFilterAndConcurrent(t *testing.T) {
	dir := t.TempDir()
	for i, ip := range []string{"10.0.0.1", "192.168.0.1", "10.1.1.1"} {
		write(t, filepath.Join(dir, "CommonSecurityLog_"+string(rune('a'+i))+".csv"), "SourceIP,DestinationPort\n"+ip+",1\n8.8.8.8,2\n")
	}
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := cat.Table("CommonSecurityLog")
	var mu sync.Mutex
	var seen []string
	keepCalls := 0
	opts := types.ScanOptions{
		Columns:    []string{"SourceIP"},
		Concurrent: true,
		Stats:      &types.ScanStats{},
		Filter: &types.RawFilter{Columns: []string{"SourceIP"}, Keep: func(f [][]byte) bool {
			mu.Lock()
			keepCalls++
			mu.Unlock()
			return bytes.HasPrefix(f[0], []byte("10."))
		}},
	}
	err = tb.Scan(context.Background(), opts, func(b *types.Batch) error {
		mu.Lock()
		defer mu.Unlock()
		for i := 0; i < b.Len; i++ {
			seen = append(seen, b.Cols[0].Strs[i])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || keepCalls != 6 || opts.Stats.Rows != 6 {
		t.Errorf("seen %v, keep calls %d, rows %d", seen, keepCalls, opts.Stats.Rows)
	}
	if err := tb.Scan(context.Background(), types.ScanOptions{Columns: []string{"NoSuchColumn"}}, func(*types.Batch) error { return nil }); err == nil {
		t.Error("projection of unknown column accepted")
	}
}

func TestASimFunctions(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "ASimNetworkSessionLogs.csv"),
		"TimeGenerated,SrcIpAddr,DstIpAddr,DstPortNumber,EventResult\n"+
			"2024-01-01T00:00:00Z,10.0.0.1,8.8.8.8,53,Success\n"+
			"2024-01-02T00:00:00Z,192.168.1.1,10.0.0.9,443,Failure\n"+
			"2024-01-03T00:00:00Z,172.16.0.1,1.1.1.1,443,Success\n")
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	fn, ok := cat.TableFunction("_Im_NetworkSession")
	if !ok {
		t.Fatal("no _Im_NetworkSession")
	}
	dyn := func(xs ...any) types.Value { return types.DynamicValue(xs) }
	day2, _ := types.ParseDateTime("2024-01-02")
	tests := []struct {
		name string
		args []types.Arg
		want string // SrcIpAddr values
	}{
		{"no args", nil, "10.0.0.1,192.168.1.1,172.16.0.1"},
		{"ipaddr prefix", []types.Arg{{Name: "ipaddr_has_any_prefix", Value: dyn("10.0.")}}, "10.0.0.1,192.168.1.1"},
		{"src prefix", []types.Arg{{Name: "srcipaddr_has_any_prefix", Value: dyn("10.0.")}}, "10.0.0.1"},
		{"port", []types.Arg{{Name: "dstportnumber", Value: types.LongValue(443)}}, "192.168.1.1,172.16.0.1"},
		{"starttime positional", []types.Arg{{Value: types.DateTimeValue(day2)}}, "192.168.1.1,172.16.0.1"},
		{"eventresult", []types.Arg{{Name: "eventresult", Value: types.StringValue("Success")}}, "10.0.0.1,172.16.0.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := fn.Call(tc.args)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := scanAll(t, tb, types.ScanOptions{Columns: []string{"SrcIpAddr"}})
			if len(b.Schema) != 1 {
				t.Fatalf("schema %v", b.Schema)
			}
			if got := strings.Join(b.Cols[0].Strs, ","); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	if _, err := fn.Call([]types.Arg{{Name: "bogus", Value: types.LongValue(1)}}); err == nil {
		t.Error("unknown parameter accepted")
	}
	dns, ok := cat.TableFunction("_Im_Dns")
	if !ok {
		t.Fatal("no _Im_Dns")
	}
	tb, err := dns.Call([]types.Arg{{Name: "domain_has_any", Value: dyn("example.com")}})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := scanAll(t, tb, types.ScanOptions{}); b.Len != 0 || len(b.Schema) != 140 {
		t.Errorf("empty _Im_Dns: %d rows, %d columns", b.Len, len(b.Schema))
	}
}

func TestRawSniffingByContent(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "server.log"), "DNS Server log file creation at 5/21/2015 1:50:00 PM\n\n"+
		"5/21/2015 1:51:18 PM 0D48 PACKET  00000000045FDBF0 UDP Rcv 10.250.128.151  b94d R Q [8081   DR  NOERROR] A      (10)sitecheck2(5)opera(3)com(0)\n"+
		"20.01.2026 23:00:00 0A1C PACKET  000001D2C3B4A5F0 UDP Rcv 10.0.0.7        00ff   Q [0001   D   NOERROR] MX     (7)example(3)org(0)\n")
	write(t, filepath.Join(dir, "fw.txt.gz"), "<134>1 2024-03-01T10:00:00.123Z fw01 CEF - - - CEF:0|Acme|FW|2|deny|Denied|7|src=1.2.3.4 dst=5.6.7.8 dpt=443 spt=5000 cs1Label=rule cs1=block-all foo=bar\n")
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cat.TableNames(), ","); got != "ASimDnsActivityLogs,CommonSecurityLog" {
		t.Fatalf("tables %s", got)
	}
	dns, _ := cat.Table("ASimDnsActivityLogs")
	b, st := scanAll(t, dns, types.ScanOptions{Columns: []string{"TimeGenerated", "DnsQuery"}})
	if b.Len != 2 || st.Malformed != 0 || cell(b, 0, "TimeGenerated") != "2015-05-21T13:51:18Z" || cell(b, 1, "TimeGenerated") != "2026-01-20T23:00:00Z" {
		t.Errorf("dns rows %d malformed %d %v: %s %s", b.Len, st.Malformed, st.Warnings(), cell(b, 0, "TimeGenerated"), cell(b, 1, "TimeGenerated"))
	}
	csl, _ := cat.Table("CommonSecurityLog")
	b, st = scanAll(t, csl, types.ScanOptions{Columns: []string{"TimeGenerated", "Computer", "DestinationPort", "DeviceCustomString1Label", "DeviceCustomString1", "AdditionalExtensions", "Activity"}})
	want := map[string]string{"TimeGenerated": "2024-03-01T10:00:00.123Z", "Computer": "fw01", "DestinationPort": "443",
		"DeviceCustomString1Label": "rule", "DeviceCustomString1": "block-all", "AdditionalExtensions": "foo=bar", "Activity": "Denied"}
	if b.Len != 1 || st.Malformed != 0 {
		t.Fatalf("cef rows %d malformed %d", b.Len, st.Malformed)
	}
	for k, v := range want {
		if got := cell(b, 0, k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// TestParallelRanges checks that a file scanned in parallel byte ranges
// gives the same rows and the same warnings (with the same line numbers)
// as a sequential scan, with quoted line breaks near every boundary.
func TestParallelRanges(t *testing.T) {
	old := splitMin
	splitMin = 1
	defer func() { splitMin = old }()
	dir := t.TempDir()
	var csv, jl strings.Builder
	csv.WriteString("SourceIP,Message,DestinationPort\n")
	for i := 0; i < 3000; i++ {
		port := fmt.Sprint(i)
		if i%250 == 0 {
			port = "bad"
		}
		fmt.Fprintf(&csv, "10.0.%d.%d,\"line one\nline \"\"two\"\", %d\",%s\n", i/256, i%256, i, port)
		fmt.Fprintf(&jl, "{\"SourceIP\":\"10.0.%d.%d\",\"Message\":\"m\\n%d\",\"DestinationPort\":%q}\n", i/256, i%256, i, port)
	}
	write(t, filepath.Join(dir, "CommonSecurityLog.csv"), csv.String())
	write(t, filepath.Join(dir, "CommonSecurityLog_b.jsonl"), jl.String())
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := cat.Table("CommonSecurityLog")
	collect := func(concurrent bool) ([]string, []string, *types.ScanStats) {
		var mu sync.Mutex
		var rows []string
		st := &types.ScanStats{}
		err := tb.Scan(context.Background(), types.ScanOptions{Columns: []string{"SourceIP", "Message", "DestinationPort"}, Concurrent: concurrent, Stats: st}, func(b *types.Batch) error {
			mu.Lock()
			defer mu.Unlock()
			for i := 0; i < b.Len; i++ {
				rows = append(rows, b.Cols[0].Strs[i]+"|"+b.Cols[1].Strs[i]+"|"+cell(b, i, "DestinationPort"))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var ws []string
		for _, w := range st.Warnings() {
			ws = append(ws, w.String())
		}
		sort.Strings(rows)
		sort.Strings(ws)
		return rows, ws, st
	}
	seqRows, seqWarn, seqSt := collect(false)
	parRows, parWarn, parSt := collect(true)
	if len(seqRows) != 6000 || len(seqWarn) != 24 {
		t.Fatalf("sequential: %d rows, %d warnings", len(seqRows), len(seqWarn))
	}
	if strings.Join(seqRows, "\n") != strings.Join(parRows, "\n") {
		t.Error("parallel rows differ from sequential rows")
	}
	if strings.Join(seqWarn, "\n") != strings.Join(parWarn, "\n") {
		t.Errorf("parallel warnings differ:\n%v\n%v", seqWarn[:3], parWarn[:min(3, len(parWarn))])
	}
	if parSt.Files != 2 || parSt.Bytes != seqSt.Bytes {
		t.Errorf("parallel stats files %d bytes %d (sequential %d)", parSt.Files, parSt.Bytes, seqSt.Bytes)
	}
}

type pqRow struct {
	TimeGenerated   time.Time `parquet:"TimeGenerated,timestamp(millisecond)"`
	SourceIP        string    `parquet:"SourceIP"`
	DestinationPort int32     `parquet:"DestinationPort"`
	Extra           float64   `parquet:"Extra"`
}

func TestParquetTable(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "CommonSecurityLog_export.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	w := parquetgo.NewGenericWriter[pqRow](f)
	ts := time.Date(2024, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
	w.Write([]pqRow{{ts, "10.0.0.1", 443, 1.5}, {ts.Add(time.Minute), "10.0.0.2", 80, 2}})
	w.Close()
	f.Close()
	write(t, filepath.Join(dir, "CommonSecurityLog_x.parquet.gz"), "PAR1 pretend")
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if u := cat.Unrecognised(); len(u) != 1 || !strings.Contains(u[0].Reason, "compressed Parquet") {
		t.Errorf("unrecognised %v", u)
	}
	tb, _ := cat.Table("CommonSecurityLog")
	s := tb.Schema()
	if last := s[len(s)-1]; last.Name != "Extra" || last.Type != types.Real {
		t.Errorf("extra column %v", last)
	}
	b, st := scanAll(t, tb, types.ScanOptions{Columns: []string{"TimeGenerated", "SourceIP", "DestinationPort", "Extra"}})
	// The .parquet.gz is named after the table: the scan says it was not read.
	if ws := st.Warnings(); b.Len != 2 || st.Malformed != 1 || len(ws) != 1 || !strings.Contains(ws[0].String(), "CommonSecurityLog_x.parquet.gz: not read: compressed Parquet") {
		t.Fatalf("rows %d malformed %d %v", b.Len, st.Malformed, st.Warnings())
	}
	if got := cell(b, 1, "TimeGenerated") + "|" + cell(b, 1, "DestinationPort") + "|" + cell(b, 1, "Extra"); got != "2024-01-02T03:05:05.006Z|80|2" {
		t.Errorf("row 2 = %s", got)
	}
}

func TestExplicitFileNotBoundTwice(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "fw.csv"), "SourceIP\n10.0.0.1\n")
	rel, err := filepath.Rel(mustGetwd(t), filepath.Join(dir, "fw.csv"))
	if err != nil {
		t.Skip(err)
	}
	cat, err := Open(OpenOptions{Dirs: []string{dir}, Tables: map[string][]string{"CommonSecurityLog": {rel}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Files()) != 1 || cat.Files()[0].Table != "CommonSecurityLog" || strings.Join(cat.TableNames(), ",") != "CommonSecurityLog" {
		t.Errorf("files %d, tables %v", len(cat.Files()), cat.TableNames())
	}
}

func mustGetwd(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

func TestExplicitNameIsKept(t *testing.T) {
	dir := t.TempDir()
	// Mostly CommonSecurityLog columns: a directory binding rebinds it,
	// an explicit --table keeps the name given.
	write(t, filepath.Join(dir, "Fw_dump.csv"), "DeviceVendor,DeviceProduct,SourceIP,DestinationIP,DestinationPort\na,b,1.1.1.1,2.2.2.2,53\n")
	cat, _ := Open(OpenOptions{Dirs: []string{dir}})
	if got := strings.Join(cat.TableNames(), ","); got != "CommonSecurityLog" {
		t.Errorf("directory binding: %s", got)
	}
	cat, _ = Open(OpenOptions{Tables: map[string][]string{"MyFirewall": {filepath.Join(dir, "Fw_dump.csv")}}})
	if got := strings.Join(cat.TableNames(), ","); got != "MyFirewall" || !cat.Files()[0].Explicit {
		t.Errorf("explicit binding: %s", got)
	}
}

// TestImDnsCoversDnsEvents checks that _Im_Dns normalises DnsEvents
// lookups (as ASimDnsMicrosoftOMS does) alongside ASimDnsActivityLogs.
func TestImDnsCoversDnsEvents(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "DnsEvents.csv"),
		"TimeGenerated,SubType,ClientIP,Name,QueryType,ResultCode,IPAddresses,Computer,EventId\n"+
			"2024-01-01T00:00:00Z,LookupQuery,10.0.0.5,evil.example.com,1,3,,dns01,\n"+
			"2024-01-01T00:00:01Z,LookupQuery,10.0.0.6,good.example.org,AAAA,0,2001:db8::1,dns01,\n"+
			"2024-01-01T00:00:02Z,AuditEvent,,zone change,,,,dns01,515\n")
	write(t, filepath.Join(dir, "ASimDnsActivityLogs.jsonl"),
		`{"TimeGenerated":"2024-01-01T00:00:03Z","EventType":"Query","DnsQuery":"evil.example.com","SrcIpAddr":"10.0.0.7","EventResultDetails":"NXDOMAIN"}`+"\n")
	// Off by default: only the ASIM table.
	plain, _ := Open(OpenOptions{Dirs: []string{dir}})
	fn, _ := plain.TableFunction("_Im_Dns")
	tb, _ := fn.Call(nil)
	if b, _ := scanAll(t, tb, types.ScanOptions{Columns: []string{"DnsQuery"}}); b.Len != 1 {
		t.Errorf("default _Im_Dns read %d rows, want 1 (ASimDnsActivityLogs only)", b.Len)
	}
	cat, err := Open(OpenOptions{Dirs: []string{dir}, ASimSourceTables: true})
	if err != nil {
		t.Fatal(err)
	}
	fn, _ = cat.TableFunction("_Im_Dns")
	cols := []string{"SrcIpAddr", "DnsQuery", "DnsQueryType", "DnsQueryTypeName", "DnsResponseCode", "EventResultDetails", "EventResult", "Type"}
	tests := []struct {
		name string
		args []types.Arg
		want []string
	}{
		{"all", nil, []string{
			"10.0.0.7|evil.example.com|<null>||<null>|NXDOMAIN||",
			"10.0.0.5|evil.example.com|1|A|3|NXDOMAIN|Failure|DnsEvents",
			"10.0.0.6|good.example.org|28|AAAA|0|NOERROR|Success|DnsEvents",
		}},
		{"nxdomain for a domain", []types.Arg{{Name: "responsecodename", Value: types.StringValue("NXDOMAIN")}, {Name: "domain_has_any", Value: types.DynamicValue([]any{"example.com"})}}, []string{
			"10.0.0.7|evil.example.com|<null>||<null>|NXDOMAIN||",
			"10.0.0.5|evil.example.com|1|A|3|NXDOMAIN|Failure|DnsEvents",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := fn.Call(tc.args)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := scanAll(t, tb, types.ScanOptions{Columns: cols})
			var got []string
			for i := 0; i < b.Len; i++ {
				var parts []string
				for _, c := range cols {
					parts = append(parts, cell(b, i, c))
				}
				got = append(got, strings.Join(parts, "|"))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
