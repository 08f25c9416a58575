package adx

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/huntpack/huntpack/remote/internal/rows"
)

// frame is one v2 response frame (only the fields huntpack reads).
type frame struct {
	FrameType         string            `json:"FrameType"`
	TableID           int               `json:"TableId"`
	TableKind         string            `json:"TableKind"`
	TableName         string            `json:"TableName"`
	TableFragmentType string            `json:"TableFragmentType"`
	Columns           []frameColumn     `json:"Columns"`
	Rows              []json.RawMessage `json:"Rows"`
	HasErrors         bool              `json:"HasErrors"`
	Cancelled         bool              `json:"Cancelled"`
	OneAPIErrors      []json.RawMessage `json:"OneApiErrors"`
}

type frameColumn struct {
	ColumnName string `json:"ColumnName"`
	ColumnType string `json:"ColumnType"`
	DataType   string `json:"DataType"`
}

// primary accumulates the primary result table.
type primary struct {
	id       int
	name     string
	cols     []rows.Column
	data     [][]any
	found    bool
	problems []string
}

// ReadFrames reads a Kusto v2 response (a JSON array of frames, with or
// without newlines between frames) and returns its first PrimaryResult
// table. Errors inside the result become Result.Partial.
func ReadFrames(r io.Reader) (*Result, error) {
	dec := json.NewDecoder(bufio.NewReader(r))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("not a v2 response: %w", err)
	} else if d, ok := t.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("not a v2 response: starts with %v, want a JSON array of frames", t)
	}
	p := &primary{id: -1}
	completed := false
	for i := 0; dec.More(); i++ {
		var f frame
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("frame %d: %w", i, err)
		}
		if err := p.add(f); err != nil {
			return nil, fmt.Errorf("frame %d (%s): %w", i, f.FrameType, err)
		}
		completed = completed || f.FrameType == "DataSetCompletion"
	}
	if !p.found {
		return nil, errors.New("the response has no PrimaryResult table")
	}
	if !completed {
		p.problems = append(p.problems, "the response ended without DataSetCompletion (truncated)")
	}
	b, err := rows.Batch(p.cols, p.data)
	if err != nil {
		return nil, err
	}
	return &Result{Name: p.name, Batch: b, Partial: strings.Join(p.problems, "; ")}, nil
}

func (p *primary) add(f frame) error {
	switch f.FrameType {
	case "DataTable", "TableHeader":
		if f.TableKind != "PrimaryResult" || p.found {
			return nil
		}
		p.found, p.id, p.name = true, f.TableID, f.TableName
		for _, c := range f.Columns {
			t := c.ColumnType
			if t == "" {
				t = c.DataType
			}
			p.cols = append(p.cols, rows.Column{Name: c.ColumnName, Type: t})
		}
		return p.addRows(f.Rows)
	case "TableFragment":
		if !p.found || f.TableID != p.id {
			return nil
		}
		if f.TableFragmentType == "DataReplace" {
			p.data = p.data[:0]
		}
		return p.addRows(f.Rows)
	case "TableCompletion":
		if f.TableID == p.id {
			p.addErrors(f.OneAPIErrors)
		}
	case "DataSetCompletion":
		p.addErrors(f.OneAPIErrors)
		if f.HasErrors && len(f.OneAPIErrors) == 0 {
			p.problems = append(p.problems, "the query completed with errors")
		}
		if f.Cancelled {
			p.problems = append(p.problems, "the query was cancelled")
		}
	}
	return nil
}

// addRows appends rows; a row that is an object rather than an array is
// an in-band error (OneApiErrors) and is reported, not kept.
func (p *primary) addRows(raw []json.RawMessage) error {
	for _, r := range raw {
		r = bytes.TrimSpace(r)
		if len(r) > 0 && r[0] == '{' {
			var e struct {
				OneAPIErrors []json.RawMessage `json:"OneApiErrors"`
			}
			if json.Unmarshal(r, &e) == nil {
				p.addErrors(e.OneAPIErrors)
			}
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.UseNumber()
		var row []any
		if err := dec.Decode(&row); err != nil {
			return fmt.Errorf("row %d: %w", len(p.data), err)
		}
		p.data = append(p.data, row)
	}
	return nil
}

// addErrors records OneApiErrors entries ({"error":{"code","message",
// "@message"}}).
func (p *primary) addErrors(errs []json.RawMessage) {
	for _, raw := range errs {
		if m := restMessage(string(raw)); m != "" {
			p.problems = append(p.problems, m)
		} else {
			p.problems = append(p.problems, "query error: "+string(raw))
		}
	}
}
