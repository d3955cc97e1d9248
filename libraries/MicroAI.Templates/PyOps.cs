using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text;

namespace MicroAI.Templates;

/// <summary>Python semantics for the runtime values: truthiness, str/repr, equality, ordering, arithmetic.</summary>
internal static class PyOps
{
    public static string TypeName(object? v) => v switch
    {
        null => "NoneType",
        Undefined => "Undefined",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        PyList => "list",
        PyTuple => "tuple",
        PyDict => "dict",
        PyNamespace => "Namespace",
        LoopInfo => "LoopContext",
        Callable => "function",
        PyGenerator => "generator",
        _ => v.GetType().Name,
    };

    public static bool Truthy(object? v) => v switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        PyList l => l.Count > 0,
        PyTuple t => t.Count > 0,
        PyDict d => d.Count > 0,
        _ => true,
    };

    /// <summary>Python's str(): what <c>{{ x }}</c> prints. Undefined prints as empty.</summary>
    public static string Str(object? v) => v switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(v),
    };

    public static string Repr(object? v)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, v, 0);
        return sb.ToString();
    }

    private static void AppendRepr(StringBuilder sb, object? v, int depth)
    {
        if (depth > 100) throw new TemplateException("Value nested too deeply to print");
        switch (v)
        {
            case null: sb.Append("None"); break;
            case Undefined: break;
            case bool b: sb.Append(b ? "True" : "False"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(FormatFloat(d)); break;
            case string s: AppendStringRepr(sb, s); break;
            case PyList list:
                sb.Append('[');
                for (int i = 0; i < list.Count; i++) { if (i > 0) sb.Append(", "); AppendRepr(sb, list[i], depth + 1); }
                sb.Append(']');
                break;
            case PyTuple t:
                sb.Append('(');
                for (int i = 0; i < t.Count; i++) { if (i > 0) sb.Append(", "); AppendRepr(sb, t[i], depth + 1); }
                sb.Append(t.Count == 1 ? ",)" : ")");
                break;
            case PyDict d:
                sb.Append('{');
                bool first = true;
                foreach (var kv in d)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    AppendRepr(sb, kv.Key, depth + 1);
                    sb.Append(": ");
                    AppendRepr(sb, kv.Value, depth + 1);
                }

                sb.Append('}');
                break;
            case PyNamespace: sb.Append("<Namespace>"); break;
            case LoopInfo: sb.Append("<LoopContext>"); break;
            case Callable c: sb.Append("<function ").Append(c.Name).Append('>'); break;
            // Python also prints an address here; that cannot match, so it is left out.
            case PyGenerator g: sb.Append(g.Origin == "list_reverseiterator" ? "<list_reverseiterator object>" : $"<generator object {g.Origin}>"); break;
            default: sb.Append(v.ToString()); break;
        }
    }

    /// <summary>Python's repr of str: single quotes unless the text has ' and no ".</summary>
    private static void AppendStringRepr(StringBuilder sb, string s)
    {
        char quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        sb.Append(quote);
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote) sb.Append('\\').Append(c);
                    else if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }

        sb.Append(quote);
    }

    /// <summary>Python's float repr: shortest round-trip digits, exponent form below 1e-4 or from 1e16.</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        if (d == 0) return double.IsNegative(d) ? "-0.0" : "0.0";
        string r = d.ToString("E16", CultureInfo.InvariantCulture);
        // Find the shortest precision that round-trips, like Python's repr.
        for (int p = 0; p <= 16; p++)
        {
            string candidate = d.ToString("E" + p.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (double.Parse(candidate, CultureInfo.InvariantCulture) == d) { r = candidate; break; }
        }

        int ePos = r.IndexOf('E');
        string mantissa = r[..ePos];
        int exp = int.Parse(r[(ePos + 1)..], CultureInfo.InvariantCulture);
        bool negative = mantissa.StartsWith('-');
        string digits = mantissa.TrimStart('-').Replace(".", "", StringComparison.Ordinal).TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        string sign = negative ? "-" : "";
        if (exp < -4 || exp >= 16)
        {
            string m = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            return $"{sign}{m}e{(exp < 0 ? "-" : "+")}{Math.Abs(exp):00}";
        }

        if (exp < 0) return sign + "0." + new string('0', -exp - 1) + digits;
        if (digits.Length <= exp + 1) return sign + digits + new string('0', exp + 1 - digits.Length) + ".0";
        return sign + digits[..(exp + 1)] + "." + digits[(exp + 1)..];
    }

    public static bool IsNumber(object? v) => v is long or double or bool;

    private static double ToDouble(object? v) => v switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException(),
    };

    private static long ToLong(object? v) => v switch { long l => l, bool b => b ? 1 : 0, _ => throw new InvalidOperationException() };

    public static bool Equal(object? a, object? b)
    {
        // Values built at run time can nest arbitrarily (set ns.x = [ns.x] in a loop): fail, don't overflow.
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (a is null || b is null) return a is null && b is null;
        if (a is Undefined || b is Undefined) return a is Undefined && b is Undefined;
        if (IsNumber(a) && IsNumber(b))
            return a is double || b is double ? ToDouble(a) == ToDouble(b) : ToLong(a) == ToLong(b);
        switch (a)
        {
            case string sa: return b is string sb && sa == sb;
            case PyList la: return b is PyList lb && SequenceEqual(la, lb);
            case PyTuple ta: return b is PyTuple tb && SequenceEqual(ta, tb);
            case PyDict da:
                if (b is not PyDict db || da.Count != db.Count) return false;
                foreach (var kv in da)
                    if (!db.TryGetValue(kv.Key, out var other) || !Equal(kv.Value, other)) return false;
                return true;
            default: return ReferenceEquals(a, b);
        }
    }

    private static bool SequenceEqual(IReadOnlyList<object?> a, IReadOnlyList<object?> b)
    {
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++) if (!Equal(a[i], b[i])) return false;
        return true;
    }

    /// <summary>Python ordering (&lt; etc.): numbers, strings, and sequences lexicographically.</summary>
    public static int Compare(object? a, object? b, string op)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (IsNumber(a) && IsNumber(b))
            return a is double || b is double ? ToDouble(a).CompareTo(ToDouble(b)) : ToLong(a).CompareTo(ToLong(b));
        if (a is string sa && b is string sb) return string.CompareOrdinal(sa, sb) switch { < 0 => -1, > 0 => 1, _ => 0 };
        if (a is IReadOnlyList<object?> la && b is IReadOnlyList<object?> lb && a.GetType() == b.GetType())
        {
            for (int i = 0; i < Math.Min(la.Count, lb.Count); i++)
                if (!Equal(la[i], lb[i])) return Compare(la[i], lb[i], op);
            return la.Count.CompareTo(lb.Count);
        }

        throw new TemplateException($"'{op}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    public static bool Contains(object? container, object? item) => container switch
    {
        string s => item is string sub ? s.Contains(sub, StringComparison.Ordinal)
            : throw new TemplateException($"'in <string>' requires string as left operand, not {TypeName(item)}"),
        PyDict d => d.ContainsKey(item),
        PyNamespace ns => item is string k && ns.Attributes.ContainsKey(k),
        Undefined => false,
        IReadOnlyList<object?> l => l.Any(x => Equal(x, item)),
        PyGenerator g => g.Consume().Any(x => Equal(x, item)),
        _ => throw new TemplateException($"argument of type '{TypeName(container)}' is not iterable"),
    };

    /// <summary>Python iteration: lists/tuples by item, dicts by key, strings by character; Undefined is empty.</summary>
    public static IReadOnlyList<object?> Iterate(object? v) => v switch
    {
        PyList l => l.ToArray(),
        PyTuple t => t.Items,
        PyDict d => d.Keys.ToArray(),
        PyGenerator g => g.Consume(),
        string s => StringChars(s),
        Undefined => [],
        _ => throw new TemplateException($"'{TypeName(v)}' object is not iterable"),
    };

    /// <summary>Characters as Python sees them: one per code point (surrogate pairs kept together).</summary>
    public static object?[] StringChars(string s)
    {
        var result = new List<object?>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { result.Add(s.Substring(i, 2)); i++; }
            else result.Add(s[i].ToString());
        }

        return [.. result];
    }

    public static long Length(object? v) => v switch
    {
        string s => StringChars(s).Length,
        PyList l => l.Count,
        PyTuple t => t.Count,
        PyDict d => d.Count,
        Undefined => 0,
        _ => throw new TemplateException($"object of type '{TypeName(v)}' has no len()"),
    };

    public static object? Negate(object? v) => v switch
    {
        long l => (object)(-l),
        double d => -d,
        bool b => b ? -1L : 0L,
        _ => throw new TemplateException($"bad operand type for unary -: '{TypeName(v)}'"),
    };

    public static object? Binary(string op, object? a, object? b, int maxString)
    {
        if (op == "~") return Limit(Str(a) + Str(b), maxString);
        if (a is Undefined u1) throw new TemplateException(u1.Hint);
        if (b is Undefined u2) throw new TemplateException(u2.Hint);
        if (IsNumber(a) && IsNumber(b)) return Arithmetic(op, a, b);
        switch (op)
        {
            case "+" when a is string sa && b is string sb: return Limit(sa + sb, maxString);
            case "+" when a is PyList la && b is PyList lb:
                var joined = new PyList { Capacity = la.Count + lb.Count };
                joined.AddRange(la);
                joined.AddRange(lb);
                return joined;
            case "+" when a is PyTuple ta && b is PyTuple tb: return new PyTuple([.. ta.Items, .. tb.Items]);
            case "*" when a is string s && b is long or bool: return Repeat(s, ToLong(b), maxString);
            case "*" when b is string s && a is long or bool: return Repeat(s, ToLong(a), maxString);
            case "*" when a is PyList l && b is long n: return new PyList(Enumerable.Repeat(l, (int)Math.Clamp(n, 0, maxString / Math.Max(1, l.Count))).SelectMany(x => x));
            case "%" when a is string fmt: return PercentFormat.Format(fmt, b);
        }

        string sym = op == "+" && a is string ? "can only concatenate str (not \"" + TypeName(b) + "\") to str" : "";
        if (sym.Length > 0) throw new TemplateException(sym);
        throw new TemplateException($"unsupported operand type(s) for {op}: '{TypeName(a)}' and '{TypeName(b)}'");
    }

    private static string Limit(string s, int max) =>
        s.Length > max ? throw new TemplateException($"String result exceeds the output limit of {max} characters") : s;

    private static string Repeat(string s, long n, int max)
    {
        if (n <= 0 || s.Length == 0) return "";
        if ((long)s.Length * n > max) throw new TemplateException($"String result exceeds the output limit of {max} characters");
        return new StringBuilder(s.Length * (int)n).Insert(0, s, (int)n).ToString();
    }

    private static object Arithmetic(string op, object? a, object? b)
    {
        if (a is double || b is double || op == "/")
        {
            double x = ToDouble(a), y = ToDouble(b);
            return op switch
            {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" => y == 0 ? throw new TemplateException("division by zero") : x / y,
                "//" => y == 0 ? throw new TemplateException("float floor division by zero") : Math.Floor(x / y),
                "%" => y == 0 ? throw new TemplateException("float modulo") : x - y * Math.Floor(x / y),
                "**" => Math.Pow(x, y),
                _ => throw new TemplateException($"unknown operator {op}"),
            };
        }

        long p = ToLong(a), q = ToLong(b);
        switch (op)
        {
            case "+": return p + q;
            case "-": return p - q;
            case "*": return p * q;
            case "//":
                if (q == 0) throw new TemplateException("integer division or modulo by zero");
                return FloorDiv(p, q);
            case "%":
                if (q == 0) throw new TemplateException("integer division or modulo by zero");
                return p - q * FloorDiv(p, q);
            case "**":
                if (q < 0) return Math.Pow(p, q);
                long r = 1;
                for (long i = 0; i < q; i++) r = checked(r * p);
                return r;
            default: throw new TemplateException($"unknown operator {op}");
        }
    }

    private static long FloorDiv(long p, long q)
    {
        long d = p / q;
        return (p % q != 0 && (p < 0) != (q < 0)) ? d - 1 : d;
    }
}
