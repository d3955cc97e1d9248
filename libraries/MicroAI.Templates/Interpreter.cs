using System.Runtime.CompilerServices;
using System.Text;

namespace MicroAI.Templates;

/// <summary>
/// Walks the parsed statements and writes the output. One instance per render; it owns the sandbox
/// budgets (loop iterations, output size, call depth) so a hostile template fails fast with a
/// <see cref="TemplateException"/> instead of hanging or exhausting memory.
/// </summary>
internal sealed partial class Interpreter
{
    private enum Flow { Normal, Break, Continue }

    private readonly StringBuilder _out = new();
    private readonly TemplateOptions _options;
    private long _iterations;
    private int _depth;

    public Interpreter(TemplateOptions options, Func<DateTimeOffset> clock)
    {
        _options = options;
        Clock = clock;
    }

    public Func<DateTimeOffset> Clock { get; }

    public int MaxOutput => _options.MaxOutputChars;

    public string Render(List<Stmt> body, Scope root)
    {
        Exec(body, root, _out);
        return _out.ToString();
    }

    private void Write(StringBuilder sb, string text)
    {
        if (sb.Length + text.Length > _options.MaxOutputChars)
            throw new TemplateException($"Template output exceeds the limit of {_options.MaxOutputChars} characters");
        sb.Append(text);
    }

    /// <summary>Counts one unit of work against the iteration budget (loop iterations, filter passes).</summary>
    public void Tick(int line = 0) => Charge(1, line);

    /// <summary>
    /// Charges work against the same budget. Concatenation in a loop (<c>set ns.s = ns.s ~ x</c>) copies the
    /// whole value each time, so it is charged one unit per 512 characters or items produced: otherwise a million iterations
    /// of a growing concat would be quadratic and hang the server.
    /// </summary>
    public void Charge(long units, int line = 0)
    {
        _iterations += units;
        if (_iterations > _options.MaxIterations)
            throw new TemplateException($"Template exceeded the limit of {_options.MaxIterations} loop iterations", line);
    }

    private Flow Exec(List<Stmt> body, Scope scope, StringBuilder sb)
    {
        foreach (var stmt in body)
        {
            var flow = ExecOne(stmt, scope, sb);
            if (flow != Flow.Normal) return flow;
        }

        return Flow.Normal;
    }

