package logs

import (
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// genRows makes n CommonSecurityLog-like rows as CSV or JSON lines.
func genRows(n int, jsonLines bool) string {
	var b strings.Builder
	if !jsonLines {
		b.WriteString("\ufeffTimeGenerated [UTC],DeviceVendor,DeviceProduct,SourceIP,SourcePort,DestinationIP,DestinationPort,Protocol,DeviceAction,Message,ReceivedBytes\n")
	}
	for i := 0; i < n; i++ {
		ts := fmt.Sprintf("11/20/2020, %d:%02d:%02d.%03d PM", 1+i%11, i%60, (i/60)%60, i%1000)
		src := fmt.Sprintf("10.%d.%d.%d", i%256, (i/256)%256, i%7)
		dst := fmt.Sprintf("192.168.%d.%d", i%200, i%250)
		msg := fmt.Sprintf("connection %d allowed by rule \"web, outbound\"", i)
		if jsonLines {
			fmt.Fprintf(&b, `{"TimeGenerated":"2020-11-20T16:%02d:%02d.%03dZ","DeviceVendor":"SonicWall","DeviceProduct":"Firewall","SourceIP":%q,"SourcePort":%d,"DestinationIP":%q,"DestinationPort":443,"Protocol":"tcp","DeviceAction":"allow","Message":%q,"ReceivedBytes":%d}`+"\n",
				i%60, (i/60)%60, i%1000, src, 1024+i%60000, dst, msg, i*17)
			continue
		}
		fmt.Fprintf(&b, "\"%s\",SonicWall,Firewall,%s,%d,%s,443,tcp,allow,\"%s\",%d\n", ts, src, 1024+i%60000, dst, strings.ReplaceAll(msg, `"`, `""`), i*17)
	}
	return b.String()
}

func benchTable(b *testing.B, name, text string, opts types.ScanOptions) {
	benchNamed(b, "CommonSecurityLog", name, text, opts)
}

func benchNamed(b *testing.B, table, name, text string, opts types.ScanOptions) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
		b.Fatal(err)
	}
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		b.Fatal(err)
	}
	tb, ok := cat.Table(table)
	if !ok {
		b.Fatalf("no table %s in %v", table, cat.TableNames())
	}
	rows := strings.Count(text, "\n")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		n := 0
		if err := tb.Scan(context.Background(), opts, func(bt *types.Batch) error { n += bt.Len; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(rows), "rows/op")
}

var projection = []string{"TimeGenerated", "SourceIP", "DestinationPort"}

func BenchmarkCSVScanProjected(b *testing.B) {
	benchTable(b, "CommonSecurityLog.csv", genRows(20000, false), types.ScanOptions{Columns: projection})
}

func BenchmarkCSVScanAll(b *testing.B) {
	benchTable(b, "CommonSecurityLog.csv", genRows(20000, false), types.ScanOptions{})
}

func BenchmarkCSVScanRawFilter(b *testing.B) {
	keep := &types.RawFilter{Columns: []string{"SourceIP"}, Keep: func(f [][]byte) bool { return len(f[0]) > 3 && string(f[0][:3]) == "10." && f[0][3] == '1' }}
	benchTable(b, "CommonSecurityLog.csv", genRows(20000, false), types.ScanOptions{Columns: projection, Filter: keep})
}

func BenchmarkJSONLScanProjected(b *testing.B) {
	benchTable(b, "CommonSecurityLog.jsonl", genRows(20000, true), types.ScanOptions{Columns: projection})
}

func BenchmarkCSVScanParallel(b *testing.B) {
	old := splitMin
	splitMin = 1
	defer func() { splitMin = old }()
	benchTable(b, "CommonSecurityLog.csv", genRows(20000, false), types.ScanOptions{Columns: projection, Concurrent: true})
}

func repeatLines(n int, f func(i int) string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(f(i))
		b.WriteByte('\n')
	}
	return b.String()
}

func BenchmarkJSONArrayScan(b *testing.B) {
	lines := strings.Split(strings.TrimSpace(genRows(20000, true)), "\n")
	benchTable(b, "CommonSecurityLog.json", "[\n"+strings.Join(lines, ",\n")+"\n]\n", types.ScanOptions{Columns: projection})
}

func BenchmarkCEFScan(b *testing.B) {
	text := repeatLines(20000, func(i int) string {
		return fmt.Sprintf("<134>1 2024-03-01T10:00:%02d.123Z fw01 CEF - - - CEF:0|Acme|FW|2|deny|Denied \\| blocked|7|src=10.0.%d.%d dst=8.8.8.8 dpt=443 spt=%d act=deny msg=blocked by rule a\\=b cs1Label=rule cs1=block-all foo=bar", i%60, i%256, i%200, 1024+i%60000)
	})
	benchNamed(b, "CommonSecurityLog", "fw.log", text, types.ScanOptions{Columns: []string{"TimeGenerated", "SourceIP", "DestinationPort"}})
}

