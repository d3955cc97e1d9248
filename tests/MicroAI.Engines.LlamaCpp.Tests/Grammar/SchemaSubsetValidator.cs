using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MicroAI.Engines.LlamaCpp.Tests.Grammar;

/// <summary>
/// A small JSON Schema validator for exactly the subset JsonSchemaGrammar supports, written
/// independently of it so the generation tests check the grammar against the schema's meaning.
/// </summary>
internal sealed class SchemaSubsetValidator(JsonElement root)
{
    public List<string> Errors { get; } = [];

    public static List<string> Validate(JsonElement instance, JsonElement schema)
    {
        var v = new SchemaSubsetValidator(schema);
        v.Check(instance, schema, "$");
        return v.Errors;
    }

    private bool Matches(JsonElement instance, JsonElement schema)
    {
        var probe = new SchemaSubsetValidator(root);
        probe.Check(instance, schema, "$");
        return probe.Errors.Count == 0;
    }

    private void Check(JsonElement x, JsonElement s, string at)
    {
        if (s.ValueKind == JsonValueKind.True)
            return;
        if (s.TryGetProperty("$ref", out var r))
        {
            Check(x, Resolve(r.GetString()!), at);
            return;
        }
        if (s.TryGetProperty("const", out var c) && !JsonElement.DeepEquals(x, c))
            Errors.Add($"{at}: not the const");
        if (s.TryGetProperty("enum", out var e) && !e.EnumerateArray().Any(v => JsonElement.DeepEquals(x, v)))
            Errors.Add($"{at}: not in the enum");
        foreach (var keyword in new[] { "anyOf", "oneOf" })
        {
            if (s.TryGetProperty(keyword, out var branches) && !branches.EnumerateArray().Any(b => Matches(x, b))
                && !(x.ValueKind == JsonValueKind.Null && s.TryGetProperty("nullable", out var n) && n.GetBoolean()))
                Errors.Add($"{at}: matches no {keyword} branch");
        }
        if (s.TryGetProperty("allOf", out var all))
        {
            CheckMergedObject(x, s, at);
            return;
        }
        if (s.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.String ? [type.GetString()!] : type.EnumerateArray().Select(t => t.GetString()!).ToList();
            if (s.TryGetProperty("nullable", out var nullable) && nullable.GetBoolean())
                types.Add("null");
            if (!types.Any(t => IsType(x, t)))
            {
                Errors.Add($"{at}: {x.ValueKind} is not {string.Join("|", types)}");
                return;
            }
        }
        switch (x.ValueKind)
        {
            case JsonValueKind.Object: CheckObject(x, [s], at); break;
            case JsonValueKind.Array: CheckArray(x, s, at); break;
            case JsonValueKind.String: CheckString(x.GetString()!, s, at); break;
            case JsonValueKind.Number: CheckNumber(x, s, at); break;
        }
    }

    private static bool IsType(JsonElement x, string type) => type switch
    {
        "object" => x.ValueKind == JsonValueKind.Object,
        "array" => x.ValueKind == JsonValueKind.Array,
        "string" => x.ValueKind == JsonValueKind.String,
        "number" => x.ValueKind == JsonValueKind.Number,
        "integer" => x.ValueKind == JsonValueKind.Number && x.TryGetInt64(out _),
        "boolean" => x.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => x.ValueKind == JsonValueKind.Null,
        _ => false,
    };

    private void CheckMergedObject(JsonElement x, JsonElement s, string at)
    {
        if (x.ValueKind != JsonValueKind.Object)
        {
            Errors.Add($"{at}: allOf wants an object");
            return;
        }
        var parts = new List<JsonElement>();
        void Collect(JsonElement schema)
        {
            if (schema.TryGetProperty("$ref", out var r))
                schema = Resolve(r.GetString()!);
            parts.Add(schema);
            if (schema.TryGetProperty("allOf", out var all))
                foreach (var b in all.EnumerateArray())
                    Collect(b);
        }
        Collect(s);
        CheckObject(x, parts, at);
    }

