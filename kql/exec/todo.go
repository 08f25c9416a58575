package exec

import (
	"github.com/huntpack/huntpack/kql/syntax"
)

func (p *planner) makeSeries(o *syntax.MakeSeriesOp, in node, sc *scope) (node, error) {
	return nil, errAt(o.Loc, "make-series is not supported yet")
}
func (p *planner) evaluate(o *syntax.EvaluateOp, in node, sc *scope) (node, error) {
	return nil, errAt(o.Loc, "evaluate %s is not supported", callName(o.Call))
}
func (p *planner) topNested(o *syntax.TopNestedOp, in node, sc *scope) (node, error) {
	return nil, errAt(o.Loc, "top-nested is not supported yet")
}
func (p *planner) externalData(o *syntax.ExternalDataExpr, sc *scope) (node, error) {
	return nil, errAt(o.Loc, "externaldata is not supported yet")
}
