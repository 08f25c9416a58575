package logs

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// TestSharedSamples loads every export sample in the shared data folder
// by directory binding and pins its table, row count, column types and
// first-row values.
func TestSharedSamples(t *testing.T) {
	root := filepath.Join(sharedDir(t), "data", "logs")
	tests := []struct {
		file      string
		table     string
		rows      int
		malformed int64
		types     map[string]types.Type
		first     map[string]string
	}{
		{"azure-sentinel/SonicWallFirewall_Query_Data.csv", "CommonSecurityLog", 453, 0,
			map[string]types.Type{"TimeGenerated": types.DateTime, "DestinationPort": types.Int, "ThreatConfidence": types.String},
			map[string]string{"TimeGenerated": "2020-11-20T16:20:29.443Z", "DestinationPort": "443", "SourceIP": "10.5.192.160", "EventCount": "62"}},
		{"azure-sentinel/CiscoFirepowerEStreamerCONN.csv", "CommonSecurityLog", 6, 0, nil,
			map[string]string{"TimeGenerated": "2020-10-15T18:38:45.828Z", "DestinationPort": "80"}},
		{"azure-sentinel/InfobloxCloudDataConnector-sampledata.csv", "CommonSecurityLog", 107, 0,
			map[string]types.Type{"InfobloxB1FeedName": types.String, "SourcePort": types.Int},
			// Pacific daylight time: 2:16:58 PM PDT is 21:16:58 UTC.
			map[string]string{"TimeGenerated": "2021-10-26T21:16:58.298Z", "SourcePort": "18544", "ReceivedBytes": "<null>"}},
		{"azure-sentinel/wirex_sample_DNS.csv", "CommonSecurityLog", 223, 0, nil,
			map[string]string{"TimeGenerated": "2020-07-22T23:17:03.406Z", "DestinationPort": "53"}},
		{"azure-sentinel/CrowdStrikeFalconEndpointProtection.json", "CommonSecurityLog", 20, 0,
			map[string]types.Type{"ReceiptTime": types.String},
			map[string]string{"TimeGenerated": "2021-02-04T23:57:45.162Z", "ReceiptTime": "1.61248E+12", "DestinationPort": "<null>"}},
		{"azure-sentinel/PaloAltoCDLEvent.json", "CommonSecurityLog", 28, 0, nil,
			map[string]string{"DeviceVendor": "Palo Alto Networks", "TimeGenerated": "<null>"}},
		{"azure-sentinel/InfobloxNIOS.json", "Syslog", 50, 0, nil,
			map[string]string{"TimeGenerated": "2020-07-22T14:10:59.76Z", "Computer": "computer1.domain.org", "ProcessID": "645"}},
		{"azure-sentinel/NXLog_DNS_Server_CL.json", "NXLog_DNS_Server_CL", 1000, 0,
			map[string]types.Type{"EventID": types.Long, "SourceName": types.String}, nil},
		{"azure-sentinel/DNS_Logs_CL.json", "DNS_Logs_CL", 4, 0,
			map[string]types.Type{"EventID": types.Long}, map[string]string{"EventID": "515"}},
		{"azure-sentinel/Corelight_CL.json", "Corelight_CL", 193, 0,
			map[string]types.Type{"message": types.Dynamic, "hostname": types.String}, map[string]string{"hostname": "srv-sentinel-000"}},
		{"export-formats/msticpy_syslog_data.csv", "Syslog", 100, 0,
			map[string]types.Type{"Column1": types.Long},
			map[string]string{"TimeGenerated": "2019-07-08T16:08:00Z", "Computer": "squid-uk-02"}},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			cat, err := Open(OpenOptions{Dirs: []string{linkDir(t, filepath.Join(root, tc.file))}})
			if err != nil {
				t.Fatal(err)
			}
			if names := cat.TableNames(); len(names) != 1 || names[0] != tc.table {
				t.Fatalf("tables %v, want [%s]", names, tc.table)
			}
			tb, _ := cat.Table(tc.table)
			b, st := scanAll(t, tb, types.ScanOptions{})
			if b.Len != tc.rows || st.Rows != int64(tc.rows) {
				t.Errorf("rows %d (stats %d), want %d", b.Len, st.Rows, tc.rows)
			}
			if st.Malformed != tc.malformed {
				t.Errorf("malformed %d, want %d; warnings %v", st.Malformed, tc.malformed, st.Warnings())
			}
			for col, typ := range tc.types {
				i := tb.Schema().Index(col)
				if i < 0 || tb.Schema()[i].Type != typ {
					t.Errorf("column %s: schema %v, want %v", col, tb.Schema()[max(i, 0)], typ)
				}
			}
			for col, want := range tc.first {
				if got := cell(b, 0, col); got != want {
					t.Errorf("first row %s = %q, want %q", col, got, want)
				}
			}
		})
	}
}

