package examplestest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/internal/cli"
)

const (
	seedDir = "../../examples/remcos"
	asimDir = "../../examples/remcos-asim"
)

// vantage is what a source sees of the seed's network sessions.
type vantage int

const (
	noSessions vantage = iota // DNS only
	sensor                    // network sensor: the firewall's sessions (CommonSecurityLog)
	endpoint                  // endpoint agent: DeviceNetworkEvents' sessions
)

// source is one folder of examples/remcos-asim/logs.
type source struct {
	dir     string
	view    vantage
	alerts  int  // IDS rows expected among the network hits
	seconds bool // DNS times have whole seconds only
}

// sources are the folders and what each can hold of the seed's rows
// (examples/remcos-asim/README.md, "Expected hits per source"): sensors
// see the firewall's sessions, Sysmon the endpoint's (no listening
// sockets, no firewall-only session), the DNS debug log only lookups, at
// whole seconds.
var sources = []source{
	{dir: "zeek-tsv", view: sensor},
	{dir: "zeek-json", view: sensor},
	{dir: "suricata", view: sensor, alerts: 1},
	{dir: "sysmon-json", view: endpoint},
	{dir: "sysmon-xml", view: endpoint},
	{dir: "dnsdebug", view: noSessions, seconds: true},
}

// The queries of both packs.
var (
	seedNet      = filepath.Join(seedDir, "queries", "01_CommonSecurityLog_ips.kql")
	seedEndpoint = filepath.Join(seedDir, "queries", "02_DeviceNetworkEvents_ips.kql")
	seedDNS      = filepath.Join(seedDir, "queries", "03_DnsEvents_domains.kql")
	asimNet      = filepath.Join(asimDir, "queries", "01_ImNetworkSession_ips.kql")
	asimEndpoint = filepath.Join(asimDir, "queries", "02_ImNetworkSession_endpoint_ips.kql")
	asimDNS      = filepath.Join(asimDir, "queries", "03_ImDns_domains.kql")
)

// huntpack runs the CLI in-process and returns its exit code and output.
func huntpack(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, cli.Env{
		Stdin:  strings.NewReader(""),
		Stdout: &out,
		Stderr: &errb,
		Now:    func() time.Time { return time.Date(2026, 5, 26, 0, 0, 0, 0, time.UTC) },
	})
	return code, out.String(), errb.String()
}

// row is one result row by column name.
type row map[string]string

// query runs a KQL file (or, with text set, KQL text) over a log folder
// and returns the rows; any warning on stderr fails the test.
func query(t *testing.T, logs, file, text string) []row {
	t.Helper()
	args := []string{"query", "--logs", logs, "--format", "csv"}
	if file != "" {
		args = append(args, "-f", file)
	} else {
		args = append(args, text)
	}
	code, out, errs := huntpack(t, args...)
	if code != 0 || errs != "" {
		t.Fatalf("huntpack %s: exit %d, stderr:\n%s", strings.Join(args, " "), code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("huntpack %s: output is not CSV: %v\n%s", strings.Join(args, " "), err, out)
	}
	var rows []row
	for _, rec := range recs[1:] {
		r := row{}
		for i, c := range recs[0] {
			r[c] = rec[i]
		}
		rows = append(rows, r)
	}
	return rows
}

// normTime writes a result datetime with milliseconds, or whole
// seconds when seconds is set.
func normTime(t *testing.T, v string, seconds bool) string {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		t.Fatalf("result time %q: %v", v, err)
	}
	if seconds {
		ts = ts.Truncate(time.Second)
	}
	return ts.UTC().Format("2006-01-02T15:04:05.000Z")
}

// netKey is a network hit's normalised key: time, initiator,
// responder, responder port.
func netKey(t *testing.T, tm, src, dst, port string) string {
	return strings.Join([]string{normTime(t, tm, false), src, dst, port}, " ")
}

// keys maps rows to sorted keys (duplicates kept: a hit found twice is
// not the same as a hit found once).
func keys(rows []row, key func(row) string) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, key(r))
	}
	slices.Sort(out)
	return out
}

func sameKeys(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %d: %s\nwant %d: %s", what, len(got), strings.Join(got, " | "), len(want), strings.Join(want, " | "))
	}
}