    private Flow ExecOne(Stmt stmt, Scope scope, StringBuilder sb)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        try
        {
            switch (stmt)
            {
                case TextStmt t: Write(sb, t.Text); return Flow.Normal;
                case OutputStmt o: Write(sb, PyOps.Str(Eval(o.Value, scope))); return Flow.Normal;
                case IfStmt i:
                    foreach (var (test, branch) in i.Branches)
                        if (PyOps.Truthy(Eval(test, scope))) return Exec(branch, scope, sb);
                    return i.Else is null ? Flow.Normal : Exec(i.Else, scope, sb);
                case ForStmt f: ExecFor(f, scope, sb); return Flow.Normal;
                case BreakStmt: return Flow.Break;
                case ContinueStmt: return Flow.Continue;
                case SetStmt s: ExecSet(s, scope); return Flow.Normal;
                case BlockSetStmt bs:
                    var captured = new StringBuilder();
                    Exec(bs.Body, scope, captured);
                    object? value = captured.ToString();
                    foreach (var (name, args) in bs.Filters) value = Filters.Apply(this, name, value, EvalArgs(args, scope), bs.Line);
                    scope.Set(bs.Target, value);
                    return Flow.Normal;
                case MacroStmt m: scope.Set(m.Name, MakeMacro(m.Name, m.Params, m.Body, scope)); return Flow.Normal;
                case CallBlockStmt c:
                    var caller = MakeMacro("caller", c.CallerParams, c.Body, scope);
                    var callee = Eval(c.Call.Callee, scope);
                    var callArgs = EvalArgs(c.Call.Args, scope);
                    callArgs.Named.Add(new("caller", caller));
                    Write(sb, PyOps.Str(Invoke(callee, callArgs, c.Line)));
                    return Flow.Normal;
                case FilterBlockStmt fb:
                    var inner = new StringBuilder();
                    Exec(fb.Body, new Scope(scope), inner);
                    object? filtered = inner.ToString();
                    foreach (var (name, args) in fb.Filters) filtered = Filters.Apply(this, name, filtered, EvalArgs(args, scope), fb.Line);
                    Write(sb, PyOps.Str(filtered));
                    return Flow.Normal;
                case ScopeStmt sc:
                    var child = new Scope(scope);
                    foreach (var (name, expr) in sc.Assignments) child.Set(name, Eval(expr, scope));
                    return Exec(sc.Body, child, sb);
                default:
                    throw new TemplateException($"Unsupported statement {stmt.GetType().Name}", stmt.Line);
            }
        }
        catch (TemplateException e) when (e.Line == 0)
        {
            throw new TemplateException(e.TemplateMessage, stmt.Line, e.RaisedByTemplate);
        }
    }

    private void ExecFor(ForStmt f, Scope scope, StringBuilder sb)
    {
        var source = Eval(f.Iterable, scope);
        if (source is null) throw new TemplateException("'NoneType' object is not iterable", f.Line);
        IReadOnlyList<object?> items = PyOps.Iterate(source);
        var loopScope = new Scope(scope);
        if (f.Filter is not null)
        {
            // "for x in y if cond": the condition sees the loop target but not `loop`, and filters before counting.
            var kept = new List<object?>();
            foreach (var item in items)
            {
                Tick(f.Line);
                Bind(f.Targets, item, loopScope, f.Line);
                if (PyOps.Truthy(Eval(f.Filter, loopScope))) kept.Add(item);
            }

            items = kept;
        }

        scope.TryGet("loop", out var outer);
        var loop = new LoopInfo { Items = items, Parent = outer as LoopInfo };
        for (int i = 0; i < items.Count; i++)
        {
            Tick(f.Line);
            loop.Index0 = i;
            // A fresh frame per iteration: in Jinja2 a `set` in the body is not visible to the next
            // iteration (reads fall back to the enclosing value), nor after the loop.
            var iterationScope = new Scope(scope);
            iterationScope.Set("loop", loop);
            Bind(f.Targets, items[i], iterationScope, f.Line);
            if (Exec(f.Body, iterationScope, sb) == Flow.Break) break;
        }

        if (items.Count == 0 && f.Else is not null) Exec(f.Else, scope, sb);
    }

    private static void Bind(List<string> targets, object? value, Scope scope, int line)
    {
        if (targets.Count == 1) { scope.Set(targets[0], value); return; }
        var parts = value is string or Undefined or null ? null : value as IReadOnlyList<object?> ?? (value is PyDict d ? PyOps.Iterate(d) : null);
        if (parts is null) throw new TemplateException($"cannot unpack non-iterable {PyOps.TypeName(value)} object", line);
        if (parts.Count != targets.Count)
            throw new TemplateException($"{(parts.Count > targets.Count ? "too many" : "not enough")} values to unpack (expected {targets.Count}, got {parts.Count})", line);
        for (int i = 0; i < targets.Count; i++) scope.Set(targets[i], parts[i]);
    }

    private void ExecSet(SetStmt s, Scope scope)
    {
        var value = Eval(s.Value, scope);
        if (s.Attribute is null) { Bind(s.Targets, value, scope, s.Line); return; }
        var target = Lookup(s.Targets[0], scope);
        if (target is not PyNamespace ns)
            throw new TemplateException("Cannot assign attribute on non-namespace object", s.Line);
        ns.Attributes[s.Attribute] = value;
    }

    /// <summary>Macros close over the scope they were defined in; each call gets a fresh frame with the
    /// parameters, <c>varargs</c>/<c>kwargs</c> for extras, and <c>caller</c> when invoked from a call block.</summary>
    private Callable MakeMacro(string name, List<MacroParam> ps, List<Stmt> body, Scope closure)
    {
        return new Callable(name, (interp, args) =>
        {
            if (++interp._depth > interp._options.MaxCallDepth)
                throw new TemplateException($"Template exceeded the maximum macro call depth of {interp._options.MaxCallDepth}");
            try
            {
                var frame = new Scope(closure);
                var extraPositional = new List<object?>();
                for (int i = 0; i < args.Positional.Count; i++)
                {
                    if (i < ps.Count) frame.Set(ps[i].Name, args.Positional[i]);
                    else extraPositional.Add(args.Positional[i]);
                }

                var extraNamed = new PyDict();
                foreach (var kv in args.Named)
                {
                    if (kv.Key == "caller" || ps.Exists(p => p.Name == kv.Key)) frame.Set(kv.Key, kv.Value);
                    else extraNamed[kv.Key] = kv.Value;
                }

                for (int i = args.Positional.Count; i < ps.Count; i++)
                {
                    if (args.Named.Exists(kv => kv.Key == ps[i].Name)) continue;
                    frame.Set(ps[i].Name, ps[i].Default is null ? new Undefined($"parameter '{ps[i].Name}' was not provided") : interp.Eval(ps[i].Default!, frame));
                }

                frame.Set("varargs", new PyTuple([.. extraPositional]));
                frame.Set("kwargs", extraNamed);
                var sb = new StringBuilder();
                interp.Exec(body, frame, sb);
                return sb.ToString();
            }
            finally
            {
                interp._depth--;
            }
        });
    }
}
