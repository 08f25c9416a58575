package logs_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/exec"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs"
)

// TestASimMatchingInKQL runs the helper columns through the KQL engine:
// projecting and filtering on ASimMatchingIpAddr / ASimMatchingHostname
// must bind and give the parser's values.
func TestASimMatchingInKQL(t *testing.T) {
	dir := t.TempDir()
	csv := "TimeGenerated,SrcIpAddr,DstIpAddr,SrcHostname,DstHostname\n" +
		"2024-01-01T00:00:00Z,10.0.0.1,8.8.8.8,ws1,dns.google\n" +
		"2024-01-01T00:00:01Z,192.168.1.1,10.0.0.9,ws2,evil.example\n" +
		"2024-01-01T00:00:02Z,10.0.0.2,10.0.0.3,ws3,x.example\n"
	if err := os.WriteFile(filepath.Join(dir, "ASimNetworkSessionLogs.csv"), []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ query, want string }{
		{`_Im_NetworkSession(ipaddr_has_any_prefix=dynamic(["10.0."])) | project SrcIpAddr, ASimMatchingIpAddr, ASimMatchingHostname`,
			"10.0.0.1 SrcIpAddr -\n192.168.1.1 DstIpAddr -\n10.0.0.2 Both -"},
		{`_Im_NetworkSession(ipaddr_has_any_prefix=dynamic(["10.0."])) | where ASimMatchingIpAddr == "Both" | project DstIpAddr`,
			"10.0.0.3"},
		{`_Im_NetworkSession(hostname_has_any=dynamic(["example"])) | summarize count() by ASimMatchingHostname | order by ASimMatchingHostname asc`,
			"DstHostname 2"},
		{`_Im_NetworkSession | distinct ASimMatchingIpAddr`, "-"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			q, diags := syntax.Parse("q.kql", tc.query)
			if len(diags) > 0 {
				t.Fatal(diags.Format("q.kql", tc.query))
			}
			res, err := exec.Run(context.Background(), q, exec.Options{Catalog: cat})
			if err != nil {
				t.Fatal(err)
			}
			b := res.Tables[0].Batch
			var lines []string
			for i := 0; i < b.Len; i++ {
				var parts []string
				for _, v := range b.Row(i) {
					parts = append(parts, types.FormatValue(v))
				}
				lines = append(lines, strings.Join(parts, " "))
			}
			if got := strings.Join(lines, "\n"); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
