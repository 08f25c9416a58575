// Package realdata_test runs the engine over real log samples from the
// shared corpus through the logs catalog. It lives in its own package so
// that kql/exec's own tests do not depend on the log readers.
package realdata_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/exec"
	"github.com/huntpack/huntpack/logs"
)

// sharedDir finds the shared corpus: $HUNTPACK_SHARED or ../shared next
// to the repository root.
func sharedDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("HUNTPACK_SHARED"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			s := filepath.Join(filepath.Dir(d), "shared")
			if _, err := os.Stat(s); err == nil {
				return s
			}
			break
		}
	}
	t.Skip("shared corpus not found (set HUNTPACK_SHARED or put it at ../shared next to the repo)")
	return ""
}

// TestRealCEF runs queries over the shared corpus's raw CEF sample
// (Radiflow iSID, from Azure-Sentinel) through the logs catalog.
func TestRealCEF(t *testing.T) {
	path := filepath.Join(sharedDir(t), "data", "logs", "cef", "azure-sentinel_RadiflowIsid_RawLogs.txt")
	cat, err := logs.Open(logs.OpenOptions{Tables: map[string][]string{"CommonSecurityLog": {path}}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want, firstVendor := 0, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if i := strings.Index(sc.Text(), "CEF:"); i >= 0 {
			want++
			if firstVendor == "" {
				firstVendor = strings.Split(sc.Text()[i:], "|")[1]
			}
		}
	}
	ctx := context.Background()
	res, err := exec.RunString(ctx, "q", `CommonSecurityLog | count`, exec.Options{Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Tables[0].Batch.Cols[0].Ints[0]; got != int64(want) {
		t.Errorf("count = %d, want %d CEF lines", got, want)
	}
	res, err = exec.RunString(ctx, "q", `CommonSecurityLog | summarize n = count() by DeviceVendor | where DeviceVendor == "`+firstVendor+`"`, exec.Options{Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tables[0].Batch.Len != 1 {
		t.Errorf("vendor %q: got %d rows", firstVendor, res.Tables[0].Batch.Len)
	}
	res, err = exec.RunString(ctx, "q", `let ips = toscalar(CommonSecurityLog | where isnotempty(SourceIP) | take 1 | project SourceIP);
CommonSecurityLog | where SourceIP in (ips) or DestinationIP in (ips) | project TimeGenerated, SourceIP, DestinationIP | order by TimeGenerated desc`, exec.Options{Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tables[0].Batch.Len == 0 {
		t.Errorf("no rows for an IP taken from the data")
	}
}
