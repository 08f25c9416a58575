// Package output writes query results (named batches) as a terminal table,
// CSV, JSON or JSON lines. The encodings follow Kusto's conventions:
// datetimes are ISO 8601 UTC ending in Z, nulls are empty CSV cells (JSON
// null), and dynamic values are JSON.
package output

import (
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

// Write writes tables to w in format (one of Formats). A nil batch is a
// table without a schema: no CSV header, "(no rows)" as a terminal table.
func Write(w io.Writer, format string, tables []Table) error {
	s, err := NewStream(w, format)
	if err != nil {
		return err
	}
	for i, t := range tables {
		var schema types.Schema
		if t.Batch != nil {
			schema = t.Batch.Schema
		}
		if err := s.begin(t.Name, schema, i, len(tables), t.Batch == nil); err != nil {
			return err
		}
		if err := s.Batch(t.Batch); err != nil {
			return err
		}
		if err := s.EndTable(); err != nil {
			return err
		}
	}
	return s.Close()
}

func rows(b *types.Batch) int {
	if b == nil {
		return 0
	}
	return b.Len
}

// MaxCellWidth is the widest a terminal table cell gets before it is cut
// with an ellipsis.
const MaxCellWidth = 60

// WriteTable writes b as an aligned text table with a row-count footer.
// Control characters in cells are shown escaped so a hostile value cannot
// move the cursor or fake extra rows; cells wider than maxWidth are cut.
func WriteTable(w io.Writer, b *types.Batch, maxWidth int) error {
	if b == nil {
		return writeTable(w, nil, []*types.Batch{nil}, maxWidth)
	}
	return writeTable(w, b.Schema, []*types.Batch{b}, maxWidth)
}

// writeTable is WriteTable over the rows of several batches of schema; a
// single nil batch writes "(no rows)".
func writeTable(w io.Writer, schema types.Schema, bs []*types.Batch, maxWidth int) error {
	if len(bs) == 1 && bs[0] == nil {
		_, err := io.WriteString(w, "(no rows)\n")
		return err
	}
	n := 0
	for _, b := range bs {
		n += rows(b)
	}
	cells := make([][]string, 1, n+1)
	cells[0] = schema.Names()
	for _, b := range bs {
		for i := 0; i < rows(b); i++ {
			row := make([]string, len(b.Cols))
			for j, c := range b.Cols {
				row[j] = Cell(types.FormatValue(c.Value(i)), maxWidth)
			}
			cells = append(cells, row)
		}
	}
	widths := make([]int, len(schema))
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