    /// <summary>Object keywords, with allOf branches treated as one merged object (the converter's reading).</summary>
    private void CheckObject(JsonElement x, List<JsonElement> parts, string at)
    {
        var properties = new Dictionary<string, JsonElement>();
        var required = new HashSet<string>();
        var closed = false;
        JsonElement? additional = null;
        var objectish = false;
        foreach (var s in parts)
        {
            if (s.TryGetProperty("properties", out var ps))
            {
                objectish = true;
                foreach (var p in ps.EnumerateObject())
                    properties[p.Name] = p.Value;
            }
            if (s.TryGetProperty("required", out var rs))
                foreach (var r in rs.EnumerateArray())
                    required.Add(r.GetString()!);
            if (s.TryGetProperty("additionalProperties", out var a))
            {
                if (a.ValueKind == JsonValueKind.False)
                    closed = true;
                else if (a.ValueKind == JsonValueKind.Object)
                    additional = a;
            }
            else if (s.TryGetProperty("properties", out _))
                closed = true; // declared properties only, as llama.cpp and OpenAI's strict mode read it
        }
        _ = objectish;
        foreach (var name in required)
        {
            if (!x.TryGetProperty(name, out _))
                Errors.Add($"{at}: missing required '{name}'");
        }
        foreach (var p in x.EnumerateObject())
        {
            if (properties.TryGetValue(p.Name, out var ps))
                Check(p.Value, ps, $"{at}.{p.Name}");
            else if (closed)
                Errors.Add($"{at}: extra key '{p.Name}'");
            else if (additional is { } a)
                Check(p.Value, a, $"{at}.{p.Name}");
        }
    }

    private void CheckArray(JsonElement x, JsonElement s, string at)
    {
        var n = x.GetArrayLength();
        if (s.TryGetProperty("minItems", out var min) && n < min.GetInt32())
            Errors.Add($"{at}: {n} items < minItems");
        if (s.TryGetProperty("maxItems", out var max) && n > max.GetInt32())
            Errors.Add($"{at}: {n} items > maxItems");
        var prefix = s.TryGetProperty("prefixItems", out var pi) ? pi.EnumerateArray().ToList() : [];
        var i = 0;
        foreach (var item in x.EnumerateArray())
        {
            if (i < prefix.Count)
                Check(item, prefix[i], $"{at}[{i}]");
            else if (s.TryGetProperty("items", out var items))
            {
                if (items.ValueKind == JsonValueKind.False)
                    Errors.Add($"{at}: item {i} beyond the tuple");
                else
                    Check(item, items, $"{at}[{i}]");
            }
            i++;
        }
    }

    private void CheckString(string text, JsonElement s, string at)
    {
        var length = text.EnumerateRunes().Count();
        if (s.TryGetProperty("minLength", out var min) && length < min.GetInt32())
            Errors.Add($"{at}: length {length} < minLength");
        if (s.TryGetProperty("maxLength", out var max) && length > max.GetInt32())
            Errors.Add($"{at}: length {length} > maxLength");
        if (s.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, pattern.GetString()!, RegexOptions.ECMAScript))
            Errors.Add($"{at}: '{text}' does not match /{pattern.GetString()}/");
        if (s.TryGetProperty("format", out var f))
        {
            var ok = f.GetString() switch
            {
                "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) || Regex.IsMatch(text, @"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"),
                "date-time" => Regex.IsMatch(text, @"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"),
                "uuid" => Guid.TryParseExact(text, "D", out _),
                _ => true,
            };
            if (!ok)
                Errors.Add($"{at}: '{text}' is not a {f.GetString()}");
        }
    }

    private void CheckNumber(JsonElement x, JsonElement s, string at)
    {
        var v = x.GetDouble();
        if (s.TryGetProperty("minimum", out var min) && v < min.GetDouble())
            Errors.Add($"{at}: {v} < minimum");
        if (s.TryGetProperty("maximum", out var max) && v > max.GetDouble())
            Errors.Add($"{at}: {v} > maximum");
        if (s.TryGetProperty("exclusiveMinimum", out var emin) && v <= emin.GetDouble())
            Errors.Add($"{at}: {v} <= exclusiveMinimum");
        if (s.TryGetProperty("exclusiveMaximum", out var emax) && v >= emax.GetDouble())
            Errors.Add($"{at}: {v} >= exclusiveMaximum");
    }

    private JsonElement Resolve(string reference)
    {
        var current = root;
        foreach (var token in reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
            current = current.GetProperty(token.Replace("~1", "/").Replace("~0", "~"));
        return current;
    }
}
