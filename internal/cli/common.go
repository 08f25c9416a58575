package cli

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// maxQueryBytes bounds a query read from stdin.
const maxQueryBytes = 16 << 20

// readAllLimit reads r up to limit bytes and fails beyond it.
func readAllLimit(r io.Reader, limit int64) ([]byte, error) {
	if r == nil {
		return nil, fmt.Errorf("no standard input")
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading standard input: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("standard input is larger than %d bytes", limit)
	}
	return b, nil
}

func validFormat(f string, allowed ...string) bool {
	for _, a := range allowed {
		if f == a {
			return true
		}
	}
	return false
}

// parseBytes parses sizes such as "512MB", "2GiB", "1g" or "1048576".
// Empty means 0 (no limit).
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	n, err := strconv.ParseFloat(s[:i], 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q (want e.g. 512MB or 2GB)", s)
	}
	var mul float64
	switch strings.ToLower(strings.TrimSpace(s[i:])) {
	case "", "b":
		mul = 1
	case "k", "kb", "kib":
		mul = 1 << 10
	case "m", "mb", "mib":
		mul = 1 << 20
	case "g", "gb", "gib":
		mul = 1 << 30
	case "t", "tb", "tib":
		mul = 1 << 40
	default:
		return 0, fmt.Errorf("bad size unit in %q (want B, KB, MB, GB or TB)", s)
	}
	v := n * mul
	// 2^63 itself does not fit in an int64; float64 holds it exactly.
	if v >= math.MaxInt64 || math.IsInf(v, 0) {
		return 0, fmt.Errorf("size %q is too large (the most is %d bytes, about 8 EB)", s, int64(math.MaxInt64))
	}
	return int64(v), nil
}

// writeOutput writes an output file the safe way: through a temporary file
// in the same folder renamed into place, so a failed or interrupted write
// never leaves half a report. A path that is not a regular file (/dev/null,
// /dev/stdout, a named pipe) is written directly: renaming over it would
// replace the device or pipe with a file. A symbolic link is followed, so
// the link stays and its target gets the new content.
func writeOutput(path string, write func(io.Writer) error) error {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(path)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			return writeOutput(target, write)
		}
		if !fi.Mode().IsRegular() {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			if err := write(f); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	werr := write(tmp)
	cerr := tmp.Close()
	if werr == nil && cerr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return errors.Join(werr, cerr)
	}
	return nil
}
