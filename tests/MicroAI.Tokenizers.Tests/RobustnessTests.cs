using System.Text;

namespace MicroAI.Tokenizers.Tests;

/// <summary>No input string may make encoding throw or hang; decode must survive any ids.</summary>
public sealed class RobustnessTests
{
    public static TheoryData<string> Suites => new() { "minilm", "bpe-tiny", "bpe-sp", "gpt2", "unigram-xlmr", "unigram-t5" };

    private static readonly string[] s_awkward =
    [
        "", " ", "   \t\n\r  ", "\u3000\u00a0\u2028",
        "\uD800", "\uDC00", "a\uD800b", "a\uDC00\uD800b", "\uD83D", "end\uD83D", // lone and reversed surrogates
        "\0\u0001\u0002\u001b\u007f\u0085\u200b\u200e\ufeff\ufffd\uffff",
        "\uE000 private use \U000F0000", "\u0378 unassigned",
        "[CLS][SEP][PAD][MASK]<s></s><pad><mask><|endoftext|>",
        "[CLS", "<s", "<mask", "e\u0301\u0301\u0301\u0301\u0301", "\u0300 leading combining mark",
        "𝐀𝐁𝐂 👍🏽 👨‍👩‍👧",
    ];

    [Theory]
    [MemberData(nameof(Suites))]
    public void Awkward_strings_encode_and_decode(string suite)
    {
        var tokenizer = Fixtures.Load(suite);
        foreach (var text in s_awkward)
        {
            foreach (var special in new[] { true, false })
            {
                var single = tokenizer.Encode(text, special);
                AssertConsistent(single);
                AssertConsistent(tokenizer.EncodePair(text, text, special));
                AssertConsistent(tokenizer.Encode(text, special, maxLength: 8));
                Assert.True(tokenizer.Encode(text, special, maxLength: 8).Length <= 8);
                _ = tokenizer.Decode(single.Ids);
                _ = tokenizer.Decode(single.Ids, skipSpecialTokens: false);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_megabyte_of_mixed_text_encodes(string suite)
    {
        var tokenizer = Fixtures.Load(suite);
        var text = MixedText(1 << 20, seed: 7);
        var result = tokenizer.Encode(text);
        AssertConsistent(result);
        Assert.True(result.Length > 100_000);
        var truncated = tokenizer.Encode(text, maxLength: 512);
        Assert.Equal(512, truncated.Length);
        Assert.True(truncated.Truncated);
        Assert.Equal(result.Ids[..511], truncated.Ids[..511]);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Huge_single_words_encode(string suite)
    {
        var tokenizer = Fixtures.Load(suite);
        foreach (var word in new[] { new string('a', 10_000), string.Concat(Enumerable.Repeat("ab", 5_000)), new string('x', 1 << 20), string.Concat(Enumerable.Repeat("中", 10_000)), string.Concat(Enumerable.Repeat("👍", 10_000)) })
        {
            var result = tokenizer.Encode(word);
            AssertConsistent(result);
            Assert.NotEmpty(result.Ids);
        }
    }

    [Fact]
    public void Words_over_max_input_chars_become_one_unk_token()
    {
        var tokenizer = Fixtures.Load("minilm");
        Assert.Equal([101, 100, 102], tokenizer.Encode(new string('a', 10_000)).Ids);
        Assert.Equal([101, 100, 102], tokenizer.Encode(new string('a', 101)).Ids);
        Assert.NotEqual([101, 100, 102], tokenizer.Encode(new string('a', 100)).Ids); // exactly the limit is still split
        Assert.Equal([101, 7592, 100, 2088, 102], tokenizer.Encode("hello " + new string('z', 5000) + " world").Ids);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Decode_survives_any_ids(string suite)
    {
        var tokenizer = Fixtures.Load(suite);
        var random = new Random(3);
        var ids = Enumerable.Range(0, 2000).Select(_ => random.Next(-5, tokenizer.VocabularySize + 5)).ToArray();
        _ = tokenizer.Decode(ids);
        _ = tokenizer.Decode(ids, skipSpecialTokens: false);
        Assert.Equal("", tokenizer.Decode([]));
        Assert.Equal("", tokenizer.Decode([-1, int.MaxValue, int.MinValue]));
    }

    [Theory]
    [InlineData("bpe-tiny")]
    [InlineData("gpt2")]
    public void Byte_level_decode_inverts_encode_for_any_text(string suite)
    {
        var tokenizer = Fixtures.Load(suite);
        var random = new Random(11);
        for (var i = 0; i < 200; i++)
        {
            var text = MixedText(random.Next(0, 300), seed: i);
            // Special tokens written in the text ("<s>") are kept by skipSpecialTokens: false.
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text, addSpecialTokens: false).Ids, skipSpecialTokens: false));
        }
        // Lone surrogates read as U+FFFD, as a UTF-8 round trip would make them.
        Assert.Equal("a\uFFFDb", tokenizer.Decode(tokenizer.Encode("a\uD800b", addSpecialTokens: false).Ids));
    }

    [Fact]
    public void Invalid_max_length_is_an_argument_error()
    {
        var tokenizer = Fixtures.Load("minilm");
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Encode("hello", maxLength: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Encode("hello", maxLength: 1)); // [CLS] + [SEP] need 2
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.EncodePair("a", "b", maxLength: 2)); // 3 specials
        Assert.Equal([101, 102], tokenizer.Encode("hello", maxLength: 2).Ids);
        Assert.Equal([7592], tokenizer.Encode("hello world", addSpecialTokens: false, maxLength: 1).Ids);
    }

    [Fact]
    public void Encoding_is_thread_safe()
    {
        var tokenizer = Fixtures.Load("gpt2");
        var texts = Enumerable.Range(0, 64).Select(i => MixedText(2000, seed: 100 + i)).ToArray();
        var expected = texts.Select(t => tokenizer.Encode(t).Ids).ToArray();
        var fresh = Fixtures.Load("gpt2"); // empty BPE cache, so threads race to fill it
        var actual = new int[texts.Length][];
        Parallel.For(0, texts.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var k = i % texts.Length;
            actual[k] = fresh.Encode(texts[k]).Ids;
        });
        for (var i = 0; i < texts.Length; i++)
            Assert.Equal(expected[i], actual[i]);
    }

