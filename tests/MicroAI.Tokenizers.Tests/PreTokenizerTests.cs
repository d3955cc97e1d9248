using MicroAI.Tokenizers.PreTokenizers;
using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.Tests;

/// <summary>
/// Pre-tokenizers against hand-derived Hugging Face behaviour, including the cases where transformers.js (our
/// fixture reference) deviates — those are listed with their reasons in Fixtures/variants.json.
/// </summary>
public sealed class PreTokenizerTests
{
    private static string[] Run(IPreTokenizer pre, string text, bool first = true)
    {
        var output = new List<ReadOnlyMemory<char>>();
        pre.PreTokenize(text.AsMemory(), first, output);
        return output.Select(m => m.ToString()).ToArray();
    }

    [Fact]
    public void Bert_splits_whitespace_and_isolates_punctuation()
    {
        Assert.Equal(["hello", ",", "world", "!", "!", "a", "$", "b"], Run(new BertPreTokenizer(), " hello,world!!\ta$b "));
        Assert.Equal(["𝐀𝐁", "«", "x", "»"], Run(new BertPreTokenizer(), "𝐀𝐁 «x»"));
        Assert.Empty(Run(new BertPreTokenizer(), " \t\n"));
    }

    [Fact]
    public void Whitespace_uses_unicode_word_characters()
    {
        // Rust's \w is Unicode: accented and CJK letters, marks and joiners are word characters.
        Assert.Equal(["crème", "brûlée", ",", "ok", "!?"], Run(new WhitespacePreTokenizer(), "crème brûlée, ok!?"));
        Assert.Equal(["我爱北京", "。", "こんにちは"], Run(new WhitespacePreTokenizer(), "我爱北京。こんにちは"));
        Assert.Equal(["👨", "\u200D", "👩"], Run(new WhitespacePreTokenizer(), "👨\u200D👩"));
        Assert.Equal(["i\u0307stanbul"], Run(new WhitespacePreTokenizer(), "i\u0307stanbul"));
    }

    [Fact]
    public void Bom_and_zero_width_space_are_not_whitespace()
    {
        Assert.Equal(["a\uFEFFb\u200Bc", "d"], Run(new WhitespaceSplitPreTokenizer(), "a\uFEFFb\u200Bc d"));
        Assert.Equal(["a", "b"], Run(new WhitespaceSplitPreTokenizer(), "a\u00A0\u3000\u2028b"));
    }

    [Fact]
    public void Punctuation_isolates_every_character()
    {
        Assert.Equal(["a", "!", "!", "?", "b", ":", "/", "/"], Run(CharMatchPreTokenizer.Punctuation(SplitBehavior.Isolated), "a!!?b://"));
        Assert.Equal(["a!", "!", "?", "b:", "/", "/"], Run(CharMatchPreTokenizer.Punctuation(SplitBehavior.MergedWithPrevious), "a!!?b://"));
        Assert.Equal(["a", "!!?", "b", "://"], Run(CharMatchPreTokenizer.Punctuation(SplitBehavior.Contiguous), "a!!?b://"));
    }

    [Fact]
    public void Digits_include_non_ascii_numbers()
    {
        Assert.Equal(["ＡＢ", "１", "２", "x", "4", "2"], Run(CharMatchPreTokenizer.Digits(individualDigits: true), "ＡＢ１２x42"));
        Assert.Equal(["ＡＢ", "１２", "x", "42"], Run(CharMatchPreTokenizer.Digits(individualDigits: false), "ＡＢ１２x42"));
    }

    [Theory]
    [InlineData("Removed", false, new[] { "the", "final", "countdown" })]
    [InlineData("Isolated", false, new[] { "the", "-", "final", "-", "-", "countdown" })]
    [InlineData("MergedWithPrevious", false, new[] { "the-", "final-", "-", "countdown" })]
    [InlineData("MergedWithNext", false, new[] { "the", "-final", "-", "-countdown" })]
    [InlineData("Contiguous", false, new[] { "the", "-", "final", "--", "countdown" })]
    [InlineData("Removed", true, new[] { "-", "-", "-" })]
    [InlineData("Isolated", true, new[] { "the", "-", "final", "-", "-", "countdown" })]
    [InlineData("MergedWithPrevious", true, new[] { "the", "-final", "-", "-countdown" })]
    public void Split_behaviors(string behavior, bool invert, string[] expected)
    {
        var pre = new SplitPreTokenizer("-", null, SplitHelper.Parse(behavior), invert);
        Assert.Equal(expected, Run(pre, "the-final--countdown"));
    }

