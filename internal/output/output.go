// Package output writes query results (named batches) as a terminal table,
// CSV, JSON or JSON lines. The encodings follow Kusto's conventions:
// datetimes are ISO 8601 UTC ending in Z, nulls are empty CSV cells (JSON
// null), and dynamic values are JSON.
package output

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/huntpack/huntpack/kql/types"
)

// Table is one named result table.
type Table struct {
	Name  string
	Batch *types.Batch
}

// Formats lists the accepted format names.
var Formats = []string{"table", "csv", "json", "jsonl"}

// Write writes tables to w in format (one of Formats).
func Write(w io.Writer, format string, tables []Table) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch format {
	case "table", "":
		err = writeTables(bw, tables)
	case "csv":
		err = writeCSV(bw, tables)
	case "json":
		err = writeJSON(bw, tables)
	case "jsonl":
		err = writeJSONL(bw, tables)
	default:
		return fmt.Errorf("unknown output format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func rows(b *types.Batch) int {
	if b == nil {
		return 0
	}
	return b.Len
}

func writeCSV(w io.Writer, tables []Table) error {
	cw := csv.NewWriter(w)
	for ti, t := range tables {
		if ti > 0 {
			cw.Write(nil) // blank line between tables
		}
		if t.Batch == nil {
			continue
		}
		if err := cw.Write(t.Batch.Schema.Names()); err != nil {
			return fmt.Errorf("writing CSV: %w", err)
		}
		rec := make([]string, len(t.Batch.Cols))
		for i := 0; i < rows(t.Batch); i++ {
			for j, c := range t.Batch.Cols {
				rec[j] = types.FormatValue(c.Value(i))
			}
			if err := cw.Write(rec); err != nil {
				return fmt.Errorf("writing CSV: %w", err)
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// appendRowJSON appends row i of b as a JSON object with keys in column order.
func appendRowJSON(buf []byte, b *types.Batch, i int) ([]byte, error) {
	buf = append(buf, '{')
	for j, c := range b.Cols {
		if j > 0 {
			buf = append(buf, ',')
		}
		k, _ := json.Marshal(b.Schema[j].Name)
		buf = append(buf, k...)
		buf = append(buf, ':')
		v, err := json.Marshal(types.ToJSON(c.Value(i)))
		if err != nil {
			return nil, fmt.Errorf("encoding column %s: %w", b.Schema[j].Name, err)
		}
		buf = append(buf, v...)
	}
	return append(buf, '}'), nil
}

func writeJSONRows(w io.Writer, b *types.Batch, sep, indent string) error {
	var buf []byte
	var err error
	for i := 0; i < rows(b); i++ {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, sep...)
		}
		buf = append(buf, indent...)
		if buf, err = appendRowJSON(buf, b, i); err != nil {
			return err
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

func writeJSON(w io.Writer, tables []Table) error {
	if len(tables) == 1 {
		io.WriteString(w, "[\n")
		if err := writeJSONRows(w, tables[0].Batch, ",\n", "  "); err != nil {
			return err
		}
		_, err := io.WriteString(w, "\n]\n")
		return err
	}
	io.WriteString(w, "{\n")
	for ti, t := range tables {
		name, _ := json.Marshal(t.Name)
		sep := ""
		if ti > 0 {
			sep = ",\n"
		}
		fmt.Fprintf(w, "%s  %s: [\n", sep, name)
		if err := writeJSONRows(w, t.Batch, ",\n", "    "); err != nil {
			return err
		}
		io.WriteString(w, "\n  ]")
	}
	_, err := io.WriteString(w, "\n}\n")
	return err
}

func writeJSONL(w io.Writer, tables []Table) error {
	for _, t := range tables {
		if err := writeJSONRows(w, t.Batch, "\n", ""); err != nil {
			return err
		}
		if rows(t.Batch) > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
	}
	return nil
}

// MaxCellWidth is the widest a terminal table cell gets before it is cut
// with an ellipsis.
const MaxCellWidth = 60

func writeTables(w io.Writer, tables []Table) error {
	for ti, t := range tables {
		if ti > 0 {
			io.WriteString(w, "\n")
		}
		if len(tables) > 1 {
			fmt.Fprintf(w, "%s\n", t.Name)
		}
		if err := WriteTable(w, t.Batch, MaxCellWidth); err != nil {
			return err
		}
	}
	return nil
}

// WriteTable writes b as an aligned text table with a row-count footer.
// Control characters in cells are shown escaped so a hostile value cannot
// move the cursor or fake extra rows; cells wider than maxWidth are cut.
func WriteTable(w io.Writer, b *types.Batch, maxWidth int) error {
	if b == nil {
		_, err := io.WriteString(w, "(no rows)\n")
		return err
	}
	n := rows(b)
	cells := make([][]string, n+1)
	cells[0] = b.Schema.Names()
	for i := 0; i < n; i++ {
		row := make([]string, len(b.Cols))
		for j, c := range b.Cols {
			row[j] = Cell(types.FormatValue(c.Value(i)), maxWidth)
		}
		cells[i+1] = row
	}
	widths := make([]int, len(b.Cols))
	for _, row := range cells {
		for j, s := range row {
			if l := utf8.RuneCountInString(s); l > widths[j] {
				widths[j] = l
			}
		}
	}
	var sb strings.Builder
	for ri, row := range cells {
		sb.Reset()
		for j, s := range row {
			if j > 0 {
				sb.WriteString("  ")
			}
			sb.WriteString(s)
			if j < len(row)-1 {
				sb.WriteString(strings.Repeat(" ", widths[j]-utf8.RuneCountInString(s)))
			}
		}
		line := strings.TrimRight(sb.String(), " ")
		sb.Reset()
		sb.WriteString(line)
		sb.WriteByte('\n')
		if ri == 0 {
			for j := range row {
				if j > 0 {
					sb.WriteString("  ")
				}
				sb.WriteString(strings.Repeat("-", widths[j]))
			}
			sb.WriteByte('\n')
		}
		if _, err := io.WriteString(w, sb.String()); err != nil {
			return err
		}
	}
	word := "rows"
	if n == 1 {
		word = "row"
	}
	_, err := fmt.Fprintf(w, "(%d %s)\n", n, word)
	return err
}

// Cell makes s safe and short for a terminal: control characters and
// invalid UTF-8 are escaped Go-style and the result is cut at maxWidth
// runes with an ellipsis (maxWidth <= 0 means no cut).
func Cell(s string, maxWidth int) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if !clean {
		q := strconv.Quote(s)
		s = q[1 : len(q)-1]
	}
	if maxWidth > 0 && utf8.RuneCountInString(s) > maxWidth {
		r := []rune(s)
		s = string(r[:maxWidth-1]) + "…"
	}
	return s
}
