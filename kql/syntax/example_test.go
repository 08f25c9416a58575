package syntax_test

import (
	"fmt"

	"github.com/huntpack/huntpack/kql/syntax"
)

func ExampleParse() {
	q, diags := syntax.Parse("hunt.kql", "DeviceProcessEvents | where FileName =~ 'powershell.exe' | take 10")
	if diags.HasErrors() {
		fmt.Print(diags.Format("hunt.kql", q.Src))
		return
	}
	pipe := q.Stmts[0].(*syntax.ExprStmt).Expr.(*syntax.PipeExpr)
	fmt.Println(pipe.Source.(*syntax.Ident).Name)
	for _, op := range pipe.Ops {
		fmt.Printf("%T: %s\n", op, syntax.PrintOperator(op))
	}
	// Output:
	// DeviceProcessEvents
	// *syntax.WhereOp: where FileName =~ "powershell.exe"
	// *syntax.TakeOp: take 10
}

func ExampleDiagnostics_Format() {
	src := "SecurityEvent\n| where EventID == 4625\n| summarize count() by\n"
	_, diags := syntax.Parse("failed-logons.kql", src)
	fmt.Print(diags.Format("failed-logons.kql", src))
	// Output:
	// failed-logons.kql:3:23: expected an expression, found end of query
	// | summarize count() by
	//                       ^
}

func ExamplePrint() {
	q, _ := syntax.Parse("q.kql", "let n=5; T|where x>n  // comment\n|project y=x*2, z = 1.5h")
	fmt.Print(syntax.Print(q))
	// Output:
	// let n = 5;
	// T
	//     | where x > n
	//     | project y = x * 2, z = 90m
}
