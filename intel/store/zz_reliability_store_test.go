package store

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// Reliability tests (issue #10) beyond kill_test.go and
// TestConcurrentImportAndList: several importers on separate handles at
// once with readers, and a full disk.

// TestReliabilityConcurrentImporters runs three importers, each with its
// own Store handle (as separate huntpack processes would), importing the
// same indicators for different sources while two readers list them. No
// call may fail (SQLITE_BUSY must be waited out), no reader may see a
// partial import, and the database must pass its integrity check.
func TestReliabilityConcurrentImporters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "intel.db")
	const n = 200
	open := func() *Store {
		st, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	open() // create the schema once
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for w := range 3 {
		st := open()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 {
				if _, err := st.Import(ctx, ImportRequest{Source: fmt.Sprintf("src%d-%d", w, i), Now: t0, Indicators: synth(n)}); err != nil {
					errs <- fmt.Errorf("importer %d batch %d: %w", w, i, err)
				}
			}
		}()
	}
	done := make(chan struct{})
	var rg sync.WaitGroup
	for r := range 2 {
		st := open()
		rg.Add(1)
		go func() {
			defer rg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				recs, err := st.Query(ctx, Filter{})
				if err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
				if len(recs) != 0 && len(recs) != n {
					errs <- fmt.Errorf("reader %d saw a partial import: %d of %d", r, len(recs), n)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	rg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := open()
	if runs, err := st.Runs(ctx, 100); err != nil || len(runs) != 9 {
		t.Errorf("runs = %d (%v), want 9", len(runs), err)
	}
	if res, err := st.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Errorf("integrity check: %q, %v", res, err)
	}
}

// TestReliabilityDiskFull imports into a store until the disk is full:
// the import fails with a clear error, the store keeps what was there
// before (the failed import leaves nothing) and passes its integrity check.
// As root it uses a 2 MB tmpfs; otherwise (or when mounting fails) a child
// process with RLIMIT_FSIZE (file size cap, SIGXFSZ ignored) does the
// imports; HUNTPACK_TEST_NO_MOUNT=1 forces that path.
func TestReliabilityDiskFull(t *testing.T) {
	if dir := os.Getenv("HUNTPACK_FSIZE_CHILD"); dir != "" {
		diskFullChild(t, dir)
		return
	}
	dir, viaMount := t.TempDir(), false
	if os.Geteuid() == 0 && os.Getenv("HUNTPACK_TEST_NO_MOUNT") == "" {
		mnt := filepath.Join(dir, "mnt")
		os.MkdirAll(mnt, 0o755)
		if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt).CombinedOutput(); err == nil {
			t.Cleanup(func() { exec.Command("umount", mnt).Run() })
			dir, viaMount = mnt, true
		} else {
			t.Logf("cannot mount a 2 MB tmpfs (%v: %s); using RLIMIT_FSIZE", err, strings.TrimSpace(string(out)))
		}
	}
	path := filepath.Join(dir, "intel.db")
	if viaMount {
		st, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Import(ctx, ImportRequest{Source: "small", Now: t0, Indicators: synth(100)}); err != nil {
			t.Fatalf("small import on an empty 2 MB disk: %v", err)
		}
		_, err = st.Import(ctx, ImportRequest{Source: "big", Now: t0, Indicators: synth(12000)})
		st.Close()
		checkDiskFullError(t, err, "full")
	} else {
		cmd := exec.Command(os.Args[0], "-test.run=^TestReliabilityDiskFull$", "-test.v")
		cmd.Env = append(os.Environ(), "HUNTPACK_FSIZE_CHILD="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		if strings.Contains(string(out), "SKIP") {
			t.Skipf("RLIMIT_FSIZE not usable here; disk-full test skipped:\n%s", out)
		}
		t.Logf("child:\n%s", out)
	}
	st, err := Open(path)
	if err != nil {
		t.Fatalf("reopening after a full disk: %v", err)
	}
	defer st.Close()
	if res, err := st.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Errorf("integrity check after a full disk: %q, %v", res, err)
	}
	recs, err := st.Query(ctx, Filter{})
	if err != nil || len(recs) != 100 {
		t.Errorf("after the failed import: %d records (%v), want the 100 imported before", len(recs), err)
	}
}

func checkDiskFullError(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("importing 12000 indicators into a full disk succeeded?")
	}
	msg := strings.ToLower(err.Error())
	for _, w := range want {
		if strings.Contains(msg, w) {
			t.Logf("disk full: %v", err)
			return
		}
	}
	t.Errorf("disk-full error does not say so (want one of %q): %v", want, err)
}

// diskFullChild runs in a child process: a small import, then a file size
// cap just above the database's size, then a big import that must fail.
func diskFullChild(t *testing.T, dir string) {
	signal.Ignore(syscall.SIGXFSZ)
	path := filepath.Join(dir, "intel.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Import(ctx, ImportRequest{Source: "small", Now: t0, Indicators: synth(100)}); err != nil {
		t.Fatal(err)
	}
	var biggest int64
	files, _ := filepath.Glob(path + "*")
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && fi.Size() > biggest {
			biggest = fi.Size()
		}
	}
	lim := uint64(biggest + 256<<10)
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: lim, Max: lim}); err != nil {
		t.Skipf("setrlimit: %v", err)
	}
	_, err = st.Import(ctx, ImportRequest{Source: "big", Now: t0, Indicators: synth(12000)})
	checkDiskFullError(t, err, "full", "i/o error", "too large")
}
