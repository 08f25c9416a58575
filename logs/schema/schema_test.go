package schema

import (
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

func TestLookupCounts(t *testing.T) {
	tests := []struct {
		name, flavour string
		cols          int
		timeCol       string
	}{
		{"CommonSecurityLog", "", 163, "TimeGenerated"},
		{"DnsEvents", "", 27, "TimeGenerated"},
		{"DeviceNetworkEvents", "", 47, "TimeGenerated"},
		{"DeviceNetworkEvents", FlavourDefenderXDR, 44, "Timestamp"},
		{"DeviceFileEvents", "", 60, "TimeGenerated"},
		{"DeviceFileEvents", FlavourDefenderXDR, 57, "Timestamp"},
		{"DeviceProcessEvents", "", 65, "TimeGenerated"},
		{"DeviceProcessEvents", FlavourDefenderXDR, 58, "Timestamp"},
		{"Syslog", "", 18, "TimeGenerated"},
		{"UrlClickEvents", "", 18, "TimeGenerated"},
		{"UrlClickEvents", FlavourDefenderXDR, 12, "Timestamp"},
		{"ASimNetworkSessionLogs", "", 146, "TimeGenerated"},
		{"ASimDnsActivityLogs", "", 140, "TimeGenerated"},
		{"CommonSecurityLog", FlavourDefenderXDR, 163, "TimeGenerated"}, // falls back
	}
	for _, tc := range tests {
		t.Run(tc.name+"/"+tc.flavour, func(t *testing.T) {
			s, ok := LookupFlavour(tc.name, tc.flavour)
			if !ok {
				t.Fatalf("LookupFlavour(%q, %q) not found", tc.name, tc.flavour)
			}
			if len(s) != tc.cols {
				t.Errorf("got %d columns, want %d", len(s), tc.cols)
			}
			i := s.Index(tc.timeCol)
			if i < 0 || s[i].Type != types.DateTime {
				t.Errorf("%s missing or not datetime", tc.timeCol)
			}
		})
	}
}

func TestLookupTypes(t *testing.T) {
	tests := []struct {
		table, col string
		want       types.Type
	}{
		{"CommonSecurityLog", "DestinationPort", types.Int},
		{"CommonSecurityLog", "ReceivedBytes", types.Long},
		{"CommonSecurityLog", "ReceiptTime", types.String},
		{"DeviceNetworkEvents", "AdditionalFields", types.Dynamic},
		{"ASimNetworkSessionLogs", "DstPortNumber", types.Int},
		{"UrlClickEvents", "Url", types.String},
		{"UrlClickEvents", "IsClickedThrough", types.Bool},
		{"UrlClickEvents", "UrlChain", types.String},
	}
	for _, tc := range tests {
		t.Run(tc.table+"."+tc.col, func(t *testing.T) {
			s, _ := Lookup(tc.table)
			i := s.Index(tc.col)
			if i < 0 {
				t.Fatalf("no column %s", tc.col)
			}
			if s[i].Type != tc.want {
				t.Errorf("type %v, want %v", s[i].Type, tc.want)
			}
		})
	}
	if s, _ := LookupFlavour("DeviceNetworkEvents", FlavourDefenderXDR); s[s.Index("AdditionalFields")].Type != types.String {
		t.Errorf("defenderxdr AdditionalFields should be string")
	}
}

func TestLookupUnknownAndCopy(t *testing.T) {
	if _, ok := Lookup("NoSuchTable"); ok {
		t.Fatal("unknown table found")
	}
	s, _ := Lookup("Syslog")
	s[0].Name = "changed"
	s2, _ := Lookup("Syslog")
	if s2[0].Name == "changed" {
		t.Fatal("Lookup returned shared slice")
	}
	names := Names()
	if len(names) != 9 {
		t.Errorf("Names() = %v, want 9 tables", names)
	}
}

func TestCEFKeyMap(t *testing.T) {
	m := CEFKeyMap()
	if len(m) != 136 {
		t.Errorf("got %d mappings, want 136", len(m))
	}
	csl, _ := Lookup("CommonSecurityLog")
	for k, col := range m {
		if csl.Index(col) < 0 {
			t.Errorf("CEF key %q maps to %q, not a CommonSecurityLog column", k, col)
		}
	}
	for k, want := range map[string]string{"src": "SourceIP", "dpt": "DestinationPort", "Name": "Activity", "Severity": "LogSeverity", "deviceDirection": "CommunicationDirection"} {
		if got, _ := CEFColumn(k); got != want {
			t.Errorf("CEFColumn(%q) = %q, want %q", k, got, want)
		}
	}
}

func TestParseTSVErrors(t *testing.T) {
	for _, in := range []string{"a\tstring\nb", "a\tnotatype"} {
		if _, err := ParseTSV(in); err == nil {
			t.Errorf("ParseTSV(%q) succeeded", in)
		}
	}
}

func FuzzParseTSV(f *testing.F) {
	f.Add("a\tstring\nb\tlong\n")
	f.Add("x\tdatetime\r\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		sch, err := ParseTSV(s)
		if err == nil {
			for _, fld := range sch {
				if fld.Type == types.Null {
					t.Fatalf("null type in %q", s)
				}
			}
		}
	})
}
