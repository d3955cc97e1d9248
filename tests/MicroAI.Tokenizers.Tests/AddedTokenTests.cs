namespace MicroAI.Tokenizers.Tests;

/// <summary>Added tokens: matched before the model, never split, with lstrip/rstrip/single_word/normalized.</summary>
public sealed class AddedTokenTests
{
    private static ITokenizer Make(string addedTokens, string normalizer = "null") => TokenizerFactory.FromTokenizerJson($$$"""
        {
          "added_tokens": {{{addedTokens}}},
          "normalizer": {{{normalizer}}},
          "pre_tokenizer": {"type": "WhitespaceSplit"},
          "model": {"type": "WordLevel", "unk_token": "?", "vocab": {"?": 0, "a": 1, "b": 2, "<x>": 3, "ab": 4}}
        }
        """);

    [Fact]
    public void Special_tokens_are_never_split_and_skipped_on_decode()
    {
        var t = Make("""[{"id": 10, "content": "<sep>", "special": true}, {"id": 11, "content": "<plain>", "special": false}]""");
        Assert.Equal([1, 10, 2, 11, 1], t.Encode("a<sep>b <plain>a").Ids);
        Assert.Equal("a b", t.Decode([1, 10, 2]));
        Assert.Equal("a <sep> b <plain>", t.Decode([1, 10, 2, 11], skipSpecialTokens: false));
        Assert.Equal("a b <plain>", t.Decode([1, 10, 2, 11]));
        Assert.Equal(12, t.VocabularySize);
    }

    [Fact]
    public void Longest_match_wins()
    {
        var t = Make("""[{"id": 10, "content": "<s>", "special": true}, {"id": 11, "content": "<s><s>", "special": true}]""");
        Assert.Equal([11, 10], t.Encode("<s><s><s>").Ids);
    }

    [Fact]
    public void Lstrip_and_rstrip_swallow_whitespace()
    {
        var t = Make("""[{"id": 10, "content": "<m>", "lstrip": true, "rstrip": true, "special": true}]""");
        Assert.Equal(["a", "<m>", "b"], t.Encode("a   <m>   b").Tokens);
        var byteLevel = Fixtures.Load("bpe-tiny"); // RoBERTa's <mask> has lstrip
        Assert.Equal(["<s>", "Hello", "<mask>", "!", "</s>"], byteLevel.Encode("Hello <mask>!").Tokens);
    }

    [Fact]
    public void Single_word_tokens_only_match_outside_words()
    {
        var t = Make("""[{"id": 10, "content": "ab", "single_word": true, "special": false}]""");
        Assert.Equal([10, 10], t.Encode("ab ab").Ids);
        Assert.Equal([0], t.Encode("xab").Ids); // inside a word: no match, the word goes to the model
    }

    [Fact]
    public void Normalized_tokens_match_normalized_text()
    {
        var t = Make("""[{"id": 10, "content": "<X>", "normalized": true, "special": true}, {"id": 11, "content": "<Y>", "normalized": false, "special": true}]""",
            """{"type": "Lowercase"}""");
        Assert.Equal([10, 10, 11], t.Encode("<X> <x> <Y>").Ids); // <X> normalizes to <x>, which matches both spellings
        Assert.Equal([0], t.Encode("<y>").Ids);                 // raw-matched tokens are case sensitive
    }

    [Fact]
    public void Special_tokens_in_text_are_not_marked_in_the_special_mask()
    {
        var minilm = Fixtures.Load("minilm");
        var e = minilm.Encode("a [SEP] b");
        Assert.Equal(["[CLS]", "a", "[SEP]", "b", "[SEP]"], e.Tokens);
        Assert.Equal([1, 0, 0, 0, 1], e.SpecialTokensMask);
    }
}
