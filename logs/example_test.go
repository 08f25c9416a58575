package logs_test

import (
	"context"
	"fmt"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs"
)

// ExampleOpen binds a directory holding a portal CSV export (bound by
// name) and a raw CEF log (recognised by content) to CommonSecurityLog,
// then reads three columns of it.
func ExampleOpen() {
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{"testdata/example"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range cat.Files() {
		fmt.Println(f.Table, f.Format, f.Path)
	}
	tb, _ := cat.Table("CommonSecurityLog")
	opts := types.ScanOptions{Columns: []string{"TimeGenerated", "SourceIP", "DestinationPort"}}
	_ = tb.Scan(context.Background(), opts, func(b *types.Batch) error {
		for i := 0; i < b.Len; i++ {
			row := b.Row(i)
			fmt.Printf("%s|%s|%s\n", types.FormatValue(row[0]), row[1].S, types.FormatValue(row[2]))
		}
		return nil
	})
	// Output:
	// CommonSecurityLog csv testdata/example/CommonSecurityLog_portal.csv
	// CommonSecurityLog cef testdata/example/firewall.log
	// 2020-11-20T16:20:29.443Z|10.5.192.160|443
	// 2020-11-20T16:21:00Z|10.5.192.161|
	// 2020-11-20T16:25:00Z|192.0.2.7|8080
}
