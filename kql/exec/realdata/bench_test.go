package realdata_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/exec"
	"github.com/huntpack/huntpack/logs"
)

// writeCSL writes a CommonSecurityLog CSV export of n rows; about 1 in
// 1000 rows touches an IOC of the seed hunt.
func writeCSL(tb testing.TB, dir string, n int) string {
	tb.Helper()
	path := filepath.Join(dir, "CommonSecurityLog.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "TimeGenerated,DeviceVendor,DeviceProduct,SourceIP,DestinationIP,DestinationPort,DeviceAction,Activity,Message")
	r := rand.New(rand.NewSource(1))
	base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	ip := func() string {
		if r.Intn(1000) == 0 {
			return "46.151.182.76"
		}
		return fmt.Sprintf("10.%d.%d.%d", r.Intn(256), r.Intn(256), r.Intn(256))
	}
	for i := 0; i < n; i++ {
		ts := base.Add(time.Duration(r.Intn(30*24*3600)) * time.Second).Format("2006-01-02T15:04:05Z")
		fmt.Fprintf(w, "%s,Fortinet,FortiGate,%s,%s,%d,accept,traffic,\"srcport=%d policy=17 msg=\"\"allowed\"\"\"\n", ts, ip(), ip(), r.Intn(65536), r.Intn(65536))
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkSeedCSV runs the seed hunt's CommonSecurityLog query over a
// generated CSV export read through the logs catalog (parallel scan,
// projection and raw pre-filter push-down).
func BenchmarkSeedCSV(b *testing.B) {
	const rows = 300_000
	path := writeCSL(b, b.TempDir(), rows)
	st, _ := os.Stat(path)
	cat, err := logs.Open(logs.OpenOptions{Tables: map[string][]string{"CommonSecurityLog": {path}}})
	if err != nil {
		b.Fatal(err)
	}
	q := `let malicious_ips = dynamic(["138.9.254.121", "46.151.182.76", "193.29.13.23"]);
CommonSecurityLog
| where DestinationIP in (malicious_ips) or SourceIP in (malicious_ips)
| project TimeGenerated, SourceIP, DestinationIP, DestinationPort, DeviceAction, Activity
| order by TimeGenerated desc`
	b.SetBytes(st.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := exec.RunString(context.Background(), "seed.kql", q, exec.Options{Catalog: cat})
		if err != nil {
			b.Fatal(err)
		}
		if res.Tables[0].Batch.Len == 0 {
			b.Fatal("no hits")
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
