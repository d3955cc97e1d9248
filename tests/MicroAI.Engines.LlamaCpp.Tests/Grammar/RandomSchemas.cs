using System.Text.Json.Nodes;

namespace MicroAI.Engines.LlamaCpp.Tests.Grammar;

/// <summary>
/// Seeded random schemas mixing every keyword the converter knows with values of right and wrong
/// types: most fail conversion with an error, the rest must give grammars llama.cpp accepts.
/// </summary>
internal sealed class RandomSchemas(int seed)
{
    private static readonly string[] Keywords =
    [
        "type", "properties", "required", "additionalProperties", "items", "prefixItems", "minItems", "maxItems",
        "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "$defs", "minLength", "maxLength", "pattern", "format",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "nullable", "title",
    ];

    private static readonly string[] Strings =
    [
        "object", "array", "string", "integer", "number", "boolean", "null", "x", "#/$defs/a", "#/$defs/b", "#",
        "^a(b|c)*$", "date", "date-time", "uuid", "^[^\"\\\\-]{2,3}x?$", "q\"u\\o\nte",
    ];

    private readonly Random _random = new(seed);

    public string Next() => Schema(3).ToJsonString();

    private JsonNode Schema(int depth)
    {
        if (_random.Next(10) == 0)
            return JsonValue.Create(_random.Next(2) == 0);
        var o = new JsonObject();
        for (int i = 0, n = _random.Next(4); i < n; i++)
        {
            var keyword = Keywords[_random.Next(Keywords.Length)];
            if (keyword is "properties" or "$defs")
                o[keyword] = new JsonObject { ["a"] = Schema(Math.Max(0, depth - 1)), ["b"] = Schema(Math.Max(0, depth - 1)) };
            else
                o[keyword] = Value(depth);
        }
        return o;
    }

    private JsonNode? Value(int depth) => _random.Next(9) switch
    {
        0 => JsonValue.Create(_random.Next(-300, 1200)),
        1 => JsonValue.Create(Strings[_random.Next(Strings.Length)]),
        2 => JsonValue.Create(_random.Next(2) == 0),
        3 => null,
        4 => new JsonArray([.. Enumerable.Range(0, _random.Next(3)).Select(_ => depth > 0 ? Schema(depth - 1) : JsonValue.Create("a"))]),
        5 => new JsonArray(JsonValue.Create("a"), JsonValue.Create("b")),
        6 => JsonValue.Create(1.5),
        _ => depth > 0 ? Schema(depth - 1) : new JsonObject(),
    };
}
