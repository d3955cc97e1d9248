using System.Text.Json;
using MicroAI.TextFormats.Grammar;
using MicroAI.Engines.LlamaCpp.Native;

namespace MicroAI.Engines.LlamaCpp.Tests.Grammar;

/// <summary>llama.cpp's own GBNF parser accepts what the converter writes, for every supported feature and option.</summary>
public sealed class JsonGrammarAcceptanceTests : IDisposable
{
    private readonly LlamaModel _model = LlamaTestRuntime.LoadStories();

    public void Dispose() => _model.Dispose();

    public static TheoryData<string> Schemas => new()
    {
        "{}",
        "true",
        """{"type":"string"}""",
        """{"type":["integer","null"]}""",
        """{"type":"number"}""",
        """{"type":"boolean","nullable":true}""",
        """{"enum":["a",1,null,{"x":[true]}]}""",
        """{"const":"line\nbreak \"quoted\" \\ é \u0001 \u007f"}""",
        """{"type":"object","properties":{"a\"b é/~\t":{"type":"string"}},"required":["a\"b é/~\t"]}""",
        """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"},"c":{"type":"boolean"}},"required":["c"]}""",
        """{"type":"object","additionalProperties":{"type":"integer"}}""",
        """{"type":"object"}""",
        """{"type":"array","items":{"type":"string","minLength":1,"maxLength":3},"minItems":2,"maxItems":5}""",
        """{"type":"array","items":{"type":"integer"},"minItems":3}""",
        """{"type":"array","minItems":1}""",
        """{"type":"array","maxItems":0}""",
        """{"type":"array","items":false}""",
        """{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":{"type":"boolean"},"maxItems":4}""",
        """{"type":"array","prefixItems":[{"type":"string"}],"minItems":3}""",
        """{"anyOf":[{"type":"string"},{"type":"integer"}],"nullable":true}""",
        """{"oneOf":[{"$ref":"#/$defs/a"},{"type":"null"}],"$defs":{"a":{"type":"object","properties":{"next":{"$ref":"#/$defs/a"}}}}}""",
        """{"type":"object","properties":{"child":{"$ref":"#"}}}""",
        """{"allOf":[{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},{"properties":{"b":{"type":"integer"}}}],"additionalProperties":false}""",
        """{"type":"string","format":"date-time"}""",
        """{"type":"string","format":"time"}""",
        """{"type":"string","format":"date"}""",
        """{"type":"string","format":"uuid"}""",
        """{"type":"integer","minimum":-5,"maximum":5}""",
        """{"type":"integer","minimum":-1000,"maximum":123456}""",
        """{"type":"integer","minimum":18}""",
        """{"type":"integer","maximum":-7}""",
        """{"type":"string","pattern":"^[a-z]+$"}""",
        """{"pattern":"^\\d{3}-\\d{2,4}$"}""",
        """{"type":"string","pattern":"^(foo|bar|)?baz$"}""",
        """{"type":"string","pattern":"abc"}""",
        """{"type":"string","pattern":"^[^x]*\\.\\s\\S\\W\\D.$"}""",
        """{"type":"string","pattern":"^(?:[\\w.-]+)@\\w+\\.(com|org)$"}""",
        """{"type":"string","pattern":"^a\"b\\\\c\\n😀[é-ü😀]*?$"}""",
        """{"type":"string","pattern":"^$"}""",
        """{"type":"string","pattern":"^[-^\\]\\[]+[^-^]$"}""",
        """{"type":"integer","exclusiveMinimum":0}""",
        """{"type":"object","required":["undeclared"],"additionalProperties":false}""",
    };

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Llama_cpp_accepts_the_grammar(string schema)
    {
        using var doc = JsonDocument.Parse(schema);
        foreach (var options in new[] { JsonGrammarOptions.Default, new JsonGrammarOptions { MaxWhitespace = 0 } })
        {
            var result = JsonSchemaGrammar.FromSchema(doc.RootElement, options);
            Assert.True(result.Success, result.Error);
            Assert.True(LlamaGrammar.TryCreateSampler(_model.Vocab, result.Grammar, out var sampler, out var error), $"{error}\n{result.Grammar}");
            LlamaNative.llama_sampler_free(sampler);
        }
    }

    [Fact]
    public void Llama_cpp_accepts_every_grammar_from_random_schemas()
    {
        var random = new RandomSchemas(seed: 20261122);
        var converted = 0;
        for (var i = 0; i < 3000; i++)
        {
            var schema = random.Next();
            using var doc = JsonDocument.Parse(schema);
            var result = JsonSchemaGrammar.FromSchema(doc.RootElement, new JsonGrammarOptions { MaxWhitespace = i % 3 });
            if (!result.Success)
            {
                Assert.False(string.IsNullOrWhiteSpace(result.Error));
                continue;
            }
            converted++;
            Assert.True(LlamaGrammar.TryCreateSampler(_model.Vocab, result.Grammar, out var sampler, out var error), $"{error}\n{schema}\n{result.Grammar}");
            LlamaNative.llama_sampler_free(sampler);
        }
        Assert.True(converted > 500, $"only {converted} random schemas converted");
    }

    [Fact]
    public void Left_recursive_grammar_is_caught_by_llama_cpp_not_a_crash()
    {
        // The converter refuses left-recursive schemas itself (see JsonSchemaGrammarTests); this is
        // the grammar such a schema would give, to show llama.cpp's own check also holds.
        const string gbnf = "root ::= a\na ::= a | \"null\"\n";
        Assert.False(LlamaGrammar.TryCreateSampler(_model.Vocab, gbnf, out _, out var error));
        Assert.Contains("rejected", error);
    }
}
