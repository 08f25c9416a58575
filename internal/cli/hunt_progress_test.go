package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/hunt/local"
)

// huntBigPack writes a one-query pack whose logs/ hold a CommonSecurityLog
// CSV export of about 8 MiB (rows hitting the IOC at the start and end).
func huntBigPack(t *testing.T, rows int) (dir string, size int64) {
	t.Helper()
	dir = t.TempDir()
	for _, d := range []string{"queries", "logs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The regular expression makes every row cost some time, so the
	// plain progress lines (every millisecond here) see the scan midway.
	q := "CommonSecurityLog\n| where DestinationIP == \"46.151.182.76\" or Message matches regex @\"allowed by rule [0-9]+ x\"\n| project TimeGenerated, SourceIP, DestinationIP, DestinationPort\n"
	if err := os.WriteFile(filepath.Join(dir, "queries", "01_big.kql"), []byte(q), 0o644); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString("TimeGenerated [UTC],DeviceVendor,SourceIP,DestinationIP,DestinationPort,Message\n")
	for i := 0; i < rows; i++ {
		dst := fmt.Sprintf("192.168.%d.%d", i%200, i%250)
		if i == 0 || i == rows-1 {
			dst = "46.151.182.76"
		}
		fmt.Fprintf(&b, "\"5/23/2026, %d:%02d:%02d.000 AM\",SonicWall,10.%d.%d.%d,%s,8080,\"connection %d allowed by rule \"\"web, outbound\"\"\"\n",
			1+i%11, i%60, (i/60)%60, i%256, (i/256)%256, i%7, dst, i)
	}
	path := filepath.Join(dir, "logs", "CommonSecurityLog.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, int64(b.Len())
}

// TestHuntProgressBytes runs `huntpack hunt` over a pack with one large
// log file, stderr not a terminal, and checks the plain progress lines:
// the percentage and the bytes read of the table's size move while the
// file is read (some line is strictly between 0% and 100%), with the
// files, rows and rate; then the run summary follows. The lines come from
// a timer, so on a loaded machine a run may see none midway: the run is
// then repeated (up to 5 times). That the counter moves while a file is
// read is proven without timing by logs.TestScanReadMeter.
func TestHuntProgressBytes(t *testing.T) {
	old := huntPlainInterval
	huntPlainInterval = time.Millisecond
	defer func() { huntPlainInterval = old }()
	for _, tc := range []struct {
		name string
		rows int
	}{
		{"one file", 60000},
		{"parallel byte ranges", 100000}, // over 8 MiB: scanned in ranges
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, size := huntBigPack(t, tc.rows)
			for try := 1; ; try++ {
				mid, stderr := huntProgressBytes(t, dir, size, tc.rows)
				if mid > 0 {
					return
				}
				if try == 5 {
					t.Fatalf("no progress line midway through the file in %d runs; last stderr:\n%s", try, stderr)
				}
			}
		})
	}
}

// huntProgressBytes runs the pack in dir, checks its progress lines and
// summary, and returns how many lines were midway through the file.
func huntProgressBytes(t *testing.T, dir string, size int64, rows int) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"hunt", dir}, Env{Stdout: &out, Stderr: &errb, Now: huntNow})
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "01_big (CommonSecurityLog): 2 hits") {
		t.Errorf("report:\n%s", out.String())
	}
	total := huntBytes(size)
	line := regexp.MustCompile(`^huntpack: progress: \[([#-]{20})\] +(\d+)% query 1/1 01_big · CommonSecurityLog (\d+(?:\.\d)? [KMG]?i?B) of ` + regexp.QuoteMeta(total) + ` · (\d)/1 files · (\d+) rows · (\d+) rows/s$`)
	var mid int
	lastPct := -1
	for _, ln := range strings.Split(errb.String(), "\n") {
		if !strings.HasPrefix(ln, "huntpack: progress:") {
			continue
		}
		if ln == "huntpack: progress: [--------------------] query 1/1 01_big · 0 rows · 0 rows/s" {
			continue // before the scan starts
		}
		m := line.FindStringSubmatch(ln)
		if m == nil {
			t.Fatalf("progress line %q does not match %s", ln, line)
		}
		pct, _ := strconv.Atoi(m[2])
		if pct < lastPct {
			t.Errorf("progress went back: %d%% after %d%%", pct, lastPct)
		}
		lastPct = pct
		if want := strings.Count(m[1], "#"); want != pct*20/100 {
			t.Errorf("bar %s for %d%%", m[1], pct)
		}
		if pct > 0 && pct < 100 {
			mid++
		}
	}
	if !strings.Contains(errb.String(), "huntpack: ran 1 of 1 queries") || !strings.Contains(errb.String(), fmt.Sprintf("%d rows", rows)) {
		t.Errorf("no run summary:\n%s", errb.String())
	}
	return mid, errb.String()
}

// TestHuntBarFits checks the terminal bar never takes more than 79
// columns (a wrapped line cannot be redrawn in place): long table and
// query names are shortened, the numbers are kept.
func TestHuntBarFits(t *testing.T) {
	long := strings.Repeat("VeryLongCustomTable_", 6) + "CL"
	tests := []struct {
		name string
		sn   huntSnap
		want []string
	}{
		{"local", huntSnap{i: 1, n: 3, name: "02_x", local: true, pct: 45,
			scan: local.ScanProgress{Table: "DeviceNetworkEvents", Read: 45 << 20, Total: 100 << 20, Files: 1, TotalFiles: 4}, rate: 812345},
			[]string{"[####------]  45% 2/3 DeviceNetworkEvents 45.0/100.0 MiB 1/4 files 812k rows/s"}},
		{"long table", huntSnap{i: 0, n: 12, name: "q", local: true, pct: 99,
			scan: local.ScanProgress{Table: long, Read: 99 << 30, Total: 100 << 30, Files: 310, TotalFiles: 1000}, rate: 2.5e6},
			[]string{"[#########-]  99% 1/12 VeryLong", "… 99.0/100.0 GiB 310/1000 files 2.5M rows/s"}},
		{"before the first scan", huntSnap{i: 0, n: 2, name: long, local: true, pct: -1},
			[]string{"[----------] 1/2 VeryLong", "… 0 rows/s"}},
		{"remote", huntSnap{i: 2, n: 4, name: long, pct: -1}, []string{"[#####-----] 3/4 VeryLong", "…"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.sn.bar()
			if w := huntWidth(got); w > huntBarWidth {
				t.Errorf("bar is %d columns: %q", w, got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("bar %q lacks %q", got, w)
				}
			}
		})
	}
}
