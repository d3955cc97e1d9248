using System.Globalization;
using System.Text;

namespace MicroAI.Templates;

/// <summary>
/// Jinja2's built-in filters that chat templates use, with Jinja2's argument names and defaults
/// (so keyword calls like <c>map(attribute='name')</c> or <c>tojson(indent=2)</c> bind the same way).
/// </summary>
internal static class Filters
{
    private static readonly HashSet<string> Names =
    [
        "abs", "attr", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape", "first", "float",
        "forceescape", "format", "indent", "int", "items", "join", "last", "length", "list", "lower", "map", "max",
        "min", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr", "sort", "string",
        "sum", "title", "tojson", "trim", "unique", "upper", "wordcount",
    ];

    public static bool Exists(string name) => Names.Contains(name);

    public static object? Apply(Interpreter interp, string name, object? v, Arguments a, int line)
    {
        try
        {
            return ApplyCore(interp, name, v, a, line);
        }
        catch (TemplateException e) when (e.Line == 0)
        {
            throw new TemplateException(e.TemplateMessage, line, e.RaisedByTemplate);
        }
    }

    private static object? ApplyCore(Interpreter interp, string name, object? v, Arguments a, int line)
    {
        switch (name)
        {
            case "safe" or "string": return v is string ? v : PyOps.Str(v);
            case "e" or "escape" or "forceescape": return Escape(PyOps.Str(v));
            case "length" or "count": return PyOps.Length(v);
            case "lower": return PyOps.Str(v).ToLowerInvariant();
            case "upper": return PyOps.Str(v).ToUpperInvariant();
            case "capitalize": return Methods.Capitalize(PyOps.Str(v));
            case "title": return Title(PyOps.Str(v));
            case "trim": return Methods.Strip(PyOps.Str(v), a.Get(0, "chars"), true, true);
            case "replace":
                return Methods.Replace(PyOps.Str(v), PyOps.Str(a.Get(0, "old")), PyOps.Str(a.Get(1, "new")), a.Get(2, "count") is long n ? n : -1);
            case "center":
                string cs = PyOps.Str(v);
                int width = (int)(a.Get(0, "width", 80L) as long? ?? 80);
                return width <= cs.Length ? cs : cs.PadLeft(cs.Length + (width - cs.Length) / 2).PadRight(width);
            case "wordcount": return (long)PyOps.Str(v).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            case "d" or "default":
                bool boolean = PyOps.Truthy(a.Get(1, "boolean", false));
                return v is Undefined || (boolean && !PyOps.Truthy(v)) ? a.Get(0, "default_value", "") : v;
            case "first":
                var firstItems = PyOps.Iterate(v);
                return firstItems.Count > 0 ? firstItems[0] : new Undefined("No first item, sequence was empty.");
            case "last":
                if (v is PyGenerator) throw new TemplateException("'generator' object is not reversible");
                var lastItems = PyOps.Iterate(v);
                return lastItems.Count > 0 ? lastItems[^1] : new Undefined("No last item, sequence was empty.");
            case "list": return new PyList(PyOps.Iterate(v));
            case "reverse":
                if (v is string rs) return string.Concat(PyOps.StringChars(rs).Reverse().Cast<string>());
                return v is PyList ? new PyGenerator([.. PyOps.Iterate(v).Reverse()], "list_reverseiterator") : new PyList(PyOps.Iterate(v).Reverse());
            case "items":
                if (v is Undefined) return new PyList();
                if (v is not PyDict id) throw new TemplateException($"Can only get item pairs from a mapping, not {PyOps.TypeName(v)}.");
                return new PyGenerator([.. id.Select(kv => (object?)new PyTuple([kv.Key, kv.Value]))], "do_items");
            case "join":
                var attr = a.Get(1, "attribute");
                var parts = PyOps.Iterate(v).Select(x => PyOps.Str(attr is null ? x : Attribute(x, attr)));
                return string.Join(PyOps.Str(a.Get(0, "d", "")), parts);
            case "int": return ToInt(v, a.Get(0, "default", 0L), a.Get(1, "base", 10L));
            case "float": return ToFloat(v, a.Get(0, "default", 0.0));
            case "abs":
                return v switch
                {
                    long l => (object)Math.Abs(l),
                    double d => Math.Abs(d),
                    bool b => b ? 1L : 0L,
                    _ => throw new TemplateException($"bad operand type for abs(): '{PyOps.TypeName(v)}'"),
                };
            case "round": return Round(v, a.Get(0, "precision", 0L), PyOps.Str(a.Get(1, "method", "common")));
            case "tojson": return ToJson(v, a);
            case "indent": return Indent(PyOps.Str(v), a.Get(0, "width", 4L), PyOps.Truthy(a.Get(1, "first", false)), PyOps.Truthy(a.Get(2, "blank", false)));
            case "format": return PercentFormat.Format(PyOps.Str(v), a.Positional.Count == 1 ? a.Positional[0] : new PyTuple([.. a.Positional]));
            case "attr": return Interpreter.GetAttr(v, PyOps.Str(a.Get(0, "name")));
            case "map": return new PyGenerator([.. Map(interp, v, a, line)], "sync_do_map");
            case "select" or "reject": return new PyGenerator([.. Select(interp, v, a, name == "select", false, line)], "select_or_reject");
            case "selectattr" or "rejectattr": return new PyGenerator([.. Select(interp, v, a, name == "selectattr", true, line)], "select_or_reject");
            case "dictsort": return DictSort(v, a);
            case "sort": return Sort(interp, v, a);
            case "unique": return new PyGenerator([.. Unique(v, a)], "do_unique");
            case "sum":
                object? total = a.Get(1, "start", 0L);
                var sumAttr = a.Get(0, "attribute");
                foreach (var item in PyOps.Iterate(v)) total = PyOps.Binary("+", total, sumAttr is null ? item : Attribute(item, sumAttr), interp.MaxOutput);
                return total;
            case "min" or "max":
                var candidates = PyOps.Iterate(v);
                if (candidates.Count == 0) return new Undefined($"No aggregated item, sequence was empty.");
                var keyAttr = a.Get(1, "attribute");
                bool cs2 = PyOps.Truthy(a.Get(0, "case_sensitive", false));
                object? best = candidates[0];
                foreach (var c in candidates.Skip(1))
                {
                    int cmp = PyOps.Compare(SortKey(c, keyAttr, cs2), SortKey(best, keyAttr, cs2), "<");
                    if (name == "min" ? cmp < 0 : cmp > 0) best = c;
                }

                return best;
            default:
                throw new TemplateException($"No filter named '{name}'.", line);
        }
    }