func BenchmarkZeekConnTSVScan(b *testing.B) {
	hdr := "#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\n"
	text := hdr + repeatLines(20000, func(i int) string {
		return fmt.Sprintf("1692161622.%06d\tC%d\t10.0.%d.%d\t%d\t8.8.8.8\t53\tudp\tdns\t0.5\t40\t60\tSF", i, i, i%256, i%200, 1024+i%60000)
	})
	benchNamed(b, "ASimNetworkSessionLogs", "conn.log", text, types.ScanOptions{Columns: []string{"TimeGenerated", "SrcIpAddr", "DstPortNumber"}})
}

func BenchmarkSuricataDNSScan(b *testing.B) {
	text := repeatLines(20000, func(i int) string {
		return fmt.Sprintf(`{"timestamp":"2016-05-24T23:27:02.333141+0000","flow_id":%d,"event_type":"dns","src_ip":"10.16.1.1","src_port":53,"dest_ip":"10.16.%d.11","dest_port":53679,"proto":"UDP","dns":{"type":"answer","id":%d,"rcode":"NOERROR","rrname":"h%d.example.com","rrtype":"A","rdata":"52.85.112.21"}}`, i, i%256, i%65536, i)
	})
	benchNamed(b, "ASimDnsActivityLogs", "eve.json", text, types.ScanOptions{Columns: []string{"TimeGenerated", "DnsQuery", "SrcIpAddr"}})
}

func BenchmarkCSVGzipScan(b *testing.B) {
	text := genRows(20000, false)
	var buf strings.Builder
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(text))
	zw.Close()
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "CommonSecurityLog.csv.gz"), []byte(buf.String()), 0o600)
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		b.Fatal(err)
	}
	tb, _ := cat.Table("CommonSecurityLog")
	b.SetBytes(int64(len(text))) // uncompressed bytes per op
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := tb.Scan(context.Background(), types.ScanOptions{Columns: projection}, func(*types.Batch) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSysmonDNSScan(b *testing.B) {
	text := repeatLines(20000, func(i int) string {
		return fmt.Sprintf(`{"EventID":22,"Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"WS%d","UtcTime":"2020-10-23 06:36:42.%03d","QueryName":"h%d.example.com","QueryStatus":"0","QueryResults":"::ffff:1.2.3.4;","ProcessId":"4696","Image":"C:\\Windows\\x.exe"}`, i%50, i%1000, i)
	})
	benchNamed(b, "ASimDnsActivityLogs", "sysmon.json", text, types.ScanOptions{Columns: []string{"TimeGenerated", "DnsQuery", "DvcHostname"}})
}

func BenchmarkDNSDebugScan(b *testing.B) {
	text := "DNS Server log file creation at 5/21/2015 1:50:00 PM\n\n" + repeatLines(20000, func(i int) string {
		return fmt.Sprintf("5/21/2015 1:51:%02d PM 0D48 PACKET  00000000045FDBF0 UDP Rcv 10.250.%d.%d  b94d R Q [8081   DR  NOERROR] A      (10)sitecheck%d(5)opera(3)com(0)", i%60, i%256, i%200, i%10)
	})
	benchNamed(b, "ASimDnsActivityLogs", "dns.log", text, types.ScanOptions{Columns: []string{"TimeGenerated", "DnsQuery", "SrcIpAddr"}})
}

func BenchmarkLARestScan(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"SourceIP","type":"string"},{"name":"DestinationPort","type":"int"}],"rows":[`)
	for i := 0; i < 20000; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "\n[\"2023-02-20T11:04:%02d.6371632Z\",\"10.0.%d.%d\",%d]", i%60, i%256, i%200, i%65536)
	}
	sb.WriteString("]}]}\n")
	benchNamed(b, "CommonSecurityLog", "CommonSecurityLog.json", sb.String(), types.ScanOptions{Columns: projection})
}

func sysmonXMLEvents(n int) string {
	var b strings.Builder
	b.WriteString("<Events>\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/><EventID>22</EventID><Computer>WS%d</Computer></System><EventData><Data Name='RuleName'>-</Data><Data Name='UtcTime'>2020-10-23 06:36:42.%03d</Data><Data Name='ProcessId'>4696</Data><Data Name='QueryName'>h%d.example.com</Data><Data Name='QueryStatus'>0</Data><Data Name='QueryResults'>::ffff:1.2.3.4;</Data><Data Name='Image'>C:\\Windows\\x.exe</Data></EventData></Event>\n", i%50, i%1000, i)
	}
	b.WriteString("</Events>\n")
	return b.String()
}

func BenchmarkSysmonXMLScan(b *testing.B) {
	benchNamed(b, "ASimDnsActivityLogs", "sysmon.xml", sysmonXMLEvents(20000), types.ScanOptions{Columns: []string{"TimeGenerated", "DnsQuery", "DvcHostname"}})
}
