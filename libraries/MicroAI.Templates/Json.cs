using System.Globalization;
using System.Text;

namespace MicroAI.Templates;

/// <summary>
/// The <c>tojson</c> filter exactly as transformers defines it: Python's
/// <c>json.dumps(x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)</c>.
/// Python's defaults matter for byte-exact prompts: separators are (", ", ": ") without indent and
/// (",", ": ") with one; key order is insertion order; non-ASCII is written as is.
/// </summary>
internal static class Json
{
    public static string Dumps(object? value, string? indent, string itemSeparator, string keySeparator, bool sortKeys, bool ensureAscii)
    {
        var sb = new StringBuilder();
        Write(sb, value, indent, itemSeparator, keySeparator, sortKeys, ensureAscii, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? v, string? indent, string itemSep, string keySep, bool sortKeys, bool ascii, int depth)
    {
        if (depth > 200) throw new TemplateException("Value nested too deeply for tojson");
        switch (v)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PyOps.FormatFloat(d));
                break;
            case string s: WriteString(sb, s, ascii); break;
            case PyList or PyTuple:
                var items = (IReadOnlyList<object?>)v;
                if (items.Count == 0) { sb.Append("[]"); break; }
                sb.Append('[');
                for (int i = 0; i < items.Count; i++)
                {
                    if (i > 0) sb.Append(itemSep);
                    NewLine(sb, indent, depth + 1);
                    Write(sb, items[i], indent, itemSep, keySep, sortKeys, ascii, depth + 1);
                }

                NewLine(sb, indent, depth);
                sb.Append(']');
                break;
            case PyDict dict:
                if (dict.Count == 0) { sb.Append("{}"); break; }
                var pairs = dict.Select(kv => (Key: KeyString(kv.Key), kv.Value)).ToList();
                if (sortKeys) pairs = [.. pairs.OrderBy(p => p.Key, StringComparer.Ordinal)];
                sb.Append('{');
                for (int i = 0; i < pairs.Count; i++)
                {
                    if (i > 0) sb.Append(itemSep);
                    NewLine(sb, indent, depth + 1);
                    WriteString(sb, pairs[i].Key, ascii);
                    sb.Append(keySep);
                    Write(sb, pairs[i].Value, indent, itemSep, keySep, sortKeys, ascii, depth + 1);
                }

                NewLine(sb, indent, depth);
                sb.Append('}');
                break;
            default:
                throw new TemplateException($"Object of type {PyOps.TypeName(v)} is not JSON serializable");
        }
    }

    /// <summary>json.dumps turns int/float/bool/None keys into strings.</summary>
    private static string KeyString(object key) => key switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long or double => PyOps.Str(key),
        _ => throw new TemplateException($"keys must be str, int, float, bool or None, not {PyOps.TypeName(key)}"),
    };

    private static void NewLine(StringBuilder sb, string? indent, int depth)
    {
        if (indent is null) return;
        sb.Append('\n');
        for (int i = 0; i < depth; i++) sb.Append(indent);
    }

    private static void WriteString(StringBuilder sb, string s, bool ascii)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || (ascii && c > 0x7e)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }

        sb.Append('"');
    }
}
