package exec_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/huntpack/huntpack/kql/exec"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// A hunt query over an in-memory table.
func ExampleRunString() {
	dns, err := exec.NewMemTable("DnsEvents", types.Schema{
		{Name: "Computer", Type: types.String}, {Name: "Name", Type: types.String},
	}, [][]types.Value{
		{types.StringValue("pc1"), types.StringValue("www.sls.in.net")},
		{types.StringValue("pc2"), types.StringValue("xsls.in.net")},
	})
	if err != nil {
		panic(err)
	}
	src := `let domains = dynamic(["sls.in.net"]);
DnsEvents | where Name has_any (domains) | project Computer, Name`
	res, err := exec.RunString(context.Background(), "hunt.kql", src,
		exec.Options{Catalog: exec.MemCatalog{}.Add(dns), Now: time.Now()})
	if err != nil {
		panic(err)
	}
	b := res.Tables[0].Batch
	for i := 0; i < b.Len; i++ {
		fmt.Println(types.FormatValue(b.Cols[0].Value(i)), types.FormatValue(b.Cols[1].Value(i)))
	}
	// Output: pc1 www.sls.in.net
}

// Planning errors carry positions for file:line:col messages.
func ExampleRun_diagnostics() {
	src := "DnsEvent | count"
	q, _ := syntax.Parse("hunt.kql", src)
	_, err := exec.Run(context.Background(), q, exec.Options{Catalog: exec.MemCatalog{}.Add(
		&exec.MemTable{TableName: "DnsEvents", Data: types.NewBatch(types.Schema{{Name: "Name", Type: types.String}}, 0)})})
	var de *syntax.DiagError
	if errors.As(err, &de) {
		d := de.Diags.Errors()[0]
		line, col := d.LineCol(src)
		fmt.Printf("hunt.kql:%d:%d: %s\n", line, col, d.Msg)
	}
	// Output: hunt.kql:1:1: unknown table "DnsEvent" (did you mean "DnsEvents"?)
}
