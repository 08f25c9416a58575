package output

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// refWrite is the writer before Stream (encoding/csv, json.Marshal per
// value, FormatValue per cell): Write must give its bytes exactly.
func refWrite(w io.Writer, format string, tables []Table) error {
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case "csv":
		err = refCSV(bw, tables)
	case "json":
		err = refJSON(bw, tables)
	case "jsonl":
		for _, t := range tables {
			if err = refJSONRows(bw, t.Batch, "\n", ""); err != nil {
				break
			}
			if rows(t.Batch) > 0 {
				io.WriteString(bw, "\n")
			}
		}
	case "table":
		for ti, t := range tables {
			if ti > 0 {
				io.WriteString(bw, "\n")
			}
			if len(tables) > 1 {
				fmt.Fprintf(bw, "%s\n", t.Name)
			}
			if err = WriteTable(bw, t.Batch, MaxCellWidth); err != nil {
				break
			}
		}
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func refCSV(w io.Writer, tables []Table) error {
	cw := csv.NewWriter(w)
	for ti, t := range tables {
		if ti > 0 {
			cw.Write(nil)
		}
		if t.Batch == nil {
			continue
		}
		cw.Write(t.Batch.Schema.Names())
		rec := make([]string, len(t.Batch.Cols))
		for i := 0; i < rows(t.Batch); i++ {
			for j, c := range t.Batch.Cols {
				rec[j] = types.FormatValue(c.Value(i))
			}
			cw.Write(rec)
		}
	}
	cw.Flush()
	return cw.Error()
}

func refJSONRows(w io.Writer, b *types.Batch, sep, indent string) error {
	for i := 0; i < rows(b); i++ {
		buf := []byte(nil)
		if i > 0 {
			buf = append(buf, sep...)
		}
		buf = append(buf, indent...)
		buf = append(buf, '{')
		for j, c := range b.Cols {
			if j > 0 {
				buf = append(buf, ',')
			}
			k, _ := json.Marshal(b.Schema[j].Name)
			buf = append(append(buf, k...), ':')
			v, err := json.Marshal(types.ToJSON(c.Value(i)))
			if err != nil {
				return err
			}
			buf = append(buf, v...)
		}
		buf = append(buf, '}')
		w.Write(buf)
	}
	return nil
}

func refJSON(w io.Writer, tables []Table) error {
	if len(tables) == 1 {
		io.WriteString(w, "[\n")
		if err := refJSONRows(w, tables[0].Batch, ",\n", "  "); err != nil {
			return err
		}
		io.WriteString(w, "\n]\n")
		return nil
	}
	io.WriteString(w, "{\n")
	for ti, t := range tables {
		name, _ := json.Marshal(t.Name)
		sep := ""
		if ti > 0 {
			sep = ",\n"
		}
		fmt.Fprintf(w, "%s  %s: [\n", sep, name)
		if err := refJSONRows(w, t.Batch, ",\n", "    "); err != nil {
			return err
		}
		io.WriteString(w, "\n  ]")
	}
	io.WriteString(w, "\n}\n")
	return nil
}

// allTypes is a schema with a column of every type the writers special-case.
var allTypes = types.Schema{
	{Name: "S", Type: types.String}, {Name: "G", Type: types.GUID}, {Name: "I", Type: types.Int},
	{Name: "L", Type: types.Long}, {Name: "R", Type: types.Real}, {Name: "T", Type: types.DateTime},
	{Name: "D", Type: types.TimeSpan}, {Name: "B", Type: types.Bool}, {Name: "Dyn", Type: types.Dynamic},
	{Name: "we<ird, \"name\"", Type: types.String},
}

// rowOf appends one row of allTypes built from the fuzz inputs; null
// makes every nullable cell null.
func rowOf(b *types.Batch, s string, i int64, f float64, null bool) {
	vals := []types.Value{
		types.StringValue(s), {T: types.GUID, S: s}, types.IntValue(int64(int32(i))),
		types.LongValue(i), types.RealValue(f), types.DateTimeValue(i), {T: types.TimeSpan, I: i},
		types.BoolValue(i%2 == 0), types.DynamicValue(map[string]any{"k": s, "n": i}), types.StringValue(s + "," + s),
	}
	for j, v := range vals {
		if null && !b.Cols[j].Type.UsesStrs() {
			b.Cols[j].AppendNull()
			continue
		}
		b.Cols[j].Append(v)
	}
	b.Len++
}

func streamCases() map[string][]Table {
	ts, _ := types.ParseDateTime("2026-05-23T09:14:02.12Z")
	one := types.NewBatch(allTypes, 8)
	for k, s := range []string{"plain", "", " lead", "\tx", `\.`, "a\"b", "line\nbreak", "cr\rx", "<&>", "é\u2028\xff", "\x7f\x01"} {
		rowOf(one, s, ts+int64(k)*36e9, []float64{0, 1.5, 1e21, 1e-7, -2.5e-300, math.NaN(), math.Inf(1), math.Inf(-1)}[k%8], false)
	}
	rowOf(one, "nulls", 0, 0, true)
	other := types.NewBatch(types.Schema{{Name: "n", Type: types.Long}}, 1)
	rowOf2 := func(v int64) { other.Cols[0].Append(types.LongValue(v)); other.Len++ }
	rowOf2(-9223372036854775808)
	rowOf2(42)
	empty := types.NewBatch(types.Schema{{Name: "x", Type: types.String}}, 0)
	return map[string][]Table{
		"one":      {{Name: "PrimaryResult", Batch: one}},
		"several":  {{Name: "A", Batch: one}, {Name: "B\"", Batch: other}, {Name: "C", Batch: empty}},
		"nil":      {{Name: "A", Batch: nil}, {Name: "B", Batch: other}},
		"none":     nil,
		"empty":    {{Name: "A", Batch: empty}},
		"only nil": {{Name: "A"}},
	}
}

// TestWriteMatchesReference: Write gives the old writer's bytes in every
// format for every type, quoting case, null, several tables and none.
func TestWriteMatchesReference(t *testing.T) {
	for name, tables := range streamCases() {
		for _, format := range Formats {
			t.Run(name+"/"+format, func(t *testing.T) {
				var got, want bytes.Buffer
				if err := Write(&got, format, tables); err != nil {
					t.Fatal(err)
				}
				if err := refWrite(&want, format, tables); err != nil {
					t.Fatal(err)
				}
				if got.String() != want.String() {
					t.Errorf("got\n%q\nwant\n%q", got.String(), want.String())
				}
			})
		}
	}
}

// TestStreamBatches: rows given batch by batch (as a query emits them)
// give the same bytes as the whole table given at once.
func TestStreamBatches(t *testing.T) {
	tables := streamCases()["several"]
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var want, got bytes.Buffer
			if err := Write(&want, format, tables); err != nil {
				t.Fatal(err)
			}
			s, err := NewStream(&got, format)
			if err != nil {
				t.Fatal(err)
			}
			for i, tb := range tables {
				if err := s.BeginTable(tb.Name, tb.Batch.Schema, i, len(tables)); err != nil {
					t.Fatal(err)
				}
				for r := 0; r < tb.Batch.Len; r++ { // one row per batch
					if err := s.Batch(sliceRows(tb.Batch, r, r+1)); err != nil {
						t.Fatal(err)
					}
				}
				if err := s.EndTable(); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("got\n%q\nwant\n%q", got.String(), want.String())
			}
			if format == "csv" || format == "jsonl" {
				var par strings.Builder
				for i, tb := range tables {
					if i > 0 && format == "csv" {
						par.WriteString("\n") // tables after the first start with a blank line
					}
					par.WriteString(formatted(t, format, tb))
				}
				if par.String() != want.String() {
					t.Errorf("FormatBatch gave\n%q\nwant\n%q", par.String(), want.String())
				}
			}
		})
	}
}

