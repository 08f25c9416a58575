package logs

import (
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
