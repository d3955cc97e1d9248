namespace MicroAI.Templates;

/// <summary>Global functions: Jinja2's <c>range</c>, <c>namespace</c>, <c>dict</c>, plus transformers'
/// <c>raise_exception</c> and <c>strftime_now</c>.</summary>
internal static class Globals
{
    private static readonly Dictionary<string, Callable> Functions = new(StringComparer.Ordinal)
    {
        ["range"] = new("range", Range),
        ["namespace"] = new("namespace", (_, args) =>
        {
            var ns = new PyNamespace();
            foreach (var p in args.Positional)
            {
                if (p is not PyDict d) throw new TemplateException("namespace() positional argument must be a dict");
                foreach (var kv in d) ns.Attributes[PyOps.Str(kv.Key)] = kv.Value;
            }

            foreach (var kv in args.Named) ns.Attributes[kv.Key] = kv.Value;
            return ns;
        }),
        ["dict"] = new("dict", (_, args) =>
        {
            var d = new PyDict();
            foreach (var p in args.Positional)
            {
                if (p is not PyDict src) throw new TemplateException("dict() positional argument must be a dict");
                foreach (var kv in src) d[kv.Key] = kv.Value;
            }

            foreach (var kv in args.Named) d[kv.Key] = kv.Value;
            return d;
        }),
        ["raise_exception"] = new("raise_exception", (_, args) =>
            throw new TemplateException(PyOps.Str(args.Get(0, "message", "")), 0, raisedByTemplate: true)),
        ["strftime_now"] = new("strftime_now", (interp, args) =>
            Strftime.Format(interp.Clock(), PyOps.Str(args.Get(0, "format", "")))),
    };

    public static bool TryGet(string name, out object? value)
    {
        bool found = Functions.TryGetValue(name, out var fn);
        value = fn;
        return found;
    }

    private static object? Range(Interpreter interp, Arguments args)
    {
        long start = 0, stop, step = 1;
        var p = args.Positional;
        if (p.Count == 0 || p.Count > 3) throw new TemplateException("range expected 1 to 3 arguments");
        if (p.Count == 1) stop = Int(p[0]);
        else { start = Int(p[0]); stop = Int(p[1]); if (p.Count == 3) step = Int(p[2]); }
        if (step == 0) throw new TemplateException("range() arg 3 must not be zero");
        var result = new PyList();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            interp.Tick();
            result.Add(i);
        }

        return result;
    }

    private static long Int(object? v) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new TemplateException($"'{PyOps.TypeName(v)}' object cannot be interpreted as an integer"),
    };
}
