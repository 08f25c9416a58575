package parquet

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pq "github.com/parquet-go/parquet-go"

	"github.com/huntpack/huntpack/kql/types"
)

type row struct {
	TimeGenerated   time.Time `parquet:"TimeGenerated,timestamp(microsecond)"`
	SourceIP        string    `parquet:"SourceIP"`
	DestinationPort int32     `parquet:"DestinationPort"`
	SentBytes       int64     `parquet:"SentBytes"`
	Score           float64   `parquet:"Score"`
	Blocked         bool      `parquet:"Blocked"`
	Note            *string   `parquet:"Note,optional"`
	Tags            []string  `parquet:"Tags,list"`
}

func writeFile(t testing.TB, rows []row) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "CommonSecurityLog.parquet")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := pq.NewGenericWriter[row](f)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

func TestReadParquet(t *testing.T) {
	note := "hello"
	ts := time.Date(2024, 3, 1, 10, 0, 0, 123456000, time.UTC)
	p := writeFile(t, []row{
		{TimeGenerated: ts, SourceIP: "10.0.0.1", DestinationPort: 443, SentBytes: 1 << 40, Score: 0.5, Blocked: true, Note: &note, Tags: []string{"a", "b"}},
		{TimeGenerated: ts.Add(time.Second), SourceIP: "10.0.0.2", DestinationPort: 53},
	})
	s, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var cols []string
	for i, c := range s.Columns() {
		cols = append(cols, c.Name+":"+s.Types()[i].String())
	}
	want := "TimeGenerated:datetime SourceIP:string DestinationPort:int SentBytes:long Score:real Blocked:bool Note:string Tags:dynamic"
	if strings.Join(cols, " ") != want {
		t.Fatalf("columns\n got %s\nwant %s", strings.Join(cols, " "), want)
	}
	fields := make([][]byte, len(cols))
	var got []string
	for {
		clear(fields)
		_, err := s.Next(fields)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, f := range fields {
			if f == nil {
				parts = append(parts, "<nil>")
			} else {
				parts = append(parts, string(f))
			}
		}
		got = append(got, strings.Join(parts, "|"))
	}
	wantRows := []string{
		`2024-03-01T10:00:00.123456Z|10.0.0.1|443|1099511627776|0.5|true|hello|["a","b"]`,
		`2024-03-01T10:00:01.123456Z|10.0.0.2|53|0|0|false|<nil>|<nil>`,
	}
	if strings.Join(got, "\n") != strings.Join(wantRows, "\n") {
		t.Errorf("rows\n got %s\nwant %s", strings.Join(got, "\n"), strings.Join(wantRows, "\n"))
	}
	v, _ := types.ParseDateTime("2024-03-01T10:00:00.123456Z")
	if v == 0 {
		t.Fatal("bad time")
	}
}

func TestNotParquet(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.parquet")
	os.WriteFile(p, []byte("PAR1 but truncated"), 0o600)
	if _, err := Open(p); err == nil || !strings.Contains(err.Error(), "not a readable Parquet file") {
		t.Errorf("err = %v", err)
	}
}

func TestInt96(t *testing.T) {
	// 2440588 = 1970-01-01 (Julian day); 1 hour of nanoseconds.
	b := []byte{0x00, 0xa0, 0xb8, 0x30, 0x46, 0x03, 0, 0, 0x8c, 0x3d, 0x25, 0}
	if got := int96Time(b); got != "1970-01-01T01:00:00Z" {
		t.Errorf("int96Time = %s", got)
	}
}

func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	p := writeFile(f, []row{{SourceIP: "x", Tags: []string{"t"}}})
	seed, _ := os.ReadFile(p)
	f.Add(seed)
	f.Add([]byte("PAR1PAR1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "fuzz.parquet")
		os.WriteFile(path, data, 0o600)
		s, err := Open(path)
		if err != nil {
			return
		}
		defer s.Close()
		fields := make([][]byte, len(s.Columns()))
		for i := 0; i < 1000; i++ {
			if _, err := s.Next(fields); err != nil {
				return
			}
		}
	})
}

func BenchmarkParquetScan(b *testing.B) {
	rows := make([]row, 20000)
	ts := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	for i := range rows {
		rows[i] = row{TimeGenerated: ts.Add(time.Duration(i) * time.Second), SourceIP: "10.0.0.1", DestinationPort: int32(i % 65536), SentBytes: int64(i), Score: 0.5}
	}
	p := writeFile(b, rows)
	st, _ := os.Stat(p)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s, err := Open(p)
		if err != nil {
			b.Fatal(err)
		}
		fields := make([][]byte, len(s.Columns()))
		for {
			if _, err := s.Next(fields); err != nil {
				break
			}
		}
		s.Close()
	}
}
