using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAI.Templates;

/// <summary>
/// Deep-copies caller data into template values. This is the sandbox boundary: only data crosses
/// it, never a live .NET object, so templates cannot reach methods or reflection.
/// </summary>
internal static class ValueConverter
{
    private const int MaxDepth = 128;

    public static object? Convert(object? v, int depth = 0)
    {
        if (depth > MaxDepth) throw new TemplateException("Template input is nested too deeply");
        switch (v)
        {
            case null: return null;
            case string or bool or long or double: return v;
            case int or short or byte or sbyte or ushort or uint: return System.Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture);
            case ulong ul: return ul <= long.MaxValue ? (long)ul : (double)ul;
            case float f: return (double)f;
            case decimal m: return (double)m;
            case char c: return c.ToString();
            case JsonElement e: return FromElement(e, depth);
            case JsonNode n:
                // Through its text, not JsonSerializer: no reflection, so trimmed builds keep working.
                using (var document = JsonDocument.Parse(n.ToJsonString()))
                    return FromElement(document.RootElement, depth);
            case IDictionary dict:
                var d = new PyDict();
                foreach (DictionaryEntry entry in dict) d[Convert(entry.Key, depth + 1) ?? "None"] = Convert(entry.Value, depth + 1);
                return d;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                var pd = new PyDict();
                foreach (var kv in pairs) pd[kv.Key] = Convert(kv.Value, depth + 1);
                return pd;
            case IEnumerable seq:
                var list = new PyList();
                foreach (var item in seq) list.Add(Convert(item, depth + 1));
                return list;
            default:
                throw new TemplateException($"Unsupported template input of type {v.GetType().Name}");
        }
    }

    private static object? FromElement(JsonElement e, int depth)
    {
        if (depth > MaxDepth) throw new TemplateException("Template input is nested too deeply");
        switch (e.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined: return null;
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.String: return e.GetString();
            case JsonValueKind.Number:
                // Python's json.loads: integers stay int, anything with '.', 'e' becomes float.
                string raw = e.GetRawText();
                return raw.IndexOfAny(['.', 'e', 'E']) < 0 && e.TryGetInt64(out long l) ? (object)l : e.GetDouble();
            case JsonValueKind.Array:
                var list = new PyList();
                foreach (var item in e.EnumerateArray()) list.Add(FromElement(item, depth + 1));
                return list;
            default:
                var d = new PyDict();
                foreach (var p in e.EnumerateObject()) d[p.Name] = FromElement(p.Value, depth + 1);
                return d;
        }
    }
}
