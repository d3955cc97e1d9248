namespace MicroAI.Templates;

/// <summary>Statement nodes of the template body.</summary>
internal abstract record Stmt(int Line);

internal sealed record TextStmt(string Text, int Line) : Stmt(Line);

internal sealed record OutputStmt(Expr Value, int Line) : Stmt(Line);

internal sealed record IfStmt(List<(Expr Test, List<Stmt> Body)> Branches, List<Stmt>? Else, int Line) : Stmt(Line);

/// <summary>Loop target: a single name or a tuple of names to unpack.</summary>
internal sealed record ForStmt(List<string> Targets, Expr Iterable, Expr? Filter, List<Stmt> Body, List<Stmt>? Else, int Line) : Stmt(Line);

internal sealed record BreakStmt(int Line) : Stmt(Line);

internal sealed record ContinueStmt(int Line) : Stmt(Line);

/// <summary><c>set</c>: targets are names (unpacked when several) or one <c>ns.attr</c>.</summary>
internal sealed record SetStmt(List<string> Targets, string? Attribute, Expr Value, int Line) : Stmt(Line);

/// <summary><c>{% set x %}…{% endset %}</c>, optionally filtered.</summary>
internal sealed record BlockSetStmt(string Target, List<Stmt> Body, List<(string Name, CallArgs Args)> Filters, int Line) : Stmt(Line);

internal sealed record MacroParam(string Name, Expr? Default);

internal sealed record MacroStmt(string Name, List<MacroParam> Params, List<Stmt> Body, int Line) : Stmt(Line);

/// <summary><c>{% call macro(args) %}body{% endcall %}</c>: body becomes <c>caller()</c>.</summary>
internal sealed record CallBlockStmt(CallExpr Call, List<MacroParam> CallerParams, List<Stmt> Body, int Line) : Stmt(Line);

internal sealed record FilterBlockStmt(List<(string Name, CallArgs Args)> Filters, List<Stmt> Body, int Line) : Stmt(Line);

/// <summary>Body with its own variable scope (<c>with</c>, transformers' <c>generation</c>).</summary>
internal sealed record ScopeStmt(List<(string Name, Expr Value)> Assignments, List<Stmt> Body, int Line) : Stmt(Line);
