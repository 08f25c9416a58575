package exec

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// parseCol is one extracted column of parse / parse-kv.
type parseCol struct {
	name string
	t    types.Type
}

// extendWith returns the schema s extended (or overwritten in place) by
// cols, and for each col its output index.
func extendWith(s types.Schema, cols []parseCol) (types.Schema, []int) {
	out := append(types.Schema(nil), s...)
	idx := make([]int, len(cols))
	for i, c := range cols {
		j := out.Index(c.name)
		if j >= 0 {
			out[j].Type = c.t
		} else {
			out = append(out, types.Field{Name: c.name, Type: c.t})
			j = len(out) - 1
		}
		idx[i] = j
	}
	return out, idx
}

// extractNode appends columns computed per row by extract, which fills
// vals (one per column) and reports whether the row matched; with
// dropUnmatched, rows that did not match are removed.
func extractNode(in node, src *cexpr, cols []parseCol, dropUnmatched bool, extract func(s string, vals []types.Value) bool) node {
	inS := in.schema()
	out, idx := extendWith(inS, cols)
	return &streamNode{child: in, s: out, f: func(b *types.Batch) (*types.Batch, error) {
		sc := src.eval(b)
		newCols := make([]*types.Column, len(cols))
		for i, c := range cols {
			newCols[i] = types.NewColumn(c.t, b.Len)
		}
		var keep []int
		vals := make([]types.Value, len(cols))
		for r := 0; r < b.Len; r++ {
			for i, c := range cols {
				vals[i] = types.NullOf(c.t)
			}
			s := types.FormatValue(sc.Value(r))
			ok := extract(s, vals)
			if ok {
				keep = append(keep, r)
			}
			for i := range cols {
				newCols[i].Append(vals[i])
			}
		}
		res := &types.Batch{Schema: out, Len: b.Len, Cols: make([]*types.Column, len(out))}
		copy(res.Cols, b.Cols)
		for i, j := range idx {
			res.Cols[j] = newCols[i]
		}
		if dropUnmatched && len(keep) != b.Len {
			return gather(res, keep), nil
		}
		return res, nil
	}}
}

// typeRegex is the capture pattern of a typed column in simple mode.
func typeRegex(t types.Type) string {
	switch t {
	case types.Int, types.Long:
		return `\-?\d+`
	case types.Real, types.Decimal:
		return `\-?\d+(?:\.\d*)?(?:[eE][+\-]?\d+)?`
	}
	return `.*?`
}

// parse plans parse and parse-where.
func (p *planner) parse(o *syntax.ParseOp, in node, sc *scope) (node, error) {
	src, err := p.expr(o.Source, &env{schema: in.schema(), sc: sc})
	if err != nil {
		return nil, err
	}
	kind, flags := "simple", ""
	for _, prm := range o.Params {
		switch strings.ToLower(prm.Name) {
		case "kind":
			kind = strings.ToLower(paramText(prm.Value))
		case "flags":
			flags = paramText(prm.Value)
		}
	}
	var re strings.Builder
	if flags != "" {
		re.WriteString("(?" + flags + ")")
	}
	if kind != "regex" {
		re.WriteString("^")
	}
	var cols []parseCol
	lastCol := -1
	for i, it := range o.Pattern {
		if _, ok := it.(*syntax.ColumnDecl); ok {
			lastCol = i
		}
	}
	for i, it := range o.Pattern {
		switch x := it.(type) {
		case *syntax.Literal:
			s := types.FormatValue(x.Value)
			if kind == "regex" {
				re.WriteString(s)
			} else {
				re.WriteString(regexp.QuoteMeta(s))
			}
		case *syntax.StarExpr:
			if kind == "regex" {
				re.WriteString(".*")
			} else {
				re.WriteString(".*?")
			}
		case *syntax.ColumnDecl:
			t := x.Type
			fmt.Fprintf(&re, "(?P<c%d>", len(cols))
			cols = append(cols, parseCol{name: x.Name.Name, t: t})
			switch {
			case kind == "regex" && (t.IsNumeric()):
				re.WriteString(typeRegex(t))
			case kind == "regex":
				re.WriteString(".*")
			case kind == "relaxed" || !t.IsNumeric():
				if i == lastCol && i == len(o.Pattern)-1 {
					re.WriteString(".*")
				} else {
					re.WriteString(".*?")
				}
			default:
				re.WriteString(typeRegex(t))
			}
			re.WriteString(")")
		default:
			return nil, errAt(it.Span(), "unsupported parse pattern element")
		}
	}
	rx, err := regexp.Compile(re.String())
	if err != nil {
		return nil, errAt(o.Loc, "parse: bad pattern: %v", err)
	}
	relaxed := kind == "relaxed"
	groups := make([]int, len(cols))
	for i := range cols {
		groups[i] = rx.SubexpIndex(fmt.Sprintf("c%d", i))
	}
	return extractNode(in, src, cols, o.Where, func(s string, vals []types.Value) bool {
		m := rx.FindStringSubmatch(s)
		if m == nil {
			return false
		}
		for i, c := range cols {
			g := groups[i]
			if g < 0 || g >= len(m) {
				continue
			}
			v := convert(types.StringValue(m[g]), c.t)
			if v.IsNull() && c.t != types.String && !relaxed {
				for j := range vals {
					vals[j] = types.NullOf(cols[j].t)
				}
				return false
			}
			vals[i] = v
		}
		return true
	}), nil
}

