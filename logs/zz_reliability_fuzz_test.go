package logs

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/huntpack/huntpack/kql/exec"
)

// FuzzOpenAndScan (issue #10): whatever a file in a --logs folder holds,
// recognising it (by name and content) and scanning every table it feeds
// never panics or hangs.
func FuzzOpenAndScan(f *testing.F) {
	f.Add("T.csv", []byte("a,b\n1,x\n2,\"y\n"))
	f.Add("x.log", []byte("<134>1 2026-01-01T00:00:00Z fw 1 - - CEF:0|A|B|1|x|y|5|src=1.2.3.4 dst=5.6.7.8\n"))
	f.Add("conn.log", []byte("#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\n1.0\tC\t1.2.3.4\n"))
	f.Add("e.json", []byte(`{"timestamp":"2024-01-01T00:00:00Z","event_type":"dns","src_ip":"1.2.3.4","dns":{"rrname":"a"}}`+"\n"))
	f.Add("d.log", []byte("DNS Server log file creation at 5/21/2015 1:50:00 PM\r\n"))
	f.Add("r.json", []byte(`{"tables":[{"name":"PrimaryResult","columns":[{"name":"a","type":"long"}],"rows":[[1]]}]}`))
	f.Add("S.jsonl", []byte(`{"EventID":22,"Channel":"Microsoft-Windows-Sysmon/Operational","QueryName":"a"}`+"\n"))
	f.Add("A.json", []byte(`[{"a":1},{"a":2}] trailing [{"a":3}]`))
	f.Add("U.csv", []byte("\xff\xfea\x00,\x00b\x00\n\x001\x00,\x00x\x00\n\x00"))
	f.Add("s.xml", []byte("<Events><Event><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>22</EventID></System><EventData><Data Name='QueryName'>a<</Data></EventData></Event><Event><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>22"))
	f.Add("E_empty.csv", []byte{})
	f.Add("E_bad.csv.gz", []byte("\x1f\x8b\x08\x00garbage"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if name == "" || filepath.Base(name) != name || name[0] == '.' || len(name) > 100 {
			return
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return
		}
		cat, err := Open(OpenOptions{Dirs: []string{dir}})
		if err != nil {
			return
		}
		for _, tn := range cat.TableNames() {
			exec.RunString(context.Background(), "f.kql", "['"+tn+"'] | extend _all = tostring(pack_all()) | count", exec.Options{Catalog: cat, MaxMemory: 64 << 20})
		}
	})
}
