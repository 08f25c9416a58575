package check_test

import (
	"fmt"

	"github.com/huntpack/huntpack/kql/check"
	"github.com/huntpack/huntpack/kql/types"
)

func ExampleSource() {
	cat := check.MapCatalog{"Logons": types.Schema{
		{Name: "TimeGenerated", Type: types.DateTime},
		{Name: "Account", Type: types.String},
		{Name: "Result", Type: types.String},
	}}
	src := "Logons\n| summarize Failures = countif(Result == 'fail') by Account\n| where Failure > 10\n"
	r := check.Source("brute.kql", src, check.Options{Catalog: cat})
	fmt.Print(r.Diags.Format(r.File, r.Src))
	// Output:
	// brute.kql:3:9: unknown column "Failure"; did you mean "Failures"?
	// | where Failure > 10
	//         ^~~~~~~
}