    /// <summary>Jinja2's attribute getter: dotted path, integer parts index, item-then-attribute lookup.</summary>
    private static object? Attribute(object? item, object? path)
    {
        if (path is long idx) return Interpreter.GetItem(item, idx);
        foreach (string part in PyOps.Str(path).Split('.'))
        {
            item = long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long n)
                ? Interpreter.GetItem(item, n)
                : Interpreter.GetItem(item, part);
        }

        return item;
    }

    private static object? SortKey(object? item, object? attribute, bool caseSensitive)
    {
        var key = attribute is null ? item : Attribute(item, attribute);
        return !caseSensitive && key is string s ? s.ToLowerInvariant() : key;
    }

    private static PyList Map(Interpreter interp, object? v, Arguments a, int line)
    {
        // Jinja2's map/select guard with `if seq:`, so None and other falsy inputs give an empty result.
        var items = PyOps.Truthy(v) ? PyOps.Iterate(v) : [];
        var result = new PyList();
        if (a.Positional.Count == 0 && a.Has(-1, "attribute"))
        {
            var attribute = a.Get(-1, "attribute");
            bool hasDefault = a.Has(-1, "default");
            foreach (var item in items)
            {
                interp.Tick(line);
                var value = Attribute(item, attribute);
                result.Add(value is Undefined && hasDefault ? a.Get(-1, "default") : value);
            }

            return result;
        }

        if (a.Positional.Count == 0) throw new TemplateException("map requires a filter argument", line);
        string filter = PyOps.Str(a.Positional[0]);
        var rest = new Arguments([.. a.Positional.Skip(1)], a.Named);
        foreach (var item in items)
        {
            interp.Tick(line);
            result.Add(Apply(interp, filter, item, rest, line));
        }

        return result;
    }

    private static PyList Select(Interpreter interp, object? v, Arguments a, bool keep, bool byAttribute, int line)
    {
        int skip = byAttribute ? 1 : 0;
        object? attribute = byAttribute ? a.Get(0, "attribute") : null;
        string? test = a.Positional.Count > skip ? PyOps.Str(a.Positional[skip]) : null;
        var testArgs = new Arguments([.. a.Positional.Skip(skip + 1)], []);
        var result = new PyList();
        foreach (var item in PyOps.Truthy(v) ? PyOps.Iterate(v) : [])
        {
            interp.Tick(line);
            var subject = byAttribute ? Attribute(item, attribute) : item;
            bool ok = test is null ? PyOps.Truthy(subject) : JinjaTests.Apply(test, subject, testArgs, line);
            if (ok == keep) result.Add(item);
        }

        return result;
    }

    private static PyList DictSort(object? v, Arguments a)
    {
        if (v is not PyDict d) throw new TemplateException("dictsort filter expects a mapping");
        bool caseSensitive = PyOps.Truthy(a.Get(0, "case_sensitive", false));
        string by = PyOps.Str(a.Get(1, "by", "key"));
        bool reverse = PyOps.Truthy(a.Get(2, "reverse", false));
        int pos = by == "key" ? 0 : by == "value" ? 1 : throw new TemplateException("You can only sort by either \"key\" or \"value\"");
        var pairs = d.Select(kv => new PyTuple([kv.Key, kv.Value])).ToList();
        var sorted = StableSort(pairs, p => SortKey(p[pos], null, caseSensitive), reverse);
        return new PyList(sorted);
    }

    private static PyList Sort(Interpreter interp, object? v, Arguments a)
    {
        _ = interp;
        bool reverse = PyOps.Truthy(a.Get(0, "reverse", false));
        bool caseSensitive = PyOps.Truthy(a.Get(1, "case_sensitive", false));
        var attribute = a.Get(2, "attribute");
        return new PyList(StableSort(PyOps.Iterate(v).ToList(), x => SortKey(x, attribute, caseSensitive), reverse));
    }

    /// <summary>Python's sorted(): stable, and with reverse=True still stable among equal keys.</summary>
    private static List<T> StableSort<T>(List<T> items, Func<T, object?> key, bool reverse)
    {
        var keyed = items.Select((item, i) => (item, key: key(item), i)).ToList();
        keyed.Sort((x, y) =>
        {
            int c = PyOps.Compare(x.key, y.key, "<");
            if (reverse) c = -c;
            return c != 0 ? c : x.i.CompareTo(y.i);
        });
        return [.. keyed.Select(k => k.item)];
    }

    private static PyList Unique(object? v, Arguments a)
    {
        bool caseSensitive = PyOps.Truthy(a.Get(0, "case_sensitive", false));
        var attribute = a.Get(1, "attribute");
        var seen = new List<object?>();
        var result = new PyList();
        foreach (var item in PyOps.Iterate(v))
        {
            var key = SortKey(item, attribute, caseSensitive);
            if (seen.Exists(s => PyOps.Equal(s, key))) continue;
            seen.Add(key);
            result.Add(item);
        }

        return result;
    }

    private static object? ToInt(object? v, object? fallback, object? baseArg)
    {
        switch (v)
        {
            case long: return v;
            case bool b: return b ? 1L : 0L;
            case double d: return double.IsFinite(d) ? (long)Math.Truncate(d) : fallback;
            case string s:
                s = s.Trim().Replace("_", "", StringComparison.Ordinal);
                int nb = (int)(baseArg as long? ?? 10);
                try
                {
                    if (nb == 10 && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return l;
                    if (nb != 10 && s.Length > 0) return Convert.ToInt64(s, nb);
                }
                catch (FormatException) { return fallback; }
                catch (ArgumentException) { return fallback; }

                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && double.IsFinite(f) ? (long)Math.Truncate(f) : fallback;
            default: return fallback;
        }
    }

    private static object? ToFloat(object? v, object? fallback) => v switch
    {
        double => v,
        long l => (double)l,
        bool b => b ? 1.0 : 0.0,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        _ => fallback,
    };

    private static object? Round(object? v, object? precisionArg, string method)
    {
        int precision = (int)(precisionArg as long? ?? 0);
        if (v is long or bool && method == "common") return v is bool b ? (b ? 1L : 0L) : v;
        double x = v switch { long l => l, double d => d, _ => throw new TemplateException($"type {PyOps.TypeName(v)} doesn't define __round__ method") };
        double factor = Math.Pow(10, precision);
        return method switch
        {
            "common" => PythonRound(x, precision),
            "ceil" => Math.Ceiling(x * factor) / factor,
            "floor" => Math.Floor(x * factor) / factor,
            _ => throw new TemplateException("method must be common, ceil or floor"),
        };
    }

    /// <summary>
    /// Python's round(x, n): half-even on the exact binary value, so round(2.675, 2) is 2.67 (the double is
    /// 2.67499999…). Math.Round would give 2.68; going through the exact decimal expansion avoids that.
    /// </summary>
    private static double PythonRound(double x, int precision)
    {
        if (!double.IsFinite(x) || Math.Abs(x) >= 1e27) return x;
        if (precision < 0)
        {
            double scale = Math.Pow(10, -precision);
            return Math.Round(x / scale, MidpointRounding.ToEven) * scale;
        }

        if (precision > 20) return x;
        string exact = x.ToString("F" + (precision + 40).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        decimal d = decimal.Parse(exact, NumberStyles.Float, CultureInfo.InvariantCulture);
        return (double)Math.Round(d, precision, MidpointRounding.ToEven);
    }

    private static string ToJson(object? v, Arguments a)
    {
        bool ensureAscii = PyOps.Truthy(a.Get(0, "ensure_ascii", false));
        var indentArg = a.Get(1, "indent");
        string? indent = indentArg switch
        {
            null => null,
            long n => new string(' ', (int)Math.Clamp(n, 0, 64)),
            string s => s,
            _ => throw new TemplateException("tojson indent must be an int or a string"),
        };
        string itemSep = indent is null ? ", " : ",", keySep = ": ";
        if (a.Get(2, "separators") is IReadOnlyList<object?> { Count: 2 } seps)
        {
            itemSep = PyOps.Str(seps[0]);
            keySep = PyOps.Str(seps[1]);
        }

        return Json.Dumps(v, indent, itemSep, keySep, PyOps.Truthy(a.Get(3, "sort_keys", false)), ensureAscii);
    }

    /// <summary>Jinja2 3.x indent: indents every line but the first (unless first=True); blank lines stay
    /// empty unless blank=True.</summary>
    private static string Indent(string s, object? widthArg, bool first, bool blank)
    {
        string pad = widthArg as string ?? new string(' ', (int)Math.Clamp(widthArg as long? ?? 4, 0, 1000));
        var lines = Text.SplitLines(s + "\n", false);
        string rv;
        if (blank) rv = string.Join("\n" + pad, lines);
        else
        {
            rv = lines[0];
            if (lines.Count > 1) rv += "\n" + string.Join("\n", lines.Skip(1).Select(l => l.Length > 0 ? pad + l : l));
        }

        return first ? pad + rv : rv;
    }

    /// <summary>Jinja2's title filter: capitalize each word, words split on whitespace, '-', and opening brackets.</summary>
    private static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool start = true;
        foreach (char c in s)
        {
            bool separator = char.IsWhiteSpace(c) || c is '-' or '(' or '{' or '[' or '<';
            sb.Append(separator ? c : start ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            start = separator;
        }

        return sb.ToString();
    }

    public static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&#34;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);
}