// TestSharedRawCEF loads the raw Radiflow CEF sample by content sniffing
// (its name says nothing) as CommonSecurityLog.
func TestSharedRawCEF(t *testing.T) {
	root := filepath.Join(sharedDir(t), "data", "logs", "cef")
	cat, err := Open(OpenOptions{Dirs: []string{root}})
	if err != nil {
		t.Fatal(err)
	}
	tb, ok := cat.Table("CommonSecurityLog")
	if !ok || len(cat.Files()) != 1 || cat.Files()[0].Format != FormatCEF {
		t.Fatalf("files %v", cat.Files())
	}
	b, st := scanAll(t, tb, types.ScanOptions{Columns: []string{"DeviceVendor", "Activity", "LogSeverity", "SourceIP", "DestinationIP", "Computer", "DeviceEventCategory", "AdditionalExtensions"}})
	if b.Len != 36 || st.Malformed != 0 {
		t.Fatalf("rows %d malformed %d: %v", b.Len, st.Malformed, st.Warnings())
	}
	want := map[string]string{
		"DeviceVendor": "radiflow", "Activity": "New Link Detected", "LogSeverity": "Medium",
		"SourceIP": "172.16.2.41", "DestinationIP": "172.16.8.17", "Computer": "radiflow-labs-isid",
		"DeviceEventCategory": "'Link'",
	}
	for col, w := range want {
		if got := cell(b, 0, col); got != w {
			t.Errorf("%s = %q, want %q", col, got, w)
		}
	}
	if ae := cell(b, 0, "AdditionalExtensions"); !strings.HasPrefix(ae, "id=220;pt=502;PtName=Modbus;") {
		t.Errorf("AdditionalExtensions = %q", ae)
	}
}

