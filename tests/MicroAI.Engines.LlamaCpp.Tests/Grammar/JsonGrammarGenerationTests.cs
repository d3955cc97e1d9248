using System.Text.Json;
using MicroAI.TextFormats.Grammar;

namespace MicroAI.Engines.LlamaCpp.Tests.Grammar;

/// <summary>
/// The proof that matters: llama.cpp accepts every grammar JsonSchemaGrammar writes, and sampling
/// under it from stories260K — a tiny story model that knows nothing of JSON, so the grammar does
/// all the work — yields JSON that parses and validates against the schema.
/// </summary>
public sealed class JsonGrammarGenerationTests : IDisposable
{
    private readonly LlamaModel _model = LlamaTestRuntime.LoadStories();

    public void Dispose() => _model.Dispose();

    public static TheoryData<string, string, int> Schemas => new()
    {
        { "nested objects", """
          {"type":"object","properties":{
            "name":{"type":"string","maxLength":12},
            "age":{"type":"integer","minimum":0,"maximum":120},
            "address":{"type":"object","properties":{"city":{"type":"string","maxLength":10},"zip":{"type":"string","minLength":5,"maxLength":5}},"required":["city","zip"]}},
           "required":["name","age","address"],"additionalProperties":false}
          """, 2 },
        { "array of enums", """
          {"type":"object","properties":{"colours":{"type":"array","items":{"enum":["red","green","blue"]},"minItems":1,"maxItems":4}},"required":["colours"]}
          """, 2 },
        { "anyOf", """
          {"type":"object","properties":{"id":{"anyOf":[{"type":"integer","minimum":0},{"type":"string","maxLength":8}]},"ok":{"type":"boolean"}},"required":["id","ok"]}
          """, 2 },
        { "recursive $ref", """
          {"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer","minimum":0,"maximum":9},"kids":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":2}},"required":["v","kids"],"additionalProperties":false}},
           "$ref":"#/$defs/node"}
          """, 2 },
        { "definitions and nullable type arrays", """
          {"definitions":{"tag":{"type":["string","null"],"maxLength":6}},"type":"object","properties":{"a":{"$ref":"#/definitions/tag"},"b":{"$ref":"#/definitions/tag"}},"required":["a","b"]}
          """, 2 },
        { "optional properties", """
          {"type":"object","properties":{"x":{"type":"boolean"},"y":{"type":"null"},"z":{"const":"zed"}},"additionalProperties":false}
          """, 2 },
        { "allOf merge", """
          {"$defs":{"base":{"type":"object","properties":{"id":{"type":"integer","minimum":1}},"required":["id"]}},
           "allOf":[{"$ref":"#/$defs/base"},{"properties":{"label":{"type":"string","maxLength":8}},"required":["label"]}]}
          """, 2 },
        { "tuple and formats", """
          {"type":"array","prefixItems":[{"type":"string","format":"date"},{"type":"string","format":"uuid"},{"type":"number"}],"items":false}
          """, 2 },
        { "additionalProperties schema", """
          {"type":"object","properties":{"n":{"type":"integer","minimum":0,"maximum":3}},"required":["n"],"additionalProperties":{"type":"boolean"}}
          """, 0 },
        { "oneOf at the top", """
          {"oneOf":[{"type":"array","items":{"type":"integer","minimum":0,"maximum":99},"maxItems":3},{"type":"object","properties":{"k":{"enum":[1,2,"three",null]}},"required":["k"],"additionalProperties":false}]}
          """, 2 },
        { "patterns", """
          {"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]{3}-\\d{2,4}$"},"kind":{"type":"string","pattern":"^(cat|dog)s?$"},"tag":{"pattern":"^#[a-z_]{1,6}\\.?$"}},"required":["code","kind","tag"],"additionalProperties":false}
          """, 2 },
        { "integer ranges", """
          {"type":"array","items":{"type":"object","properties":{"a":{"type":"integer","minimum":-40,"maximum":1234},"b":{"type":"integer","minimum":100},"c":{"type":"integer","exclusiveMaximum":-3}},"required":["a","b","c"],"additionalProperties":false},"minItems":2,"maxItems":3}
          """, 2 },
        { "date-time strict", """
          {"type":"object","properties":{"when":{"type":"string","format":"date-time"},"note":{"type":"string","maxLength":5}},"required":["when"]}
          """, 2 },
    };

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Generation_under_the_schema_grammar_is_valid_json_for_the_schema(string name, string schemaJson, int minFinished)
    {
        using var doc = JsonDocument.Parse(schemaJson);
        var result = JsonSchemaGrammar.FromSchema(doc.RootElement, new JsonGrammarOptions { MaxWhitespace = 2 });
        Assert.True(result.Success, $"{name}: {result.Error}");
        using var generator = new GrammarGenerator(_model);

        var finished = 0;
        var unfinished = new List<string>();
        foreach (uint? seed in new uint?[] { null, 1, 2, 3, 4, 5 })
        {
            var (text, done) = generator.Generate(result.Grammar, seed, maxTokens: 400);
            if (!done)
            {
                // Out of budget (unbounded strings let a story model ramble): what exists must
                // still be a valid start of a JSON document.
                JsonPrefix.AssertValid(text);
                unfinished.Add(text);
                continue;
            }
            finished++;
            using var output = JsonDocument.Parse(text);
            var errors = SchemaSubsetValidator.Validate(output.RootElement, doc.RootElement);
            Assert.True(errors.Count == 0, $"{name} (seed {seed?.ToString() ?? "greedy"}): {text}\n{string.Join("\n", errors)}\n{result.Grammar}");
        }
        Assert.True(finished >= minFinished, $"{name}: only {finished} of 6 generations completed within 400 tokens:\n{string.Join("\n", unfinished)}");
    }