// kvOptions are parse-kv's with(...) properties.
type kvOptions struct {
	pairDelims, kvDelims string
	quotes               string
	escape               byte
	greedy               bool
	regex                *regexp.Regexp
}

// parseKv plans parse-kv.
func (p *planner) parseKv(o *syntax.ParseKvOp, in node, sc *scope) (node, error) {
	src, err := p.expr(o.Source, &env{schema: in.schema(), sc: sc})
	if err != nil {
		return nil, err
	}
	opts := kvOptions{pairDelims: " ,;", kvDelims: ":="}
	for _, prm := range o.With {
		c, err := p.expr(prm.Value, &env{sc: sc})
		if err != nil {
			return nil, err
		}
		if c.konst == nil {
			return nil, errAt(prm.Loc, "parse-kv: %s must be a constant", prm.Name)
		}
		v := types.FormatValue(*c.konst)
		switch prm.Name {
		case "pair_delimiter":
			opts.pairDelims = v
		case "kv_delimiter":
			opts.kvDelims = v
		case "quote":
			opts.quotes = v
		case "escape":
			if v != "" {
				opts.escape = v[0]
			}
		case "greedy":
			opts.greedy = strings.EqualFold(v, "true")
		case "regex":
			rx, err := regexp.Compile(v)
			if err != nil {
				return nil, errAt(prm.Loc, "parse-kv: bad regex: %v", err)
			}
			opts.regex = rx
		default:
			return nil, errAt(prm.Loc, "parse-kv: unknown property %s", prm.Name)
		}
	}
	var cols []parseCol
	pos := map[string]int{}
	for i, k := range o.Keys {
		t := k.Type
		if !k.TypeGiven {
			t = types.String
		}
		cols = append(cols, parseCol{name: k.Name.Name, t: t})
		pos[k.Name.Name] = i
	}
	return extractNode(in, src, cols, false, func(s string, vals []types.Value) bool {
		set := make([]bool, len(vals))
		for _, kv := range splitKV(s, &opts) {
			if i, ok := pos[kv[0]]; ok && !set[i] {
				vals[i] = convert(types.StringValue(kv[1]), cols[i].t)
				set[i] = true
			}
		}
		return true
	}), nil
}

// splitKV splits text into key/value pairs.
func splitKV(s string, o *kvOptions) [][2]string {
	var out [][2]string
	if o.regex != nil {
		for _, m := range o.regex.FindAllStringSubmatch(s, -1) {
			if len(m) >= 3 {
				out = append(out, [2]string{strings.TrimSpace(m[1]), strings.TrimSpace(m[2])})
			}
		}
		return out
	}
	isPair := func(c byte) bool { return strings.IndexByte(o.pairDelims, c) >= 0 }
	isKV := func(c byte) bool { return strings.IndexByte(o.kvDelims, c) >= 0 }
	i := 0
	for i < len(s) {
		for i < len(s) && (isPair(s[i]) || s[i] == ' ') {
			i++
		}
		key, ni, ok := kvToken(s, i, o, func(c byte) bool { return isKV(c) || isPair(c) })
		i = ni
		if !ok || i >= len(s) || !isKV(s[i]) {
			for i < len(s) && !isPair(s[i]) {
				i++
			}
			continue
		}
		i++
		for i < len(s) && s[i] == ' ' {
			i++
		}
		val, ni, _ := kvToken(s, i, o, isPair)
		i = ni
		if o.greedy {
			for i < len(s) {
				j := i + 1
				for j < len(s) && !isPair(s[j]) && !isKV(s[j]) {
					j++
				}
				if j < len(s) && isKV(s[j]) {
					break
				}
				val += s[i:j]
				i = j
			}
		}
		out = append(out, [2]string{strings.TrimSpace(key), strings.TrimSpace(val)})
	}
	return out
}

// kvToken reads a key or value at i: quoted (with escapes) or up to a
// byte for which stop is true.
func kvToken(s string, i int, o *kvOptions, stop func(byte) bool) (string, int, bool) {
	if i < len(s) && o.quotes != "" && s[i] == o.quotes[0] {
		closeQ := o.quotes[len(o.quotes)-1]
		var b strings.Builder
		j := i + 1
		for j < len(s) && s[j] != closeQ {
			if o.escape != 0 && s[j] == o.escape && j+1 < len(s) {
				j++
			}
			b.WriteByte(s[j])
			j++
		}
		if j < len(s) {
			j++
		}
		return b.String(), j, true
	}
	j := i
	for j < len(s) && !stop(s[j]) {
		j++
	}
	return s[i:j], j, j > i
}
