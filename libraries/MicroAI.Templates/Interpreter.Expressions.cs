using System.Runtime.CompilerServices;
namespace MicroAI.Templates;

/// <summary>Expression evaluation with Jinja2's lookup rules (attribute, then item, else Undefined).</summary>
internal sealed partial class Interpreter
{
    public object? Eval(Expr expr, Scope scope)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (expr)
        {
            case ConstExpr c: return c.Value;
            case NameExpr n: return Lookup(n.Name, scope);
            case ListExpr l: return new PyList(l.Items.Select(i => Eval(i, scope)));
            case TupleExpr t: return new PyTuple([.. t.Items.Select(i => Eval(i, scope))]);
            case DictExpr d:
                var dict = new PyDict();
                foreach (var (k, v) in d.Pairs)
                    dict[Eval(k, scope) ?? throw new TemplateException("None is not supported as a dict key here", d.Line)] = Eval(v, scope);
                return dict;
            case GetAttrExpr a: return GetAttr(Eval(a.Target, scope), a.Attribute);
            case GetItemExpr g:
                var target = Eval(g.Target, scope);
                if (g.Index is SliceExpr s)
                    return Slice(target, EvalOpt(s.Start, scope), EvalOpt(s.Stop, scope), EvalOpt(s.Step, scope));
                return GetItem(target, Eval(g.Index, scope));
            case CallExpr call: return Invoke(Eval(call.Callee, scope), EvalArgs(call.Args, scope), call.Line);
            case FilterExpr f: return Filters.Apply(this, f.Name, Eval(f.Target, scope), EvalArgs(f.Args, scope), f.Line);
            case TestExpr t:
                bool result = JinjaTests.Apply(t.Name, Eval(t.Target, scope), EvalArgs(t.Args, scope), t.Line);
                return t.Negated ? !result : result;
            case UnaryExpr u:
                var operand = Eval(u.Operand, scope);
                return u.Op switch
                {
                    "not" => !PyOps.Truthy(operand),
                    "-" => PyOps.Negate(operand),
                    _ => PyOps.IsNumber(operand) ? operand : throw new TemplateException($"bad operand type for unary +: '{PyOps.TypeName(operand)}'", u.Line),
                };
            case BinaryExpr b:
                var lhs = Eval(b.Left, scope);
                var rhs = Eval(b.Right, scope);
                if (b.Op == "+" && lhs is string ls && rhs is string rs && IsMarkup(b.Left) != IsMarkup(b.Right))
                    return PyOps.Binary("+", IsMarkup(b.Left) ? ls : Filters.Escape(ls), IsMarkup(b.Right) ? rs : Filters.Escape(rs), MaxOutput);
                var value = PyOps.Binary(b.Op, lhs, rhs, MaxOutput);
                long size = value switch { string str => str.Length, PyList list => list.Count, PyTuple tuple => tuple.Count, _ => 0 };
                if (size >= 512) Charge(size >> 9, b.Line);
                return value;
            case LogicalExpr lo:
                var left = Eval(lo.Left, scope);
                return PyOps.Truthy(left) == lo.IsAnd ? Eval(lo.Right, scope) : left;
            case CompareExpr cmp: return EvalCompare(cmp, scope);
            case CondExpr ce:
                if (PyOps.Truthy(Eval(ce.Test, scope))) return Eval(ce.Then, scope);
                return ce.Else is null ? new Undefined("the inline if-expression evaluated to false and no else section was defined") : Eval(ce.Else, scope);
            default:
                throw new TemplateException($"Unsupported expression {expr.GetType().Name}", expr.Line);
        }
    }

    /// <summary>
    /// Whether an expression yields Jinja2 Markup (from |safe or |escape, or Markup + str). Python's
    /// Markup.__add__ HTML-escapes a plain str operand, which real templates hit with
    /// <c>"..."|safe + x</c>. We track markup syntactically rather than as a runtime type: values stored
    /// in variables lose their markup flag (see the report's unsupported list).
    /// </summary>
    private static bool IsMarkup(Expr e) => e switch
    {
        FilterExpr f => f.Name is "safe" or "e" or "escape" or "forceescape",
        BinaryExpr { Op: "+" } b => IsMarkup(b.Left) || IsMarkup(b.Right),
        _ => false,
    };

    private object? EvalOpt(Expr? e, Scope scope) => e is null ? null : Eval(e, scope);

    private bool EvalCompare(CompareExpr cmp, Scope scope)
    {
        var left = Eval(cmp.First, scope);
        foreach (var (op, operandExpr) in cmp.Rest)
        {
            var right = Eval(operandExpr, scope);
            bool ok = op switch
            {
                "==" => PyOps.Equal(left, right),
                "!=" => !PyOps.Equal(left, right),
                "in" => PyOps.Contains(right, left),
                "notin" => !PyOps.Contains(right, left),
                "<" => PyOps.Compare(left, right, op) < 0,
                "<=" => PyOps.Compare(left, right, op) <= 0,
                ">" => PyOps.Compare(left, right, op) > 0,
                _ => PyOps.Compare(left, right, op) >= 0,
            };
            if (!ok) return false;
            left = right;
        }

        return true;
    }

    public Arguments EvalArgs(CallArgs args, Scope scope) =>
        new([.. args.Positional.Select(p => Eval(p, scope))], [.. args.Named.Select(n => new KeyValuePair<string, object?>(n.Name, Eval(n.Value, scope)))]);

    public object? Lookup(string name, Scope scope)
    {
        if (scope.TryGet(name, out var value)) return value;
        return Globals.TryGet(name, out var builtin) ? builtin : new Undefined($"'{name}' is undefined");
    }

    public object? Invoke(object? callee, Arguments args, int line)
    {
        return callee switch
        {
            Callable c => c.Invoke(this, args),
            Undefined u => throw new TemplateException(u.Hint, line),
            _ => throw new TemplateException($"'{PyOps.TypeName(callee)}' object is not callable", line),
        };
    }

    public static object? GetAttr(object? obj, string name)
    {
        switch (obj)
        {
            case Undefined u: throw new TemplateException(u.Hint);
            case PyDict d:
                var method = Methods.ForDict(d, name);
                if (method is not null) return method;
                return d.TryGetValue(name, out var v) ? v : new Undefined($"'dict object' has no attribute '{name}'");
            case PyNamespace ns:
                return ns.Attributes.TryGetValue(name, out var a) ? a : new Undefined($"'Namespace object' has no attribute '{name}'");
            case LoopInfo loop: return loop.Get(name);
            case string s: return (object?)Methods.ForString(s, name) ?? new Undefined($"'str object' has no attribute '{name}'");
            case PyList l: return (object?)Methods.ForList(l, name, "list") ?? new Undefined($"'list object' has no attribute '{name}'");
            case PyTuple t: return (object?)Methods.ForList(t, name, "tuple") ?? new Undefined($"'tuple object' has no attribute '{name}'");
            default: return new Undefined($"'{Describe(obj)}' has no attribute '{name}'");
        }
    }

    private static string Describe(object? obj) => obj is null ? "None" : $"{PyOps.TypeName(obj)} object";

    public static object? GetItem(object? obj, object? key)
    {
        switch (obj)
        {
            case Undefined u: throw new TemplateException(u.Hint);
            case PyDict d:
                if (d.TryGetValue(key, out var v)) return v;
                return new Undefined($"'dict object' has no attribute '{PyOps.Str(key)}'");
            case IReadOnlyList<object?> list when key is long or bool:
                long i = key is bool b ? (b ? 1 : 0) : (long)key;
                if (i < 0) i += list.Count;
                return i >= 0 && i < list.Count ? list[(int)i] : new Undefined($"'{Describe(obj)}' has no attribute '{key}'");
            case string s when key is long idx:
                var chars = PyOps.StringChars(s);
                if (idx < 0) idx += chars.Length;
                return idx >= 0 && idx < chars.Length ? chars[idx] : new Undefined($"'str object' has no attribute '{idx}'");
        }

        // Jinja2 falls back to attribute lookup for string subscripts (loop['index'], ns['x']).
        if (key is string name && obj is not null) return GetAttr(obj, name);
        return new Undefined($"'{Describe(obj)}' has no attribute '{PyOps.Str(key)}'");
    }

    public static object? Slice(object? obj, object? start, object? stop, object? step)
    {
        if (obj is Undefined u) throw new TemplateException(u.Hint);
        IReadOnlyList<object?> items = obj switch
        {
            string s => PyOps.StringChars(s),
            IReadOnlyList<object?> l => l,
            _ => throw new TemplateException($"'{PyOps.TypeName(obj)}' object is not subscriptable"),
        };
        long n = items.Count;
        long st = step is null ? 1 : ToIndex(step);
        if (st == 0) throw new TemplateException("slice step cannot be zero");
        long lo, hi;
        if (st > 0)
        {
            lo = start is null ? 0 : Clamp(ToIndex(start), n, 0, n);
            hi = stop is null ? n : Clamp(ToIndex(stop), n, 0, n);
        }
        else
        {
            lo = start is null ? n - 1 : Clamp(ToIndex(start), n, -1, n - 1);
            hi = stop is null ? -1 : Clamp(ToIndex(stop), n, -1, n - 1);
        }

        var result = new List<object?>();
        for (long i = lo; st > 0 ? i < hi : i > hi; i += st) result.Add(items[(int)i]);
        return obj switch
        {
            string => string.Concat(result.Cast<string>()),
            PyTuple => new PyTuple([.. result]),
            _ => new PyList(result),
        };
    }

    private static long ToIndex(object? v) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new TemplateException("slice indices must be integers or None"),
    };

    private static long Clamp(long i, long n, long min, long max)
    {
        if (i < 0) i += n;
        return Math.Clamp(i, min, max);
    }
}
