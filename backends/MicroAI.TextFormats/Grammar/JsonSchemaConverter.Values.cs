using System.Globalization;
using System.Text.Json;

namespace MicroAI.TextFormats.Grammar;

internal sealed partial class JsonSchemaConverter
{
    /// <summary>
    /// One character inside a JSON string: anything but a quote, a backslash or a control character
    /// (RFC 8259 §7), or one of the escapes. 0x7F is excluded too: legal JSON, but never wanted.
    /// </summary>
    private string JsonChar() => Shared("char", () =>
        "[^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ( [\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4} )");

    private string JsonString() => Shared("string", () => $"\"\\\"\" {JsonChar()}* \"\\\"\"");

    private string Boolean() => Shared("boolean", () => "\"true\" | \"false\"");

    private string Null() => Shared("null", () => "\"null\"");

    // Digit counts are bounded (an int64 has 19 digits; 15 fraction digits is double precision) so
    // a model cannot write digits forever; every number the bounds allow is still valid JSON.
    private string NonNegativeInteger() => Shared("natural", () => "\"0\" | [1-9] [0-9]{0,18}");

    private string Integer() => Shared("integer", () => $"\"-\"? {NonNegativeInteger()}");

    private string Number() => Shared("number", () => $"{Integer()} ( \".\" [0-9]{{1,15}} )? ( [eE] [-+]? [0-9]{{1,3}} )?");

    /// <summary>Any JSON value (the schema <c>true</c> or <c>{}</c>).</summary>
    private string AnyValue()
    {
        if (_shared.TryGetValue("any", out var name))
            return name;
        name = _rules.Reserve("any");
        _shared["any"] = name;
        var array = _rules.Add("any-array", ArrayBody(name, 0, null));
        _rules.Define(name, $"{AnyObject()} | {array} | {JsonString()} | {Number()} | {Boolean()} | {Null()}");
        return name;
    }

