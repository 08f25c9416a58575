package pack

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/huntpack/huntpack/kql/exec"
	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs"
)

// identColumn names, per table, the fixture column that says which row hit.
var identColumn = map[string]string{
	"CommonSecurityLog": "Activity", "DeviceNetworkEvents": "DeviceName", "DnsEvents": "ClientIP",
	"DeviceFileEvents": "FileName", "DeviceProcessEvents": "FileName", "UrlClickEvents": "AccountUpn",
	"_Im_NetworkSession": "SrcHostname", "_Im_Dns": "SrcHostname",
}

// TestQueriesRunOnFixtureLogs runs every query of the sample pack with the
// local engine over testdata/logs (Log Analytics CSV exports, one row per
// case: exact and port-less IP hits, near misses, rows outside the time
// window, rows removed by exclusions) and compares the hits.
func TestQueriesRunOnFixtureLogs(t *testing.T) {
	p := buildSample(t)
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{"testdata/logs"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"ip-commonsecuritylog": {
			"c1-exact-dst 46.151.182.76:8080 DestinationIP ip:port 2026-07-22",
			"c2-ip-only 46.151.182.76 DestinationIP ip only 2026-07-20",
			"c3-exact-src 193.29.13.23:5758 SourceIP ip:port 2026-07-19",
		},
		"ip-devicenetworkevents": {
			"d1-exact-2404 46.151.182.76:2404 RemoteIP ip:port 2026-07-20",
			"d3-rdp-other-user 138.9.254.121:8015 RemoteIP ip:port 2026-07-22",
			"d8-inbound-local 193.29.13.23:5758 LocalIP ip:port 2026-07-19",
		},
		"ip-imnetworksession": {
			"a1-exact 46.151.182.76:8080 DstIpAddr ip:port 2026-07-22",
			"a3-ip-only 193.29.13.23 DstIpAddr ip only 2026-07-19",
		},
		"domain-dnsevents": {
			"10.0.1.1 sls.in.net Name 2026-07-22",
			"10.0.1.2 sls.in.net Name 2026-07-22",
		},
		"domain-devicenetworkevents": {
			"d5-domain-bare sls.in.net RemoteUrl 2026-07-22",
			"d7-subdomain-url sls.in.net RemoteUrl 2026-07-22",
		},
		"domain-imdns": {"x1-hit sls.in.net DnsQuery 2026-07-22"},
		"domain-commonsecuritylog": {
			"c7-domain-hostname sls.in.net DestinationHostName 2026-07-22",
			"c12-domain-in-url sls.in.net RequestURL 2026-07-22",
		},
		"url-commonsecuritylog":    {"c10-url-exact http://sup.merahsm188.top/gate.php RequestURL 2026-07-23"},
		"url-devicenetworkevents":  {"d6-url http://sup.merahsm188.top/gate.php RemoteUrl 2026-07-23"},
		"url-urlclickevents":       {"u1-hit@corp.example http://sup.merahsm188.top/gate.php Url 2026-07-23"},
		"hash-devicefileevents":    {"f1-sha256-upper.exe " + strings.Repeat("ab", 32) + " SHA256 2026-07-18", "f2-md5.exe " + strings.Repeat("cd", 16) + " MD5 2026-07-18"},
		"hash-deviceprocessevents": {"p1-remcos.exe " + strings.Repeat("ab", 32) + " SHA256 2026-07-18"},
	}
	for _, q := range p.Queries {
		t.Run(q.ID, func(t *testing.T) {
			res, err := exec.RunString(context.Background(), q.File, q.KQL, exec.Options{Catalog: cat, Now: buildNow})
			if err != nil {
				t.Fatalf("%v\n%s", err, q.KQL)
			}
			got := hitLines(t, res.Tables[0].Batch, identColumn[q.Table])
			w := append([]string(nil), want[q.ID]...)
			sort.Strings(w)
			if d := cmp.Diff(w, got); d != "" {
				t.Errorf("hits (-want +got):\n%s", d)
			}
		})
	}
}

func hitLines(t *testing.T, b *types.Batch, ident string) []string {
	t.Helper()
	col := func(name string) int {
		for i, f := range b.Schema {
			if f.Name == name {
				return i
			}
		}
		return -1
	}
	var out []string
	for r := 0; r < b.Len; r++ {
		row := b.Row(r)
		var parts []string
		for _, name := range []string{ident, "IOC", "MatchedOn", "PortMatch"} {
			if c := col(name); c >= 0 {
				parts = append(parts, types.FormatValue(row[c]))
			} else if name != "PortMatch" {
				t.Fatalf("result has no column %s (schema %v)", name, b.Schema)
			}
		}
		fs := types.FormatValue(row[col("IOCFirstSeen")])
		parts = append(parts, strings.SplitN(fs, "T", 2)[0])
		out = append(out, strings.Join(parts, " "))
	}
	sort.Strings(out)
	return out
}
