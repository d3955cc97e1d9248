namespace MicroAI.Templates;

/// <summary>Expression nodes. Each carries its source line for error messages.</summary>
internal abstract record Expr(int Line);

internal sealed record ConstExpr(object? Value, int Line) : Expr(Line);

internal sealed record NameExpr(string Name, int Line) : Expr(Line);

internal sealed record ListExpr(List<Expr> Items, int Line) : Expr(Line);

internal sealed record TupleExpr(List<Expr> Items, int Line) : Expr(Line);

internal sealed record DictExpr(List<(Expr Key, Expr Value)> Pairs, int Line) : Expr(Line);

internal sealed record GetAttrExpr(Expr Target, string Attribute, int Line) : Expr(Line);

internal sealed record GetItemExpr(Expr Target, Expr Index, int Line) : Expr(Line);

internal sealed record SliceExpr(Expr? Start, Expr? Stop, Expr? Step, int Line) : Expr(Line);

internal sealed record CallArgs(List<Expr> Positional, List<(string Name, Expr Value)> Named);

internal sealed record CallExpr(Expr Callee, CallArgs Args, int Line) : Expr(Line);

internal sealed record FilterExpr(Expr Target, string Name, CallArgs Args, int Line) : Expr(Line);

internal sealed record TestExpr(Expr Target, string Name, CallArgs Args, bool Negated, int Line) : Expr(Line);

internal sealed record UnaryExpr(string Op, Expr Operand, int Line) : Expr(Line);

internal sealed record BinaryExpr(string Op, Expr Left, Expr Right, int Line) : Expr(Line);

/// <summary><c>and</c>/<c>or</c>: short-circuiting, returning an operand like Python.</summary>
internal sealed record LogicalExpr(bool IsAnd, Expr Left, Expr Right, int Line) : Expr(Line);

/// <summary>Comparison chain <c>a &lt; b &lt;= c</c>, evaluated pairwise like Python.</summary>
internal sealed record CompareExpr(Expr First, List<(string Op, Expr Operand)> Rest, int Line) : Expr(Line);

internal sealed record CondExpr(Expr Test, Expr Then, Expr? Else, int Line) : Expr(Line);