// TestSharedRawASIM loads the Zeek, Sysmon and Suricata samples by
// content and pins the rows each file feeds to each ASIM table.
func TestSharedRawASIM(t *testing.T) {
	root := filepath.Join(sharedDir(t), "data", "logs")
	dirs := []string{filepath.Join(root, "zeek"), filepath.Join(root, "sysmon"), filepath.Join(root, "suricata")}
	cat, err := Open(OpenOptions{Dirs: dirs})
	if err != nil {
		t.Fatal(err)
	}
	if u := cat.Unrecognised(); len(u) != 0 {
		t.Errorf("unrecognised: %v", u)
	}
	sums, err := cat.Inventory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{
		"ASimDnsActivityLogs/otrf_LSASS_campaign_01_dns.log":                                    96,
		"ASimDnsActivityLogs/otrf_apt29_day2_SCRANTON_dns.log":                                  18,
		"ASimDnsActivityLogs/zeek-btest_opt.basic_dns.log":                                      34,
		"ASimDnsActivityLogs/otrf_sysmon_eid3_eid22_subset.jsonl":                               210,
		"ASimDnsActivityLogs/otrf_cmd_bitsadmin_download_psh_script_2020-10-2302365189.json":    3,
		"ASimDnsActivityLogs/suricata-verify_dns-tcp-www-google-com_eve.json":                   13,
		"ASimDnsActivityLogs/suricata-verify_eve-dns_eve.json":                                  9,
		"ASimDnsActivityLogs/suricata-verify_alert-testmyids_eve.json":                          0,
		"ASimDnsActivityLogs/suricata-verify_detect-ldap-operation_eve.json":                    0,
		"ASimNetworkSessionLogs/otrf_LSASS_campaign_01_conn.log":                                112,
		"ASimNetworkSessionLogs/otrf_apt29_day2_SCRANTON_conn.log":                              53,
		"ASimNetworkSessionLogs/zeek-btest_opt.basic_conn.log":                                  34,
		"ASimNetworkSessionLogs/otrf_sysmon_eid3_eid22_subset.jsonl":                            39,
		"ASimNetworkSessionLogs/otrf_cmd_bitsadmin_download_psh_script_2020-10-2302365189.json": 8,
		"ASimNetworkSessionLogs/suricata-verify_alert-testmyids_eve.json":                       1,
		"ASimNetworkSessionLogs/suricata-verify_detect-ldap-operation_eve.json":                 5, // 4 alerts + 1 flow
		"ASimNetworkSessionLogs/suricata-verify_dns-tcp-www-google-com_eve.json":                1,
		"ASimNetworkSessionLogs/suricata-verify_eve-dns_eve.json":                               0,
	}
	if len(sums) != len(want) {
		t.Errorf("%d bindings, want %d", len(sums), len(want))
	}
	for _, s := range sums {
		key := s.Table + "/" + filepath.Base(s.Path)
		w, ok := want[key]
		if !ok {
			t.Errorf("unexpected binding %s", key)
			continue
		}
		if s.Rows != w {
			t.Errorf("%s: %d rows, want %d", key, s.Rows, w)
		}
		// The btest baselines have canonified "XXXXXXXXXX.XXXXXX" times.
		wantBad := int64(0)
		if strings.Contains(key, "btest") {
			wantBad = 34
		}
		if s.Malformed != wantBad {
			t.Errorf("%s: %d malformed, want %d: %v", key, s.Malformed, wantBad, s.Warnings)
		}
	}

	// One query covers every source: successful answers from Zeek,
	// Sysmon (QueryStatus 0) and Suricata.
	fn, _ := cat.TableFunction("_Im_Dns")
	tb, err := fn.Call([]types.Arg{{Name: "responsecodename", Value: types.StringValue("NOERROR")}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := scanAll(t, tb, types.ScanOptions{Columns: []string{"EventProduct", "DnsQuery", "EventResultDetails"}})
	products := map[string]int{}
	for i := 0; i < b.Len; i++ {
		products[cell(b, i, "EventProduct")]++
		if cell(b, i, "EventResultDetails") != "NOERROR" {
			t.Fatalf("row %d not NOERROR", i)
		}
	}
	if products["Zeek"] == 0 || products["Sysmon"] != 14 || products["Suricata"] != 17 {
		t.Errorf("NOERROR rows by product %v: want Zeek, 14 Sysmon (11 + the 3 also in the bitsadmin file) and 17 Suricata", products)
	}
	tb, _ = fn.Call([]types.Arg{{Name: "responsecodename", Value: types.StringValue("NXDOMAIN")}, {Name: "domain_has_any", Value: types.DynamicValue([]any{"dmevals.local"})}})
	if b, _ := scanAll(t, tb, types.ScanOptions{Columns: []string{"DnsQuery"}}); b.Len == 0 {
		t.Error("no NXDOMAIN for dmevals.local (Zeek JSON sample)")
	}

	fn, _ = cat.TableFunction("_Im_NetworkSession")
	tb, err = fn.Call([]types.Arg{{Name: "dstportnumber", Value: types.LongValue(389)}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = scanAll(t, tb, types.ScanOptions{Columns: []string{"EventProduct", "EventType", "ThreatName", "DstPortNumber"}})
	if b.Len == 0 {
		t.Fatal("no LDAP sessions")
	}
	sawIDS := false
	for i := 0; i < b.Len; i++ {
		if cell(b, i, "DstPortNumber") != "389" {
			t.Fatalf("row %d port %s", i, cell(b, i, "DstPortNumber"))
		}
		if cell(b, i, "EventType") == "IDS" && cell(b, i, "ThreatName") != "" {
			sawIDS = true
		}
	}
	if !sawIDS {
		t.Error("no Suricata alert row with a ThreatName on port 389")
	}
}

// TestSharedResponses loads the saved Log Analytics REST response and the
// ADX v2 frames with their declared column types.
func TestSharedResponses(t *testing.T) {
	root := filepath.Join(sharedDir(t), "data", "logs", "export-formats")
	tests := []struct {
		file   string
		format Format
		rows   int
		cols   int
		types  map[string]types.Type
		first  map[string]string
	}{
		{"msticpy_az_mon_raw_query.json", FormatLARest, 3, 34,
			map[string]types.Type{"TimeGenerated": types.DateTime, "TenantId": types.String},
			map[string]string{"TimeGenerated": "2023-02-20T11:04:02.6371632Z", "AlertSeverity": "Medium"}},
		{"msticpy_kusto_raw_resp.json", FormatADX, 10, 130,
			map[string]types.Type{"CreatedProcessIsElevated": types.Bool},
			map[string]string{"CreatedProcessIsElevated": "true", "CreatedProcessAccountName": "SYSTEM"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			cat, err := Open(OpenOptions{Tables: map[string][]string{"Result": {filepath.Join(root, tc.file)}}})
			if err != nil {
				t.Fatal(err)
			}
			if f := cat.Files()[0]; f.Format != tc.format {
				t.Fatalf("format %s, want %s", f.Format, tc.format)
			}
			tb, _ := cat.Table("Result")
			if len(tb.Schema()) != tc.cols {
				t.Errorf("%d columns, want %d", len(tb.Schema()), tc.cols)
			}
			b, st := scanAll(t, tb, types.ScanOptions{})
			if b.Len != tc.rows || st.Malformed != 0 {
				t.Errorf("rows %d malformed %d %v", b.Len, st.Malformed, st.Warnings())
			}
			for col, typ := range tc.types {
				if i := tb.Schema().Index(col); i < 0 || tb.Schema()[i].Type != typ {
					t.Errorf("column %s type, want %v", col, typ)
				}
			}
			for col, want := range tc.first {
				if got := cell(b, 0, col); got != want {
					t.Errorf("%s = %q, want %q", col, got, want)
				}
			}
		})
	}
}