// seed holds the seed queries' hits over the Sentinel exports, as
// normalised keys.
type seed struct {
	fwNet     []string // 01 over CommonSecurityLog: time src dst port
	epNet     []string // 02 over DeviceNetworkEvents: time initiator responder port
	epRemote  []string // 02: time device remote-ip remote-port
	dns       []string // 03 over DnsEvents: time name
	dnsRows   []row
	allFW     []string // every CommonSecurityLog session
	allEP     []string // every DeviceNetworkEvents connection (not listening sockets)
	allLookup []row    // every DnsEvents lookup
}

func loadSeed(t *testing.T) seed {
	t.Helper()
	logs := filepath.Join(seedDir, "logs")
	var s seed
	s.fwNet = keys(query(t, logs, seedNet, ""), func(r row) string {
		return netKey(t, r["TimeGenerated"], r["SourceIP"], r["DestinationIP"], r["DestinationPort"])
	})
	// The seed's 02 projects only the remote side; the local side of the
	// same rows comes from the table itself, matched on time and device.
	local := map[string]row{}
	for _, r := range query(t, logs, "", "DeviceNetworkEvents | project Timestamp, DeviceName, LocalIP, LocalPort, RemoteIP, RemotePort, ActionType") {
		local[r["Timestamp"]+" "+r["DeviceName"]] = r
		if r["ActionType"] != "ListeningConnectionCreated" {
			s.allEP = append(s.allEP, endpointKey(t, r))
		}
	}
	slices.Sort(s.allEP)
	for _, r := range query(t, logs, seedEndpoint, "") {
		full, ok := local[r["Timestamp"]+" "+r["DeviceName"]]
		if !ok {
			t.Fatalf("seed 02 row %v not in DeviceNetworkEvents", r)
		}
		s.epNet = append(s.epNet, endpointKey(t, full))
		s.epRemote = append(s.epRemote, strings.Join([]string{normTime(t, r["Timestamp"], false), r["DeviceName"], r["RemoteIP"], r["RemotePort"]}, " "))
	}
	slices.Sort(s.epNet)
	slices.Sort(s.epRemote)
	s.dnsRows = query(t, logs, seedDNS, "")
	s.dns = keys(s.dnsRows, func(r row) string { return normTime(t, r["TimeGenerated"], false) + " " + r["Name"] })
	s.allFW = keys(query(t, logs, "", "CommonSecurityLog | project TimeGenerated, SourceIP, DestinationIP, DestinationPort"), func(r row) string {
		return netKey(t, r["TimeGenerated"], r["SourceIP"], r["DestinationIP"], r["DestinationPort"])
	})
	s.allLookup = query(t, logs, "", "DnsEvents | project TimeGenerated, Name")
	return s
}

// endpointKey is a DeviceNetworkEvents row's network key with the
// initiator first: the remote side for inbound connections.
func endpointKey(t *testing.T, r row) string {
	if strings.HasPrefix(r["ActionType"], "Inbound") {
		return netKey(t, r["Timestamp"], r["RemoteIP"], r["LocalIP"], r["LocalPort"])
	}
	return netKey(t, r["Timestamp"], r["LocalIP"], r["RemoteIP"], r["RemotePort"])
}

func dnsKeys(t *testing.T, rows []row, col string, seconds bool) []string {
	return keys(rows, func(r row) string { return normTime(t, r["TimeGenerated"], seconds) + " " + r[col] })
}

// TestSeedBaseline pins the seed's hits (README: 5 + 4 + 4), so the
// comparisons below cannot pass on an empty baseline.
func TestSeedBaseline(t *testing.T) {
	s := loadSeed(t)
	if len(s.fwNet) != 5 || len(s.epNet) != 4 || len(s.dns) != 4 {
		t.Fatalf("seed hits = %d + %d + %d, want 5 + 4 + 4", len(s.fwNet), len(s.epNet), len(s.dns))
	}
	if len(s.allFW) != 10 || len(s.allEP) != 6 || len(s.allLookup) != 9 {
		t.Fatalf("seed rows = %d sessions, %d connections, %d lookups; want 10, 6, 9", len(s.allFW), len(s.allEP), len(s.allLookup))
	}
}

