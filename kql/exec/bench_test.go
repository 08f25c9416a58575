package exec

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// benchRows is the size of the generated tables for the seed benchmarks.
const benchRows = 200_000

// genCatalog generates the seed hunt's three tables with benchRows rows
// each; about 1 in 1000 rows touches an IOC.
func genCatalog(tb testing.TB) MemCatalog { return genSmallCatalog(tb, benchRows) }

// genSmallCatalog generates the three tables with n rows each.
func genSmallCatalog(tb testing.TB, benchRows int) MemCatalog {
	tb.Helper()
	r := rand.New(rand.NewSource(1))
	ip := func() string {
		if r.Intn(1000) == 0 {
			return []string{"138.9.254.121", "46.151.182.76", "193.29.13.23"}[r.Intn(3)]
		}
		return fmt.Sprintf("10.%d.%d.%d", r.Intn(256), r.Intn(256), r.Intn(256))
	}
	base := int64(639000000000000000)
	csl := types.NewBatch(types.Schema{
		{Name: "TimeGenerated", Type: types.DateTime}, {Name: "SourceIP", Type: types.String},
		{Name: "DestinationIP", Type: types.String}, {Name: "DestinationPort", Type: types.Int},
		{Name: "DeviceAction", Type: types.String}, {Name: "Activity", Type: types.String},
		{Name: "DeviceVendor", Type: types.String}, {Name: "Message", Type: types.String},
	}, benchRows)
	dne := types.NewBatch(types.Schema{
		{Name: "Timestamp", Type: types.DateTime}, {Name: "DeviceName", Type: types.String},
		{Name: "RemoteIP", Type: types.String}, {Name: "RemotePort", Type: types.Int},
		{Name: "InitiatingProcessFileName", Type: types.String}, {Name: "ActionType", Type: types.String},
	}, benchRows)
	dns := types.NewBatch(types.Schema{
		{Name: "TimeGenerated", Type: types.DateTime}, {Name: "Computer", Type: types.String},
		{Name: "Name", Type: types.String}, {Name: "IPAddresses", Type: types.String}, {Name: "QueryType", Type: types.String},
	}, benchRows)
	for i := 0; i < benchRows; i++ {
		t := types.DateTimeValue(base + int64(r.Intn(1<<30))*types.TicksPerSecond/16)
		for j, v := range []types.Value{t, types.StringValue(ip()), types.StringValue(ip()), types.IntValue(int64(r.Intn(65536))),
			types.StringValue("allow"), types.StringValue("TRAFFIC"), types.StringValue("Fortinet"), types.StringValue("msg=connection accepted policy=17")} {
			csl.Cols[j].Append(v)
		}
		for j, v := range []types.Value{t, types.StringValue(fmt.Sprintf("ws%04d", r.Intn(5000))), types.StringValue(ip()),
			types.IntValue(443), types.StringValue("chrome.exe"), types.StringValue("ConnectionSuccess")} {
			dne.Cols[j].Append(v)
		}
		name := fmt.Sprintf("host%d.example%d.com", r.Intn(100000), r.Intn(50))
		if r.Intn(1000) == 0 {
			name = "www.sls.in.net"
		}
		for j, v := range []types.Value{t, types.StringValue(fmt.Sprintf("pc%04d", r.Intn(5000))), types.StringValue(name),
			types.StringValue("1.2.3.4"), types.StringValue("A")} {
			dns.Cols[j].Append(v)
		}
	}
	csl.Len, dne.Len, dns.Len = benchRows, benchRows, benchRows
	return MemCatalog{}.Add(&MemTable{TableName: "CommonSecurityLog", Data: csl},
		&MemTable{TableName: "DeviceNetworkEvents", Data: dne}, &MemTable{TableName: "DnsEvents", Data: dns})
}

var seedQueries = map[string]string{
	"CommonSecurityLog": `let malicious_ips = dynamic(["138.9.254.121", "46.151.182.76", "193.29.13.23"]);
CommonSecurityLog
| where DestinationIP in (malicious_ips) or SourceIP in (malicious_ips)
| project TimeGenerated, SourceIP, DestinationIP, DestinationPort, DeviceAction, Activity
| order by TimeGenerated desc`,
	"DeviceNetworkEvents": `let malicious_ips = dynamic(["138.9.254.121", "46.151.182.76", "193.29.13.23"]);
DeviceNetworkEvents
| where RemoteIP in (malicious_ips)
| project Timestamp, DeviceName, RemoteIP, RemotePort, InitiatingProcessFileName, ActionType
| order by Timestamp desc`,
	"DnsEvents": `let malicious_domains = dynamic(["sls.in.net"]);
DnsEvents
| where Name has_any (malicious_domains)
| project TimeGenerated, Computer, Name, IPAddresses, QueryType
| order by TimeGenerated desc`,
	"Summarize": `CommonSecurityLog | summarize count(), dcount(DestinationIP) by DeviceAction, bin(TimeGenerated, 1h)`,
	"Extend":    `CommonSecurityLog | extend n = strlen(Message), u = tolower(DeviceVendor) | where n > 5 and u == "fortinet" and DestinationPort > 1024 | count`,
	"Join":      `CommonSecurityLog | take 20000 | join kind=inner (DeviceNetworkEvents | take 20000 | project DestinationIP = RemoteIP, DeviceName) on DestinationIP | count`,
}

// BenchmarkSeed runs the seed hunt's three queries (and a summarize) over
// generated in-memory tables of benchRows rows.
func BenchmarkSeed(b *testing.B) {
	cat := genCatalog(b)
	for _, name := range []string{"CommonSecurityLog", "DeviceNetworkEvents", "DnsEvents", "Summarize", "Extend", "Join"} {
		q := seedQueries[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				res, err := RunString(context.Background(), "bench.kql", q, Options{Catalog: cat})
				if err != nil {
					b.Fatal(err)
				}
				if res.Tables[0].Batch.Len == 0 {
					b.Fatal("no rows")
				}
			}
			b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