    /// <summary>Any JSON object whose values are any JSON values.</summary>
    private string AnyObject()
    {
        if (_shared.TryGetValue("any-object", out var name))
            return name;
        name = _rules.Reserve("any-object");
        _shared["any-object"] = name;
        var ws = Ws;
        var pair = _rules.Add("any-kv", GbnfText.Seq(JsonString(), ws, "\":\"", ws, AnyValue(), ws));
        _rules.Define(name, GbnfText.Seq("\"{\"", ws, $"( {pair} ( {GbnfText.Seq("\",\"", ws)} {pair} )* )?", "\"}\""));
        return name;
    }

    /// <summary><c>[ e, e, … ]</c> with between min and max elements (max null: unbounded).</summary>
    private string ArrayBody(string element, int min, int? max)
    {
        var ws = Ws;
        var item = GbnfText.Seq(element, ws);
        var next = $"( {GbnfText.Seq("\",\"", ws)} {item} )";
        string items;
        if (max == 0)
            items = "";
        else if (min == 0)
            items = $"( {item} {next}{Repeat(0, max - 1)} )?";
        else
            items = $"{item} {next}{Repeat(min - 1, max - 1)}";
        return GbnfText.Seq("\"[\"", ws, items, "\"]\"");
    }

    private static string Repeat(int min, int? max) => (min, max) switch
    {
        (0, null) => "*",
        (1, null) => "+",
        (_, null) => $"{{{min},}}",
        (0, 1) => "?",
        _ when min == max => $"{{{min}}}",
        _ => $"{{{min},{max}}}",
    };

    private string ArrayRule(JsonElement schema, string pointer, string hint)
    {
        var min = Bound(schema, "minItems", pointer) ?? 0;
        var max = Bound(schema, "maxItems", pointer);
        if (max < min)
            throw GrammarSchemaException.Invalid(Pointer.Append(pointer, "maxItems"), "maxItems is below minItems");

        JsonElement? items = schema.TryGetProperty("items", out var it) ? it : null;
        if (!schema.TryGetProperty("prefixItems", out var prefix))
        {
            if (items is { ValueKind: JsonValueKind.False })
            {
                if (min > 0)
                    throw GrammarSchemaException.Invalid(pointer, "'items': false with minItems above 0 accepts no array");
                return _rules.Add(hint, GbnfText.Seq("\"[\"", Ws, "\"]\""));
            }
            var element = items is { } schemaOfItems ? VisitInside(schemaOfItems, Pointer.Append(pointer, "items"), Child(hint, "item")) : AnyValue();
            return _rules.Add(hint, ArrayBody(element, min, max));
        }

        // Tuples: every prefix item is written (a shorter tuple is legal JSON Schema, but the
        // grammar asks for all of them), then the rest per 'items'.
        var at = Pointer.Append(pointer, "prefixItems");
        if (prefix.ValueKind != JsonValueKind.Array || prefix.GetArrayLength() == 0)
            throw GrammarSchemaException.Invalid(at, "expected a non-empty array of schemas");
        var n = prefix.GetArrayLength();
        if (max < n)
            throw GrammarSchemaException.Unsupported(Pointer.Append(pointer, "maxItems"), "maxItems", "below the number of prefixItems");
        var ws = Ws;
        var separator = GbnfText.Seq("\",\"", ws);
        var parts = new List<string>();
        var i = 0;
        foreach (var p in prefix.EnumerateArray())
        {
            parts.Add(GbnfText.Seq(VisitInside(p, Pointer.Append(at, i), Child(hint, "item" + i)), ws));
            i++;
        }
        var body = string.Join($" {separator} ", parts);
        if (items is not { ValueKind: JsonValueKind.False } && max != n)
        {
            var element = items is { } rest ? VisitInside(rest, Pointer.Append(pointer, "items"), Child(hint, "item")) : AnyValue();
            body += $" ( {separator} {GbnfText.Seq(element, ws)} ){Repeat(Math.Max(0, min - n), max - n)}";
        }
        else if (min > n)
            throw GrammarSchemaException.Invalid(Pointer.Append(pointer, "minItems"), "minItems is above the number of items allowed");
        return _rules.Add(hint, GbnfText.Seq("\"[\"", ws, body, "\"]\""));
    }

    /// <summary>A non-negative integer keyword, within <see cref="JsonGrammarOptions.MaxRepetition"/>.</summary>
    private int? Bound(JsonElement schema, string keyword, string pointer)
    {
        if (!schema.TryGetProperty(keyword, out var value))
            return null;
        var at = Pointer.Append(pointer, keyword);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var d) || d < 0 || d != Math.Floor(d))
            throw GrammarSchemaException.Invalid(at, $"'{keyword}' must be a non-negative integer");
        if (d > _options.MaxRepetition)
            throw GrammarSchemaException.Unsupported(pointer, keyword, $"values above {_options.MaxRepetition} are not accepted");
        return (int)d;
    }

    private string StringRule(JsonElement schema, string pointer, string hint)
    {
        if (schema.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String
            && StringFormats.Body(format.GetString()!) is { } formatted)
        {
            foreach (var keyword in new[] { "minLength", "maxLength", "pattern" })
            {
                if (schema.TryGetProperty(keyword, out _))
                    throw GrammarSchemaException.Unsupported(pointer, keyword, $"it cannot be combined with format '{format.GetString()}'");
            }
            return Shared("format-" + format.GetString(), () => formatted);
        }
        if (schema.TryGetProperty("pattern", out var pattern))
        {
            var at = Pointer.Append(pointer, "pattern");
            if (pattern.ValueKind != JsonValueKind.String)
                throw GrammarSchemaException.Invalid(at, "'pattern' must be a string");
            // A pattern and a length bound would need the intersection of two grammars.
            foreach (var keyword in new[] { "minLength", "maxLength" })
            {
                if (schema.TryGetProperty(keyword, out _))
                    throw GrammarSchemaException.Unsupported(pointer, keyword, "it cannot be combined with 'pattern'");
            }
            var content = PatternGrammar.Translate(pattern.GetString()!, pointer, _options.MaxRepetition, JsonChar(), _options.MaxDepth);
            return _rules.Add(hint, GbnfText.Seq("\"\\\"\"", content, "\"\\\"\""));
        }
        // Other formats (email, uri, …) are annotations in JSON Schema 2020-12: accepted, not enforced.
        var min = Bound(schema, "minLength", pointer) ?? 0;
        var max = Bound(schema, "maxLength", pointer);
        if (max < min)
            throw GrammarSchemaException.Invalid(Pointer.Append(pointer, "maxLength"), "maxLength is below minLength");
        if (min == 0 && max is null)
            return JsonString();
        return _rules.Add(hint, $"\"\\\"\" {JsonChar()}{Repeat(min, max)} \"\\\"\"");
    }

    private string NumberRule(JsonElement schema, string pointer)
    {
        foreach (var keyword in new[] { "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" })
        {
            if (schema.TryGetProperty(keyword, out _))
                throw GrammarSchemaException.Unsupported(pointer, keyword, "ranges are supported on integers only");
        }
        return Number();
    }

    /// <summary>Integers, with minimum/maximum (and their exclusive forms) enforced digit by digit.</summary>
    private string IntegerRule(JsonElement schema, string pointer, string hint)
    {
        var min = IntegerBound(schema, "minimum", pointer, 0, ceiling: true);
        var exclusiveMin = IntegerBound(schema, "exclusiveMinimum", pointer, 1, ceiling: false);
        var max = IntegerBound(schema, "maximum", pointer, 0, ceiling: false);
        var exclusiveMax = IntegerBound(schema, "exclusiveMaximum", pointer, -1, ceiling: true);
        if (exclusiveMin is { } em)
            min = min is { } m ? Math.Max(m, em) : em;
        if (exclusiveMax is { } eM)
            max = max is { } m ? Math.Min(m, eM) : eM;

        if (min is null && max is null)
            return Integer();
        if (min is { } lo && max is { } hi && hi < lo)
            throw GrammarSchemaException.Invalid(pointer, "the integer range is empty");
        if (min == 0 && max is null)
            return NonNegativeInteger();
        return _rules.Add(hint, IntegerRanges.Expression(min, max));
    }

    private static long? IntegerBound(JsonElement schema, string keyword, string pointer, int exclusiveShift, bool ceiling)
    {
        if (!schema.TryGetProperty(keyword, out var value))
            return null;
        // Draft 4 spelled exclusiveMinimum as a boolean; that form is not supported.
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var d) || Math.Abs(d) > 1e15)
            throw GrammarSchemaException.Unsupported(pointer, keyword, "expected a number of magnitude at most 1e15");
        var rounded = ceiling ? Math.Ceiling(d) : Math.Floor(d);
        // An exclusive bound that is already fractional was moved past by rounding.
        var shift = exclusiveShift != 0 && rounded == d ? exclusiveShift : 0;
        return (long)rounded + shift;
    }
}
