package exec

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// joinBenchRows is the size of the log side of the join benchmarks.
const joinBenchRows = 100_000

var (
	joinBenchOnce sync.Once
	joinBenchCat  MemCatalog
	joinBenchIOCs string
)

// joinBenchCatalog returns the generated tables and a datatable of 1000
// ip:port IOCs, 100 of which occur in CommonSecurityLog.DestinationIP.
func joinBenchCatalog(tb testing.TB) (MemCatalog, string) {
	joinBenchOnce.Do(func() {
		joinBenchCat = genSmallCatalog(tb, joinBenchRows)
		t, _ := joinBenchCat.Table("CommonSecurityLog")
		dst := t.(*MemTable).Data.Cols[2].Strs
		var sb strings.Builder
		sb.WriteString("datatable(IP: string, Port: int) [")
		for i := 0; i < 1000; i++ {
			ip := fmt.Sprintf("240.0.%d.%d", i/256, i%256)
			if i < 100 {
				ip = dst[i*97]
			}
			if i > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "%q, %d", ip, 443+i)
		}
		sb.WriteString("]")
		joinBenchIOCs = sb.String()
	})
	return joinBenchCat, joinBenchIOCs
}

// BenchmarkJoin measures join shapes of hunts over an in-memory log of
// joinBenchRows rows: an IOC datatable on either side, a string and a long
// key, and a self join of two log-sized sides.
//
//	go test ./kql/exec -run '^$' -bench Join -benchmem -benchtime 20x
func BenchmarkJoin(b *testing.B) {
	cat, iocs := joinBenchCatalog(b)
	queries := []struct{ name, q string }{
		{"LogJoinIOCs", "let IOCs = " + iocs + ";\nCommonSecurityLog | join kind=inner (IOCs) on $left.DestinationIP == $right.IP | project TimeGenerated, SourceIP, DestinationIP, DestinationPort, IP, Port"},
		{"IOCsJoinLog", "let IOCs = " + iocs + ";\nIOCs | join kind=inner (CommonSecurityLog) on $left.IP == $right.DestinationIP | project TimeGenerated, SourceIP, DestinationIP, DestinationPort, IP, Port"},
		{"InnerUniqueLong", "CommonSecurityLog | join (DeviceNetworkEvents | take 5000 | extend DestinationPort = toint(hash(DeviceName) % 65536)) on DestinationPort | count"},
		{"LeftOuterSelf", "CommonSecurityLog | project SourceIP, DestinationPort | join kind=leftouter (CommonSecurityLog | project DestinationIP, DeviceAction) on $left.SourceIP == $right.DestinationIP | count"},
	}
	for _, c := range queries {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				res, err := RunString(context.Background(), "bench.kql", c.q, Options{Catalog: cat})
				if err != nil {
					b.Fatal(err)
				}
				if res.Tables[0].Batch.Len == 0 {
					b.Fatal("no rows")
				}
			}
			b.ReportMetric(float64(joinBenchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// TestJoinBenchQueries checks the benchmark queries' answers so a faster
// join cannot be a wrong one.
func TestJoinBenchQueries(t *testing.T) {
	cat, iocs := joinBenchCatalog(t)
	tbl, _ := cat.Table("CommonSecurityLog")
	data := tbl.(*MemTable).Data
	ioc := map[string]int{}
	for i := 0; i < 100; i++ {
		ioc[data.Cols[2].Strs[i*97]]++
	}
	want := 0
	for _, ip := range data.Cols[2].Strs {
		if ioc[ip] > 0 {
			want += ioc[ip]
		}
	}
	for _, q := range []string{
		"let IOCs = " + iocs + ";\nCommonSecurityLog | join kind=inner (IOCs) on $left.DestinationIP == $right.IP | count",
		"let IOCs = " + iocs + ";\nIOCs | join kind=inner (CommonSecurityLog) on $left.IP == $right.DestinationIP | count",
	} {
		res, err := RunString(context.Background(), "t.kql", q, Options{Catalog: cat})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Tables[0].Batch.Cols[0].Ints[0]; got != int64(want) {
			t.Errorf("%s: count %d, want %d", q[len(q)-60:], got, want)
		}
	}
}
