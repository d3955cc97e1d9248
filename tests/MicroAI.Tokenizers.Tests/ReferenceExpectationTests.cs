using System.Text;

namespace MicroAI.Tokenizers.Tests;

/// <summary>
/// Every case of Fixtures/expectations.json (transformers.js output, truncation per Hugging Face's rule; see the
/// generator script) must come out identically: ids, type ids, special-token mask, tokens, truncated flag, decode.
/// </summary>
public sealed class ReferenceExpectationTests
{
    public static TheoryData<string> Suites => new() { "minilm", "bpe-tiny", "bpe-sp", "gpt2", "unigram-xlmr", "unigram-t5" };

    public static TheoryData<string> Variants => new(Fixtures.VariantNames());

    [Theory]
    [MemberData(nameof(Suites))]
    public void Encodings_match_the_reference(string suite)
    {
        var tokenizer = Fixtures.Load(suite);
        AssertSuite(tokenizer, Fixtures.Expectations.Suite(suite), checkDecode: true);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Component_variants_match_the_reference(string variant)
    {
        var tokenizer = Fixtures.LoadVariant(variant);
        AssertSuite(tokenizer, Fixtures.Expectations.Suite("variant:" + variant), checkDecode: true);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Padded_batches_match_the_reference(string suite)
    {
        // The reference's attention mask is all ones for an unpadded encoding; a batch pads with the pad id and 0.
        var tokenizer = Fixtures.Load(suite);
        var cases = Fixtures.Expectations.Suite(suite).Cases.Where(c => c.ReferenceDeviation is null).ToList();
        var batch = TokenBatch.Pad(cases.Select(c => c.Run(tokenizer)).ToList(), tokenizer);
        Assert.Equal(cases.Max(c => c.Ids.Length), batch.SequenceLength);
        var pad = tokenizer.PadTokenId ?? 0;
        for (var row = 0; row < cases.Count; row++)
        {
            var c = cases[row];
            var at = row * batch.SequenceLength;
            for (var j = 0; j < batch.SequenceLength; j++)
            {
                var real = j < c.Ids.Length;
                Assert.Equal(real ? c.Ids[j] : pad, batch.InputIds[at + j]);
                Assert.Equal(real ? 1 : 0, batch.AttentionMask[at + j]);
                Assert.Equal(real ? c.TypeIds[j] : 0, batch.TypeIds[at + j]);
            }
        }
    }

    internal static void AssertSuite(ITokenizer tokenizer, ExpectationSuite suite, bool checkDecode)
    {
        var failures = new StringBuilder();
        var failed = 0;
        foreach (var c in suite.Cases)
        {
            // Known transformers.js deviations from Hugging Face (reasons in variants.json); DeviationTests covers them.
            if (c.ReferenceDeviation is not null)
                continue;
            var problems = Compare(tokenizer, c, checkDecode);
            if (problems.Count == 0)
                continue;
            failed++;
            if (failed <= 15)
                failures.AppendLine($"{c}:").AppendLine("  " + string.Join("\n  ", problems));
        }
        Assert.True(failed == 0, $"{failed} of {suite.Cases.Count} cases differ in suite {suite.Name}:\n{failures}");
    }

    private static List<string> Compare(ITokenizer tokenizer, ExpectedCase c, bool checkDecode)
    {
        var problems = new List<string>();
        var actual = c.Run(tokenizer);
        if (!actual.Ids.SequenceEqual(c.Ids))
            problems.Add($"ids      {string.Join(",", actual.Ids)}\n  expected {string.Join(",", c.Ids)}\n  tokens   {string.Join(" ", actual.Tokens)}\n  expected {string.Join(" ", c.Tokens)}");
        else if (!actual.Tokens.SequenceEqual(c.Tokens))
            problems.Add($"tokens {string.Join(" ", actual.Tokens)} expected {string.Join(" ", c.Tokens)}");
        if (!actual.TypeIds.SequenceEqual(c.TypeIds))
            problems.Add($"type ids {string.Join(",", actual.TypeIds)} expected {string.Join(",", c.TypeIds)}");
        if (!actual.SpecialTokensMask.SequenceEqual(c.SpecialTokensMask))
            problems.Add($"special mask {string.Join(",", actual.SpecialTokensMask)} expected {string.Join(",", c.SpecialTokensMask)}");
        if (actual.Truncated != c.Truncated)
            problems.Add($"truncated {actual.Truncated} expected {c.Truncated}");
        if (checkDecode && c.Decoded is not null && c.DecodeDeviation is null)
        {
            var decoded = tokenizer.Decode(c.Ids);
            if (decoded != c.Decoded)
                problems.Add($"decode {Escape(decoded)} expected {Escape(c.Decoded)}");
            var withSpecial = tokenizer.Decode(c.Ids, skipSpecialTokens: false);
            if (withSpecial != c.DecodedWithSpecialTokens)
                problems.Add($"decode(keep special) {Escape(withSpecial)} expected {Escape(c.DecodedWithSpecialTokens!)}");
        }
        return problems;
    }

    private static string Escape(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}

public sealed class ExpectationFixtureTests
{
    [Fact]
    public void Fixture_is_loaded_and_covers_pairs_truncation_and_decode()
    {
        foreach (var suite in Fixtures.Expectations.Suites.Where(s => !s.Name.StartsWith("variant:", StringComparison.Ordinal)))
        {
            Assert.True(suite.Cases.Count > 150, suite.Name);
            Assert.Contains(suite.Cases, c => c.Pair is not null && c.Truncated);
            Assert.Contains(suite.Cases, c => c.Pair is null && c.MaxLength == 16 && c.Truncated);
            Assert.Contains(suite.Cases, c => !string.IsNullOrEmpty(c.Decoded));
            Assert.Contains(suite.Cases, c => c.Ids.Length > 20);
        }
        Assert.StartsWith("@huggingface/transformers", Fixtures.Expectations.Reference);
        Assert.Equal(Fixtures.VariantNames().Count(), Fixtures.Expectations.Suites.Count(s => s.Name.StartsWith("variant:", StringComparison.Ordinal)));
    }
}
