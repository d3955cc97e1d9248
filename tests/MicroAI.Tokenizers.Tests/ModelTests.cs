using MicroAI.Tokenizers.Models;

namespace MicroAI.Tokenizers.Tests;

/// <summary>WordPiece and BPE options on small hand-made vocabularies.</summary>
public sealed class ModelTests
{
    private static Vocabulary Vocab(params string[] tokens) =>
        new(tokens.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i));

    private static int[] Run(ITokenModel model, string word)
    {
        var ids = new List<int>();
        model.Tokenize(word, ids);
        return [.. ids];
    }

    [Fact]
    public void WordPiece_longest_match_first_and_unknown_words()
    {
        var model = new WordPieceModel(Vocab("[UNK]", "un", "##aff", "##able", "una", "##ffable", "a", "##b"), "[UNK]", "##", 10);
        Assert.Equal([4, 5], Run(model, "unaffable")); // "una" beats "un"
        Assert.Equal([0], Run(model, "unx"));          // any unmatched part makes the whole word unknown
        Assert.Equal([0], Run(model, "abbbbbbbbbb"));  // 11 chars > max_input_chars_per_word
        Assert.Equal([6, 7, 7], Run(model, "abb"));
        Assert.Empty(Run(model, ""));
    }

    [Fact]
    public void WordPiece_counts_code_points_not_utf16_units()
    {
        var model = new WordPieceModel(Vocab("[UNK]", "👍", "##👍"), "[UNK]", "##", 3);
        Assert.Equal([1, 2, 2], Run(model, "👍👍👍")); // 6 UTF-16 units, 3 characters
        Assert.Equal([0], Run(model, "👍👍👍👍"));
    }

    [Fact]
    public void Bpe_applies_merges_by_rank()
    {
        var vocab = Vocab("a", "b", "c", "ab", "bc", "abc");
        var model = new BpeModel(vocab, [("b", "c"), ("a", "b"), ("a", "bc")], new BpeOptions());
        Assert.Equal([5], Run(model, "abc"));       // b+c first (rank 0), then a+bc
        Assert.Equal([3, 3], Run(model, "abab"));
        Assert.Equal([0, 0, 0], Run(model, "aaa")); // no merge for a+a
    }

    [Fact]
    public void Bpe_ties_merge_leftmost_first()
    {
        var model = new BpeModel(Vocab("a", "aa"), [("a", "a")], new BpeOptions());
        Assert.Equal([1, 0], Run(model, "aaa"));
        Assert.Equal([1, 1, 0], Run(model, "aaaaa"));
    }

    [Fact]
    public void Bpe_unknown_characters()
    {
        var vocab = Vocab("<unk>", "a", "b");
        Assert.Equal([1, 0, 2], Run(new BpeModel(vocab, [], new BpeOptions(UnkToken: "<unk>")), "axb"));
        Assert.Equal([1, 0, 0, 2], Run(new BpeModel(vocab, [], new BpeOptions(UnkToken: "<unk>")), "axyb"));
        Assert.Equal([1, 0, 2], Run(new BpeModel(vocab, [], new BpeOptions(UnkToken: "<unk>", FuseUnk: true)), "axyb"));
        Assert.Equal([1, 2], Run(new BpeModel(vocab, [], new BpeOptions()), "axyb")); // no unk token: dropped
    }

    [Fact]
    public void Bpe_byte_fallback()
    {
        var tokens = new List<string> { "<unk>", "a" };
        tokens.AddRange(Enumerable.Range(0, 256).Select(b => $"<0x{b:X2}>"));
        var model = new BpeModel(Vocab([.. tokens]), [], new BpeOptions(UnkToken: "<unk>", ByteFallback: true));
        Assert.Equal([1, 2 + 0xC3, 2 + 0xA9], Run(model, "aé"));
    }

    [Fact]
    public void Bpe_prefix_suffix_and_ignore_merges()
    {
        var vocab = Vocab("h", "##e", "##y</w>", "he", "hey</w>", "##y", "hey");
        var model = new BpeModel(vocab, [("h", "##e"), ("he", "##y</w>")], new BpeOptions(ContinuingSubwordPrefix: "##", EndOfWordSuffix: "</w>"));
        Assert.Equal([4], Run(model, "hey"));

        var plain = Vocab("a", "b", "ab", "abb");
        var merges = new List<(string, string)> { ("a", "b") };
        Assert.Equal([2, 1], Run(new BpeModel(plain, merges, new BpeOptions()), "abb"));
        Assert.Equal([3], Run(new BpeModel(plain, merges, new BpeOptions(IgnoreMerges: true)), "abb"));
    }

    [Fact]
    public void Bpe_cache_returns_the_same_result()
    {
        var model = new BpeModel(Vocab("a", "b", "ab"), [("a", "b")], new BpeOptions());
        Assert.Equal(Run(model, "abab"), Run(model, "abab"));
    }
}
