package pack

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// File is an extra file Save writes beside pack.yaml (the rendered README,
// exports); Path is relative to the pack directory.
type File struct {
	Path string
	Data []byte
}

// Marshal encodes the pack as pack.yaml text. Queries with a File are
// written without their KQL (it lives in the file).
func (p *Pack) Marshal() ([]byte, error) {
	cp := *p
	if cp.Version == 0 {
		cp.Version = FormatVersion
	}
	cp.Queries = make([]Query, len(p.Queries))
	for i, q := range p.Queries {
		if q.File != "" {
			q.KQL = ""
		}
		cp.Queries[i] = q
	}
	var buf bytes.Buffer
	buf.WriteString("# huntpack hunt pack: format described in pack/FORMAT.md of huntpack.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&cp); err != nil {
		return nil, fmt.Errorf("encode pack %s: %w", p.ID, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode pack %s: %w", p.ID, err)
	}
	return buf.Bytes(), nil
}

// Save validates the pack and writes it to dir: every query's KQL to its
// File, pack.yaml, and the extra files. All files are first written to
// temporary files and renamed into place only when every write succeeded,
// so a failure leaves no half-written pack. Save owns dir/queries/ and
// dir/export/: .kql files in queries/ and any file under export/ that this
// save did not write are removed, so no stale query or export outlives a
// rebuild. Other files (README.md, logs/, notes) are left alone.
func (p *Pack) Save(dir string, extra ...File) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("save pack to %s: %w", dir, err)
	}
	manifest, err := p.Marshal()
	if err != nil {
		return err
	}
	files := []File{{Path: ManifestFile, Data: manifest}}
	for _, q := range p.Queries {
		if q.File != "" {
			files = append(files, File{Path: q.File, Data: []byte(q.KQL)})
		}
	}
	files = append(files, extra...)
	if err := writeAll(dir, files); err != nil {
		return err
	}
	return removeStaleQueries(dir, files)
}

func writeAll(dir string, files []File) error {
	type staged struct{ tmp, final string }
	var done []staged
	cleanup := func() {
		for _, s := range done {
			os.Remove(s.tmp)
		}
	}
	seen := map[string]bool{}
	for _, f := range files {
		rel, err := cleanRel(f.Path)
		if err != nil {
			cleanup()
			return fmt.Errorf("save pack to %s: %w", dir, err)
		}
		if seen[rel] {
			cleanup()
			return fmt.Errorf("save pack to %s: two files named %s: %w", dir, rel, ErrInvalid)
		}
		seen[rel] = true
		final := filepath.Join(dir, filepath.FromSlash(rel))
		tmp, err := writeTemp(final, f.Data)
		if err != nil {
			cleanup()
			return fmt.Errorf("save pack to %s: %w", dir, err)
		}
		done = append(done, staged{tmp, final})
	}
	for _, s := range done {
		if err := os.Rename(s.tmp, s.final); err != nil {
			cleanup()
			return fmt.Errorf("save pack to %s: %w", dir, err)
		}
	}
	return nil
}

func writeTemp(final string, data []byte) (string, error) {
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(final), "."+filepath.Base(final)+".tmp*")
	if err != nil {
		return "", err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

func removeStaleQueries(dir string, files []File) error {
	keep := map[string]bool{}
	for _, f := range files {
		c, _ := cleanRel(f.Path)
		keep[c] = true
	}
	fsys := os.DirFS(dir)
	old, err := fs.Glob(fsys, QueriesDir+"/*.kql")
	if err != nil {
		return fmt.Errorf("save pack to %s: %w", dir, err)
	}
	err = fs.WalkDir(fsys, ExportDir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return fs.SkipAll
		}
		if err == nil && d.Type().IsRegular() {
			old = append(old, p)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("save pack to %s: %w", dir, err)
	}
	for _, f := range old {
		if keep[path.Clean(f)] {
			continue
		}
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(f))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("save pack to %s: remove stale %s: %w", dir, f, err)
		}
	}
	return nil
}

// QueryFile returns the conventional file path of a query id:
// queries/<nn>_<id>.kql with nn the 1-based position.
func QueryFile(n int, id string) string {
	return fmt.Sprintf("%s/%02d_%s.kql", QueriesDir, n, strings.TrimSpace(id))
}
