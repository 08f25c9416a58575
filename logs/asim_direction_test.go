package logs

import (
	"path/filepath"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// TestSharedSuricataDNSClientIsSource reads the real suricata-verify EVE
// files, whose UDP answers are written server to client and whose TCP
// answers client to server, and checks that every DNS row has the client
// (10.16.1.11) as SrcIpAddr and the server port as DstPortNumber.
func TestSharedSuricataDNSClientIsSource(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "data", "logs", "suricata")
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	tb, ok := cat.Table("ASimDnsActivityLogs")
	if !ok {
		t.Fatal("no ASimDnsActivityLogs")
	}
	b, _ := scanAll(t, tb, types.ScanOptions{Columns: []string{"SrcIpAddr", "DstIpAddr", "DstPortNumber", "EventSubType"}})
	if b.Len != 22 {
		t.Fatalf("%d DNS rows, want 22", b.Len)
	}
	responses := 0
	for i := 0; i < b.Len; i++ {
		if src, port := cell(b, i, "SrcIpAddr"), cell(b, i, "DstPortNumber"); src != "10.16.1.11" || port != "53" {
			t.Errorf("row %d: SrcIpAddr %s DstIpAddr %s DstPortNumber %s", i, src, cell(b, i, "DstIpAddr"), port)
		}
		if cell(b, i, "EventSubType") == "response" {
			responses++
		}
	}
	if responses != 17 {
		t.Errorf("%d responses, want 17", responses)
	}
}
