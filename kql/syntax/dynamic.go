package syntax

import (
	"strconv"

	"github.com/huntpack/huntpack/kql/types"
)

// parseDynamicLit parses `dynamic(value)` where value is JSON extended with
// KQL literals (datetime(...), timespans, typed nulls).
func (p *parser) parseDynamicLit() Expr {
	s := p.start()
	p.next() // dynamic
	p.next() // (
	var d any
	if !p.at(TokRParen) {
		d = p.parseDynValue()
	}
	p.expect(TokRParen)
	loc := p.spanFrom(s)
	return &Literal{Loc: loc, Value: types.DynamicValue(d), Raw: loc.Text(p.src)}
}

func (p *parser) parseDynValue() any {
	p.enter()
	defer p.leave()
	t := p.tok()
	switch t.Kind {
	case TokLBracket:
		p.next()
		arr := []any{}
		for !p.at(TokRBracket) && !p.at(TokEOF) {
			arr = append(arr, p.parseDynValue())
			if !p.got(TokComma) {
				break
			}
			if p.at(TokRBracket) {
				p.expected("a dynamic value")
			}
		}
		p.expect(TokRBracket)
		return arr
	case TokLBrace:
		p.next()
		m := map[string]any{}
		for !p.at(TokRBrace) && !p.at(TokEOF) {
			var key string
			switch kt := p.tok(); kt.Kind {
			case TokString:
				key, _, _ = unquote(p.text(kt))
				p.next()
			case TokIdent:
				key = p.text(kt)
				p.next()
			default:
				p.expected("a property name")
				p.skipTo(TokRBrace)
				p.expect(TokRBrace)
				return m
			}
			p.expect(TokColon)
			m[key] = p.parseDynValue()
			if !p.got(TokComma) {
				break
			}
			if p.at(TokRBrace) {
				p.expected("a property")
			}
		}
		p.expect(TokRBrace)
		return m
	case TokString:
		lit := p.parseStringLit().(*Literal)
		return lit.Value.S
	case TokMinus, TokPlus, TokInt, TokReal:
		return p.parseDynNumber()
	case TokTimespan:
		p.next()
		v, _ := parseTimespanLit(p.text(t))
		return types.FormatTimeSpan(v)
	case TokTypedRaw:
		p.next()
		lit := p.typedRawLiteral(t).(*Literal)
		return dynFromValue(lit.Value)
	case TokIdent:
		switch p.text(t) {
		case "null":
			p.next()
			return nil
		case "true":
			p.next()
			return true
		case "false":
			p.next()
			return false
		}
		if p.peekKind(1) == TokLParen {
			lit, ok := p.parsePrimary().(*Literal)
			if ok {
				return dynFromValue(lit.Value)
			}
			return nil
		}
	}
	p.expected("a dynamic value")
	if !p.at(TokRParen) && !p.at(TokEOF) {
		p.next()
	}
	return nil
}

func (p *parser) parseDynNumber() any {
	neg := false
	if p.at(TokMinus) || p.at(TokPlus) {
		neg = p.at(TokMinus)
		p.next()
	}
	t := p.tok()
	switch t.Kind {
	case TokInt:
		p.next()
		v, ok := parseIntLit(p.text(t))
		if !ok {
			p.errorAt(t.Span(), "integer literal out of range")
		}
		if neg {
			v = -v
		}
		return v
	case TokReal:
		p.next()
		f, _ := strconv.ParseFloat(p.text(t), 64)
		if neg {
			f = -f
		}
		return f
	}
	p.expected("a number")
	return nil
}

// dynFromValue converts a scalar literal value to a dynamic payload.
func dynFromValue(v types.Value) any {
	if v.IsNull() {
		return nil
	}
	switch v.T {
	case types.Bool:
		return v.Bool()
	case types.Int, types.Long:
		return v.I
	case types.Real, types.Decimal:
		return v.F
	case types.DateTime:
		return types.FormatDateTime(v.I)
	case types.TimeSpan:
		return types.FormatTimeSpan(v.I)
	case types.Dynamic:
		return v.D
	}
	return v.S
}
