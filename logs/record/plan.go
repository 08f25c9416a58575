package record

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/huntpack/huntpack/kql/types"
)

// Plan maps one source's columns onto a table schema, restricted to the
// scan's projection, and locates the raw-filter columns.
type Plan struct {
	// Out is the schema of the batches the plan produces.
	Out   types.Schema
	src   []int // per Out column: source column index, or -1 (all null)
	loc   []*time.Location
	epoch []bool
	filt  []int // per RawFilter column: source column index, or -1
	keep  func([][]byte) bool
}

// NewPlan builds the plan for reading a source with columns cols into a
// table with schema table, for a scan with opts. A projected or filter
// column that is not in the table schema is an error.
func NewPlan(table types.Schema, cols []Col, opts types.ScanOptions) (*Plan, error) {
	out, err := Project(table, opts.Columns)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]int, len(cols))
	for i, c := range cols {
		if _, dup := byName[c.Name]; !dup {
			byName[c.Name] = i
		}
	}
	p := &Plan{Out: out}
	for _, f := range out {
		i, ok := byName[f.Name]
		if !ok {
			i = -1
		}
		p.src = append(p.src, i)
		if ok {
			p.loc = append(p.loc, cols[i].Loc)
			p.epoch = append(p.epoch, cols[i].Epoch)
		} else {
			p.loc = append(p.loc, nil)
			p.epoch = append(p.epoch, false)
		}
	}
	if opts.Filter != nil && opts.Filter.Keep != nil {
		for _, name := range opts.Filter.Columns {
			if table.Index(name) < 0 {
				return nil, fmt.Errorf("filter column %q is not in the table", name)
			}
			i, ok := byName[name]
			if !ok {
				i = -1
			}
			p.filt = append(p.filt, i)
		}
		p.keep = opts.Filter.Keep
	}
	return p, nil
}

// Project returns the schema for a projection of table (all of it when
// cols is nil).
func Project(table types.Schema, cols []string) (types.Schema, error) {
	if cols == nil {
		return table, nil
	}
	out := make(types.Schema, 0, len(cols))
	for _, c := range cols {
		i := table.Index(c)
		if i < 0 {
			return nil, fmt.Errorf("column %q is not in the table", c)
		}
		out = append(out, table[i])
	}
	return out, nil
}

// Needed returns, for a source with n columns, which ones the plan reads
// (for the projection or the filter).
func (p *Plan) Needed(n int) []bool {
	need := make([]bool, n)
	for _, lists := range [][]int{p.src, p.filt} {
		for _, i := range lists {
			if i >= 0 && i < n {
				need[i] = true
			}
		}
	}
	return need
}

// NeedsSource reports whether the plan reads source column i (for the
// projection or the filter); readers may skip decoding other columns.
func (p *Plan) NeedsSource(i int) bool {
	for _, s := range p.src {
		if s == i {
			return true
		}
	}
	for _, s := range p.filt {
		if s == i {
			return true
		}
	}
	return false
}

// Sink converts records through a plan into batches and emits them.
// A Sink is used by one goroutine.
type Sink struct {
	plan   *Plan
	file   string
	strict bool
	stats  *types.ScanStats
	emit   func(*types.Batch) error

	batch   *types.Batch
	arena   []byte
	filtBuf [][]byte
	bad     bool // current row already counted as malformed
	batches int
}

// SinkOptions configures a Sink.
type SinkOptions struct {
	File   string           // file name for warnings
	Strict bool             // fail on the first problem instead of warning
	Stats  *types.ScanStats // may be nil
	Emit   func(*types.Batch) error
}

// NewSink returns a sink writing batches of plan.Out.
func NewSink(plan *Plan, o SinkOptions) *Sink {
	s := &Sink{plan: plan, file: o.File, strict: o.Strict, stats: o.Stats, emit: o.Emit}
	s.filtBuf = make([][]byte, len(plan.filt))
	return s
}

const arenaChunk = 64 << 10

// intern copies b into the batch's string arena and returns a string
// viewing the copy (no allocation per value). Arena bytes are never
// written twice, so the strings stay valid.
func (s *Sink) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaChunk/4 {
		return string(b)
	}
	if cap(s.arena)-len(s.arena) < len(b) {
		s.arena = make([]byte, 0, arenaChunk)
	}
	off := len(s.arena)
	s.arena = append(s.arena, b...)
	return str(s.arena[off:len(s.arena):len(s.arena)])
}

// Keep applies the raw filter to a record. Readers may call it early
// (before full decoding) when they have the filter fields at hand.
func (s *Sink) Keep(fields [][]byte) bool {
	if s.plan.keep == nil {
		return true
	}
	for j, i := range s.plan.filt {
		if i >= 0 && i < len(fields) {
			s.filtBuf[j] = fields[i]
		} else {
			s.filtBuf[j] = nil
		}
	}
	return s.plan.keep(s.filtBuf)
}

