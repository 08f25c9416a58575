package exec

import (
	"strings"
	"unicode/utf8"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// plugReduce plans `reduce [kind=source] by Expr [with threshold=T,
// characters="..."]`, after the SLCT algorithm the docs cite (Vaarandi, "A
// Data Clustering Algorithm for Mining Patterns From Event Logs"): values
// are split into terms (by every character that is not an ASCII letter or
// digit, or by the given characters); a term at a position is frequent
// when it occurs in more than 1-Threshold (Threshold defaults to 0.1) of
// the rows; rows with the same set of frequent terms form a cluster when
// the cluster has more than 1-Threshold of the rows; everything else is
// "others". (The support is 1-Threshold, not Threshold as in SLCT: that
// is what the docs' examples show, where threshold=0.001 folds 1000
// values differing in one term into one pattern.) A
// cluster's pattern is its first value with the infrequent terms replaced
// by * (given separator characters are left out of the pattern, as the
// docs' examples show). The output has Pattern, Count and Representative
// per cluster in order of first appearance, then others; kind=source
// instead appends each row's Pattern to the input rows.
func (p *planner) plugReduce(o *syntax.ReduceOp, in node, sc *scope) (node, error) {
	inS := in.schema()
	by, err := p.expr(o.By, &env{schema: inS, sc: sc})
	if err != nil {
		return nil, err
	}
	threshold, seps := 0.1, ""
	custom := false
	for _, w := range o.With {
		c, err := p.expr(w.Value, &env{sc: sc})
		if err != nil {
			return nil, err
		}
		if c.konst == nil {
			return nil, errAt(w.Loc, "reduce: %s must be a constant", w.Name)
		}
		switch strings.ToLower(w.Name) {
		case "threshold":
			threshold = convert(*c.konst, types.Real).F
			if !(threshold >= 0 && threshold <= 1) {
				return nil, errAt(w.Loc, "reduce: threshold must be between 0 and 1")
			}
		case "characters":
			seps, custom = types.FormatValue(*c.konst), true
		default:
			return nil, errAt(w.Loc, "reduce: unknown property %s (threshold, characters)", w.Name)
		}
	}
	source := false
	for _, prm := range o.Params {
		if strings.EqualFold(prm.Name, "kind") {
			switch k := strings.ToLower(paramText(prm.Value)); k {
			case "source":
				source = true
			default:
				return nil, errAt(prm.Loc, "reduce: kind must be source, not %s", k)
			}
		}
	}
	cfg := plugReducer{threshold: threshold, seps: seps, custom: custom}
	if source {
		out := append(append(types.Schema(nil), inS...), types.Field{Name: "Pattern", Type: types.String})
		return plugTableNode(in, out, "reduce", func(b *types.Batch, o *plugOutput) {
			r := cfg // each run clusters with its own state
			vals := plugStrings(by.eval(b), b.Len)
			pats := r.patterns(vals)
			for i := 0; i < b.Len; i++ {
				row := make([]types.Value, 0, len(out))
				for _, c := range b.Cols {
					row = append(row, c.Value(i))
				}
				o.add(append(row, types.StringValue(pats[i]))...)
			}
		}), nil
	}
	out := types.Schema{{Name: "Pattern", Type: types.String}, {Name: "Count", Type: types.Long}, {Name: "Representative", Type: types.String}}
	return plugTableNode(in, out, "reduce", func(b *types.Batch, o *plugOutput) {
		r := cfg // each run clusters with its own state
		vals := plugStrings(by.eval(b), b.Len)
		pats := r.patterns(vals)
		type group struct {
			count int64
			rep   string
		}
		var order []string
		groups := map[string]*group{}
		others := int64(0)
		for i, pt := range pats {
			if pt == plugOthers {
				others++
				continue
			}
			g, ok := groups[r.keys[i]]
			if !ok {
				g = &group{rep: vals[i]}
				groups[r.keys[i]] = g
				order = append(order, r.keys[i])
			}
			g.count++
		}
		for _, k := range order {
			g := groups[k]
			o.add(types.StringValue(r.patternOf[k]), types.LongValue(g.count), types.StringValue(g.rep))
		}
		if others > 0 {
			o.add(types.StringValue(plugOthers), types.LongValue(others), types.StringValue(""))
		}
	}), nil
}

const plugOthers = "others"

func plugStrings(c *types.Column, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = types.FormatValue(c.Value(i))
	}
	return out
}

// plugReducer runs the clustering over one set of values.
type plugReducer struct {
	threshold float64
	seps      string
	custom    bool
	keys      []string          // cluster key per value ("" for others)
	patternOf map[string]string // pattern per cluster key
}

// plugPiece is a term or a run of separators of a value.
type plugPiece struct {
	text string
	term bool
}

func (r *plugReducer) isSep(c rune) bool {
	if r.custom {
		return strings.ContainsRune(r.seps, c)
	}
	return !(c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'))
}

func (r *plugReducer) split(s string) []plugPiece {
	var out []plugPiece
	start, inTerm := 0, false
	for i, c := range s {
		term := !r.isSep(c)
		if i > 0 && term != inTerm {
			out = append(out, plugPiece{text: s[start:i], term: inTerm})
			start = i
		}
		inTerm = term
	}
	if s != "" {
		out = append(out, plugPiece{text: s[start:], term: inTerm})
	}
	return out
}

// termKey identifies a term at its position among the value's terms.
func termKey(pos int, text string) string {
	return string(rune('0'+pos%64)) + "\x00" + text
}

// patterns returns each value's pattern ("others" when in no cluster).
func (r *plugReducer) patterns(vals []string) []string {
	n := len(vals)
	support := (1 - r.threshold) * float64(n)
	pieces := make([][]plugPiece, n)
	freq := map[string]int{}
	for i, v := range vals {
		pieces[i] = r.split(v)
		pos := 0
		for _, pc := range pieces[i] {
			if pc.term {
				freq[termKey(pos, pc.text)]++
				pos++
			}
		}
	}
	r.keys = make([]string, n)
	clusterSize := map[string]int{}
	for i := range vals {
		var sb strings.Builder
		pos := 0
		for _, pc := range pieces[i] {
			if pc.term {
				if k := termKey(pos, pc.text); float64(freq[k]) > support {
					sb.WriteString(k)
					sb.WriteByte('\x01')
				}
				pos++
			}
		}
		r.keys[i] = sb.String()
		if r.keys[i] != "" {
			clusterSize[r.keys[i]]++
		}
	}
	r.patternOf = map[string]string{}
	out := make([]string, n)
	for i := range vals {
		k := r.keys[i]
		if k == "" || float64(clusterSize[k]) <= support {
			r.keys[i], out[i] = "", plugOthers
			continue
		}
		if pt, ok := r.patternOf[k]; ok {
			out[i] = pt
			continue
		}
		pt := r.render(pieces[i], freq, support)
		r.patternOf[k], out[i] = pt, pt
	}
	return out
}

// render writes a value with its infrequent terms replaced by *.
func (r *plugReducer) render(pieces []plugPiece, freq map[string]int, support float64) string {
	var sb strings.Builder
	pos := 0
	lastStar := false
	for _, pc := range pieces {
		if !pc.term {
			if r.custom {
				continue // given separators are not part of the pattern
			}
			sb.WriteString(pc.text)
			lastStar = false
			continue
		}
		if float64(freq[termKey(pos, pc.text)]) > support {
			sb.WriteString(pc.text)
			lastStar = false
		} else if !lastStar {
			sb.WriteByte('*')
			lastStar = true
		}
		pos++
	}
	return sb.String()
}
