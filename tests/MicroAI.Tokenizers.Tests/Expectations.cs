using System.Text.Json;

namespace MicroAI.Tokenizers.Tests;

/// <summary>Fixtures/expectations.json, written by Fixtures/generate-expectations.mjs.</summary>
internal sealed record Expectations(string Reference, List<ExpectationSuite> Suites)
{
    public ExpectationSuite Suite(string name) => Suites.Single(s => s.Name == name);
}

internal sealed record ExpectationSuite(string Name, List<ExpectedCase> Cases);

internal sealed record ExpectedCase(
    string Text,
    string? Pair,
    bool AddSpecialTokens,
    int MaxLength,
    int[] Ids,
    int[] TypeIds,
    int[] SpecialTokensMask,
    string[] Tokens,
    bool Truncated,
    string? Decoded,
    string? DecodedWithSpecialTokens,
    string? ReferenceDeviation,
    string? DecodeDeviation)
{
    public TokenizedText Run(ITokenizer tokenizer) => Pair is null
        ? tokenizer.Encode(Text, AddSpecialTokens, MaxLength)
        : tokenizer.EncodePair(Text, Pair, AddSpecialTokens, MaxLength);

    public override string ToString() =>
        $"{JsonSerializer.Serialize(Text)}{(Pair is null ? "" : " + " + JsonSerializer.Serialize(Pair))} special={AddSpecialTokens} max={MaxLength}";
}
