using System.Text.Json;

namespace MicroAI.TextFormats.Grammar;

/// <summary>
/// What an object schema (or an allOf of them, merged) allows: its declared properties in order,
/// which are required, and what extra keys may carry.
/// </summary>
internal sealed class ObjectShape
{
    public List<(string Name, JsonElement Schema, string Pointer)> Properties { get; } = [];
    /// <summary>Required names in the order first met (a list: order matters for undeclared ones).</summary>
    public List<string> Required { get; } = [];

    /// <summary>Schema for extra keys' values; null when extra keys are not allowed.</summary>
    public JsonElement? Additional { get; set; }
    public string AdditionalPointer { get; set; } = "";

    public static ObjectShape From(JsonElement schema, string pointer)
    {
        var shape = new ObjectShape();
        shape.Merge(schema, pointer, first: true);
        return shape;
    }

    /// <summary>
    /// Adds one object schema's keywords. Merging allOf branches this way is the common intent
    /// ("this object, plus these fields"); a branch that closes the object (see <see cref="ExtraKeys"/>) wins.
    /// </summary>
    public void Merge(JsonElement schema, string pointer, bool first)
    {
        if (schema.TryGetProperty("properties", out var properties))
        {
            var at = Pointer.Append(pointer, "properties");
            if (properties.ValueKind != JsonValueKind.Object)
                throw GrammarSchemaException.Invalid(at, "'properties' must be an object");
            foreach (var p in properties.EnumerateObject())
            {
                if (Properties.Any(x => x.Name == p.Name))
                    throw GrammarSchemaException.Unsupported(Pointer.Append(at, p.Name), "allOf", "a property declared by two branches would need the intersection of both schemas");
                Properties.Add((p.Name, p.Value, Pointer.Append(at, p.Name)));
            }
        }
        if (schema.TryGetProperty("required", out var required))
        {
            if (required.ValueKind != JsonValueKind.Array)
                throw GrammarSchemaException.Invalid(Pointer.Append(pointer, "required"), "'required' must be an array of strings");
            foreach (var r in required.EnumerateArray())
            {
                var name = r.ValueKind == JsonValueKind.String ? r.GetString()! : throw GrammarSchemaException.Invalid(Pointer.Append(pointer, "required"), "'required' must be an array of strings");
                if (!Required.Contains(name))
                    Required.Add(name);
            }
        }

        var additional = ExtraKeys(schema);
        if (first)
        {
            Additional = additional;
            AdditionalPointer = Pointer.Append(pointer, "additionalProperties");
        }
        else if (additional is null || Additional is null)
            Additional = null;
        else if (Additional.Value.ValueKind != JsonValueKind.True && additional.Value.ValueKind != JsonValueKind.True)
            throw GrammarSchemaException.Unsupported(Pointer.Append(pointer, "additionalProperties"), "allOf", "two branches both constrain additionalProperties");
        else if (Additional.Value.ValueKind == JsonValueKind.True)
        {
            Additional = additional;
            AdditionalPointer = Pointer.Append(pointer, "additionalProperties");
        }
    }

    /// <summary>
    /// The schema for extra keys' values, or null when there may be none. As in llama.cpp's converter
    /// and OpenAI's strict mode, an object that declares <c>properties</c> has only those unless
    /// <c>additionalProperties</c> is <c>true</c> or a schema. JSON Schema itself allows any extra key,
    /// but under that reading a small model fills its whole budget inventing keys and never closes the
    /// object. An object that declares no properties (<c>{"type":"object"}</c>) stays any object.
    /// </summary>
    private static JsonElement? ExtraKeys(JsonElement schema)
    {
        if (schema.TryGetProperty("additionalProperties", out var a))
            return a.ValueKind == JsonValueKind.False ? null : a;
        return schema.TryGetProperty("properties", out _) ? null : JsonLiteral.True;
    }

    /// <summary>Required keys first, in declared order (required-only names last), then the optional ones.</summary>
    public (List<(string Name, JsonElement Schema, string Pointer)> Required, List<(string Name, JsonElement Schema, string Pointer)> Optional) Ordered(string pointer)
    {
        var req = Properties.Where(p => Required.Contains(p.Name)).ToList();
        foreach (var name in Required.Where(n => Properties.All(p => p.Name != n)))
        {
            // Required but never declared: any value, or the additionalProperties schema if there is one.
            req.Add((name, Additional ?? JsonLiteral.True, Pointer.Append(pointer, "required")));
        }
        return (req, Properties.Where(p => !Required.Contains(p.Name)).ToList());
    }
}
