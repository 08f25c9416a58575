package store

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// killHelperEnv makes TestKill9MidImport act as the child process that
// gets killed.
const killHelperEnv = "HUNTPACK_STORE_KILL_HELPER"

// killImportSize is the size of the import that is killed half-way.
const killImportSize = 100000

// TestKill9MidImport runs a large import in a child process (this test
// binary), SIGKILLs it half-way through the transaction and checks that
// the store passes PRAGMA integrity_check and holds exactly the state from
// before the import.
func TestKill9MidImport(t *testing.T) {
	if path := os.Getenv(killHelperEnv); path != "" {
		killHelper(t, path)
		return
	}
	if testing.Short() {
		t.Skip("spawns a process and imports 100k indicators")
	}
	path := filepath.Join(t.TempDir(), "intel.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, st, ImportRequest{Source: "base", Indicators: synth(1000)})
	st.Close()
	before := snapshot(t, path)

	cmd := exec.Command(os.Args[0], "-test.run=^TestKill9MidImport$", "-test.v")
	cmd.Env = append(os.Environ(), killHelperEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	half := false
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "HALF") {
			half = true
			break
		}
	}
	if !half {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("helper never reached half of its import")
	}
	wal, _ := os.Stat(path + "-wal")
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if wal != nil {
		t.Logf("WAL size at kill: %d bytes", wal.Size())
	}

	st, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if res, err := st.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
	if after := snapshot(t, path); after != before {
		t.Fatal("store differs from the pre-import state after kill -9")
	}
	recs, _ := st.Query(ctx, Filter{})
	if len(recs) != 1000 {
		t.Errorf("indicators = %d, want 1000", len(recs))
	}
	// The store still takes imports.
	if r := mustImport(t, st, ImportRequest{Source: "after", Indicators: synth(1500)}); r.Added != 500 || r.Updated != 1000 {
		t.Errorf("import after kill: %+v", r)
	}
}

// killHelper imports killImportSize indicators and, half-way through the
// transaction, announces it and waits to be killed.
func killHelper(t *testing.T, path string) {
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ins := synth(killImportSize)
	_, err = st.Import(ctx, ImportRequest{Source: "killed", Now: t0, Indicators: ins, Progress: func(done, total int) {
		if done == total/2 {
			os.Stdout.WriteString("HALF\n")
			os.Stdout.Sync()
			time.Sleep(time.Minute) // killed here, transaction open
		}
	}})
	t.Fatalf("helper was not killed (import returned %v)", err)
}
