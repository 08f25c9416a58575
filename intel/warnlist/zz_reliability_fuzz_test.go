package warnlist

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadDir (issue #10): a warninglists directory may come from anyone
// (--warninglists); a hostile list.json is an error, never a panic.
func FuzzLoadDir(f *testing.F) {
	f.Add([]byte(`{"name":"x","type":"cidr","list":["10.0.0.0/8","1.2.3.4"]}`))
	f.Add([]byte(`{"name":"x","type":"hostname","list":["example.com",".evil"]}`))
	f.Add([]byte(`{"name":"x","type":"string","matching_attributes":["domain"],"list":[1,null,{}]}`))
	f.Add([]byte(`{"type":"substring","list":["a"]}`))
	f.Add([]byte(`{"type":"regex","list":["(a+)+$"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "fuzz"), 0o755)
		os.WriteFile(filepath.Join(dir, "fuzz", "list.json"), data, 0o644)
		LoadDir(dir)
	})
}
