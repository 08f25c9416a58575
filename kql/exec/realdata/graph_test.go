package realdata_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/huntpack/huntpack/kql/exec"
	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs"
)

// TestRealCEFGraph builds a SourceIP -> DestinationIP graph from the
// shared CEF sample and checks the graph operators against the same
// facts computed with tabular operators and a union-find in Go.
func TestRealCEFGraph(t *testing.T) {
	path := filepath.Join(sharedDir(t), "data", "logs", "cef", "azure-sentinel_RadiflowIsid_RawLogs.txt")
	cat, err := logs.Open(logs.OpenOptions{Tables: map[string][]string{"CommonSecurityLog": {path}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	run := func(q string) *types.Batch {
		t.Helper()
		res, err := exec.RunString(ctx, "q", `let Conn = CommonSecurityLog | where isnotempty(SourceIP) and isnotempty(DestinationIP) | project SourceIP, DestinationIP;
`+q, exec.Options{Catalog: cat, MaxMemory: 256 << 20})
		if err != nil {
			t.Fatal(err)
		}
		return res.Tables[len(res.Tables)-1].Batch
	}
	one := func(q string) int64 {
		t.Helper()
		b := run(q)
		if b.Len != 1 {
			t.Fatalf("%s: %d rows", q, b.Len)
		}
		return b.Cols[0].Value(0).I
	}
	edges := one(`Conn | count`)
	if edges == 0 {
		t.Skip("the CEF sample has no rows with both SourceIP and DestinationIP")
	}
	if got := one(`Conn | make-graph SourceIP --> DestinationIP with_node_id=ip | graph-to-table edges | count`); got != edges {
		t.Errorf("graph-to-table edges: %d rows, want %d", got, edges)
	}
	if got := one(`Conn | make-graph SourceIP --> DestinationIP with_node_id=ip | graph-match (a)-[e]->(b) project x = 1 | count`); got != edges {
		t.Errorf("one-hop matches: %d, want %d edges", got, edges)
	}
	nodes := one(`union (Conn | project ip = SourceIP), (Conn | project ip = DestinationIP) | distinct ip | count`)
	if got := one(`Conn | make-graph SourceIP --> DestinationIP with_node_id=ip | graph-to-table nodes | count`); got != nodes {
		t.Errorf("graph-to-table nodes: %d, want %d distinct IPs", got, nodes)
	}
	// out-degree of every node equals its row count as a source
	if got := one(`let deg = Conn | summarize d = count() by ip = SourceIP;
Conn | make-graph SourceIP --> DestinationIP with_node_id=ip
| graph-match (a)-->(b) project ip = a.ip, d = node_degree_out(a)
| distinct ip, d | join kind=inner deg on ip | where d != d1 | count`); got != 0 {
		t.Errorf("%d nodes with node_degree_out() different from their source row count", got)
	}
	// weakly connected components, checked with a union-find
	pairs := run(`Conn`)
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if _, ok := parent[x]; !ok {
			parent[x] = x
		}
		if parent[x] != x {
			parent[x] = find(parent[x])
		}
		return parent[x]
	}
	for r := 0; r < pairs.Len; r++ {
		a, b := find(pairs.Cols[0].Value(r).S), find(pairs.Cols[1].Value(r).S)
		parent[a] = b
	}
	roots := map[string]bool{}
	for x := range parent {
		roots[find(x)] = true
	}
	if got := one(`Conn | make-graph SourceIP --> DestinationIP with_node_id=ip | graph-mark-components | graph-to-table nodes | summarize dcount(ComponentId)`); got != int64(len(roots)) {
		t.Errorf("graph-mark-components: %d components, union-find finds %d", got, len(roots))
	}
	t.Logf("CEF graph: %d edges, %d nodes, %d components", edges, nodes, len(roots))
}
