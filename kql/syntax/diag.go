package syntax

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Severity says how bad a Diagnostic is.
type Severity uint8

// Severities, from worst to mildest.
const (
	SevError   Severity = iota // the query is not valid KQL (or fails a check)
	SevWarning                 // accepted, but probably not what was meant
	SevInfo                    // accepted and ignored (e.g. set statements)
)

// String returns "error", "warning" or "info".
func (s Severity) String() string {
	switch s {
	case SevError:
		return "error"
	case SevWarning:
		return "warning"
	default:
		return "info"
	}
}

// Diagnostic is one message about the query source, with the span it is about.
type Diagnostic struct {
	Span     Span     // the offending source range (may be empty: a point)
	Msg      string   // one-line message, lower-case, no trailing period
	Severity Severity // error, warning or info
}

// Diagnostics is a list of diagnostics about one source.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SevError {
			return true
		}
	}
	return false
}

// Errors returns only the error diagnostics.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == SevError {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders the diagnostics by position, then severity, stably.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Span.Start != b.Span.Start {
			return a.Span.Start < b.Span.Start
		}
		return a.Severity < b.Severity
	})
}

// Err returns nil when there are no error diagnostics, and otherwise an
// error whose message is the first error (plus a count of the others).
// The error unwraps to ErrSyntax.
func (ds Diagnostics) Err() error {
	errs := ds.Errors()
	if len(errs) == 0 {
		return nil
	}
	first := errs[0]
	for _, d := range errs[1:] {
		if d.Span.Start < first.Span.Start {
			first = d
		}
	}
	msg := fmt.Sprintf("offset %d: %s", first.Span.Start, first.Msg)
	if len(errs) > 1 {
		msg += fmt.Sprintf(" (and %d more errors)", len(errs)-1)
	}
	return &DiagError{Msg: msg, Diags: ds}
}

// ErrSyntax is the sentinel every Diagnostics.Err error wraps.
var ErrSyntax = errors.New("kql error")

// DiagError is the error returned by Diagnostics.Err.
type DiagError struct {
	Msg   string      // summary message
	Diags Diagnostics // all diagnostics
}

// Error implements error.
func (e *DiagError) Error() string { return e.Msg }

// Unwrap returns ErrSyntax.
func (e *DiagError) Unwrap() error { return ErrSyntax }

// Format renders every diagnostic (sorted) for source src named file:
//
//	file:line:col: severity: message
//	<source line>
//	    ^~~~
//
// Errors are written as "file:line:col: message" (no severity word);
// warnings and infos carry "warning: " / "info: " before the message.
func (ds Diagnostics) Format(file, src string) string {
	sorted := append(Diagnostics(nil), ds...)
	sorted.Sort()
	var b strings.Builder
	for _, d := range sorted {
		d.write(&b, file, src)
	}
	return b.String()
}

// String formats one diagnostic with its source line and caret.
func (d Diagnostic) String(file, src string) string {
	var b strings.Builder
	d.write(&b, file, src)
	return b.String()
}

func (d Diagnostic) write(b *strings.Builder, file, src string) {
	start := d.Span.Start
	if start < 0 {
		start = 0
	}
	if start > len(src) {
		start = len(src)
	}
	pos := PositionOf(src, start)
	sev := ""
	if d.Severity != SevError {
		sev = d.Severity.String() + ": "
	}
	fmt.Fprintf(b, "%s:%d:%d: %s%s\n", file, pos.Line, pos.Col, sev, d.Msg)
	ls := strings.LastIndexByte(src[:start], '\n') + 1
	le := strings.IndexByte(src[start:], '\n')
	if le < 0 {
		le = len(src)
	} else {
		le += start
	}
	line := strings.TrimRight(src[ls:le], "\r")
	b.WriteString(line)
	b.WriteByte('\n')
	// Caret line: copy tabs so the caret lines up, one space per rune.
	for _, r := range src[ls:start] {
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('^')
	end := d.Span.End
	if end > le {
		end = le
	}
	if end > start {
		n := utf8.RuneCountInString(src[start:end]) - 1
		for i := 0; i < n; i++ {
			b.WriteByte('~')
		}
	}
	b.WriteByte('\n')
}

// LineCol returns the 1-based line and rune column of the diagnostic's start.
func (d Diagnostic) LineCol(src string) (line, col int) {
	s := d.Span.Start
	if s < 0 {
		s = 0
	}
	p := PositionOf(src, s)
	return p.Line, p.Col
}
