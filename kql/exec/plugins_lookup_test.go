package exec

import "testing"

func TestPlugLookupPlugins(t *testing.T) {
	const nets = `let N = datatable(net:string, name:string) ["2001:db8::/32", "doc", "2001:db8:1::/48", "doc1", "10.0.0.0/8", "ten", "::1", "lo"];`
	plugRunTable(t, []struct{ name, q, want string }{
		{"ipv6_lookup most specific wins", nets + ` datatable(ip:string) ["2001:db8:1::5", "2001:db8:2::5", "10.1.2.3", "::1", "fe80::1"] | evaluate ipv6_lookup(N, ip, net)`,
			"net|name|ip\n2001:db8:1::/48|doc1|2001:db8:1::5\n2001:db8::/32|doc|2001:db8:2::5\n10.0.0.0/8|ten|10.1.2.3\n::1|lo|::1"},
		{"ipv6_lookup return_unmatched", nets + ` datatable(ip:string) ["fe80::1", "not an ip"] | evaluate ipv6_lookup(N, ip, net, true)`,
			"net|name|ip\n||fe80::1\n||not an ip"},
		{"ipv6_lookup extra key", `let N = datatable(net:string, k:string, v:long) ["2001:db8::/32", "a", 1, "2001:db8::/32", "b", 2];
datatable(ip:string, k:string) ["2001:db8::9", "b"] | evaluate ipv6_lookup(N, ip, net, k) | project v`, "v\n2"},
		{"rows_near", `range x from 1 to 10 step 1 | evaluate rows_near(x == 5, 1)`, "x\n4\n5\n6"},
		{"rows_near before and after", `range x from 1 to 10 step 1 | evaluate rows_near(x == 2 or x == 9, 2, 0)`, "x\n1\n2\n7\n8\n9"},
		{"schema_merge", `let a = datatable(A:string, B:int)[] | getschema; let b = datatable(A:string, C:long, B:int)[] | getschema;
union a, b | evaluate schema_merge(PreserveOrder = false)`,
			"ColumnName|ColumnOrdinal|DataType|ColumnType\nA|0|System.String|string\nC|1|System.Int64|long\nB|2|System.Int32|int"},
		{"schema_merge out of order", `let a = datatable(A:string, B:int)[] | getschema; let b = datatable(A:string, C:long, B:int)[] | getschema;
union a, b | evaluate schema_merge()`,
			"ColumnName|ColumnOrdinal|DataType|ColumnType\nA|0|System.String|string\nC|1|System.Int64|long\nB|-1|ERROR(unknown CSL type:ERROR(columns are out of order))|ERROR(columns are out of order)"},
		{"schema_merge type conflict", `let a = datatable(A:string)[] | getschema; let b = datatable(A:long)[] | getschema; union a, b | evaluate schema_merge()`,
			"ColumnName|ColumnOrdinal|DataType|ColumnType\nA|0|System.Object|dynamic"},
		{"evaluate output schema with star", `datatable(d:dynamic, D:string) [dynamic({"N":"x","A":2,"h":1}), "s"] | evaluate bag_unpack(d) : (*, N:string, A:long, Z:real)`,
			"D|N|A|Z\ns|x|2|"},
		{"python is refused clearly", `print x = 1 | evaluate python(typeof(*), "result = df")`, "error: not supported by the local engine"},
		{"evaluate output schema without star", `datatable(d:dynamic, D:string) [dynamic({"N":"x","A":2}), "s"] | evaluate bag_unpack(d) : (A:string)`,
			"A\n2"},
	})
}
