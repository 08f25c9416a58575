package exec

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/syntax"
)

// graphG1 is a small graph: a cycle a -> b -> c -> a, an exit c -> d, and a
// node e that only the nodes table knows.
const graphG1 = `let E = datatable(s:string, t:string, k:string)["a","b","x", "b","c","y", "c","a","z", "c","d","w"];
let N = datatable(name:string, w:long)["a",1, "b",2, "c",3, "d",4, "e",5];
let G = E | make-graph s --> t with N on name;
`

func TestGraphMatch(t *testing.T) {
	tests := []struct{ name, q, want string }{
		{"single hop", `G | graph-match (x)-[e]->(y) project a = x.name, b = y.name, k = e.k | sort by a asc, b asc`,
			"a|b|k\na|b|x\nb|c|y\nc|a|z\nc|d|w"},
		{"right to left", `G | graph-match (y)<-[e]-(x) where y.name == "a" project x = x.name`, "x\nc"},
		{"any direction", `G | graph-match (m)-[e]-(n) where m.name == "c" project n = n.name | sort by n asc`, "n\na\nb\nd"},
		{"anonymous elements", `G | graph-match (m)-->()-->(n) where m.name == "a" project n = n.name | sort by n asc`, "n\nc"},
		{"anonymous any and left", `G | graph-match (m)<--()--(n) where m.name == "a" project n = n.name | sort by n asc`, "n\nb\nd"},
		{"variable length bounds", `G | graph-match (p)-[e*2..3]->(q) where p.name == "a" project q = q.name, ks = strcat_array(e.k, ",") | sort by ks asc`,
			"q|ks\nc|x,y\nd|x,y,w\na|x,y,z"},
		{"exact hop count", `G | graph-match (p)-[e*2]->(q) where p.name == "b" project q = q.name | sort by q asc`, "q\na\nd"},
		{"unique edges by default", `G | graph-match (p)-[e*4..4]->(q) where p.name == "a" project q = q.name`, "q"},
		{"cycles=all repeats edges", `G | graph-match cycles=all (p)-[e*4..4]->(q) where p.name == "a" project q = q.name, ks = strcat_array(e.k, "")`, "q|ks\nb|xyzx"},
		{"default allows returning to a node", `G | graph-match (p)-[e*1..3]->(q) where p.name == "a" project q = q.name | sort by q asc`, "q\na\nb\nc\nd"},
		{"cycles=none", `G | graph-match cycles=none (p)-[e*1..3]->(q) where p.name == "a" project q = q.name | sort by q asc`, "q\nb\nc\nd"},
		{"no match", `G | graph-match (p)-[e*1..3]->(q) where p.name == "zzz" project q = q.name`, "q"},
		{"no edges at all", `E | where k == "none" | make-graph s --> t with N on name | graph-match (p)-->(q) project q = q.name`, "q"},
		{"zero length", `G | graph-match (p)-[e*0..1]->(q) where p.name == "a" project q = q.name, n = array_length(e.k) | sort by n asc`, "q|n\na|0\nb|1"},
		{"two sequences", `G | graph-match (x)-[e1]->(y), (y)-[e2]->(z) where x.name == "b" project x = x.name, y = y.name, z = z.name | sort by z asc`,
			"x|y|z\nb|c|a\nb|c|d"},
		{"second sequence anchored in the middle", `G | graph-match (y)-[e2]->(z), (x)-[e1]->(y) where x.name == "b" project x = x.name, y = y.name, z = z.name | sort by z asc`,
			"x|y|z\nb|c|a\nb|c|d"},
		{"closing cycle", `G | graph-match (p)-[e*1..3]->(q)-->(p) project p = p.name, q = q.name | sort by p asc, q asc`,
			"p|q\na|c\nb|a\nc|b"},
		{"all map inner_nodes", `G | graph-match (p)-[e*1..3]->(q) where p.name == "a" and all(e, k != "w")
  project q = q.name, inner = strcat_array(map(inner_nodes(e), name), ">"), ws = map(inner_nodes(e), w) | sort by inner asc`,
			"q|inner|ws\nb||[]\nc|b|[2]\na|b>c|[2,3]"},
		{"variable-length edge property applies to every edge", `G | graph-match (p)-[e*1..3]->(q) where p.name == "a" and e.k != "w" project q = q.name | sort by q asc`,
			"q\na\nb\nc"},
		{"any", `G | graph-match (p)-[e*1..3]->(q) where any(e, k == "z") and p.name == "a" project q = q.name`, "q\na"},
		{"all over inner nodes", `G | graph-match (p)-[e*1..3]->(q) where p.name == "a" and all(inner_nodes(e), w < 3) project q = q.name | sort by q asc`,
			"q\nb\nc"},
		{"inner reads outer variable", `G | graph-match (p)-[e*1..3]->(q) where p.name == "a" and all(inner_nodes(e), w > p.w) project q = q.name | sort by q asc`,
			"q\na\nb\nc\nd"},
		{"node functions", `G | graph-match (p)-[e]->(q) where p.name == "c"
  project q = q.name, din = node_degree_in(p), dout = node_degree_out(p), id = node_id(q), inner = map(inner_nodes(e), node_id()) | sort by q asc`,
			"q|din|dout|id|inner\na|1|2|a|[]\nd|1|2|d|[]"},
		{"unnamed items", `G | graph-match (p)-[e]->(q) where p.name == "a" project p.name, node_degree_out(q)`, "p_name|node_degree_out\na|1"},
		{"inner node degree", `G | graph-match (p)-[e*2..2]->(q) where p.name == "a" project d = map(inner_nodes(e), node_degree_out())`, "d\n[1]"},
		{"bare variables", `G | graph-match (p)-[e]->(q) where p.name == "a" project pb = p, eb = e`,
			`pb|eb` + "\n" + `{"name":"a","w":1}|{"k":"x","s":"a","t":"b"}`},
		{"labels are empty on make-graph graphs", `G | graph-match (p)-[e*1..2]->(q) where p.name == "b" project l = labels(p), le = labels(e), li = map(inner_nodes(e), labels()) | sort by array_length(li) asc`,
			"l|le|li\n[]|[]|[]\n[]|[]|[[]]\n[]|[]|[[]]"},
		{"let scalar in where", `let who = "b"; G | graph-match (p)-->(q) where p.name == who project q = q.name`, "q\nc"},
		{"edge predicate", `G | graph-match (p)-[e]->(q) where e.k in ("y", "w") project p = p.name, q = q.name | sort by q asc`, "p|q\nb|c\nc|d"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := runQ(t, nil, graphG1+tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(res.Tables[len(res.Tables)-1].Batch); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestGraphShortestPaths(t *testing.T) {
	// s reaches t in two hops via a or b, and in three via c, d.
	const g = `let E = datatable(f:string, t:string)["s","a", "s","b", "a","t", "b","t", "s","c", "c","d", "d","t", "t","u"];
E | make-graph f --> t with_node_id=id
`
	tests := []struct{ name, q, want string }{
		{"any", `| graph-shortest-paths (x)-[e*1..3]->(y) where x.id == "s" and y.id == "t" project p = strcat_array(map(inner_nodes(e), id), ",")`, "p\na"},
		{"all", `| graph-shortest-paths output=all (x)-[e*1..3]->(y) where x.id == "s" and y.id == "t" project p = strcat_array(map(inner_nodes(e), id), ",") | sort by p asc`, "p\na\nb"},
		{"predicate on the path", `| graph-shortest-paths (x)-[e*1..3]->(y) where x.id == "s" and y.id == "t" and all(inner_nodes(e), id in ("c", "d")) project p = strcat_array(map(inner_nodes(e), id), ",")`, "p\nc,d"},
		{"per pair", `| graph-shortest-paths (x)-[e*1..4]->(y) where x.id == "s" project y = y.id, n = array_length(e) | sort by y asc`,
			"y|n\na|1\nb|1\nc|1\nd|2\nt|2\nu|3"},
		{"out of range", `| graph-shortest-paths (x)-[e*1..1]->(y) where x.id == "s" and y.id == "u" project n = array_length(e)`, "n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := runQ(t, nil, g+tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(res.Tables[0].Batch); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestGraphToTableAndComponents(t *testing.T) {
	tests := []struct{ name, q, want string }{
		{"nodes with_node_id keeps first-seen order", `E | make-graph s --> t with_node_id=id | graph-to-table nodes`, "id\na\nb\nc\nd"},
		{"nodes from the table then edges", `G | graph-to-table nodes | project name, w`, "name|w\na|1\nb|2\nc|3\nd|4\ne|5"},
		{"edges with hashes equal hash()", `G | graph-to-table edges with_source_id=S with_target_id=T | where S != hash(s) or T != hash(t) | count`, "Count\n0"},
		{"edge columns", `G | graph-to-table edges with_target_id=T | project-away T | take 1`, "s|t|k\na|b|x"},
		{"documented node hash", `print x = 1 | extend s = "Alice", t = "Bob" | make-graph s --> t with_node_id=n | graph-to-table nodes with_node_id=H | where n == "Alice" | project H`,
			"H\n-3122868243544336885"},
		{"nodes and edges as names", `G | graph-to-table nodes as NN, edges as EE; EE | count`, "Count\n4"},
		{"two node tables merge", `let N2 = datatable(id:string, extra:string)["a","A", "z","Z"];
E | make-graph s --> t with N on name, N2 on id | graph-to-table nodes | where name in ("a", "d") | project name, w, id, extra`,
			"name|w|id|extra\na|1|a|A\nd|4||"},
		{"nodes table as a subquery", `E | make-graph s --> t with (N | where w > 2) on name | graph-to-table nodes | project name, w`,
			"name|w\nc|3\nd|4\ne|5\na|\nb|"},
		{"numeric ids, null endpoints dropped", `let E2 = datatable(s:long, t:long)[1,2, 2,long(null), 3,1]; let N2 = datatable(id:int, label:string)[1,"one", 4,"four"];
E2 | make-graph s --> t with N2 on id | graph-to-table nodes`, "id|label\n1|one\n4|four\n2|\n3|"},
		{"null endpoint edge is not exported", `let E2 = datatable(s:long, t:long)[1,2, 2,long(null), 3,1];
E2 | make-graph s --> t with_node_id=n | graph-to-table edges | count`, "Count\n2"},
		{"weak components", `G | graph-mark-components | graph-to-table nodes | project name, ComponentId`, "name|ComponentId\na|0\nb|0\nc|0\nd|0\ne|1"},
		{"strong components", `G | graph-mark-components kind=strong with_component_id=C | graph-to-table nodes | project name, C`, "name|C\na|0\nb|0\nc|0\nd|1\ne|2"},
		{"components then match", `G | graph-mark-components with_component_id=C | graph-match (p)-->(q) where q.C == 0 and p.C == 0 project p = p.name | count`, "Count\n4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := runQ(t, nil, graphG1+tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(res.Tables[len(res.Tables)-1].Batch); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestGraphPartitioned(t *testing.T) {
	q := `let E = datatable(s:string, t:string, tenant:string)["a","b","T1", "b","c","T1", "a","b","T2"];
let N = datatable(name:string, tenant:string, w:long)["a","T1",1, "b","T1",2, "c","T1",3, "a","T2",10, "b","T2",20];
E | make-graph s --> t with N on name partitioned-by tenant (
    graph-match (p)-[e*1..2]->(q) project tenant = p.tenant, p = p.name, q = q.name, w = q.w
) | sort by tenant asc, q asc, p asc`
	res, err := runQ(t, nil, q)
	if err != nil {
		t.Fatal(err)
	}
	want := "tenant|p|q|w\nT1|a|b|2\nT1|a|c|3\nT1|b|c|3\nT2|a|b|20"
	if got := render(res.Tables[0].Batch); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestGraphErrors(t *testing.T) {
	tests := []struct{ name, q, msg, at string }{
		{"unknown node property", `G | graph-match (p)-->(q) project x = p.nope`, `node p has no property "nope"`, "p.nope"},
		{"unknown edge property", `G | graph-match (p)-[e]->(q) project x = e.nope`, `edge e has no property "nope"`, "e.nope"},
		{"missing project", `G | graph-match (p)-->(q) where p.name == "a"`, "needs a project clause", ""},
		{"bad pattern", `G | graph-match (p)-[e]>(q) project x = 1`, "expected - in a pattern edge", ">"},
		{"both directions", `G | graph-match (p)<-[e]->(q) project x = 1`, "cannot point both ways", "<-[e]->"},
		{"bad hops", `G | graph-match (p)-[e*3..1]->(q) project x = 1`, "below the minimum", ""},
		{"bad cycles", `G | graph-match cycles=some (p)-->(q) project x = 1`, "cycles must be", ""},
		{"graph without operator", `G`, "must be followed by a graph operator", ""},
		{"graph operator without graph", `E | graph-match (p)-->(q) project x = 1`, "needs a graph as input", ""},
		{"unknown source column", `E | make-graph nope --> t | graph-to-table nodes`, `unknown column "nope"`, "nope"},
		{"disconnected sequences", `G | graph-match (p)-->(q), (x)-->(y) project a = 1`, "must share a node variable", ""},
		{"inner_nodes alone", `G | graph-match (p)-[e*1..2]->(q) project a = inner_nodes(e)`, "only allowed as the first argument", "inner_nodes(e)"},
		{"zero-arg degree outside", `G | graph-match (p)-->(q) project a = node_degree_in()`, "without an argument", ""},
		{"shortest with two sequences", `G | graph-shortest-paths (p)-[e*1..2]->(q), (q)-->(r) project a = 1`, "single path pattern", ""},
		{"partition column missing", `E | make-graph s --> t partitioned-by nope (graph-to-table nodes)`, `unknown column "nope"`, "nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := graphG1 + tc.q
			_, err := runQ(t, nil, src)
			if err == nil {
				t.Fatalf("no error, want %q", tc.msg)
			}
			var de *syntax.DiagError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a diagnostic", err)
			}
			d := de.Diags.Errors()[0]
			if !strings.Contains(d.Msg, tc.msg) {
				t.Fatalf("error %q, want %q", d.Msg, tc.msg)
			}
			if tc.at != "" {
				if d.Span.Start < 0 || d.Span.End > len(src) || src[d.Span.Start:d.Span.End] != tc.at {
					t.Errorf("error at %v (%q), want %q", d.Span, src[max(0, d.Span.Start):min(len(src), max(d.Span.End, d.Span.Start))], tc.at)
				}
			}
		})
	}
}

func TestGraphMemoryLimit(t *testing.T) {
	q := `range i from 1 to 20000 step 1 | extend s = tostring(i), t = tostring(i + 1) | make-graph s --> t with_node_id=id | graph-to-table nodes | count`
	_, err := RunString(context.Background(), "q.kql", q, Options{MaxMemory: 64 << 10})
	if !errors.Is(err, ErrMemoryLimit) {
		t.Fatalf("err = %v, want ErrMemoryLimit", err)
	}
	res, err := RunString(context.Background(), "q.kql", q, Options{MaxMemory: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if got := render(res.Tables[0].Batch); got != "Count\n20001" {
		t.Errorf("got %s", got)
	}
}

func TestGraphCancel(t *testing.T) {
	// a dense graph whose paths explode: the search must stop on cancel.
	q := `range i from 1 to 40 step 1 | extend j = range(1, 40, 1) | mv-expand j to typeof(long) | where i != j
| make-graph i --> j with_node_id=id | graph-match cycles=all (a)-[e*1..12]->(b) project x = 1 | count`
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := RunString(ctx, "q.kql", q, Options{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the search took %v to stop", d)
	}
}

func TestGraphTakeStopsSearch(t *testing.T) {
	// the same explosive search as TestGraphCancel: take must end it early.
	q := `range i from 1 to 40 step 1 | extend j = range(1, 40, 1) | mv-expand j to typeof(long) | where i != j
| make-graph i --> j with_node_id=id | graph-match cycles=all (a)-[e*1..12]->(b) project n = array_length(e) | take 3`
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := RunString(ctx, "q.kql", q, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Tables[0].Batch.Len; got != 3 {
		t.Errorf("got %d rows, want 3", got)
	}
}

func FuzzGraphParse(f *testing.F) {
	for _, s := range []string{
		`cycles=none (n1)-[e*2..4]->(n2) where n1.userId != n2.userId and all(e, k == "x") project a = map(e, k)`,
		`(a)<-[r*1..5]-(b), (b)--(c) where a.name == "Alice" project b.name`,
		`(x)-->()<--(y)-[*3]-(z) project x = 1`,
		`output=all (s)-[c*1..5]->(d) where s.id == "X" project p = map(inner_nodes(c), id)`,
	} {
		f.Add("graph-match", s)
	}
	f.Add("make-graph", `Source --> Destination with nodes on name, (T | where x > 1) on id partitioned-by p (graph-to-table nodes)`)
	f.Add("make-graph", `a --> b with_node_id=name`)
	f.Add("graph-to-table", `nodes as N with_node_id=NodeId, edges as E with_source_id=S with_target_id=T`)
	f.Add("graph-mark-components", `kind=strong with_component_id=c`)
	f.Fuzz(func(t *testing.T, op, text string) {
		var err error
		switch op {
		case "make-graph":
			_, err = graphParseMake(text, 20)
		case "graph-to-table":
			_, err = graphParseToTable(text, 20)
		case "graph-mark-components":
			_, _, err = graphParseComponents(text, 20)
		default:
			var spec *graphMatchSpec
			spec, err = graphParseMatch("graph-match", text, 20)
			if err == nil && (len(spec.paths) == 0 || len(spec.proj) == 0) {
				t.Fatalf("parsed %q without a pattern or project", text)
			}
		}
		var pe *planError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error %v is not positioned", err)
		}
		if pe != nil && (pe.span.Start < 0 || pe.span.End > 20+len(text)+1) {
			t.Fatalf("span %v outside the text %q", pe.span, text)
		}
	})
}
