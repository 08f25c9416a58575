package exec

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// externalData plans externaldata(schema)[paths] with (format=...). Only
// local files are read (a path, or a file:// URI); network URLs are
// refused because the engine never reaches the network.
func (p *planner) externalData(x *syntax.ExternalDataExpr, sc *scope) (node, error) {
	s := make(types.Schema, len(x.Columns))
	for i, c := range x.Columns {
		s[i] = types.Field{Name: c.Name.Name, Type: c.Type}
	}
	format, skipFirst := "csv", false
	for _, prm := range x.With {
		c, err := p.expr(prm.Value, &env{sc: sc})
		if err != nil {
			return nil, err
		}
		if c.konst == nil {
			continue
		}
		v := types.FormatValue(*c.konst)
		switch strings.ToLower(prm.Name) {
		case "format":
			format = strings.ToLower(v)
		case "ignorefirstrecord":
			skipFirst = strings.EqualFold(v, "true")
		}
	}
	var paths []string
	for _, u := range x.URIs {
		c, err := p.expr(u, &env{sc: sc})
		if err != nil {
			return nil, err
		}
		if c.konst == nil || c.t != types.String {
			return nil, errAt(u.Span(), "externaldata: the location must be a constant string")
		}
		path, err := localPath(c.konst.S)
		if err != nil {
			return nil, errAt(u.Span(), "externaldata: %v", err)
		}
		paths = append(paths, path)
	}
	return &funcNode{s: s, f: func(rt *runtime, emit emitFunc) error {
		for _, path := range paths {
			b, err := readExternal(path, format, skipFirst, s)
			if err != nil {
				return &runtimeError{fmt.Errorf("externaldata: %w", err)}
			}
			if err := (&batchNode{b: b}).run(rt, emit); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// localPath accepts a file path or file:// URI and refuses network URLs.
func localPath(u string) (string, error) {
	u = strings.TrimSpace(u)
	if i := strings.Index(u, ";"); i >= 0 && strings.Contains(u, "://") {
		u = u[:i] // strip storage credentials (never used)
	}
	lower := strings.ToLower(u)
	switch {
	case strings.HasPrefix(lower, "file://"):
		return u[len("file://"):], nil
	case strings.Contains(lower, "://"):
		return "", fmt.Errorf("%s is a network location; huntpack does not access the network: download it and reference the local file", redactURL(u))
	}
	return u, nil
}

// redactURL drops the query string (which may hold a SAS token).
func redactURL(u string) string {
	if i := strings.IndexAny(u, "?;"); i >= 0 {
		return u[:i]
	}
	return u
}

// readExternal reads one file into a batch of schema s.
func readExternal(path, format string, skipFirst bool, s types.Schema) (*types.Batch, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := types.NewBatch(s, 0)
	switch format {
	case "json", "multijson":
		return readJSONLines(f, path, s, b)
	case "csv", "tsv", "tsve", "psv", "scsv", "sohsv", "txt":
	default:
		return nil, fmt.Errorf("%s: format %q is not supported (csv, tsv, psv, scsv, txt, json)", path, format)
	}
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	switch format {
	case "tsv", "tsve":
		r.Comma = '\t'
	case "psv":
		r.Comma = '|'
	case "scsv":
		r.Comma = ';'
	case "sohsv":
		r.Comma = '\x01'
	}
	line := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line++
		if line == 1 && skipFirst {
			continue
		}
		if format == "txt" {
			rec = []string{strings.Join(rec, ",")}
		}
		for j, fl := range s {
			v := ""
			if j < len(rec) {
				v = rec[j]
			}
			b.Cols[j].Append(fromText(v, fl.Type))
		}
		b.Len++
	}
	return b, nil
}

// fromText converts a field's text to a column type.
func fromText(s string, t types.Type) types.Value {
	if t == types.String {
		return types.StringValue(s)
	}
	if s == "" {
		return types.NullOf(t)
	}
	if t == types.Dynamic {
		return funcs.ToDynamic(types.StringValue(s))
	}
	return convert(types.StringValue(s), t)
}

func readJSONLines(f io.Reader, path string, s types.Schema, b *types.Batch) (*types.Batch, error) {
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		d, err := funcs.ParseJSON(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
		m, _ := d.(map[string]any)
		for j, fl := range s {
			b.Cols[j].Append(convert(types.DynamicValue(m[fl.Name]), fl.Type))
		}
		b.Len++
	}
	return b, nil
}
