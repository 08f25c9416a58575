// Package report renders hunt results (hunt.Result) for people and tools:
// a compact terminal table (per query: hits and rows; per IOC: findings),
// JSON (the full result, raw values, for tools), CSV (one row per IOC),
// Markdown, and one self-contained HTML file (inline CSS and SVG, no
// external assets) a hunter can hand on.
//
// Everything meant for people defangs IOCs (1.2.3[.]4, hxxp://) and
// escapes values for its format: Markdown cells are backslash-escaped,
// HTML goes through html/template, terminal cells have control characters
// escaped, and CSV cells that a spreadsheet would run as a formula are
// prefixed with a quote.
package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/huntpack/huntpack/hunt"
)

// Formats lists the format names Write accepts.
var Formats = []string{"table", "json", "csv", "md", "html"}

// Options tune rendering.
type Options struct {
	// MaxRows caps the rows printed per query in the table format
	// (0: all rows the result kept).
	MaxRows int
}

// Write renders res in format to w.
func Write(w io.Writer, format string, res *hunt.Result, opts Options) error {
	var err error
	switch format {
	case "table", "":
		err = WriteTable(w, res, opts)
	case "json":
		err = WriteJSON(w, res)
	case "csv":
		err = WriteCSV(w, res)
	case "md", "markdown":
		err = WriteMarkdown(w, res)
	case "html":
		err = WriteHTML(w, res)
	default:
		return fmt.Errorf("unknown report format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return fmt.Errorf("writing %s report: %w", format, err)
	}
	return nil
}
