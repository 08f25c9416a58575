package funcs

import (
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/kql/types"
)

// geo_from_wkt: Well-Known Text (OGC 06-103r4, 2D; Z/M/ZM ordinates are
// accepted and dropped) to GeoJSON.

func gsEvalFromWKT(_ *Context, a []types.Value) types.Value {
	s, ok := asString(a[0])
	if !ok {
		return gsNullDyn
	}
	g, err := gsParseWKT(s)
	if err != nil {
		return gsNullDyn
	}
	return gsDyn(gsToJSON(g))
}

// gsWKTError is a WKT syntax error at a byte offset.
type gsWKTError struct {
	pos int
	msg string
}

func (e *gsWKTError) Error() string { return "wkt: offset " + strconv.Itoa(e.pos) + ": " + e.msg }

type gsWKT struct {
	s   string
	pos int
}

// gsParseWKT parses one WKT geometry; coordinates must be valid WGS-84
// longitude/latitude.
func gsParseWKT(s string) (*gsGeom, error) {
	p := &gsWKT{s: s}
	g, err := p.geometry(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.pos != len(p.s) {
		return nil, p.errf("unexpected text after the geometry")
	}
	return g, nil
}

func (p *gsWKT) errf(msg string) error { return &gsWKTError{pos: p.pos, msg: msg} }

func (p *gsWKT) ws() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *gsWKT) word() string {
	p.ws()
	st := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') {
			p.pos++
			continue
		}
		break
	}
	return strings.ToUpper(p.s[st:p.pos])
}

func (p *gsWKT) expect(c byte) error {
	p.ws()
	if p.pos >= len(p.s) || p.s[p.pos] != c {
		return p.errf("expected " + string(c))
	}
	p.pos++
	return nil
}

// peek reports whether the next non-space byte is c (and consumes it).
func (p *gsWKT) accept(c byte) bool {
	p.ws()
	if p.pos < len(p.s) && p.s[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

// dims reads an optional Z, M or ZM marker and returns the ordinate count.
func (p *gsWKT) dims() int {
	save := p.pos
	switch p.word() {
	case "Z", "M":
		return 3
	case "ZM":
		return 4
	}
	p.pos = save
	return 2
}

func (p *gsWKT) empty() bool {
	save := p.pos
	if p.word() == "EMPTY" {
		return true
	}
	p.pos = save
	return false
}

func (p *gsWKT) number() (float64, error) {
	p.ws()
	st := p.pos
	for p.pos < len(p.s) && strings.IndexByte("+-.0123456789eE", p.s[p.pos]) >= 0 {
		p.pos++
	}
	f, err := strconv.ParseFloat(p.s[st:p.pos], 64)
	if err != nil {
		p.pos = st
		return 0, p.errf("expected a number")
	}
	return f, nil
}

func (p *gsWKT) position(dims int) (gsLL, error) {
	var v [4]float64
	n := 0
	for n < 4 {
		p.ws()
		if p.pos >= len(p.s) || strings.IndexByte("+-.0123456789", p.s[p.pos]) < 0 {
			break
		}
		f, err := p.number()
		if err != nil {
			return gsLL{}, err
		}
		v[n] = f
		n++
	}
	if n < 2 || (dims > 2 && n != dims) {
		return gsLL{}, p.errf("expected a position of " + strconv.Itoa(dims) + " numbers")
	}
	if !gsValid(v[0], v[1]) {
		return gsLL{}, p.errf("coordinate out of range")
	}
	return gsLL{v[0], v[1]}, nil
}

// positions reads "(x y, x y, ...)"; points in a MULTIPOINT may also be
// written "((x y), (x y))".
func (p *gsWKT) positions(dims, min int, allowParen bool) ([]gsLL, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	var out []gsLL
	for {
		paren := allowParen && p.accept('(')
		q, err := p.position(dims)
		if err != nil {
			return nil, err
		}
		if paren {
			if err := p.expect(')'); err != nil {
				return nil, err
			}
		}
		out = append(out, q)
		if !p.accept(',') {
			break
		}
	}
	if err := p.expect(')'); err != nil {
		return nil, err
	}
	if len(out) < min {
		return nil, p.errf("too few positions")
	}
	return out, nil
}

func (p *gsWKT) rings(dims int) ([][]gsLL, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	var out [][]gsLL
	for {
		r, err := p.positions(dims, 4, false)
		if err != nil {
			return nil, err
		}
		if r[0] != r[len(r)-1] || len(gsRingVertices(r)) < 3 {
			return nil, p.errf("polygon ring is not closed or has fewer than 3 distinct vertices")
		}
		out = append(out, r)
		if !p.accept(',') {
			break
		}
	}
	return out, p.expect(')')
}

// list reads "(item, item, ...)".
func (p *gsWKT) list(item func() error) error {
	if err := p.expect('('); err != nil {
		return err
	}
	for {
		if err := item(); err != nil {
			return err
		}
		if !p.accept(',') {
			break
		}
	}
	return p.expect(')')
}

func (p *gsWKT) geometry(depth int) (*gsGeom, error) {
	if depth > 8 {
		return nil, p.errf("geometry collections nested too deeply")
	}
	kw := p.word()
	dims := p.dims()
	var g gsGeom
	var err error
	switch kw {
	case "POINT":
		g.kind = gsPointKind
		if p.empty() {
			return nil, p.errf("empty point")
		}
		g.pts, err = p.positions(dims, 1, false)
		if err == nil && len(g.pts) != 1 {
			err = p.errf("a point has one position")
		}
	case "MULTIPOINT":
		g.kind = gsMultiPointKind
		g.pts, err = p.positions(dims, 1, true)
	case "LINESTRING":
		g.kind = gsLineKind
		var l []gsLL
		l, err = p.positions(dims, 2, false)
		g.lines = [][]gsLL{l}
	case "MULTILINESTRING":
		g.kind = gsMultiLineKind
		err = p.list(func() error {
			l, err := p.positions(dims, 2, false)
			g.lines = append(g.lines, l)
			return err
		})
	case "POLYGON":
		g.kind = gsPolygonKind
		var rs [][]gsLL
		rs, err = p.rings(dims)
		g.polys = [][][]gsLL{rs}
	case "MULTIPOLYGON":
		g.kind = gsMultiPolygonKind
		err = p.list(func() error {
			rs, err := p.rings(dims)
			g.polys = append(g.polys, rs)
			return err
		})
	case "GEOMETRYCOLLECTION":
		g.kind = gsCollectionKind
		if p.empty() {
			return &g, nil
		}
		err = p.list(func() error {
			c, err := p.geometry(depth + 1)
			g.geoms = append(g.geoms, c)
			return err
		})
	default:
		return nil, p.errf("unknown geometry type " + strconv.Quote(kw))
	}
	if err != nil {
		return nil, err
	}
	return &g, nil
}
