package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/hunt"
	"github.com/huntpack/huntpack/hunt/local"
	"github.com/huntpack/huntpack/hunt/packspec"
	"github.com/huntpack/huntpack/logs"
	"github.com/huntpack/huntpack/pack"
)

// TestExampleReportInBrowser runs the generated Remcos pack
// (examples/remcos-threatfox) over its example logs, as
// `huntpack hunt examples/remcos-threatfox --from 2026-07-12 --to
// 2026-07-26 --format html` does, renders the report in headless
// Chromium and checks that its script ran without error over every
// listed finding, and that the summary, the timeline bars, the evidence
// and the exclusions are on the page.
func TestExampleReportInBrowser(t *testing.T) {
	const dir = "../examples/remcos-threatfox"
	p, err := pack.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := packspec.FromPack(p, "1209600s")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{filepath.Join(dir, "logs")}})
	if err != nil {
		t.Fatal(err)
	}
	win := hunt.Window{From: time.Date(2026, 7, 12, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 7, 26, 0, 0, 0, 0, time.UTC)}
	be := local.New(cat, local.Options{Name: "local logs", Now: win.To})
	res, err := hunt.Run(context.Background(), spec, be, hunt.Options{Window: win})
	if err != nil {
		t.Fatal(err)
	}
	listed := 0
	for _, f := range res.Findings {
		if f.Listed() {
			listed++
		}
	}
	if res.Totals.Hits == 0 || listed == 0 || res.Totals.Suppressed == 0 {
		t.Fatalf("the example should have hits and suppressed hits: %+v", res.Totals)
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, res); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := renderDOM(t, file)
	if m := regexp.MustCompile(`data-script-error="([^"]*)"`).FindStringSubmatch(dom); m != nil {
		t.Fatalf("script error in the report: %s", m[1])
	}
	if want := fmt.Sprintf(`data-report-ok="%d"`, listed); !strings.Contains(dom, want) {
		t.Errorf("the report's script did not run to the end (want %s)", want)
	}
	for _, want := range []string{
		"Summary", "Findings per IOC", "Hits per hour", `class="bar"`,
		fmt.Sprintf("<b class=\"alert\">%d</b>hits", res.Totals.Hits),
		"204[.]44[.]93[.]75:14648", "ip-commonsecuritylog-part1", "suppressed",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	if strings.Contains(dom, "204.44.93.75") {
		t.Error("the rendered report holds a live (not defanged) IOC")
	}
}