    private static void AssertConsistent(TokenizedText t)
    {
        Assert.Equal(t.Ids.Length, t.TypeIds.Length);
        Assert.Equal(t.Ids.Length, t.SpecialTokensMask.Length);
        Assert.Equal(t.Ids.Length, t.Tokens.Length);
        Assert.All(t.Ids, id => Assert.True(id >= 0));
    }

    /// <summary>Deterministic text mixing ASCII words, punctuation, accents, CJK, emoji, digits and whitespace.</summary>
    internal static string MixedText(int length, int seed)
    {
        string[] parts =
        [
            "the", "quick", "brown", "fox", "Hello", "WORLD", "don't", "it's", "café", "naïve", "Straße", "中文", "日本語",
            "한국어", "👍🏽", "👨‍👩‍👧", "🎉", "3.14", "2024", "https://x.org/a?b=c", "!!", "...", "—", "(", ")", "\t", "\n",
            "  ", "Ελληνικά", "Привет", "مرحبا", "नमस्ते", "𝐀𝐁", "e\u0301", "[CLS]", "<s>", "#",
        ];
        var random = new Random(seed);
        var sb = new StringBuilder(length + 32);
        while (sb.Length < length)
        {
            sb.Append(parts[random.Next(parts.Length)]);
            if (random.Next(3) > 0)
                sb.Append(' ');
        }
        // Cut on a code point boundary.
        var cut = Math.Min(length, sb.Length);
        if (cut > 0 && char.IsHighSurrogate(sb[cut - 1]))
            cut--;
        return sb.ToString(0, cut);
    }
}