func sliceRows(b *types.Batch, lo, hi int) *types.Batch {
	out := types.NewBatch(b.Schema, hi-lo)
	for r := lo; r < hi; r++ {
		for j, c := range b.Cols {
			out.Cols[j].Append(c.Value(r))
		}
	}
	out.Len = hi - lo
	return out
}

type failWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, errDiskFull
	}
	return len(p), nil
}

// TestStreamWriteError: a failing writer's error comes back (from Batch
// once the buffer fills, else from Close) and sticks.
func TestStreamWriteError(t *testing.T) {
	big := types.NewBatch(types.Schema{{Name: "s", Type: types.String}}, 1)
	for i := 0; i < 100000; i++ {
		big.Cols[0].Append(types.StringValue("10.0.0.1,x"))
		big.Len++
	}
	for _, format := range []string{"csv", "json", "jsonl", "table"} {
		t.Run(format, func(t *testing.T) {
			s, _ := NewStream(&failWriter{n: 10}, format)
			err := s.BeginTable("T", big.Schema, 0, 1)
			if err == nil {
				err = s.Batch(big)
			}
			if err == nil {
				err = s.EndTable()
			}
			if err == nil {
				err = s.Close()
			}
			if !errors.Is(err, errDiskFull) {
				t.Fatalf("got %v, want disk full", err)
			}
			if err := s.Close(); !errors.Is(err, errDiskFull) {
				t.Errorf("Close after the error: %v", err)
			}
		})
	}
}

