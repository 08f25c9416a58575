package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// intelWarnDir writes a misp-warninglists style directory with one list.
func intelWarnDir(t *testing.T, name, typ string, entries ...string) string {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, name), 0o755)
	b, _ := json.Marshal(map[string]any{"name": name, "type": typ, "list": entries,
		"matching_attributes": []string{"ip-dst", "ip-src", "domain", "hostname", "url"}})
	if err := os.WriteFile(filepath.Join(dir, name, "list.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestIntelPruneAfterListsChange: the store is pruned at import with one
// set of lists; the lists change; "why" says the stored verdict is stale;
// "prune" re-applies the new lists to the whole store, records a run and
// a history entry, and a second prune changes nothing.
func TestIntelPruneAfterListsChange(t *testing.T) {
	db := intelDB(t)
	feedFile := filepath.Join(t.TempDir(), "iocs.txt")
	os.WriteFile(feedFile, []byte("sls.in.net\n46.151.182.76\nevil-c2.top\n"), 0o644)
	v1 := intelWarnDir(t, "sinkholes", "hostname", "evil-c2.top")
	v2 := intelWarnDir(t, "sinkholes", "cidr", "46.151.182.0/24")
	if code, _, errs := intelRun(t, nil, "", "intel", "import", "--db", db, "--warninglists", v1, feedFile); code != ExitOK {
		t.Fatalf("import: %d %s", code, errs)
	}
	code, out, _ := intelRun(t, nil, "", "intel", "why", "--db", db, "--warninglists", v2, "evil-c2.top")
	if code != ExitOK || !strings.Contains(out, "stored verdict: excluded as a false positive (sinkholes)") ||
		!strings.Contains(out, "stale:     the warninglists now decide differently; run `huntpack intel prune`") {
		t.Errorf("why before prune (exit %d):\n%s", code, out)
	}
	if !strings.Contains(out, "expiry:    plain sighting expires 2026-10-30 12:00:00Z = import run 1 (the feed gives no dates) + 90d (default)") {
		t.Errorf("why lacks the expiry explanation:\n%s", out)
	}
	code, out, errs := intelRun(t, nil, "", "intel", "prune", "--db", db, "--warninglists", v2)
	if code != ExitOK || !strings.Contains(out, "3 indicators checked, 2 changed (1 newly excluded, 1 no longer excluded) [run 2]") {
		t.Fatalf("prune (exit %d): %s %s", code, out, errs)
	}
	_, out, _ = intelRun(t, nil, "", "intel", "ls", "--db", db, "--format", "plain")
	if got := strings.Fields(out); strings.Join(got, " ") != "sls.in.net evil-c2.top" {
		t.Errorf("hunted after prune: %q", got)
	}
	_, out, _ = intelRun(t, nil, "", "intel", "why", "--db", db, "--warninglists", v2, "46.151.182.76")
	for _, want := range []string{"stored verdict: excluded as a false positive (sinkholes)", "run 2 ", "pruned now excluded by sinkholes"} {
		if !strings.Contains(out, want) {
			t.Errorf("why after prune lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "stale:") {
		t.Errorf("why after prune still says stale:\n%s", out)
	}
	code, out, _ = intelRun(t, nil, "", "intel", "prune", "--db", db, "--warninglists", v2, "--json")
	var res struct{ Checked, Changed int }
	if code != ExitOK || json.Unmarshal([]byte(out), &res) != nil || res.Checked != 3 || res.Changed != 0 {
		t.Errorf("second prune (exit %d): %s", code, out)
	}
	_, out, _ = intelRun(t, nil, "", "intel", "runs", "--db", db)
	if !strings.Contains(out, "huntpack  prune") {
		t.Errorf("runs lack the prune run:\n%s", out)
	}
}

// TestIntelExpire: shortening a source's period retires its old IOCs now.
func TestIntelExpire(t *testing.T) {
	db := intelDB(t)
	if code, _, errs := intelRun(t, nil, "", "intel", "import", "--db", db, "--expire-after", "3650d", filepath.Join(intelTestdata, "threatfox_15col.csv")); code != ExitOK {
		t.Fatalf("import: %s", errs)
	}
	active := func() int {
		_, out, _ := intelRun(t, nil, "", "intel", "ls", "--db", db, "--active", "--format", "plain")
		return len(strings.Fields(out))
	}
	before := active()
	if before == 0 {
		t.Fatal("nothing active after import")
	}
	code, out, errs := intelRun(t, nil, "", "intel", "expire", "--db", db, "--source", "threatfox", "--expire-after", "1d")
	if code != ExitOK || !strings.Contains(out, "expiry re-evaluated (source threatfox expire-after 1d)") {
		t.Fatalf("expire (exit %d): %s %s", code, out, errs)
	}
	if n := active(); n != 0 {
		t.Errorf("%d active after a 1d period, want 0 (before: %d)", n, before)
	}
	if code, _, _ = intelRun(t, nil, "", "intel", "expire", "--db", db, "--source", "threatfox", "--expire-after", "3650d"); code != ExitOK || active() != before {
		t.Errorf("lengthening did not bring them back: %d active, want %d", active(), before)
	}
	if code, _, errs = intelRun(t, nil, "", "intel", "expire", "--db", db, "--source", "threatfox"); code != ExitBadInput {
		t.Errorf("--source without --expire-after: exit %d %s", code, errs)
	}
}

// TestIntelImportRecordsRejectedRows: one malformed CSV row is rejected
// alone (the other rows are imported) and the run keeps it with its
// file:line.
func TestIntelImportRecordsRejectedRows(t *testing.T) {
	db := intelDB(t)
	f := filepath.Join("..", "..", "testdata", "bad", "intel", "urlhaus_bad.csv")
	code, out, errs := intelRun(t, nil, "", "intel", "import", "--db", db, f)
	if code != ExitOK || !strings.Contains(out, "3 indicators, 3 added") || !strings.Contains(out, "2 rejected (bogus URL=1, malformed record=1)") {
		t.Fatalf("import (exit %d): %s\n%s", code, out, errs)
	}
	_, out, _ = intelRun(t, nil, "", "intel", "runs", "--db", db, "--format", "json")
	var runs []struct {
		Rejected int
		Problems []string
	}
	if err := json.Unmarshal([]byte(out), &runs); err != nil || len(runs) != 1 {
		t.Fatalf("runs: %v %s", err, out)
	}
	want := "urlhaus_bad.csv:12: malformed record: URLhaus CSV row has 2 fields, want 9"
	if runs[0].Rejected != 2 || len(runs[0].Problems) != 2 || !strings.HasSuffix(strings.SplitN(runs[0].Problems[1], `: "`, 2)[0], want) {
		t.Errorf("run %+v, want problem ending %q", runs[0], want)
	}
}
