using System.Text.Json;

namespace MicroAI.TextFormats.Grammar;

internal sealed partial class JsonSchemaConverter
{
    /// <summary>
    /// An object with keys in a fixed order: required ones first, then each optional one present or
    /// not, then (if allowed) extra string keys. A fixed order keeps the grammar linear in the number
    /// of properties instead of listing every permutation.
    /// </summary>
    private string ObjectRule(ObjectShape shape, string pointer, string hint)
    {
        var ws = Ws;
        var (required, optional) = shape.Ordered(pointer);
        var separator = GbnfText.Seq("\",\"", ws);

        string Pair(string name, JsonElement schema, string at)
        {
            var value = VisitInside(schema, at, Child(hint, name));
            return _rules.Add(Child(hint, name + "-kv"), GbnfText.Seq(GbnfText.Literal(JsonLiteral.Quote(name)), ws, "\":\"", ws, value, ws));
        }

        var head = required.Select(p => Pair(p.Name, p.Schema, p.Pointer)).ToList();
        var tail = optional.Select(p => Pair(p.Name, p.Schema, p.Pointer)).ToList();
        if (shape.Additional is { } additional)
        {
            var value = VisitInside(additional, shape.AdditionalPointer, Child(hint, "additional"));
            var pair = _rules.Add(Child(hint, "additional-kv"), GbnfText.Seq(JsonString(), ws, "\":\"", ws, value, ws));
            tail.Add(_rules.Add(Child(hint, "additional-kvs"), $"{pair} ( {separator} {pair} )*"));
        }

        // rest(i): a non-empty, in-order selection from tail[i..]; built from the end.
        string? rest = null;
        for (var i = tail.Count - 1; i >= 0; i--)
            rest = rest is null ? tail[i] : _rules.Add(Child(hint, "rest"), $"{tail[i]} ( {separator} {rest} )? | {rest}");

        var body = new List<string> { "\"{\"", ws };
        if (head.Count > 0)
        {
            body.Add(string.Join($" {separator} ", head));
            if (rest is not null)
                body.Add($"( {separator} {rest} )?");
        }
        else if (rest is not null)
            body.Add(rest + "?");
        body.Add("\"}\"");
        return _rules.Add(hint, GbnfText.Seq([.. body]));
    }

    /// <summary>The object an allOf (plus the schema's own object keywords) describes, merged.</summary>
    private ObjectShape MergeAllOf(JsonElement schema, string pointer)
    {
        var shape = new ObjectShape();
        var first = true;
        MergeInto(shape, schema, pointer, ref first);
        return shape;
    }

    private void MergeInto(ObjectShape shape, JsonElement schema, string pointer, ref bool first)
    {
        if (++_depth > _options.MaxDepth)
            throw new GrammarSchemaException($"The JSON Schema nests deeper than {_options.MaxDepth} levels at '{Pointer.Format(pointer)}'.");
        try
        {
            if (schema.ValueKind == JsonValueKind.True)
                return;
            if (schema.ValueKind != JsonValueKind.Object)
                throw GrammarSchemaException.Unsupported(pointer, "allOf", "only object schemas can be merged");
            if (schema.TryGetProperty("$ref", out var reference))
            {
                RejectSiblings(schema, pointer, "$ref");
                var target = ResolveReference(reference, Pointer.Append(pointer, "$ref"), out var targetPointer);
                MergeInto(shape, target, targetPointer, ref first);
                return;
            }
            foreach (var property in schema.EnumerateObject())
            {
                if (!Annotations.Contains(property.Name) && property.Name is not ("type" or "properties" or "required" or "additionalProperties" or "allOf"))
                    throw GrammarSchemaException.Unsupported(pointer, property.Name, "only object keywords can appear in or beside 'allOf'");
            }
            if (schema.TryGetProperty("type", out var type) && !(type.ValueKind == JsonValueKind.String && type.GetString() == "object"))
                throw GrammarSchemaException.Unsupported(Pointer.Append(pointer, "type"), "allOf", "only object schemas can be merged");

            if (Has(schema, "properties", "required", "additionalProperties") || !schema.TryGetProperty("allOf", out _))
            {
                shape.Merge(schema, pointer, first);
                first = false;
            }
            if (schema.TryGetProperty("allOf", out var branches))
            {
                var at = Pointer.Append(pointer, "allOf");
                if (branches.ValueKind != JsonValueKind.Array || branches.GetArrayLength() == 0)
                    throw GrammarSchemaException.Invalid(at, "expected a non-empty array of schemas");
                var i = 0;
                foreach (var branch in branches.EnumerateArray())
                    MergeInto(shape, branch, Pointer.Append(at, i++), ref first);
            }
        }
        finally
        {
            _depth--;
        }
    }
}
