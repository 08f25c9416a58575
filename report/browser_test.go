package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium finds a headless-capable Chromium. In CI (CI=true) a missing
// browser fails the test; elsewhere the test is skipped with a message.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found; CI must install it (apt-get install -y chromium)")
	}
	t.Skip("chromium not found: install it (apt-get install -y chromium) to run the HTML report browser test")
	return ""
}

// renderDOM loads file in headless Chromium and returns the DOM after
// the page's scripts ran. Flags as for this machine: no sandbox (root),
// no GPU, no background networking (the network is closed).
func renderDOM(t *testing.T, file string) string {
	t.Helper()
	bin := chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--virtual-time-budget=2000", "--dump-dom", "file://"+file)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errb.String())
	}
	return out.String()
}

func TestHTMLInBrowser(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	var buf bytes.Buffer
	if err := WriteHTML(&buf, fixture(t, hostile)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := renderDOM(t, file)
	if m := regexp.MustCompile(`data-script-error="([^"]*)"`).FindStringSubmatch(dom); m != nil {
		t.Fatalf("script error in the report: %s", m[1])
	}
	// The report's script sets data-report-ok to the number of finding
	// rows; it only runs if the CSP hash matches and nothing threw.
	if !strings.Contains(dom, `data-report-ok="3"`) {
		t.Errorf("the report's script did not run to the end (no data-report-ok=\"3\"):\n%.2000s", dom)
	}
	for _, want := range []string{"46[.]151[.]182[.]76:8080", "Findings per IOC", "Hits per hour", "&lt;script&gt;alert", `class="bar"`, "Name=&lt;script&gt;alert", "1 more hit not shown"} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	if strings.Contains(dom, "<script>alert") {
		t.Error("a hostile value became a script element")
	}
}
