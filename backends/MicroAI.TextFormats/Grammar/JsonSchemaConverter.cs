using System.Text.Json;

namespace MicroAI.TextFormats.Grammar;

/// <summary>
/// One schema → one grammar. Every subschema becomes a rule; values are written without
/// surrounding whitespace and containers allow (bounded) whitespace after each structural token and
/// after each value, which keeps the grammar unambiguous about where whitespace goes.
/// </summary>
internal sealed partial class JsonSchemaConverter
{
    /// <summary>Keywords that only describe: accepted and ignored.</summary>
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "title", "description", "default", "examples", "$schema", "$id", "$comment", "$anchor",
        "deprecated", "readOnly", "writeOnly", "$defs", "definitions",
    };

    /// <summary>Keywords this converter understands (some only partly; those check their values).</summary>
    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "type", "nullable", "enum", "const", "anyOf", "oneOf", "allOf", "$ref",
        "properties", "required", "additionalProperties",
        "items", "prefixItems", "minItems", "maxItems",
        "minLength", "maxLength", "format", "pattern",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    };

    private readonly JsonElement _root;
    private readonly JsonGrammarOptions _options;
    private readonly GbnfRuleSet _rules;
    private readonly Dictionary<string, string> _refRules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _shared = new(StringComparer.Ordinal);

    /// <summary>For each $ref target being built, how many containers were open when it started.</summary>
    private readonly Dictionary<string, int> _refsInProgress = new(StringComparer.Ordinal);
    private int _depth;

    /// <summary>Objects/arrays whose opening bracket precedes the subschema being visited.</summary>
    private int _containers;

    public JsonSchemaConverter(JsonElement root, JsonGrammarOptions options)
    {
        _root = root;
        _options = options;
        _rules = new GbnfRuleSet(options.MaxRules);
        // root first, so the grammar reads top-down.
        _rules.ReserveExact("root");
    }

    /// <summary>The whitespace rule's name, or "" when compact JSON is forced.</summary>
    private string Ws => _options.MaxWhitespace <= 0 ? "" : Shared("ws", () =>
        $"( \" \" | \"\\n\" [ \\t]{{0,{_options.MaxWhitespace}}} )?");

    public string ConvertSchema()
    {
        var value = Visit(_root, "", "");
        _rules.Define("root", value);
        return _rules.Render();
    }

    public string ConvertAnyObject()
    {
        _rules.Define("root", AnyObject());
        return _rules.Render();
    }

    /// <summary>A rule defined once per grammar under a fixed hint (ws, the JSON primitives).</summary>
    private string Shared(string key, Func<string> body)
    {
        if (_shared.TryGetValue(key, out var name))
            return name;
        // Reserve before building the body: the generic value rules refer to themselves.
        name = _rules.Reserve(key);
        _shared[key] = name;
        _rules.Define(name, body());
        return name;
    }

    private static string Child(string hint, string part) => hint.Length == 0 ? part : hint + "-" + part;

    /// <summary>The rule name matching <paramref name="schema"/>.</summary>
    private string Visit(JsonElement schema, string pointer, string hint)
    {
        if (++_depth > _options.MaxDepth)
            throw new GrammarSchemaException($"The JSON Schema nests deeper than {_options.MaxDepth} levels at '{Pointer.Format(pointer)}'.");
        try
        {
            return VisitCore(schema, pointer, hint.Length == 0 ? "value" : hint);
        }
        finally
        {
            _depth--;
        }
    }

    /// <summary>Visits a subschema that sits inside an object or array, after its opening bracket.</summary>
    private string VisitInside(JsonElement schema, string pointer, string hint)
    {
        _containers++;
        try
        {
            return Visit(schema, pointer, hint);
        }
        finally
        {
            _containers--;
        }
    }

    private string VisitCore(JsonElement schema, string pointer, string hint)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
                return AnyValue();
            case JsonValueKind.False:
                throw GrammarSchemaException.Invalid(pointer, "the schema 'false' accepts no value");
            case JsonValueKind.Object:
                break;
            default:
                throw GrammarSchemaException.Invalid(pointer, "a schema must be an object or a boolean");
        }

        foreach (var property in schema.EnumerateObject())
        {
            if (!Supported.Contains(property.Name) && !Annotations.Contains(property.Name))
                throw GrammarSchemaException.Unsupported(pointer, property.Name);
        }

        // Combinators and references stand alone: combining them with sibling constraints would
        // need an intersection of grammars, which GBNF cannot express in general.
        if (schema.TryGetProperty("$ref", out var reference))
        {
            RejectSiblings(schema, pointer, "$ref");
            return Reference(reference, Pointer.Append(pointer, "$ref"));
        }
        if (schema.TryGetProperty("anyOf", out var anyOf))
        {
            RejectSiblings(schema, pointer, "anyOf", "nullable");
            return Alternatives(anyOf, Pointer.Append(pointer, "anyOf"), hint, Nullable(schema));
        }
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            // Exclusivity is not enforced: a grammar cannot tell that two branches both match.
            RejectSiblings(schema, pointer, "oneOf", "nullable");
            return Alternatives(oneOf, Pointer.Append(pointer, "oneOf"), hint, Nullable(schema));
        }
        // const and enum list every value; a sibling 'type' only removes values of other types, and
        // other sibling constraints are refused rather than silently not applied.
        if (schema.TryGetProperty("const", out var constant))
        {
            RejectSiblings(schema, pointer, "const", "enum", "type", "nullable");
            return WithNull(Enum([constant], schema, Pointer.Append(pointer, "const"), hint), schema, hint);
        }
        if (schema.TryGetProperty("enum", out var values))
        {
            RejectSiblings(schema, pointer, "enum", "type", "nullable");
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
                throw GrammarSchemaException.Invalid(Pointer.Append(pointer, "enum"), "expected a non-empty array");
            return WithNull(Enum([.. values.EnumerateArray()], schema, Pointer.Append(pointer, "enum"), hint), schema, hint);
        }
        if (schema.TryGetProperty("allOf", out _))
            return WithNull(ObjectRule(MergeAllOf(schema, pointer), pointer, hint), schema, hint);

        var types = Types(schema, pointer);
        if (types.Count == 1)
            return Typed(schema, types[0], pointer, hint);
        var alternatives = types.Select(t => Typed(schema, t, pointer, Child(hint, t))).Distinct().ToList();
        return _rules.Add(hint, string.Join(" | ", alternatives));
    }

    private static bool Nullable(JsonElement schema) =>
        schema.TryGetProperty("nullable", out var n) && n.ValueKind == JsonValueKind.True;

    /// <summary>OpenAPI's <c>nullable: true</c> on a schema that has no type array of its own.</summary>
    private string WithNull(string rule, JsonElement schema, string hint) =>
        Nullable(schema) ? _rules.Add(Child(hint, "or-null"), $"{rule} | {Null()}") : rule;

    private static void RejectSiblings(JsonElement schema, string pointer, params string[] allowed)
    {
        foreach (var property in schema.EnumerateObject())
        {
            if (!Annotations.Contains(property.Name) && !allowed.Contains(property.Name))
                throw GrammarSchemaException.Unsupported(pointer, property.Name, $"it cannot be combined with '{allowed[0]}'");
        }
    }

    /// <summary>The types a schema allows: its <c>type</c> (string or array), else what its keywords imply.</summary>
    private static List<string> Types(JsonElement schema, string pointer)
    {
        var types = new List<string>();
        if (schema.TryGetProperty("type", out var type))
        {
            var at = Pointer.Append(pointer, "type");
            if (type.ValueKind == JsonValueKind.String)
                types.Add(type.GetString()!);
            else if (type.ValueKind == JsonValueKind.Array && type.GetArrayLength() > 0)
                types.AddRange(type.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String ? t.GetString()! : throw GrammarSchemaException.Invalid(at, "type names must be strings")));
            else
                throw GrammarSchemaException.Invalid(at, "'type' must be a string or a non-empty array of strings");
            foreach (var t in types)
            {
                if (t is not ("object" or "array" or "string" or "number" or "integer" or "boolean" or "null"))
                    throw GrammarSchemaException.Invalid(at, $"unknown type '{t}'");
            }
        }
        else if (Has(schema, "properties", "required", "additionalProperties"))
            types.Add("object");
        else if (Has(schema, "items", "prefixItems", "minItems", "maxItems"))
            types.Add("array");
        else if (Has(schema, "minLength", "maxLength", "format", "pattern"))
            types.Add("string");
        else if (Has(schema, "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"))
            types.Add("number");
        else
            types.Add("any");
        if (Nullable(schema) && !types.Contains("null"))
            types.Add("null");
        return types;
    }

    private static bool Has(JsonElement schema, params string[] keywords) => keywords.Any(k => schema.TryGetProperty(k, out _));

    private string Typed(JsonElement schema, string type, string pointer, string hint) => type switch
    {
        "object" => ObjectRule(ObjectShape.From(schema, pointer), pointer, hint),
        "array" => ArrayRule(schema, pointer, hint),
        "string" => StringRule(schema, pointer, hint),
        "integer" => IntegerRule(schema, pointer, hint),
        "number" => NumberRule(schema, pointer),
        "boolean" => Boolean(),
        "null" => Null(),
        _ => AnyValue(),
    };

    private string Alternatives(JsonElement branches, string pointer, string hint, bool nullable)
    {
        if (branches.ValueKind != JsonValueKind.Array || branches.GetArrayLength() == 0)
            throw GrammarSchemaException.Invalid(pointer, "expected a non-empty array of schemas");
        var rules = new List<string>();
        var i = 0;
        foreach (var branch in branches.EnumerateArray())
        {
            rules.Add(Visit(branch, Pointer.Append(pointer, i), Child(hint, "alt" + i)));
            i++;
        }
        if (nullable)
            rules.Add(Null());
        return _rules.Add(hint, string.Join(" | ", rules.Distinct()));
    }

    private string Enum(List<JsonElement> values, JsonElement schema, string pointer, string hint)
    {
        if (schema.TryGetProperty("type", out _))
        {
            var types = Types(schema, pointer);
            values = values.Where(v => types.Any(t => HasType(v, t))).ToList();
            if (values.Count == 0)
                throw GrammarSchemaException.Invalid(pointer, "no listed value has the schema's type");
        }
        var literals = values.Select(v => GbnfText.Literal(JsonLiteral.Compact(v))).Distinct();
        return _rules.Add(hint, string.Join(" | ", literals));
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && d == decimal.Truncate(d),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    /// <summary>
    /// A local reference (<c>#</c>, <c>#/$defs/…</c>, <c>#/definitions/…</c> or any JSON pointer into
    /// this schema). Each target gets one rule, named before its body is built, so recursion works.
    /// </summary>
    private string Reference(JsonElement reference, string pointer)
    {
        var target = ResolveReference(reference, pointer, out var targetPointer);
        if (_refRules.TryGetValue(targetPointer, out var existing))
        {
            // Reaching a target again before any bracket opened since it started is left recursion
            // (rule ::= rule …): no JSON could ever be produced, and llama.cpp refuses such grammars.
            if (_refsInProgress.TryGetValue(targetPointer, out var containers) && containers == _containers)
                throw GrammarSchemaException.Invalid(pointer, $"'{reference.GetString()}' refers back to itself before any object or array opens, so no JSON value can match");
            return existing;
        }
        var name = _rules.Reserve(targetPointer.Length == 0 ? "root-ref" : targetPointer[(targetPointer.LastIndexOf('/') + 1)..]);
        _refRules[targetPointer] = name;
        _refsInProgress[targetPointer] = _containers;
        var body = Visit(target, targetPointer, name);
        _refsInProgress.Remove(targetPointer);
        _rules.Define(name, body);
        return name;
    }

    private JsonElement ResolveReference(JsonElement reference, string pointer, out string targetPointer)
    {
        var text = reference.ValueKind == JsonValueKind.String ? reference.GetString()! : throw GrammarSchemaException.Invalid(pointer, "'$ref' must be a string");
        if (!text.StartsWith('#'))
            throw GrammarSchemaException.Unsupported(pointer, "$ref", $"only references within the schema (starting with '#') are, not '{text}'");
        targetPointer = Uri.UnescapeDataString(text[1..]);
        var current = _root;
        if (targetPointer.Length == 0)
            return current;
        if (!targetPointer.StartsWith('/'))
            throw GrammarSchemaException.Unsupported(pointer, "$ref", $"anchors such as '{text}' are not; use a JSON pointer");
        foreach (var raw in targetPointer[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var next))
                current = next;
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, out var index) && index >= 0 && index < current.GetArrayLength())
                current = current[index];
            else
                throw GrammarSchemaException.Invalid(pointer, $"'$ref' target '{text}' does not exist");
        }
        return current;
    }
}
