package syntax

// Span methods (nil-safe) and interface markers for every node type.

// Span returns the source range of the node (NoSpan for a nil node).
func (n *AsOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *BadExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *BadOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *BadStmt) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *BetweenExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *BinaryExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *CallExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ColumnDecl) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ConsumeOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *CountOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *DataTableExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *DeclareStmt) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *DistinctOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *EvaluateOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ExprStmt) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ExtendOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ExternalDataExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *FacetOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *FindOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ForkBranch) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ForkOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *FunctionExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *GenericOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *GetSchemaOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *Ident) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *InExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *IndexExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *InvokeOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *JoinOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *LetStmt) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ListExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *Literal) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *LookupOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *MakeSeriesAgg) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *MakeSeriesOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *MemberExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *MvApplyOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *MvExpandItem) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *MvExpandOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *NamedExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *OpParam) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *Param) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ParenExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ParseKvOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ParseOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *PartitionOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *PipeExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *PrintOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ProjectAwayOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ProjectKeepOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ProjectOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ProjectRenameOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ProjectReorderOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *Query) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *RangeOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ReduceOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *RenderOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *SampleDistinctOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *SampleOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ScanOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *ScanStep) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *SearchOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *SerializeOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *SetStmt) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *SortExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *SortOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *StarExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *SummarizeOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *TakeOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *TopHittersOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *TopNestedLevel) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *TopNestedOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *TopOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *TypeofExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *UnaryExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *UnionOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *WhereOp) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

// Span returns the source range of the node (NoSpan for a nil node).
func (n *WildcardExpr) Span() Span {
	if n == nil {
		return NoSpan
	}
	return n.Loc
}

func (*LetStmt) stmtNode()     {}
func (*DeclareStmt) stmtNode() {}
func (*SetStmt) stmtNode()     {}
func (*ExprStmt) stmtNode()    {}
func (*BadStmt) stmtNode()     {}

func (*Ident) exprNode()            {}
func (*WildcardExpr) exprNode()     {}
func (*Literal) exprNode()          {}
func (*TypeofExpr) exprNode()       {}
func (*BinaryExpr) exprNode()       {}
func (*UnaryExpr) exprNode()        {}
func (*InExpr) exprNode()           {}
func (*BetweenExpr) exprNode()      {}
func (*CallExpr) exprNode()         {}
func (*NamedExpr) exprNode()        {}
func (*MemberExpr) exprNode()       {}
func (*IndexExpr) exprNode()        {}
func (*ParenExpr) exprNode()        {}
func (*ListExpr) exprNode()         {}
func (*StarExpr) exprNode()         {}
func (*FunctionExpr) exprNode()     {}
func (*PipeExpr) exprNode()         {}
func (*DataTableExpr) exprNode()    {}
func (*ExternalDataExpr) exprNode() {}
func (*BadExpr) exprNode()          {}
func (*UnionOp) exprNode()          {}
func (*PrintOp) exprNode()          {}
func (*RangeOp) exprNode()          {}
func (*SearchOp) exprNode()         {}
func (*FindOp) exprNode()           {}
func (*EvaluateOp) exprNode()       {}

func (*WhereOp) opNode()          {}
func (*ProjectOp) opNode()        {}
func (*ProjectAwayOp) opNode()    {}
func (*ProjectKeepOp) opNode()    {}
func (*ProjectRenameOp) opNode()  {}
func (*ProjectReorderOp) opNode() {}
func (*ExtendOp) opNode()         {}
func (*SummarizeOp) opNode()      {}
func (*CountOp) opNode()          {}
func (*DistinctOp) opNode()       {}
func (*TakeOp) opNode()           {}
func (*TopOp) opNode()            {}
func (*TopNestedOp) opNode()      {}
func (*TopHittersOp) opNode()     {}
func (*SortOp) opNode()           {}
func (*JoinOp) opNode()           {}
func (*LookupOp) opNode()         {}
func (*UnionOp) opNode()          {}
func (*MvExpandOp) opNode()       {}
func (*MvApplyOp) opNode()        {}
func (*ParseOp) opNode()          {}
func (*ParseKvOp) opNode()        {}
func (*MakeSeriesOp) opNode()     {}
func (*EvaluateOp) opNode()       {}
func (*RenderOp) opNode()         {}
func (*SerializeOp) opNode()      {}
func (*AsOp) opNode()             {}
func (*InvokeOp) opNode()         {}
func (*SampleOp) opNode()         {}
func (*SampleDistinctOp) opNode() {}
func (*GetSchemaOp) opNode()      {}
func (*SearchOp) opNode()         {}
func (*FindOp) opNode()           {}
func (*ForkOp) opNode()           {}
func (*FacetOp) opNode()          {}
func (*ScanOp) opNode()           {}
func (*PartitionOp) opNode()      {}
func (*ReduceOp) opNode()         {}
func (*ConsumeOp) opNode()        {}
func (*PrintOp) opNode()          {}
func (*RangeOp) opNode()          {}
func (*GenericOp) opNode()        {}
func (*BadOp) opNode()            {}