// TestSourcesHoldSeedRows checks that every source holds all the seed
// rows its vantage point can see, near misses included, so that equal
// hits below mean the queries discriminate the same way.
func TestSourcesHoldSeedRows(t *testing.T) {
	s := loadSeed(t)
	for _, src := range sources {
		t.Run(src.dir, func(t *testing.T) {
			logs := filepath.Join(asimDir, "logs", src.dir)
			sessions := query(t, logs, "", `_ASim_NetworkSession | where EventType in ("NetworkSession", "EndpointNetworkSession") | project TimeGenerated, SrcIpAddr, DstIpAddr, DstPortNumber`)
			got := keys(sessions, func(r row) string {
				return netKey(t, r["TimeGenerated"], r["SrcIpAddr"], r["DstIpAddr"], r["DstPortNumber"])
			})
			switch src.view {
			case sensor:
				// The sensor also sees the DNS lookups' UDP sessions.
				for _, k := range s.allFW {
					if !slices.Contains(got, k) {
						t.Errorf("session %s of CommonSecurityLog missing", k)
					}
				}
			case endpoint:
				sameKeys(t, "endpoint sessions", got, s.allEP)
			default:
				sameKeys(t, "sessions", got, nil)
			}
			lookups := query(t, logs, "", `_ASim_Dns | where EventSubType == "response" | project TimeGenerated, DnsQuery`)
			sameKeys(t, "DNS lookups", dnsKeys(t, lookups, "DnsQuery", src.seconds), dnsKeys(t, s.allLookup, "Name", src.seconds))
		})
	}
}

// TestASIMQueriesMatchSeed runs the three ASIM queries over each source
// and compares their hits with the seed queries' hits.
func TestASIMQueriesMatchSeed(t *testing.T) {
	s := loadSeed(t)
	for _, src := range sources {
		t.Run(src.dir, func(t *testing.T) {
			logs := filepath.Join(asimDir, "logs", src.dir)
			var wantNet []string
			switch src.view {
			case sensor:
				wantNet = s.fwNet
			case endpoint:
				wantNet = s.epNet
			}

			var sessions, alerts []row
			for _, r := range query(t, logs, asimNet, "") {
				if r["EventType"] == "IDS" {
					alerts = append(alerts, r)
				} else {
					sessions = append(sessions, r)
				}
			}
			sameKeys(t, "01 network hits", keys(sessions, func(r row) string {
				return netKey(t, r["TimeGenerated"], r["SrcIpAddr"], r["DstIpAddr"], r["DstPortNumber"])
			}), wantNet)
			if len(alerts) != src.alerts {
				t.Errorf("01: %d IDS alerts, want %d", len(alerts), src.alerts)
			}
			for _, a := range alerts {
				tuple := " " + strings.Join([]string{a["SrcIpAddr"], a["DstIpAddr"], a["DstPortNumber"]}, " ")
				if !slices.ContainsFunc(wantNet, func(k string) bool { return strings.HasSuffix(k, tuple) }) {
					t.Errorf("01: alert on%s is not on a hit session", tuple)
				}
			}

			ep := query(t, logs, asimEndpoint, "")
			var wantEP, wantRemote []string
			if src.view == endpoint {
				wantEP, wantRemote = s.epNet, s.epRemote
			}
			sameKeys(t, "02 endpoint hits", keys(ep, func(r row) string {
				return netKey(t, r["TimeGenerated"], r["SrcIpAddr"], r["DstIpAddr"], r["DstPortNumber"])
			}), wantEP)
			sameKeys(t, "02 remote side", keys(ep, func(r row) string {
				return strings.Join([]string{normTime(t, r["TimeGenerated"], false), r["DvcHostname"], r["RemoteIpAddr"], r["RemotePortNumber"]}, " ")
			}), wantRemote)

			dns := query(t, logs, asimDNS, "")
			sameKeys(t, "03 DNS hits", dnsKeys(t, dns, "DnsQuery", src.seconds), dnsKeys(t, s.dnsRows, "Name", src.seconds))
		})
	}
}

