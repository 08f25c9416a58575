package jsonl

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/record"
)

// benchLines makes n CommonSecurityLog JSON lines shaped like the
// benchmark generator's (shared/tools/gen): 12 keys, about 310 bytes.
func benchLines(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	vendors := []string{`"Cisco","DeviceProduct":"ASA"`, `"Zscaler","DeviceProduct":"NSSWeblog"`, `"Check Point","DeviceProduct":"VPN-1 & FireWall-1"`}
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"TimeGenerated":"2025-06-01T%02d:%02d:%02d.%03dZ","DeviceVendor":%s,"DeviceAction":"allow","Activity":"traffic:forward close","SourceIP":"10.%d.%d.%d","SourcePort":%d,"DestinationIP":"%d.%d.%d.%d","DestinationPort":%d,"Protocol":"TCP","RequestURL":"","DeviceName":"fw-fra-%02d"}`+"\n",
			i/3600%24, i/60%60, i%60, r.IntN(1000), vendors[r.IntN(len(vendors))], r.IntN(256), r.IntN(256), r.IntN(256),
			1024+r.IntN(60000), 1+r.IntN(223), r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(1024), r.IntN(10))
	}
	return b.Bytes()
}

// benchColumns are the CommonSecurityLog columns of benchLines.
func benchColumns() []record.Col {
	var cols []record.Col
	for _, k := range strings.Split("TimeGenerated DeviceVendor DeviceProduct DeviceAction Activity SourceIP SourcePort DestinationIP DestinationPort Protocol RequestURL DeviceName", " ") {
		cols = append(cols, record.Col{Name: k})
	}
	return cols
}

// ipFilter is the net hunt's raw filter: DestinationIP or SourceIP in a
// set of n addresses.
func ipFilter(n int) *types.RawFilter {
	set := map[string]bool{}
	for i := range n {
		set[fmt.Sprintf("%d.%d.%d.%d", 1+i%223, i*7%256, i*13%256, i*31%256)] = true
	}
	return &types.RawFilter{Columns: []string{"DestinationIP", "SourceIP"}, Keep: func(f [][]byte) bool {
		return set[string(f[0])] || set[string(f[1])]
	}}
}

// scanAll reads every record of data and returns how many came back.
func scanAll(tb testing.TB, data []byte, filter *types.RawFilter, need []bool, full bool) int {
	s := NewSource(io.NopCloser(bytes.NewReader(data)), Options{Columns: benchColumns()})
	s.fastState().off = full
	if need != nil {
		s.Need(need)
	}
	if filter != nil {
		s.PreFilter(context.Background(), filter, nil)
	}
	n := 0
	for {
		_, _, err := s.NextRecord()
		if err == io.EOF {
			return n
		}
		if err != nil {
			tb.Fatal(err)
		}
		n++
	}
}

func benchScan(b *testing.B, filter *types.RawFilter, full bool) {
	data := benchLines(20000, 1)
	need := make([]bool, 12)
	for _, i := range []int{0, 3, 4, 5, 7, 8} { // the net hunt's projection
		need[i] = true
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		scanAll(b, data, filter, need, full)
	}
}

// BenchmarkNetHuntFullScan is the net hunt's read by the general
// Scanner (the fast path off): every object scanned and its projected
// values copied; the sink would apply the filter.
func BenchmarkNetHuntFullScan(b *testing.B) { benchScan(b, nil, true) }

// BenchmarkNetHuntFastPath is the same read by the fast path, without
// the pre-filter.
func BenchmarkNetHuntFastPath(b *testing.B) { benchScan(b, nil, false) }

// BenchmarkNetHuntPreFilter is the fast path with the raw pre-filter:
// the hunt as it runs.
func BenchmarkNetHuntPreFilter(b *testing.B) { benchScan(b, ipFilter(10000), false) }
