package dnsdebug

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/logs/asim"
	"github.com/huntpack/huntpack/logs/record"
)

// debugLog follows the layout of Microsoft's dns.log header; the first
// packet line is the documented 2015 example.
const debugLog = "DNS Server log file creation at 5/21/2015 1:50:00 PM\r\n" +
	"Log file wrap at 5/21/2015 1:50:00 PM\r\n\r\n" +
	"Message logging key (for packets - other items use a subset of these fields):\r\n" +
	"\tField #  Information         Values\r\n\r\n" +
	"5/21/2015 1:51:18 PM 0D48 PACKET  00000000045FDBF0 UDP Rcv 10.250.128.151  b94d R Q [8081   DR  NOERROR] A      (10)sitecheck2(5)opera(3)com(0)\r\n" +
	"5/21/2015 1:51:19 PM 0D48 PACKET  00000000045FDBF0 UDP Rcv 192.168.1.20    1a2b   Q [0001   D   NOERROR] AAAA   (4)evil(7)example(0)\r\n" +
	"5/21/2015 1:51:19 PM 0D48 PACKET  00000000045FDBF0 UDP Snd 192.168.1.20    1a2b R Q [8183   DR NXDOMAIN] AAAA   (4)evil(7)example(0)\r\n" +
	"20.01.2026 23:00:00 0A1C PACKET  000001D2C3B4A5F0 TCP Rcv 10.0.0.7        00ff   Q [0001   D   NOERROR] MX     (7)example(3)org(0)\r\n" +
	"5/21/2015 1:51:20 PM 0D48 PACKET  garbage\r\n" +
	"5/21/2015 1:51:21 PM 0D48 EVENT   The DNS server has started.\r\n"

func TestDebugLog(t *testing.T) {
	var ls [][]byte
	for _, l := range strings.Split(debugLog, "\r\n")[:3] {
		ls = append(ls, []byte(l))
	}
	if !Sniff(ls) {
		t.Fatal("not sniffed")
	}
	p := filepath.Join(t.TempDir(), "dns.log")
	os.WriteFile(p, []byte(debugLog), 0o600)
	src, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	cols := src.Columns()
	fields := make([][]byte, len(cols))
	var rows []map[string]string
	var errs []string
	for {
		clear(fields)
		_, err := src.Next(fields)
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		r := map[string]string{}
		for i, f := range fields {
			if f != nil {
				r[cols[i].Name] = string(f)
			}
		}
		rows = append(rows, r)
	}
	if len(rows) != 4 || len(errs) != 1 || !strings.HasPrefix(errs[0], "line 11:") {
		t.Fatalf("rows %d errs %v", len(rows), errs)
	}
	checks := []map[string]string{
		{"TimeGenerated": "5/21/2015 1:51:18 PM", "DnsQuery": "sitecheck2.opera.com", "DnsQueryType": "1", "EventSubType": "response",
			"DstIpAddr": "10.250.128.151", "EventResultDetails": "NOERROR", "DnsFlagsRecursionDesired": "true", "DnsFlagsRecursionAvailable": "true", "TransactionIdHex": "b94d"},
		{"SrcIpAddr": "192.168.1.20", "EventSubType": "request", "DnsQuery": "evil.example", "DnsQueryTypeName": "AAAA"},
		{"SrcIpAddr": "192.168.1.20", "EventSubType": "response", "EventResultDetails": "NXDOMAIN", "DnsResponseCode": "3", "EventResult": "Failure"},
		{"TimeGenerated": "20.01.2026 23:00:00", "NetworkProtocol": "TCP", "DnsQuery": "example.org", "Type": asim.Dns},
	}
	for i, c := range checks {
		for k, v := range c {
			if rows[i][k] != v {
				t.Errorf("row %d %s = %q, want %q", i, k, rows[i][k], v)
			}
		}
	}
}

