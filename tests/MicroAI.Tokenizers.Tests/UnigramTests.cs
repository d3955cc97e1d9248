using MicroAI.Tokenizers.Models;
using MicroAI.Tokenizers.Normalizers;
using MicroAI.Tokenizers.Pipeline;

namespace MicroAI.Tokenizers.Tests;

/// <summary>
/// Unigram and Precompiled behaviours the reference suites cannot show: transformers.js ignores byte_fallback
/// for Unigram and replaces the Precompiled map with its own NFKC approximation, so these expectations are
/// derived by hand from Hugging Face's rules.
/// </summary>
public sealed class UnigramTests
{
    private static int[] Run(UnigramModel model, string word)
    {
        var ids = new List<int>();
        model.Tokenize(word, ids);
        return [.. ids];
    }

    [Fact]
    public void Viterbi_takes_the_best_total_score_not_the_longest_first_piece()
    {
        (string, double)[] pieces = [("<unk>", 0), ("▁a", -1), ("bc", -1), ("▁ab", -1.5), ("c", -1.5), ("▁", -2), ("a", -2), ("b", -2)];
        Assert.Equal([1, 2], Run(new UnigramModel(pieces, 0, false), "▁abc"));      // -2 beats ▁ab + c = -3
        pieces[3] = ("▁ab", -0.2);
        Assert.Equal([3, 4], Run(new UnigramModel(pieces, 0, false), "▁abc"));      // now ▁ab + c = -1.7 wins
        Assert.Equal([1, 6, 7], Run(new UnigramModel(pieces, 0, false), "▁aab"));          // -5 beats ▁ a a b = -8
    }

    [Fact]
    public void Unknown_characters_fuse_into_one_unk_and_are_dropped_without_unk_id()
    {
        (string, double)[] pieces = [("<unk>", 0), ("▁", -1), ("a", -1)];
        Assert.Equal([1, 0, 2, 0], Run(new UnigramModel(pieces, 0, false), "▁xy👍a中"));
        Assert.Equal([1, 2], Run(new UnigramModel(pieces, null, false), "▁xy👍a中"));
        Assert.Empty(Run(new UnigramModel(pieces, 0, false), ""));
    }

    [Fact]
    public void Unknown_scores_ten_below_the_worst_piece()
    {
        // "▁x" at -11.9 beats ▁ + unknown x (-1 + (-2 - 10)) = -13; at -13.1 it loses.
        (string, double)[] pieces = [("<unk>", 0), ("▁", -1), ("a", -2), ("▁x", -11.9)];
        Assert.Equal([3], Run(new UnigramModel(pieces, 0, false), "▁x"));
        pieces[3] = ("▁x", -13.1);
        // The worst score is now -13.1, so an unknown costs -23.1 and "▁x" wins again: the penalty is relative.
        Assert.Equal([3], Run(new UnigramModel(pieces, 0, false), "▁x"));
    }

    [Fact]
    public void Byte_fallback_spells_a_fused_unknown_run_in_utf8_bytes()
    {
        var pieces = new List<(string, double)> { ("<unk>", 0), ("▁", -1), ("a", -1) };
        pieces.AddRange(Enumerable.Range(0, 256).Select(b => ($"<0x{b:X2}>", -5.0)));
        var model = new UnigramModel(pieces, 0, byteFallback: true);
        // "👍é" is one unknown run (no piece starts with either), so it becomes F0 9F 91 8D C3 A9.
        Assert.Equal([1, 2, 3 + 0xF0, 3 + 0x9F, 3 + 0x91, 3 + 0x8D, 3 + 0xC3, 3 + 0xA9, 2], Run(model, "▁a👍éa"));

        pieces.RemoveAt(3 + 0xA9);
        var missingByte = new UnigramModel(pieces, 0, byteFallback: true);
        Assert.Equal([1, 2, 0], Run(missingByte, "▁aé")); // a byte piece is missing: the whole run is <unk>
    }

