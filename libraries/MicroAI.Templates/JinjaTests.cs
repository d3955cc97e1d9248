namespace MicroAI.Templates;

/// <summary>Jinja2's tests (<c>x is name</c>), plus the comparison aliases used by select/selectattr.</summary>
internal static class JinjaTests
{
    public static bool Apply(string name, object? v, Arguments args, int line)
    {
        object? Arg() => args.Positional.Count > 0 ? args.Positional[0]
            : args.Named.Count > 0 ? args.Named[0].Value
            : throw new TemplateException($"test '{name}' requires an argument", line);
        switch (name)
        {
            case "defined": return v is not Undefined;
            case "undefined": return v is Undefined;
            case "none": return v is null;
            case "boolean": return v is bool;
            case "true": return v is true;
            case "false": return v is false;
            case "string": return v is string;
            case "number": return v is long or double;
            case "integer": return v is long;
            case "float": return v is double;
            case "mapping": return v is PyDict;
            case "sequence": return v is string or PyList or PyTuple or PyDict;
            case "iterable": return v is string or PyList or PyTuple or PyDict or Undefined or PyGenerator;
            case "callable": return v is Callable;
            case "odd": return Int(v, name, line) % 2 != 0;
            case "even": return Int(v, name, line) % 2 == 0;
            case "divisibleby": return Int(v, name, line) % Int(Arg(), name, line) == 0;
            case "lower": return v is string s1 && s1 == s1.ToLowerInvariant();
            case "upper": return v is string s2 && s2 == s2.ToUpperInvariant();
            case "sameas": var o = Arg(); return ReferenceEquals(v, o) || (v is null or bool && PyOps.Equal(v, o) && o is null or bool);
            case "in": return PyOps.Contains(Arg(), v);
            case "equalto" or "eq" or "==": return PyOps.Equal(v, Arg());
            case "ne" or "!=": return !PyOps.Equal(v, Arg());
            case "lt" or "lessthan" or "<": return PyOps.Compare(v, Arg(), "<") < 0;
            case "le" or "<=": return PyOps.Compare(v, Arg(), "<=") <= 0;
            case "gt" or "greaterthan" or ">": return PyOps.Compare(v, Arg(), ">") > 0;
            case "ge" or ">=": return PyOps.Compare(v, Arg(), ">=") >= 0;
            case "filter": return Arg() is string f && Filters.Exists(f);
            case "test": return Arg() is string t && Exists(t);
            case "escaped": return false;
            default: throw new TemplateException($"No test named '{name}'.", line);
        }
    }

    public static bool Exists(string name) => name is "defined" or "undefined" or "none" or "boolean" or "true" or "false" or "string"
        or "number" or "integer" or "float" or "mapping" or "sequence" or "iterable" or "callable" or "odd" or "even"
        or "divisibleby" or "lower" or "upper" or "sameas" or "in" or "equalto" or "eq" or "==" or "ne" or "!=" or "lt"
        or "lessthan" or "<" or "le" or "<=" or "gt" or "greaterthan" or ">" or "ge" or ">=" or "filter" or "test" or "escaped";

    private static long Int(object? v, string test, int line) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d when d == Math.Floor(d) => (long)d,
        Undefined u => throw new TemplateException(u.Hint, line),
        _ => throw new TemplateException($"test '{test}' needs an integer, got {PyOps.TypeName(v)}", line),
    };
}
