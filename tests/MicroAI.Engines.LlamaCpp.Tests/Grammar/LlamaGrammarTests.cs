using MicroAI.TextFormats.Grammar;
using MicroAI.Engines.LlamaCpp.Native;

namespace MicroAI.Engines.LlamaCpp.Tests.Grammar;

public sealed class LlamaGrammarTests : IDisposable
{
    private readonly LlamaModel _model = LlamaTestRuntime.LoadStories();

    public void Dispose() => _model.Dispose();

    [Theory]
    [InlineData("root ::= \"a\" | ")]                 // dangling alternative is fine in GBNF? checked below
    [InlineData("root ::= (\"a\"")]                   // unbalanced parenthesis
    [InlineData("root ::= \"unterminated")]           // unterminated literal
    [InlineData("root ::= missing-rule")]             // undefined rule
    [InlineData("start ::= \"a\"")]                   // no root rule
    [InlineData("root ::= root \"a\"")]               // left recursion
    [InlineData("root ::= [a-")]                      // unterminated character class
    [InlineData("::= \"a\"")]                         // no rule name
    public void Invalid_grammar_gives_an_error_not_a_crash(string gbnf)
    {
        var ok = LlamaGrammar.TryCreateSampler(_model.Vocab, gbnf, out var sampler, out var error);
        if (ok)
        {
            // llama.cpp accepts an empty trailing alternative; anything else must be refused.
            Assert.Equal("root ::= \"a\" | ", gbnf);
            LlamaNative.llama_sampler_free(sampler);
            return;
        }
        Assert.Equal(0, sampler);
        Assert.Contains("rejected the grammar", error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n")]
    [InlineData("root ::= \"a\"\0")]
    public void Empty_or_nul_grammar_is_refused_before_llama_cpp(string gbnf)
    {
        Assert.False(LlamaGrammar.TryCreateSampler(_model.Vocab, gbnf, out var sampler, out var error));
        Assert.Equal(0, sampler);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Json_object_grammar_is_accepted()
    {
        Assert.True(LlamaGrammar.TryCreateSampler(_model.Vocab, JsonSchemaGrammar.AnyJsonObject(), out var sampler, out var error), error);
        LlamaNative.llama_sampler_free(sampler);
    }

    [Fact]
    public void Compact_grammar_without_whitespace_is_accepted_and_generates_compact_json()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"array","items":{"type":"boolean"},"maxItems":3}},"required":["a"],"additionalProperties":false}""");
        var result = JsonSchemaGrammar.FromSchema(doc.RootElement, new JsonGrammarOptions { MaxWhitespace = 0 });
        Assert.True(result.Success, result.Error);
        using var generator = new GrammarGenerator(_model);
        var (text, done) = generator.Generate(result.Grammar, seed: 7);
        Assert.True(done, text);
        Assert.DoesNotContain(" ", text);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, System.Text.Json.JsonDocument.Parse(text).RootElement.ValueKind);
    }
}