// huntReport is the part of `huntpack hunt --format json` checked here.
type huntReport struct {
	Queries []struct {
		Name string `json:"name"`
		Hits int    `json:"hits"`
	} `json:"queries"`
	Findings []struct {
		Indicator struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"indicator"`
		Hits int `json:"hits"`
	} `json:"findings"`
	Warnings []string `json:"warnings"`
}

func hunt(t *testing.T, args ...string) huntReport {
	t.Helper()
	args = append([]string{"hunt"}, append(args, "--format", "json", "--quiet")...)
	code, out, errs := huntpack(t, args...)
	if code != 0 {
		t.Fatalf("huntpack %s: exit %d, stderr:\n%s", strings.Join(args, " "), code, errs)
	}
	var r huntReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("huntpack %s: report is not JSON: %v", strings.Join(args, " "), err)
	}
	if len(r.Warnings) > 0 {
		t.Errorf("huntpack %s: warnings %v", strings.Join(args, " "), r.Warnings)
	}
	return r
}

// iocsHit lists the IOCs with hits as "ip=ADDR" or "domain=NAME": the
// report may split an ip:port IOC into port-matched and IP-only findings
// ("ip:port", "ip (from ip:port IOCs)"); both count as the IOC's address
// being hit. keep filters on that kind ("ip" or "domain").
func iocsHit(r huntReport, keep func(kind string) bool) []string {
	var out []string
	for _, f := range r.Findings {
		kind, val := f.Indicator.Type, f.Indicator.Value
		if strings.HasPrefix(kind, "ip") {
			kind = "ip"
			if h, _, ok := strings.Cut(val, ":"); ok && strings.Count(val, ":") == 1 {
				val = h
			}
		}
		k := kind + "=" + val
		if f.Hits > 0 && keep(kind) && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// TestHuntReportsSameIOCs runs `huntpack hunt examples/remcos-asim --logs
// SOURCE` and checks it reports the IOCs the seed pack's hunt reports
// (those the source can hold), with per-query hits equal to the rows of
// the queries run directly.
func TestHuntReportsSameIOCs(t *testing.T) {
	seedRep := hunt(t, seedDir)
	all := iocsHit(seedRep, func(string) bool { return true })
	if want := "domain=sls.in.net ip=138.9.254.121 ip=193.29.13.23 ip=46.151.182.76"; strings.Join(all, " ") != want {
		t.Fatalf("seed hunt: IOCs hit %v, want %s", all, want)
	}
	for _, src := range sources {
		t.Run(src.dir, func(t *testing.T) {
			logs := filepath.Join(asimDir, "logs", src.dir)
			rep := hunt(t, asimDir, "--logs", logs)
			want := iocsHit(seedRep, func(kind string) bool {
				return kind == "domain" || src.view != noSessions && kind == "ip"
			})
			sameKeys(t, "IOCs hit", iocsHit(rep, func(string) bool { return true }), want)
			files := map[string]string{
				"01_ImNetworkSession_ips":          asimNet,
				"02_ImNetworkSession_endpoint_ips": asimEndpoint,
				"03_ImDns_domains":                 asimDNS,
			}
			if len(rep.Queries) != len(files) {
				t.Fatalf("hunt ran %d queries, want %d", len(rep.Queries), len(files))
			}
			for _, q := range rep.Queries {
				file, ok := files[q.Name]
				if !ok {
					t.Errorf("unexpected query %q", q.Name)
					continue
				}
				if n := len(query(t, logs, file, "")); q.Hits != n {
					t.Errorf("hunt: query %s has %d hits, huntpack query gives %d rows", q.Name, q.Hits, n)
				}
			}
		})
	}
}

// TestNearMissesStayMisses guards the discriminating rows: the
// neighbouring addresses and look-alike domains of the seed must not
// appear in any source's hits.
func TestNearMissesStayMisses(t *testing.T) {
	misses := []string{"46.151.182.7", "146.151.182.76", "138.9.254.12", "193.29.13.230", "104.16.8.1",
		"xsls.in.net", "sls-in.net", "in.net", "sls.in.network", "google.com"}
	for _, src := range sources {
		t.Run(src.dir, func(t *testing.T) {
			logs := filepath.Join(asimDir, "logs", src.dir)
			for _, file := range []string{asimNet, asimEndpoint, asimDNS} {
				for _, r := range query(t, logs, file, "") {
					for _, col := range []string{"SrcIpAddr", "DstIpAddr", "RemoteIpAddr", "DnsQuery"} {
						if slices.Contains(misses, r[col]) {
							t.Errorf("%s: near miss %s=%s is a hit", filepath.Base(file), col, r[col])
						}
					}
				}
			}
		})
	}
}
