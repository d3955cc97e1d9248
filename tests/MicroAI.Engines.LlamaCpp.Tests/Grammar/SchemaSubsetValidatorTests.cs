using System.Text.Json;

namespace MicroAI.Engines.LlamaCpp.Tests.Grammar;

/// <summary>The validator used as the oracle must itself reject wrong JSON, or the generation tests prove nothing.</summary>
public sealed class SchemaSubsetValidatorTests
{
    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}""", """{"a":1}""", """{"a":"1"}""")]
    [InlineData("""{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":false}""", """{}""", """{"b":1}""")]
    [InlineData("""{"type":"array","items":{"enum":["x","y"]},"maxItems":2}""", """["x","y"]""", """["x","y","x"]""")]
    [InlineData("""{"type":"array","items":{"enum":["x","y"]}}""", """["x"]""", """["z"]""")]
    [InlineData("""{"anyOf":[{"type":"string","maxLength":2},{"type":"null"}]}""", """ "ab" """, """ "abc" """)]
    [InlineData("""{"$defs":{"n":{"type":"object","properties":{"k":{"type":"array","items":{"$ref":"#/$defs/n"}}},"required":["k"]}},"$ref":"#/$defs/n"}""", """{"k":[{"k":[]}]}""", """{"k":[{}]}""")]
    [InlineData("""{"type":"string","format":"uuid"}""", """ "0f8fad5b-d9cb-469f-a165-70867728950e" """, """ "0f8fad5b" """)]
    [InlineData("""{"type":"integer","minimum":0,"maximum":3}""", "3", "4")]
    [InlineData("""{"allOf":[{"properties":{"a":{"type":"integer"}},"required":["a"]},{"properties":{"b":{"type":"string"}}}],"additionalProperties":false}""", """{"a":1,"b":"x"}""", """{"a":1,"c":2}""")]
    [InlineData("""{"type":"string","pattern":"^[A-Z]{2}\\d$"}""", """ "AB1" """, """ "AB12" """)]
    public void Accepts_the_good_and_rejects_the_bad(string schema, string good, string bad)
    {
        using var s = JsonDocument.Parse(schema);
        using var g = JsonDocument.Parse(good);
        using var b = JsonDocument.Parse(bad);
        Assert.Empty(SchemaSubsetValidator.Validate(g.RootElement, s.RootElement));
        Assert.NotEmpty(SchemaSubsetValidator.Validate(b.RootElement, s.RootElement));
    }
}