    [Fact]
    public void Split_regex_and_delimiters_at_the_edges()
    {
        var pre = new SplitPreTokenizer(null, new System.Text.RegularExpressions.Regex(@"\d+"), SplitBehavior.MergedWithNext, false);
        Assert.Equal(["x", "12ab", "5c"], Run(pre, "x12ab5c"));
        var edges = new SplitPreTokenizer("-", null, SplitBehavior.MergedWithPrevious, false);
        Assert.Equal(["-", "a-"], Run(edges, "-a-"));
    }

    [Fact]
    public void Metaspace_replaces_spaces_and_prepends()
    {
        Assert.Equal(["▁hello", "▁world"], Run(new MetaspacePreTokenizer('▁', PrependScheme.Always, split: true), "hello world"));
        Assert.Equal(["▁hello", "▁", "▁world"], Run(new MetaspacePreTokenizer('▁', PrependScheme.Always, split: true), "hello  world"));
        Assert.Equal(["▁hello▁world"], Run(new MetaspacePreTokenizer('▁', PrependScheme.First, split: false), "hello world"));
        Assert.Equal(["hello▁world"], Run(new MetaspacePreTokenizer('▁', PrependScheme.First, split: false), "hello world", first: false));
        Assert.Equal(["hello", "▁world"], Run(new MetaspacePreTokenizer('▁', PrependScheme.Never, split: true), "hello world"));
        Assert.Equal(["▁x"], Run(new MetaspacePreTokenizer('▁', PrependScheme.Always, split: true), " x")); // no double ▁
    }

    [Fact]
    public void ByteLevel_maps_bytes_and_adds_prefix_space()
    {
        Assert.Equal(["Hello", "Ġworld", "!"], Run(new ByteLevelPreTokenizer(false, true), "Hello world!"));
        Assert.Equal(["ĠHello"], Run(new ByteLevelPreTokenizer(true, true), "Hello"));
        Assert.Equal(["ä¸Ńæĸĩ"], Run(new ByteLevelPreTokenizer(false, true), "中文"));
        Assert.Equal(["HelloĠworld"], Run(new ByteLevelPreTokenizer(false, false), "Hello world"));
    }

    [Theory]
    [InlineData("Hello world", new[] { "Hello", " world" })]
    [InlineData("don't we'll I'M", new[] { "don", "'t", " we", "'ll", " I", "'", "M" })]
    [InlineData("a  b", new[] { "a", " ", " b" })]
    [InlineData("a \n b", new[] { "a", " \n", " b" })]
    [InlineData("x   ", new[] { "x", "   " })]
    [InlineData("x\ny", new[] { "x", "\n", "y" })]
    [InlineData("abc123 ,.!x", new[] { "abc", "123", " ,.!", "x" })]
    [InlineData("𝐀𝐁c 𝐃", new[] { "𝐀𝐁c", " 𝐃" })] // letters outside the BMP are letters
    [InlineData("e\u0301 👍🏽", new[] { "e", "\u0301", " 👍🏽" })]
    public void Gpt2_regex_splits_like_the_pattern(string text, string[] expected)
    {
        var ranges = new List<(int Start, int Length)>();
        Gpt2Splitter.Split(text, ranges);
        Assert.Equal(expected, ranges.Select(r => text.Substring(r.Start, r.Length)).ToArray());
    }

    [Fact]
    public void Sequence_feeds_each_piece_to_the_next()
    {
        var seq = new SequencePreTokenizer([new WhitespaceSplitPreTokenizer(), CharMatchPreTokenizer.Digits(true)]);
        Assert.Equal(["ab", "1", "2", "c", "3"], Run(seq, "ab12 c3"));
    }
}