    [Fact]
    public void Json_object_mode_yields_a_json_object()
    {
        var gbnf = JsonSchemaGrammar.AnyJsonObject(new JsonGrammarOptions { MaxWhitespace = 1 });
        using var generator = new GrammarGenerator(_model);

        var finished = 0;
        var unfinished = new List<string>();
        foreach (uint? seed in new uint?[] { null, 1, 2, 3, 4, 5 })
        {
            var (text, done) = generator.Generate(gbnf, seed, maxTokens: 400);
            Assert.StartsWith("{", text);
            if (!done)
            {
                JsonPrefix.AssertValid(text);
                unfinished.Add(text);
                continue;
            }
            finished++;
            using var output = JsonDocument.Parse(text);
            Assert.Equal(JsonValueKind.Object, output.RootElement.ValueKind);
        }
        // A story model writes keys and strings as stories; completion is not guaranteed here
        // (every run above was checked as a valid JSON prefix), so only the finished ones are parsed.
        Assert.Equal(6, finished + unfinished.Count);
    }

    [Fact]
    public void Generation_under_random_schema_grammars_validates()
    {
        var random = new RandomSchemas(seed: 7);
        using var generator = new GrammarGenerator(_model);
        var checkedCount = 0;
        var failures = new List<string>();
        for (var i = 0; i < 1500 && checkedCount < 150; i++)
        {
            var schema = random.Next();
            using var doc = JsonDocument.Parse(schema);
            var result = JsonSchemaGrammar.FromSchema(doc.RootElement, new JsonGrammarOptions { MaxWhitespace = 1 });
            if (!result.Success)
                continue;
            var (text, done) = generator.Generate(result.Grammar, (uint)i, maxTokens: 120);
            if (!done)
            {
                JsonPrefix.AssertValid(text);
                continue;
            }
            using var output = JsonDocument.Parse(text);
            List<string> errors;
            try
            {
                errors = SchemaSubsetValidator.Validate(output.RootElement, doc.RootElement);
            }
            catch (InvalidOperationException)
            {
                // A keyword with a value of the wrong type that the converter had no use for
                // (e.g. "minimum": [] beside an enum): outside the validator's subset.
                continue;
            }
            checkedCount++;
            if (errors.Count > 0)
                failures.Add($"{schema}\n{text}\n{string.Join("; ", errors)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(checkedCount >= 50, $"only {checkedCount} random generations completed");
    }
}