    [Fact]
    public void Byte_fallback_through_tokenizer_json_decodes_back_to_the_text()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.UnigramXlmrFolder, "tokenizer.json")))!;
        var vocab = json["model"]!["vocab"]!.AsArray();
        var first = vocab.Count;
        for (var b = 0; b < 256; b++)
            vocab.Add(new System.Text.Json.Nodes.JsonArray($"<0x{b:X2}>", -20.0));
        json["model"]!["byte_fallback"] = true;
        json["decoder"] = System.Text.Json.Nodes.JsonNode.Parse(
            """{"type":"Sequence","decoders":[{"type":"ByteFallback"},{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}]}""");
        var tokenizer = TokenizerFactory.FromTokenizerJson(json.ToJsonString());

        var encoded = tokenizer.Encode("the 👍", addSpecialTokens: false);
        Assert.Equal([first + 0xF0, first + 0x9F, first + 0x91, first + 0x8D], encoded.Ids[^4..]);
        Assert.DoesNotContain(3, encoded.Ids); // no <unk>
        Assert.Equal("the 👍", tokenizer.Decode(encoded.Ids));
    }

    [Fact]
    public void Precompiled_charsmap_applies_its_rules()
    {
        var tokenizer = (PipelineTokenizer)Fixtures.Load("unigram-xlmr");
        var sequence = Assert.IsType<SequenceNormalizer>(tokenizer.Parts.Normalizer);
        var precompiled = Assert.IsType<PrecompiledNormalizer>(sequence.Normalizers[0]);

        Assert.Equal("FULL 123", precompiled.Normalize("ＦＵＬＬ　１２３"));        // NFKC width, ideographic space
        Assert.Equal("ab", precompiled.Normalize("a\u0001b\u007f"));                // controls removed
        Assert.Equal("a b", precompiled.Normalize("a\u200bb"));                      // zero-width space → space
        Assert.Equal("fi 1\u20442 1", precompiled.Normalize("ﬁ ½ ①"));        // ½ is 1 FRACTION SLASH 2 under NFKC
        Assert.Equal("é", precompiled.Normalize("e\u0301"));                         // a whole-cluster entry
        // CR LF is one cluster under 6 bytes: Hugging Face looks it up whole and takes the shortest key that
        // prefixes it ("\r" → " "), so the LF goes with it (transformers.js's approximation gives two spaces).
        Assert.Equal("a b", precompiled.Normalize("a\r\nb"));
        Assert.Equal("a  b", precompiled.Normalize("a\n\rb"));                       // two clusters, one space each
        Assert.Equal("👨 👩 👧", precompiled.Normalize("👨\u200d👩\u200d👧"));      // a long cluster maps code point by code point
        const string plain = "plain text, 中文 and 👍";
        Assert.Same(plain, precompiled.Normalize(plain));
        Assert.Equal("a b", precompiled.Normalize("a\uD800b"));                     // a lone surrogate reads as U+FFFD, mapped to a space
    }

    [Theory]
    [InlineData("AA==", "too short")]
    [InlineData("ECcAAAAAAAA=", "declares")]
    [InlineData("not base64!", "Precompiled")]
    public void Corrupt_charsmap_is_a_load_error(string charsmap, string reason)
    {
        var json = $$$"""{"normalizer":{"type":"Precompiled","precompiled_charsmap":"{{{charsmap}}}"},"model":{"type":"Unigram","unk_id":0,"vocab":[["<unk>",0.0],["▁a",-1.5]]}}""";
        var e = Assert.Throws<TokenizerLoadException>(() => TokenizerFactory.FromTokenizerJson(json));
        Assert.Contains("Precompiled", e.Reason);
        Assert.Contains(reason, e.Reason);
    }

    [Fact]
    public void A_corrupt_trie_never_reads_outside_its_array()
    {
        // A one-unit trie whose root offset points far away: every lookup misses, text is unchanged.
        var blob = new byte[12];
        BitConverter.TryWriteBytes(blob.AsSpan(0, 4), 4u);
        BitConverter.TryWriteBytes(blob.AsSpan(4, 4), 0xFFFFFC00u);
        var normalizer = PrecompiledNormalizer.Parse(Convert.ToBase64String(blob));
        Assert.Equal("abc é 👍", normalizer.Normalize("abc é 👍"));
    }
}