// Add converts one record (already counted by the reader) and appends it
// to the current batch, emitting full batches. It applies the raw filter.
func (s *Sink) Add(fields [][]byte, line int64) error {
	if !s.Keep(fields) {
		return nil
	}
	if s.batch == nil {
		// Small first batch (small files), full-size ones after that.
		n := 256
		if s.batches > 0 {
			n = types.BatchSize
		}
		s.batches++
		s.batch = &types.Batch{Schema: s.plan.Out, Cols: make([]*types.Column, len(s.plan.Out))}
		for j, f := range s.plan.Out {
			if s.plan.src[j] >= 0 {
				s.batch.Cols[j] = types.NewColumn(f.Type, n)
			}
		}
	}
	for j, i := range s.plan.src {
		if i < 0 {
			continue // filled with nulls in bulk by Flush
		}
		var b []byte
		if i < len(fields) {
			b = fields[i]
		}
		if err := s.appendValue(s.batch.Cols[j], s.plan.Out[j], b, j, line); err != nil {
			return err
		}
	}
	s.batch.Len++
	if s.batch.Len >= types.BatchSize {
		return s.Flush()
	}
	return nil
}

func (s *Sink) appendValue(c *types.Column, f types.Field, b []byte, j int, line int64) error {
	t := f.Type
	if t.UsesStrs() {
		c.Strs = append(c.Strs, s.intern(b))
		return nil
	}
	if isNull(b, t) {
		c.AppendNull()
		return nil
	}
	var ok bool
	switch {
	case t == types.Bool:
		var v bool
		v, ok = ParseBool(b)
		c.Bools = append(c.Bools, v)
	case t == types.Int || t == types.Long:
		var v int64
		v, ok = ParseLong(b)
		if t == types.Int && v != int64(int32(v)) {
			ok = false
		}
		c.Ints = append(c.Ints, v)
	case t.UsesReals():
		var v float64
		v, ok = ParseReal(b)
		c.Reals = append(c.Reals, v)
	case t == types.DateTime:
		var v int64
		v, ok = ParseDateTimeIn(b, s.plan.loc[j], s.plan.epoch[j])
		c.Ints = append(c.Ints, v)
	case t == types.TimeSpan:
		v, err := types.ParseTimeSpan(str(b))
		ok = err == nil
		c.Ints = append(c.Ints, v)
	default:
		c.Dyns = append(c.Dyns, ParseDynamic(b))
		return nil
	}
	if !ok {
		// Replace the bad value with a null and report it.
		setLastNull(c)
		return s.warnValue(line, f, b)
	}
	if c.Nulls != nil {
		c.Nulls = append(c.Nulls, false)
	}
	return nil
}

// setLastNull marks the value just appended as null.
func setLastNull(c *types.Column) {
	n := c.Len()
	if c.Nulls == nil {
		c.Nulls = make([]bool, n, 2*n)
	} else {
		c.Nulls = append(c.Nulls, false)
	}
	c.Nulls[n-1] = true
}

func (s *Sink) warnValue(line int64, f types.Field, b []byte) error {
	return s.Problem(line, fmt.Sprintf("column %s: cannot convert %q to %v; using null", f.Name, clip(b), f.Type))
}

// Problem reports a problem with the record at line: with Strict it
// returns an error naming file:line, otherwise it records a warning and
// counts the record as malformed (once per record).
func (s *Sink) Problem(line int64, msg string) error {
	w := types.Warning{File: s.file, Line: line, Msg: msg}
	if s.strict {
		return fmt.Errorf("%s", w.String())
	}
	if s.stats != nil {
		if !s.bad {
			atomic.AddInt64(&s.stats.Malformed, 1)
		}
		s.stats.Warn(w)
	}
	s.bad = true
	return nil
}

// Begin starts a new record (for counting malformed records once).
func (s *Sink) Begin() { s.bad = false }

// SkipRecord reports a record that could not be read (or was read with a
// problem, see Error.Keep).
func (s *Sink) SkipRecord(line int64, msg string) error {
	return s.Problem(line, msg)
}

// Flush emits the current batch, if it has rows.
func (s *Sink) Flush() error {
	if s.batch == nil || s.batch.Len == 0 {
		return nil
	}
	b := s.batch
	for j, i := range s.plan.src {
		if i < 0 {
			b.Cols[j] = nullColumn(s.plan.Out[j].Type, b.Len)
		}
	}
	s.batch = nil
	s.arena = nil
	return s.emit(b)
}

// nullColumn returns a column of n nulls ("" for strings).
func nullColumn(t types.Type, n int) *types.Column {
	c := &types.Column{Type: t}
	switch {
	case t.UsesStrs():
		c.Strs = make([]string, n)
		return c
	case t == types.Dynamic:
		c.Dyns = make([]any, n)
		return c
	case t == types.Bool:
		c.Bools = make([]bool, n)
	case t.UsesInts():
		c.Ints = make([]int64, n)
	case t.UsesReals():
		c.Reals = make([]float64, n)
	default:
		c.Dyns = make([]any, n)
		return c
	}
	c.Nulls = make([]bool, n)
	for i := range c.Nulls {
		c.Nulls[i] = true
	}
	return c
}