// FuzzWriteMatchesReference compares Write with the old writer on
// arbitrary strings, numbers and times in every format.
func FuzzWriteMatchesReference(f *testing.F) {
	f.Add("plain", int64(0), 1.5, false)
	f.Add("a,\"b\"\r\n", int64(638822336421200000), 1e21, true)
	f.Add(" \u00a0<&>\u2028\xff", int64(-1), math.Inf(-1), false)
	f.Add(`\.`, int64(1)<<62, 1e-7, false)
	f.Fuzz(func(t *testing.T, s string, i int64, r float64, null bool) {
		b := types.NewBatch(allTypes, 2)
		rowOf(b, s, i, r, null)
		rowOf(b, s+s, -i, -r, !null)
		tables := []Table{{Name: s, Batch: b}}
		for _, format := range Formats {
			var got, want bytes.Buffer
			gerr := Write(&got, format, tables)
			werr := refWrite(&want, format, tables)
			if (gerr != nil) != (werr != nil) {
				t.Fatalf("%s: error %v, reference %v", format, gerr, werr)
			}
			if gerr == nil && got.String() != want.String() {
				t.Fatalf("%s:\ngot  %q\nwant %q", format, got.String(), want.String())
			}
			if format == "csv" || format == "jsonl" {
				if par := formatted(t, format, tables[0]); gerr == nil && par != got.String() {
					t.Fatalf("%s FormatBatch:\ngot  %q\nwant %q", format, par, got.String())
				}
			}
		}
	})
}

// formatted writes one table through FormatBatch and WriteFormatted, a
// row at a time, as the CLI does from parallel producers.
func formatted(t *testing.T, format string, tb Table) string {
	t.Helper()
	var out bytes.Buffer
	s, err := NewStream(&out, format)
	if err != nil || !s.Concurrent() {
		t.Fatalf("NewStream(%s): %v, concurrent %v", format, err, s.Concurrent())
	}
	if err := s.BeginTable(tb.Name, tb.Batch.Schema, 0, 1); err != nil {
		t.Fatal(err)
	}
	for r := 0; r < tb.Batch.Len; r++ {
		p, err := s.FormatBatch(nil, sliceRows(tb.Batch, r, r+1))
		if err != nil {
			return "error: " + err.Error()
		}
		if err := s.WriteFormatted(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.EndTable(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// BenchmarkStreamCSV formats summarize-shaped rows (IP, hour, count):
// no allocation per row.
func BenchmarkStreamCSV(b *testing.B) {
	schema := types.Schema{{Name: "DestinationIP", Type: types.String}, {Name: "TimeGenerated", Type: types.DateTime}, {Name: "count_", Type: types.Long}}
	batch := types.NewBatch(schema, types.BatchSize)
	ts, _ := types.ParseDateTime("2026-05-23T09:00:00Z")
	for i := 0; i < types.BatchSize; i++ {
		batch.Cols[0].Append(types.StringValue(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)))
		batch.Cols[1].Append(types.DateTimeValue(ts + int64(i/1000)*36e9))
		batch.Cols[2].Append(types.LongValue(int64(i)))
		batch.Len++
	}
	s, _ := NewStream(io.Discard, "csv")
	s.BeginTable("PrimaryResult", schema, 0, 1)
	b.ReportAllocs()
	b.SetBytes(int64(types.BatchSize))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Batch(batch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRefCSV is BenchmarkStreamCSV's rows through the old writer
// (encoding/csv, FormatValue per cell), for comparison.
func BenchmarkRefCSV(b *testing.B) {
	schema := types.Schema{{Name: "DestinationIP", Type: types.String}, {Name: "TimeGenerated", Type: types.DateTime}, {Name: "count_", Type: types.Long}}
	batch := types.NewBatch(schema, types.BatchSize)
	ts, _ := types.ParseDateTime("2026-05-23T09:00:00Z")
	for i := 0; i < types.BatchSize; i++ {
		batch.Cols[0].Append(types.StringValue(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)))
		batch.Cols[1].Append(types.DateTimeValue(ts + int64(i/1000)*36e9))
		batch.Cols[2].Append(types.LongValue(int64(i)))
		batch.Len++
	}
	tables := []Table{{Name: "PrimaryResult", Batch: batch}}
	b.ReportAllocs()
	b.SetBytes(int64(types.BatchSize))
	for b.Loop() {
		if err := refWrite(io.Discard, "csv", tables); err != nil {
			b.Fatal(err)
		}
	}
}