// Compile-time interface checks.
var (
	_ Stmt     = (*LetStmt)(nil)
	_ Stmt     = (*DeclareStmt)(nil)
	_ Stmt     = (*SetStmt)(nil)
	_ Stmt     = (*ExprStmt)(nil)
	_ Stmt     = (*BadStmt)(nil)
	_ Expr     = (*Ident)(nil)
	_ Expr     = (*WildcardExpr)(nil)
	_ Expr     = (*Literal)(nil)
	_ Expr     = (*TypeofExpr)(nil)
	_ Expr     = (*BinaryExpr)(nil)
	_ Expr     = (*UnaryExpr)(nil)
	_ Expr     = (*InExpr)(nil)
	_ Expr     = (*BetweenExpr)(nil)
	_ Expr     = (*CallExpr)(nil)
	_ Expr     = (*NamedExpr)(nil)
	_ Expr     = (*MemberExpr)(nil)
	_ Expr     = (*IndexExpr)(nil)
	_ Expr     = (*ParenExpr)(nil)
	_ Expr     = (*ListExpr)(nil)
	_ Expr     = (*StarExpr)(nil)
	_ Expr     = (*FunctionExpr)(nil)
	_ Expr     = (*PipeExpr)(nil)
	_ Expr     = (*DataTableExpr)(nil)
	_ Expr     = (*ExternalDataExpr)(nil)
	_ Expr     = (*BadExpr)(nil)
	_ Expr     = (*UnionOp)(nil)
	_ Expr     = (*PrintOp)(nil)
	_ Expr     = (*RangeOp)(nil)
	_ Expr     = (*SearchOp)(nil)
	_ Expr     = (*FindOp)(nil)
	_ Expr     = (*EvaluateOp)(nil)
	_ Operator = (*WhereOp)(nil)
	_ Operator = (*ProjectOp)(nil)
	_ Operator = (*ProjectAwayOp)(nil)
	_ Operator = (*ProjectKeepOp)(nil)
	_ Operator = (*ProjectRenameOp)(nil)
	_ Operator = (*ProjectReorderOp)(nil)
	_ Operator = (*ExtendOp)(nil)
	_ Operator = (*SummarizeOp)(nil)
	_ Operator = (*CountOp)(nil)
	_ Operator = (*DistinctOp)(nil)
	_ Operator = (*TakeOp)(nil)
	_ Operator = (*TopOp)(nil)
	_ Operator = (*TopNestedOp)(nil)
	_ Operator = (*TopHittersOp)(nil)
	_ Operator = (*SortOp)(nil)
	_ Operator = (*JoinOp)(nil)
	_ Operator = (*LookupOp)(nil)
	_ Operator = (*UnionOp)(nil)
	_ Operator = (*MvExpandOp)(nil)
	_ Operator = (*MvApplyOp)(nil)
	_ Operator = (*ParseOp)(nil)
	_ Operator = (*ParseKvOp)(nil)
	_ Operator = (*MakeSeriesOp)(nil)
	_ Operator = (*EvaluateOp)(nil)
	_ Operator = (*RenderOp)(nil)
	_ Operator = (*SerializeOp)(nil)
	_ Operator = (*AsOp)(nil)
	_ Operator = (*InvokeOp)(nil)
	_ Operator = (*SampleOp)(nil)
	_ Operator = (*SampleDistinctOp)(nil)
	_ Operator = (*GetSchemaOp)(nil)
	_ Operator = (*SearchOp)(nil)
	_ Operator = (*FindOp)(nil)
	_ Operator = (*ForkOp)(nil)
	_ Operator = (*FacetOp)(nil)
	_ Operator = (*ScanOp)(nil)
	_ Operator = (*PartitionOp)(nil)
	_ Operator = (*ReduceOp)(nil)
	_ Operator = (*ConsumeOp)(nil)
	_ Operator = (*PrintOp)(nil)
	_ Operator = (*RangeOp)(nil)
	_ Operator = (*GenericOp)(nil)
	_ Operator = (*BadOp)(nil)
)
