package exec

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// filterSpy records whether scans got a raw pre-filter.
type filterSpy struct {
	*MemTable
	filtered *atomic.Int32
}

func (f *filterSpy) Scan(ctx context.Context, o types.ScanOptions, emit func(*types.Batch) error) error {
	if o.Filter != nil {
		f.filtered.Add(1)
	}
	return f.MemTable.Scan(ctx, o, emit)
}

// TestJoinPrefilter: every join kind and lookup over a datatable gives
// the same rows whether or not the scan applies the pre-filter, and only
// the kinds that drop unmatched left rows get one.
func TestJoinPrefilter(t *testing.T) {
	var rows [][]types.Value
	for i := 0; i < 3000; i++ {
		ip := fmt.Sprintf("10.0.%d.%d", i%7, i%50)
		if i%11 == 0 {
			ip = ""
		}
		rows = append(rows, []types.Value{sv(ip), types.IntValue(int64(i % 5 * 1000)), lv(int64(i))})
	}
	schema := types.Schema{{Name: "DestinationIP", Type: types.String}, {Name: "Port", Type: types.Int}, {Name: "N", Type: types.Long}}
	const iocs = `let IOCs = datatable(IP: string, P: int) ["10.0.1.1", 1000, "10.0.2.30", 2000, "", 0, "10.0.9.9", 3000, "10.0.1.1", 4000];
let IOC2 = datatable(DestinationIP: string, P: int) ["10.0.1.1", 1000, "", 0, "10.0.2.30", 2000];`
	tests := []struct {
		q        string
		filtered bool
	}{
		{"T | join kind=inner (IOCs) on $left.DestinationIP == $right.IP | where Port == P", true},
		{"T | join (IOCs) on $left.DestinationIP == $right.IP", true},
		{"T | join kind=leftsemi (IOCs) on $left.DestinationIP == $right.IP", true},
		{"T | join kind=rightsemi (IOCs) on $left.DestinationIP == $right.IP", true},
		{"T | join kind=rightouter (IOCs) on $left.DestinationIP == $right.IP", true},
		{"T | join kind=rightanti (IOCs) on $left.DestinationIP == $right.IP", true},
		{"T | join kind=inner (IOCs) on $left.Port == $right.P, $left.DestinationIP == $right.IP", true},
		{"T | lookup kind=inner (IOC2) on DestinationIP", true},
		{"T | lookup kind=inner (IOCs | project DestinationIP = IP, P) on DestinationIP", false},
		{"T | join kind=leftouter (IOCs) on $left.DestinationIP == $right.IP", false},
		{"T | join kind=leftanti (IOCs) on $left.DestinationIP == $right.IP", false},
		{"T | join kind=fullouter (IOCs) on $left.DestinationIP == $right.IP", false},
		{"T | lookup (IOC2) on DestinationIP", false},
		{"T | join kind=inner (IOCs) on $left.Port == $right.P", false},
		{"T | join kind=inner (T | take 3) on DestinationIP", false},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			var results [2]string
			for i, apply := range []bool{false, true} {
				mt, err := NewMemTable("T", schema, rows)
				if err != nil {
					t.Fatal(err)
				}
				mt.ApplyRawFilter = apply
				var n atomic.Int32
				res, err := runQ(t, MemCatalog{}.Add(&filterSpy{MemTable: mt, filtered: &n}), iocs+tc.q)
				if err != nil {
					t.Fatal(err)
				}
				results[i] = sortedRows(res.Tables[0].Batch)
				if got := n.Load() > 0; got != tc.filtered {
					t.Errorf("pre-filter installed: %v, want %v", got, tc.filtered)
				}
				if res.Tables[0].Batch.Len == 0 && tc.filtered {
					t.Errorf("no rows: the test data should join")
				}
			}
			if results[0] != results[1] {
				t.Errorf("with the pre-filter applied:\n%.500s\nwithout:\n%.500s", results[1], results[0])
			}
		})
	}
}