func TestDecodeName(t *testing.T) {
	for in, want := range map[string]string{
		"(10)sitecheck2(5)opera(3)com(0)": "sitecheck2.opera.com",
		"(0)":                             "",
		"plain.name":                      "plain.name",
		"(9)short(0)":                     "(9)short(0)",
	} {
		if got := DecodeName(in); got != want {
			t.Errorf("DecodeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzDebugLog(f *testing.F) {
	for _, l := range strings.Split(debugLog, "\r\n") {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, s string) {
		DecodeName(s)
		if h := ServerFromFileName(s); h != "" {
			setDevice(asim.NewBuilder(asim.Dns), h)
		}
		b := asim.NewBuilder(asim.Dns)
		if len(s) > 0 {
			mapLine([]byte(s), 1, b)
		}
	})
}

func TestServerFromFileName(t *testing.T) {
	for in, want := range map[string]string{
		"dns.log":                         "",
		"/c/Windows/System32/dns/dns.log": "",
		"DNS.LOG":                         "",
		"dns.log.1":                       "",
		"dns_debug.log.gz":                "",
		"dc01_dns.log":                    "dc01",
		"DC01-DNS.log.zst":                "DC01",
		"dns_dc02.log":                    "dc02",
		"dns-dc02.txt":                    "dc02",
		"dc03.log.2":                      "dc03",
		"dc01.contoso.local.log":          "dc01.contoso.local",
		"10.0.0.53.log":                   "10.0.0.53",
		"DNS debug (1).log":               "",
		"_dns.log":                        "",
		"server":                          "server",
		"dns-logs/nested/dc04_dns.log.gz": "dc04",
		"-x.log":                          "",
	} {
		if got := ServerFromFileName(in); got != want {
			t.Errorf("ServerFromFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDeviceFields checks Dvc / DvcHostname (and DvcFQDN, DvcIpAddr) on
// every row of a log, by file name.
func TestDeviceFields(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		file string
		want map[string]string
	}{
		{"dns.log", map[string]string{"Dvc": "", "DvcHostname": ""}},
		{"dc01_dns.log", map[string]string{"Dvc": "dc01", "DvcHostname": "dc01", "DvcFQDN": "", "DvcIpAddr": ""}},
		{"dc01.contoso.local.log", map[string]string{"Dvc": "dc01.contoso.local", "DvcHostname": "dc01", "DvcFQDN": "dc01.contoso.local", "DvcDomain": "contoso.local", "DvcDomainType": "FQDN"}},
		{"10.0.0.53.log", map[string]string{"Dvc": "10.0.0.53", "DvcIpAddr": "10.0.0.53", "DvcHostname": ""}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			p := filepath.Join(dir, tc.file)
			if err := os.WriteFile(p, []byte(debugLog), 0o600); err != nil {
				t.Fatal(err)
			}
			src, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			rows := readAll(t, src)
			if len(rows) != 4 {
				t.Fatalf("%d rows", len(rows))
			}
			for i, r := range rows {
				for k, v := range tc.want {
					if r[k] != v {
						t.Errorf("row %d %s = %q, want %q", i, k, r[k], v)
					}
				}
			}
		})
	}
}

// readAll reads every row of src, skipping malformed lines.
func readAll(t *testing.T, src record.Source) []map[string]string {
	t.Helper()
	defer src.Close()
	cols := src.Columns()
	fields := make([][]byte, len(cols))
	var rows []map[string]string
	for {
		clear(fields)
		_, err := src.Next(fields)
		if err == io.EOF {
			return rows
		}
		if err != nil {
			continue
		}
		r := map[string]string{}
		for i, f := range fields {
			if f != nil {
				r[cols[i].Name] = string(f)
			}
		}
		rows = append(rows, r)
	}
}

// TestDetailsModeSkipped: with "Details" logging on, each PACKET line is
// followed by a multi-line dump of the message. The rows come from the
// PACKET lines; the dump lines are skipped without warnings (their
// answers are not parsed).
func TestDetailsModeSkipped(t *testing.T) {
	log := "DNS Server log file creation at 5/21/2015 1:50:00 PM\r\n\r\n" +
		"5/21/2015 1:51:18 PM 0D48 PACKET  00000000045FDBF0 UDP Snd 10.250.128.151  b94d R Q [8081   DR  NOERROR] A      (10)sitecheck2(5)opera(3)com(0)\r\n" +
		"UDP response info at 00000000045FDBF0\r\n" +
		"  Socket = 508\r\n" +
		"  Remote addr 10.250.128.151, port 53\r\n" +
		"  Message:\r\n" +
		"    XID       0xb94d\r\n" +
		"    Flags     0x8180\r\n" +
		"  ANSWER SECTION:\r\n" +
		"    Name      \"[C00C](10)sitecheck2(5)opera(3)com(0)\"\r\n" +
		"      TYPE   A  (1)\r\n" +
		"      DATA   185.26.182.93\r\n" +
		"\r\n" +
		"5/21/2015 1:51:19 PM 0D48 PACKET  00000000045FDBF0 UDP Rcv 192.168.1.20    1a2b   Q [0001   D   NOERROR] AAAA   (4)evil(7)example(0)\r\n" +
		"UDP question info at 00000000045FDBF0\r\n" +
		"  Message:\r\n" +
		"    XID       0x1a2b\r\n"
	p := filepath.Join(t.TempDir(), "dc01_dns.log")
	os.WriteFile(p, []byte(log), 0o600)
	src, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	cols := src.Columns()
	fields := make([][]byte, len(cols))
	var queries []string
	for {
		clear(fields)
		_, err := src.Next(fields)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("detail line reported: %v", err)
		}
		for i, c := range cols {
			if c.Name == "DnsQuery" {
				queries = append(queries, string(fields[i]))
			}
		}
	}
	if strings.Join(queries, ",") != "sitecheck2.opera.com,evil.example" {
		t.Errorf("queries %q", queries)
	}
}
