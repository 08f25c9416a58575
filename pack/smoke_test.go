package pack

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/exec"
	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs"
)

func TestSmokeSeedLogs(t *testing.T) {
	p := buildSample(t)
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{"../examples/remcos/logs"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range p.Queries {
		res, err := exec.RunString(context.Background(), q.File, q.KQL, exec.Options{Catalog: cat, Now: time.Date(2026, 5, 30, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Logf("%s: %v", q.ID, err)
			continue
		}
		b := res.Tables[0].Batch
		t.Logf("%s: %d rows", q.ID, b.Len)
		for r := 0; r < b.Len; r++ {
			var cells []string
			for _, v := range b.Row(r)[:6] {
				cells = append(cells, types.FormatValue(v))
			}
			t.Logf("   %s", strings.Join(cells, " | "))
		}
	}
}
