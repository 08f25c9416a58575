package logs

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/klauspost/compress/zstd"
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
