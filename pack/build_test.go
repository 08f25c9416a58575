package pack

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/check"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/logs/schema"
)

var update = flag.Bool("update", false, "rewrite golden files")

var buildNow = time.Date(2026, 7, 25, 0, 0, 0, 0, time.UTC)

func day(d int) time.Time { return time.Date(2026, 7, d, 12, 0, 0, 0, time.UTC) }

// sampleIOCs has every IOC type, the seed's IPs (one IP twice with two
// ports), and duplicates to merge.
func sampleIOCs() []IOC {
	tf := func(i IOC) IOC {
		i.Source, i.Family = "threatfox", "Remcos"
		if i.ThreatType == "" {
			i.ThreatType = "botnet_cc"
		}
		if i.Confidence == 0 {
			i.Confidence = 75
		}
		return i
	}
	return []IOC{
		tf(IOC{Type: TypeIPPort, Value: "46.151.182.76:8080", FirstSeen: day(22), SourceID: "1"}),
		tf(IOC{Type: TypeIPPort, Value: "46.151.182.76", Port: 2404, FirstSeen: day(20), SourceID: "2"}),
		tf(IOC{Type: TypeIPPort, Value: "138.9.254.121:8015", FirstSeen: day(22)}),
		tf(IOC{Type: TypeIPPort, Value: "193.29.13.23:5758", FirstSeen: day(21)}),
		tf(IOC{Type: TypeIPPort, Value: "193.29.13.23:5758", FirstSeen: day(19), Confidence: 100}),
		tf(IOC{Type: TypeDomain, Value: "SLS.in.net.", FirstSeen: day(22)}),
		tf(IOC{Type: TypeURL, Value: "http://sup.merahsm188.top/gate.php", FirstSeen: day(23), ThreatType: "payload_delivery"}),
		tf(IOC{Type: TypeSHA256, Value: strings.Repeat("AB", 32), FirstSeen: day(18)}),
		tf(IOC{Type: TypeMD5, Value: strings.Repeat("cd", 16), FirstSeen: day(18)}),
		tf(IOC{Type: TypeIPPort, Value: "not-an-ip:80"}),
		tf(IOC{Type: TypeDomain, Value: "bad\x00domain.com"}),
		tf(IOC{Type: "ja3", Value: "x"}),
	}
}

func buildSample(t *testing.T) *Pack {
	t.Helper()
	p, err := Build(sampleIOCs(), BuildOptions{Family: "Remcos", Now: buildNow})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBuildSample(t *testing.T) {
	p := buildSample(t)
	if got := len(p.IOCs); got != 8 {
		t.Errorf("IOCs = %d, want 8 (dedupe of 193.29.13.23:5758)", got)
	}
	if got := len(p.Skipped); got != 3 {
		t.Errorf("skipped = %d, want 3: %+v", got, p.Skipped)
	}
	i, ok := p.IOCByKey("193.29.13.23:5758")
	if !ok || !i.FirstSeen.Equal(day(19)) || i.Confidence != 100 {
		t.Errorf("merged IOC = %+v", i)
	}
	if _, ok := p.IOCByKey("sls.in.net"); !ok {
		t.Error("domain not lower-cased / trailing dot kept")
	}
	var ids []string
	for _, q := range p.Queries {
		ids = append(ids, q.ID)
	}
	want := "ip-commonsecuritylog ip-devicenetworkevents ip-imnetworksession domain-dnsevents domain-devicenetworkevents domain-imdns domain-commonsecuritylog url-commonsecuritylog url-devicenetworkevents url-urlclickevents hash-devicefileevents hash-deviceprocessevents"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("queries:\n got %s\nwant %s", got, want)
	}
}

// TestGeneratedQueriesCheck parses every generated query and checks its
// tables and columns against the embedded schemas (Sentinel flavour, and
// Defender XDR for the Defender queries), UrlClickEvents included.
func TestGeneratedQueriesCheck(t *testing.T) {
	p := buildSample(t)
	for _, q := range p.Queries {
		t.Run(q.ID, func(t *testing.T) {
			_, diags := syntax.Parse(q.File, q.KQL)
			if diags.HasErrors() {
				t.Errorf("%v\n%s", diags.Err(), q.KQL)
			}
			if _, ok := schema.Lookup(q.Table); ok || strings.HasPrefix(q.Table, "_Im_") {
				flavours := []string{""}
				if q.Platform == PlatformDefender {
					flavours = append(flavours, schema.FlavourDefenderXDR)
				}
				for _, fl := range flavours {
					r := check.Source(q.File, q.KQL, check.Options{Catalog: check.EmbeddedCatalog(fl)})
					if !r.OK() {
						t.Errorf("flavour %q: %s", fl, r.Diags.Format(q.File, q.KQL))
					}
				}
			}
			if LookbackLiteral(q.KQL) != DefaultLookback {
				t.Errorf("no let lookback = %s", DefaultLookback)
			}
		})
	}
}

// TestGolden keeps the generated sample pack under testdata/golden/sample
// (pack.yaml and queries); run with -update after a deliberate change.
func TestGolden(t *testing.T) {
	p := buildSample(t)
	dir := filepath.Join("testdata", "golden", "sample")
	if *update {
		os.RemoveAll(dir)
		if err := p.Save(dir); err != nil {
			t.Fatal(err)
		}
	}
	tmp := t.TempDir()
	if err := p.Save(tmp); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(tmp, "*", "*.kql"))
	files = append(files, filepath.Join(tmp, ManifestFile))
	for _, f := range files {
		rel, _ := filepath.Rel(tmp, f)
		got, _ := os.ReadFile(f)
		want, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Errorf("%s: %v (run go test -update)", rel, err)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from golden (run go test ./pack -run TestGolden -update and review the diff)", rel)
		}
	}
}

// TestCheckCatchesBadColumn guards TestGeneratedQueriesCheck against
// passing vacuously: a misspelt column must fail the same check.
func TestCheckCatchesBadColumn(t *testing.T) {
	p := buildSample(t)
	bad := strings.Replace(p.Queries[1].KQL, "| where RemoteIP in", "| where RemoteIPx in", 1)
	if r := check.Source("bad.kql", bad, check.Options{Catalog: check.EmbeddedCatalog("")}); r.OK() {
		t.Fatal("check accepted an unknown column")
	}
}
