using System.Globalization;

namespace MicroAI.Templates;

/// <summary>
/// Recursive-descent parser following Jinja2's grammar and operator precedence (lowest first):
/// conditional, or, and, not, comparisons/in, + -, ~, * / // %, **, unary - +, then postfix
/// (attribute, subscript, call) and the filter/test chain (<c>|f</c>, <c>is t</c>).
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private int _pos;

    private Parser(List<Token> tokens) => _tokens = tokens;

    public static List<Stmt> Parse(string source)
    {
        var parser = new Parser(Lexer.Tokenize(source));
        var body = parser.ParseBody([]);
        if (parser.Current.Kind != TokenKind.End)
            throw new TemplateException($"Unexpected '{parser.Current.Value}'", parser.Current.Line);
        return body;
    }

    private Token Current => _pos < _tokens.Count ? _tokens[_pos] : new Token(TokenKind.End, "", _tokens.Count > 0 ? _tokens[^1].Line : 1);

    private Token Next() => _tokens.Count > _pos ? _tokens[_pos++] : Current;

    private Token PeekAt(int offset) => _pos + offset < _tokens.Count ? _tokens[_pos + offset] : new Token(TokenKind.End, "", 0);

    private bool SkipOperator(string op)
    {
        if (!Current.IsOperator(op)) return false;
        _pos++;
        return true;
    }

    private bool SkipName(string name)
    {
        if (!Current.IsName(name)) return false;
        _pos++;
        return true;
    }

    private void Expect(TokenKind kind, string? value = null)
    {
        var t = Current;
        if (t.Kind != kind || (value is not null && t.Value != value))
        {
            string what = value ?? kind.ToString();
            string got = t.Kind == TokenKind.End ? "end of template" : t.Value.Length > 0 ? $"'{t.Value}'" : t.Kind.ToString();
            throw new TemplateException($"Expected {what}, got {got}", t.Line);
        }

        _pos++;
    }

    private string ExpectName()
    {
        var t = Current;
        if (t.Kind != TokenKind.Name) throw new TemplateException($"Expected a name, got '{t.Value}'", t.Line);
        _pos++;
        return t.Value;
    }

    // ---- statements ----

    /// <summary>Parses until a block tag whose keyword is in <paramref name="endTags"/> (left unconsumed, after its '{%').</summary>
    private List<Stmt> ParseBody(string[] endTags)
    {
        var body = new List<Stmt>();
        while (true)
        {
            var t = Current;
            switch (t.Kind)
            {
                case TokenKind.End:
                    if (endTags.Length > 0)
                        throw new TemplateException($"Unexpected end of template, expected '{string.Join("' or '", endTags)}'", t.Line);
                    return body;
                case TokenKind.Text:
                    _pos++;
                    body.Add(new TextStmt(t.Value, t.Line));
                    break;
                case TokenKind.VariableStart:
                    _pos++;
                    body.Add(new OutputStmt(ParseExpression(), t.Line));
                    Expect(TokenKind.VariableEnd, null);
                    break;
                case TokenKind.BlockStart:
                    var keyword = PeekAt(1);
                    if (keyword.Kind == TokenKind.Name && Array.IndexOf(endTags, keyword.Value) >= 0)
                    {
                        _pos++;
                        return body;
                    }

                    _pos++;
                    body.Add(ParseStatement());
                    break;
                default:
                    throw new TemplateException($"Unexpected '{t.Value}'", t.Line);
            }
        }
    }

    private void EndTag() => Expect(TokenKind.BlockEnd);

    private Stmt ParseStatement()
    {
        var t = Current;
        if (t.Kind != TokenKind.Name) throw new TemplateException("Expected a statement name", t.Line);
        _pos++;
        Enter(t.Line);
        try
        {
            return ParseStatementBody(t);
        }
        finally
        {
            _nesting--;
        }
    }

    private Stmt ParseStatementBody(Token t)
    {
        switch (t.Value)
        {
            case "if": return ParseIf(t.Line);
            case "for": return ParseFor(t.Line);
            case "set": return ParseSet(t.Line);
            case "macro": return ParseMacro(t.Line);
            case "call": return ParseCallBlock(t.Line);
            case "filter": return ParseFilterBlock(t.Line);
            case "with": return ParseWith(t.Line);
            case "generation":
                EndTag();
                var genBody = ParseBody(["endgeneration"]);
                _pos++;
                EndTag();
                return new ScopeStmt([], genBody, t.Line);
            case "break": EndTag(); return new BreakStmt(t.Line);
            case "continue": EndTag(); return new ContinueStmt(t.Line);
            default:
                throw new TemplateException($"Encountered unknown tag '{t.Value}'", t.Line);
        }
    }

    private Stmt ParseIf(int line)
    {
        var branches = new List<(Expr, List<Stmt>)>();
        List<Stmt>? elseBody = null;
        var test = ParseExpression();
        EndTag();
        while (true)
        {
            var body = ParseBody(["elif", "else", "endif"]);
            branches.Add((test, body));
            string tag = Next().Value;
            if (tag == "elif") { test = ParseExpression(); EndTag(); continue; }
            if (tag == "else")
            {
                EndTag();
                elseBody = ParseBody(["endif"]);
                _pos++;
            }

            EndTag();
            return new IfStmt(branches, elseBody, line);
        }
    }

    private Stmt ParseFor(int line)
    {
        var targets = new List<string> { ExpectName() };
        while (SkipOperator(",")) targets.Add(ExpectName());
        Expect(TokenKind.Name, "in");
        var iterable = ParseTupleOrExpression(allowCondExpr: false);
        Expr? filter = null;
        if (SkipName("if")) filter = ParseExpression();
        if (Current.IsName("recursive")) throw new TemplateException("Recursive loops are not supported", Current.Line);
        EndTag();
        var body = ParseBody(["endfor", "else"]);
        List<Stmt>? elseBody = null;
        if (Next().Value == "else")
        {
            EndTag();
            elseBody = ParseBody(["endfor"]);
            _pos++;
        }

        EndTag();
        return new ForStmt(targets, iterable, filter, body, elseBody, line);
    }

    private Stmt ParseSet(int line)
    {
        string first = ExpectName();
        if (SkipOperator("."))
        {
            string attr = ExpectName();
            Expect(TokenKind.Operator, "=");
            var value = ParseTupleOrExpression(allowCondExpr: true);
            EndTag();
            return new SetStmt([first], attr, value, line);
        }

        var targets = new List<string> { first };
        while (SkipOperator(",")) targets.Add(ExpectName());
        if (SkipOperator("="))
        {
            var value = ParseTupleOrExpression(allowCondExpr: true);
            EndTag();
            return new SetStmt(targets, null, value, line);
        }

        if (targets.Count != 1) throw new TemplateException("Block set takes a single name", line);
        var filters = ParseFilterChainForBlock();
        EndTag();
        var body = ParseBody(["endset"]);
        _pos++;
        EndTag();
        return new BlockSetStmt(first, body, filters, line);
    }

    private List<(string, CallArgs)> ParseFilterChainForBlock()
    {
        var filters = new List<(string, CallArgs)>();
        while (SkipOperator("|"))
        {
            string name = ExpectName();
            var args = Current.IsOperator("(") ? ParseCallArgs() : new CallArgs([], []);
            filters.Add((name, args));
        }

        return filters;
    }

    private List<MacroParam> ParseParams()
    {
        var ps = new List<MacroParam>();
        Expect(TokenKind.Operator, "(");
        while (!SkipOperator(")"))
        {
            if (ps.Count > 0) Expect(TokenKind.Operator, ",");
            if (SkipOperator(")")) break;
            string name = ExpectName();
            Expr? def = SkipOperator("=") ? ParseExpression() : null;
            ps.Add(new MacroParam(name, def));
        }

        return ps;
    }

    private Stmt ParseMacro(int line)
    {
        string name = ExpectName();
        var ps = ParseParams();
        EndTag();
        var body = ParseBody(["endmacro"]);
        _pos++;
        EndTag();
        return new MacroStmt(name, ps, body, line);
    }

    private Stmt ParseCallBlock(int line)
    {
        var callerParams = Current.IsOperator("(") ? ParseParams() : [];
        var call = ParseExpression() as CallExpr ?? throw new TemplateException("Expected a call after 'call'", line);
        EndTag();
        var body = ParseBody(["endcall"]);
        _pos++;
        EndTag();
        return new CallBlockStmt(call, callerParams, body, line);
    }

    private Stmt ParseFilterBlock(int line)
    {
        var filters = new List<(string, CallArgs)>();
        do
        {
            string name = ExpectName();
            var args = Current.IsOperator("(") ? ParseCallArgs() : new CallArgs([], []);
            filters.Add((name, args));
        }
        while (SkipOperator("|"));
        EndTag();
        var body = ParseBody(["endfilter"]);
        _pos++;
        EndTag();
        return new FilterBlockStmt(filters, body, line);
    }

    private Stmt ParseWith(int line)
    {
        var assignments = new List<(string, Expr)>();
        while (Current.Kind != TokenKind.BlockEnd)
        {
            if (assignments.Count > 0) Expect(TokenKind.Operator, ",");
            string name = ExpectName();
            Expect(TokenKind.Operator, "=");
            assignments.Add((name, ParseExpression()));
        }

        EndTag();
        var body = ParseBody(["endwith"]);
        _pos++;
        EndTag();
        return new ScopeStmt(assignments, body, line);
    }

    // ---- expressions ----

    /// <summary>An expression, or a bare tuple <c>a, b</c> (as allowed in <c>set</c> and <c>for … in</c>).</summary>
    private Expr ParseTupleOrExpression(bool allowCondExpr)
    {
        int line = Current.Line;
        var first = allowCondExpr ? ParseExpression() : ParseOr();
        if (!Current.IsOperator(",")) return first;
        var items = new List<Expr> { first };
        while (SkipOperator(","))
        {
            if (Current.Kind is TokenKind.BlockEnd or TokenKind.VariableEnd || Current.IsName("if")) break;
            items.Add(allowCondExpr ? ParseExpression() : ParseOr());
        }

        return new TupleExpr(items, line);
    }

    /// <summary>Nesting bound for expressions and blocks, so hostile input cannot overflow the stack.</summary>
    private const int MaxNesting = 200;

    private int _nesting;

    private void Enter(int line)
    {
        if (++_nesting > MaxNesting) throw new TemplateException($"Template is nested more than {MaxNesting} levels deep", line);
    }

    public Expr ParseExpression()
    {
        Enter(Current.Line);
        try
        {
            return ParseConditional();
        }
        finally
        {
            _nesting--;
        }
    }

    private Expr ParseConditional()
    {
        var expr = ParseOr();
        while (Current.IsName("if"))
        {
            int line = Next().Line;
            var test = ParseOr();
            Expr? otherwise = SkipName("else") ? ParseExpression() : null;
            expr = new CondExpr(test, expr, otherwise, line);
        }

        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or")) { int line = Next().Line; left = new LogicalExpr(false, left, ParseAnd(), line); }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and")) { int line = Next().Line; left = new LogicalExpr(true, left, ParseNot(), line); }
        return left;
    }

    private Expr ParseNot()
    {
        if (Current.IsName("not"))
        {
            int line = Next().Line;
            Enter(line);
            var operand = ParseNot();
            _nesting--;
            return new UnaryExpr("not", operand, line);
        }
        return ParseCompare();
    }

    private static readonly HashSet<string> CompareOps = ["==", "!=", "<", ">", "<=", ">="];

    private Expr ParseCompare()
    {
        int line = Current.Line;
        var first = ParseMath1();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            var t = Current;
            if (t.Kind == TokenKind.Operator && CompareOps.Contains(t.Value)) { _pos++; rest.Add((t.Value, ParseMath1())); }
            else if (t.IsName("in")) { _pos++; rest.Add(("in", ParseMath1())); }
            else if (t.IsName("not") && PeekAt(1).IsName("in")) { _pos += 2; rest.Add(("notin", ParseMath1())); }
            else break;
        }

        return rest.Count == 0 ? first : new CompareExpr(first, rest, line);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var op = Next();
            left = new BinaryExpr(op.Value, left, ParseConcat(), op.Line);
        }

        return left;
    }

    private Expr ParseConcat()
    {
        var left = ParseMath2();
        while (Current.IsOperator("~")) { var op = Next(); left = new BinaryExpr("~", left, ParseMath2(), op.Line); }
        return left;
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        while (Current.IsOperator("*") || Current.IsOperator("/") || Current.IsOperator("//") || Current.IsOperator("%"))
        {
            var op = Next();
            left = new BinaryExpr(op.Value, left, ParsePow(), op.Line);
        }

        return left;
    }

    private Expr ParsePow()
    {
        // Jinja2 parses ** left-associatively (unlike Python); we follow Jinja2.
        var left = ParseUnary(withFilter: true);
        while (Current.IsOperator("**")) { var op = Next(); left = new BinaryExpr("**", left, ParseUnary(true), op.Line); }
        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        Expr expr;
        var t = Current;
        if (t.IsOperator("-") || t.IsOperator("+"))
        {
            _pos++;
            Enter(t.Line);
            expr = new UnaryExpr(t.Value, ParseUnary(false), t.Line);
            _nesting--;
        }
        else
        {
            expr = ParsePostfix(ParsePrimary());
        }

        return withFilter ? ParseFilterChain(expr) : expr;
    }

    private Expr ParsePrimary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.Name:
                return t.Value switch
                {
                    "true" or "True" => new ConstExpr(true, t.Line),
                    "false" or "False" => new ConstExpr(false, t.Line),
                    "none" or "None" => new ConstExpr(null, t.Line),
                    _ => new NameExpr(t.Value, t.Line),
                };
            case TokenKind.String:
                string s = t.Value;
                while (Current.Kind == TokenKind.String) s += Next().Value; // adjacent literals concatenate
                return new ConstExpr(s, t.Line);
            case TokenKind.Integer:
                return long.TryParse(t.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long l)
                    ? new ConstExpr(l, t.Line)
                    : new ConstExpr(double.Parse(t.Value, CultureInfo.InvariantCulture), t.Line);
            case TokenKind.Float:
                return new ConstExpr(double.Parse(t.Value, CultureInfo.InvariantCulture), t.Line);
            case TokenKind.Operator when t.Value == "(":
                if (SkipOperator(")")) return new TupleExpr([], t.Line);
                var inner = ParseExpression();
                if (SkipOperator(")")) return inner;
                var items = new List<Expr> { inner };
                while (SkipOperator(","))
                {
                    if (Current.IsOperator(")")) break;
                    items.Add(ParseExpression());
                }

                Expect(TokenKind.Operator, ")");
                return new TupleExpr(items, t.Line);
            case TokenKind.Operator when t.Value == "[":
                var list = new List<Expr>();
                while (!SkipOperator("]"))
                {
                    if (list.Count > 0) Expect(TokenKind.Operator, ",");
                    if (SkipOperator("]")) break;
                    list.Add(ParseExpression());
                }

                return new ListExpr(list, t.Line);
            case TokenKind.Operator when t.Value == "{":
                var pairs = new List<(Expr, Expr)>();
                while (!SkipOperator("}"))
                {
                    if (pairs.Count > 0) Expect(TokenKind.Operator, ",");
                    if (SkipOperator("}")) break;
                    var key = ParseExpression();
                    Expect(TokenKind.Operator, ":");
                    pairs.Add((key, ParseExpression()));
                }

                return new DictExpr(pairs, t.Line);
            default:
                string got = t.Kind == TokenKind.End ? "end of template" : $"'{t.Value}'";
                throw new TemplateException($"Unexpected {got} in expression", t.Line);
        }
    }

    private Expr ParsePostfix(Expr expr)
    {
        while (true)
        {
            var t = Current;
            if (t.IsOperator("."))
            {
                _pos++;
                var name = Next();
                if (name.Kind is not (TokenKind.Name or TokenKind.Integer))
                    throw new TemplateException("Expected an attribute name after '.'", name.Line);
                expr = name.Kind == TokenKind.Integer
                    ? new GetItemExpr(expr, new ConstExpr(long.Parse(name.Value, CultureInfo.InvariantCulture), name.Line), name.Line)
                    : new GetAttrExpr(expr, name.Value, name.Line);
            }
            else if (t.IsOperator("["))
            {
                _pos++;
                expr = new GetItemExpr(expr, ParseSubscript(t.Line), t.Line);
                Expect(TokenKind.Operator, "]");
            }
            else if (t.IsOperator("("))
            {
                expr = new CallExpr(expr, ParseCallArgs(), t.Line);
            }
            else return expr;
        }
    }

    private Expr ParseSubscript(int line)
    {
        Expr? start = null, stop = null, step = null;
        if (!Current.IsOperator(":")) start = ParseExpression();
        if (!SkipOperator(":")) return start!;
        if (!Current.IsOperator("]") && !Current.IsOperator(":")) stop = ParseExpression();
        if (SkipOperator(":") && !Current.IsOperator("]")) step = ParseExpression();
        return new SliceExpr(start, stop, step, line);
    }

    private CallArgs ParseCallArgs()
    {
        Expect(TokenKind.Operator, "(");
        var positional = new List<Expr>();
        var named = new List<(string, Expr)>();
        while (!SkipOperator(")"))
        {
            if (positional.Count + named.Count > 0) Expect(TokenKind.Operator, ",");
            if (SkipOperator(")")) break;
            if (Current.Kind == TokenKind.Name && PeekAt(1).IsOperator("="))
            {
                string name = Next().Value;
                _pos++;
                named.Add((name, ParseExpression()));
            }
            else
            {
                if (named.Count > 0) throw new TemplateException("Positional argument after keyword argument", Current.Line);
                positional.Add(ParseExpression());
            }
        }

        return new CallArgs(positional, named);
    }

    private Expr ParseFilterChain(Expr expr)
    {
        while (true)
        {
            var t = Current;
            if (t.IsOperator("|"))
            {
                _pos++;
                string name = ParseDottedName();
                var args = Current.IsOperator("(") ? ParseCallArgs() : new CallArgs([], []);
                expr = new FilterExpr(expr, name, args, t.Line);
            }
            else if (t.IsName("is"))
            {
                _pos++;
                bool negated = SkipName("not");
                string name = ParseDottedName();
                CallArgs args;
                if (Current.IsOperator("(")) args = ParseCallArgs();
                else if (StartsTestArgument(Current)) args = new CallArgs([ParsePostfix(ParsePrimary())], []);
                else args = new CallArgs([], []);
                expr = new TestExpr(expr, name, args, negated, t.Line);
            }
            else if (t.IsOperator("("))
            {
                expr = new CallExpr(expr, ParseCallArgs(), t.Line);
            }
            else return expr;
        }
    }

    /// <summary>Jinja2 lets a test take one argument without parentheses: <c>x is divisibleby 3</c>.</summary>
    private static bool StartsTestArgument(Token t) =>
        t.Kind is TokenKind.String or TokenKind.Integer or TokenKind.Float
        || (t.Kind == TokenKind.Name && t.Value is not ("else" or "or" or "and" or "if" or "in" or "not" or "is"))
        || t.IsOperator("[") || t.IsOperator("{");

    private string ParseDottedName()
    {
        string name = ExpectName();
        while (Current.IsOperator(".") && PeekAt(1).Kind == TokenKind.Name) { _pos++; name += "." + Next().Value; }
        return name;
    }
}
