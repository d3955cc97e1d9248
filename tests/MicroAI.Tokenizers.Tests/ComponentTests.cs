using MicroAI.Tokenizers.Decoders;
using MicroAI.Tokenizers.Normalizers;
using MicroAI.Tokenizers.Pipeline;
using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.Tests;

/// <summary>Normalizers, decoders and truncation against hand-derived Hugging Face behaviour.</summary>
public sealed class ComponentTests
{
    [Theory]
    [InlineData(true, null, true, "Héllo\tWÖRLD\u0000\u200b中文", "hello world 中  文 ")]
    [InlineData(false, null, true, "Héllo", "Héllo")]      // strip_accents null follows lowercase
    [InlineData(false, true, true, "Héllo", "Hello")]
    [InlineData(true, false, true, "Héllo", "héllo")]
    [InlineData(true, null, false, "中文", "中文")]         // handle_chinese_chars off
    public void BertNormalizer_options(bool lowercase, bool? stripAccents, bool chinese, string input, string expected) =>
        Assert.Equal(expected, new BertNormalizer(true, chinese, stripAccents, lowercase).Normalize(input));

    [Fact]
    public void BertNormalizer_returns_clean_ascii_unchanged()
    {
        var s = "already clean text";
        Assert.Same(s, new BertNormalizer(true, true, null, true).Normalize(s));
    }

    [Theory]
    [InlineData("İSTANBUL ΣΑΣ Ａ 𐐀", "i\u0307stanbul σασ ａ 𐐨")] // full mapping for İ; per-character (no final sigma), astral too
    [InlineData("plain", "plain")]
    public void Lowercase_maps_per_code_point(string input, string expected) =>
        Assert.Equal(expected, new LowercaseNormalizer().Normalize(input));

    [Fact]
    public void Other_normalizers()
    {
        Assert.Equal("cafe", new SequenceNormalizer([new UnicodeFormNormalizer(UnicodeForm.Nfd), new StripAccentsNormalizer()]).Normalize("café"));
        Assert.Equal("a b", new StripNormalizer(true, true).Normalize(" \t a b \n"));
        Assert.Equal(" a b", new StripNormalizer(false, true).Normalize(" a b "));
        Assert.Equal("▁hi▁there", new SequenceNormalizer([new PrependNormalizer("▁"), new ReplaceNormalizer(" ", null, "▁")]).Normalize("hi there"));
        Assert.Equal("", new PrependNormalizer("▁").Normalize(""));
        Assert.Equal("a$1b", new ReplaceNormalizer(null, new System.Text.RegularExpressions.Regex("[0-9]+"), "$1").Normalize("a42b"));
    }

    [Fact]
    public void Lone_surrogates_become_replacement_characters()
    {
        Assert.Equal("a\uFFFDb\uFFFD", CharClasses.ReplaceLoneSurrogates("a\uDC00b\uD800"));
        var valid = "ok 👍";
        Assert.Same(valid, CharClasses.ReplaceLoneSurrogates(valid));
    }

    [Theory]
    [InlineData(10, 12, 13, 6, 7)]
    [InlineData(12, 10, 13, 7, 6)]
    [InlineData(5, 5, 9, 4, 5)]
    [InlineData(3, 20, 10, 3, 7)]
    [InlineData(20, 3, 10, 7, 3)]
    [InlineData(4, 4, 8, 4, 4)]
    [InlineData(30, 40, 0, 0, 0)]
    public void Longest_first_truncation(int n1, int n2, int max, int expected1, int expected2) =>
        Assert.Equal((expected1, expected2), Truncation.LongestFirst(n1, n2, max));

    private static string Decode(ITokenDecoder decoder, params string[] tokens)
    {
        var list = tokens.ToList();
        decoder.DecodeChain(list);
        return string.Concat(list);
    }

    [Fact]
    public void Decoders()
    {
        Assert.Equal("hello, world! unaffable", Decode(new WordPieceDecoder("##", true), "hello", ",", "world", "!", "un", "##aff", "##able"));
        Assert.Equal("hello , world", Decode(new WordPieceDecoder("##", false), "hello", ",", "world"));
        Assert.Equal("Hello world 中文", Decode(new ByteLevelDecoder(), "Hello", "Ġworld", "Ġä¸Ń", "æĸĩ"));
        Assert.Equal("\uFFFD", Decode(new ByteLevelDecoder(), "ä¸")); // an incomplete UTF-8 sequence
        Assert.Equal("Hello world", Decode(new MetaspaceDecoder('▁', true), "▁Hello", "▁world"));
        Assert.Equal(" Hello world", Decode(new MetaspaceDecoder('▁', false), "▁Hello", "▁world"));
        Assert.Equal("hello world", Decode(new BpeSuffixDecoder("</w>"), "hel", "lo</w>", "world</w>"));
        Assert.Equal("x_ay_", Decode(new StripDecoder('_', 1, 1), "_x_", "__a", "y__"));
    }

    [Fact]
    public void ByteFallback_decodes_byte_runs_and_keeps_a_bom()
    {
        var chain = new SequenceDecoder([new ReplaceDecoder("▁", " "), new ByteFallbackDecoder(), new FuseDecoder(), new StripDecoder(' ', 1, 0)]);
        Assert.Equal("a 中!", Decode(chain, "▁a", "▁", "<0xE4>", "<0xB8>", "<0xAD>", "!"));
        // transformers.js's TextDecoder would drop this BOM; Hugging Face keeps it.
        Assert.Equal("x\uFEFFy", Decode(chain, "▁x", "<0xEF>", "<0xBB>", "<0xBF>", "y"));
        Assert.Equal("\uFFFD\uFFFDz", Decode(new SequenceDecoder([new ByteFallbackDecoder(), new FuseDecoder()]), "<0xE4>", "<0xB8>", "z"));
    }

    [Fact]
    public void Decode_cleanup_from_tokenizer_config()
    {
        var tokenizer = Fixtures.Load("minilm");
        var ids = tokenizer.Encode("Don't stop, it's fine.").Ids;
        Assert.Equal("don't stop, it's fine.", tokenizer.Decode(ids));
        Assert.Equal("[CLS] don't stop, it's fine. [SEP]", tokenizer.Decode(ids, skipSpecialTokens: false));
    }
}
