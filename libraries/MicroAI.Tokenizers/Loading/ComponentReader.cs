using System.Text.Json;
using System.Text.RegularExpressions;
using MicroAI.Tokenizers.Decoders;
using MicroAI.Tokenizers.Normalizers;
using MicroAI.Tokenizers.PreTokenizers;
using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.Loading;

/// <summary>
/// Builds pipeline components from their tokenizer.json objects (<c>{"type": …, options…}</c>): normalizers,
/// pre-tokenizers and decoders here; models and post-processors in the other parts.
/// </summary>
internal sealed partial class ComponentReader(LoadContext context)
{
    public INormalizer? Normalizer(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
            return null;
        var type = e.Str("type");
        return type switch
        {
            "BertNormalizer" => new BertNormalizer(
                e.Bool("clean_text") ?? true, e.Bool("handle_chinese_chars") ?? true, e.Bool("strip_accents"), e.Bool("lowercase") ?? true),
            "Lowercase" => new LowercaseNormalizer(),
            "NFC" => new UnicodeFormNormalizer(UnicodeForm.Nfc),
            "NFD" => new UnicodeFormNormalizer(UnicodeForm.Nfd),
            "NFKC" => new UnicodeFormNormalizer(UnicodeForm.Nfkc),
            "NFKD" => new UnicodeFormNormalizer(UnicodeForm.Nfkd),
            "StripAccents" => new StripAccentsNormalizer(),
            "Strip" => new StripNormalizer(e.Bool("strip_left") ?? true, e.Bool("strip_right") ?? true),
            "Replace" => ReadReplace(e),
            "Prepend" => new PrependNormalizer(e.Str("prepend") ?? throw context.Fail("Prepend normalizer without 'prepend'")),
            "Sequence" => new SequenceNormalizer(Array(e, "normalizers").Select(n => Normalizer(n)).OfType<INormalizer>().ToArray()),
            "Precompiled" => ReadPrecompiled(e),
            _ => throw context.Fail($"normalizer type '{type}' is not supported"),
        };
    }

    public IPreTokenizer? PreTokenizer(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
            return null;
        var type = e.Str("type");
        return type switch
        {
            "BertPreTokenizer" => new BertPreTokenizer(),
            "Whitespace" => new WhitespacePreTokenizer(),
            "WhitespaceSplit" => new WhitespaceSplitPreTokenizer(),
            "Punctuation" => CharMatchPreTokenizer.Punctuation(Behavior(e, SplitBehavior.Isolated)),
            "Digits" => CharMatchPreTokenizer.Digits(e.Bool("individual_digits") ?? false),
            "CharDelimiterSplit" => CharMatchPreTokenizer.CharDelimiter(SingleChar(e.Str("delimiter"), "CharDelimiterSplit delimiter")),
            "ByteLevel" => new ByteLevelPreTokenizer(e.Bool("add_prefix_space") ?? true, e.Bool("use_regex") ?? true),
            "Metaspace" => new MetaspacePreTokenizer(Replacement(e), ReadPrependScheme(e), e.Bool("split") ?? true),
            "Split" => ReadSplit(e),
            "Sequence" => new SequencePreTokenizer(Array(e, "pretokenizers").Select(p => PreTokenizer(p)).OfType<IPreTokenizer>().ToArray()),
            _ => throw context.Fail($"pre_tokenizer type '{type}' is not supported"),
        };
    }

    public ITokenDecoder? Decoder(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
            return null;
        var type = e.Str("type");
        return type switch
        {
            "WordPiece" => new WordPieceDecoder(e.Str("prefix") ?? "##", e.Bool("cleanup") ?? true),
            "ByteLevel" => new ByteLevelDecoder(),
            "Metaspace" => new MetaspaceDecoder(Replacement(e), ReadPrependScheme(e) != PrependScheme.Never),
            "BPEDecoder" => new BpeSuffixDecoder(e.Str("suffix") ?? "</w>"),
            "Replace" => new ReplaceDecoder(
                e.Prop("pattern")?.Str("String") ?? throw context.Fail("Replace decoder: only string patterns are supported"), e.Str("content") ?? ""),
            "ByteFallback" => new ByteFallbackDecoder(),
            "Fuse" => new FuseDecoder(),
            "Strip" => new StripDecoder(SingleChar(e.Str("content"), "Strip decoder content"), e.Int("start") ?? 0, e.Int("stop") ?? 0),
            "Sequence" => new SequenceDecoder(Array(e, "decoders").Select(d => Decoder(d)).OfType<ITokenDecoder>().ToArray()),
            _ => throw context.Fail($"decoder type '{type}' is not supported"),
        };
    }

    private static JsonElement?[] Array(JsonElement e, string name) =>
        e.Prop(name) is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray().Select(x => (JsonElement?)x).ToArray() : [];

    private SplitBehavior Behavior(JsonElement e, SplitBehavior fallback)
    {
        try
        {
            return e.Str("behavior") is { } b ? SplitHelper.Parse(b) : fallback;
        }
        catch (FormatException ex)
        {
            throw context.Fail(ex.Message, ex);
        }
    }

    private char SingleChar(string? value, string what) =>
        value is { Length: 1 } ? value[0] : throw context.Fail($"{what} must be a single character, got '{value}'");

    private char Replacement(JsonElement e) => e.Str("replacement") is { } r ? SingleChar(r, "Metaspace replacement") : '\u2581';

    private PrependScheme ReadPrependScheme(JsonElement e) => e.Str("prepend_scheme") switch
    {
        "always" => PrependScheme.Always,
        "first" => PrependScheme.First,
        "never" => PrependScheme.Never,
        null => e.Bool("add_prefix_space") ?? true ? PrependScheme.Always : PrependScheme.Never,
        var other => throw context.Fail($"unknown Metaspace prepend_scheme '{other}'"),
    };

    private (string? Literal, Regex? Regex) Pattern(JsonElement e, string owner)
    {
        var pattern = e.Prop("pattern") ?? throw context.Fail($"{owner} without 'pattern'");
        if (pattern.Str("String") is { } literal)
            return (literal, null);
        if (pattern.Str("Regex") is { } regex)
        {
            try
            {
                // Compiled: these run on every section of every input. CultureInvariant: no culture rules.
                return (null, new Regex(regex, RegexOptions.Compiled | RegexOptions.CultureInvariant));
            }
            catch (ArgumentException ex)
            {
                throw context.Fail($"{owner}: regex '{regex}' is not supported by .NET's regex engine ({ex.Message})", ex);
            }
        }
        throw context.Fail($"{owner}: pattern must be {{\"String\": …}} or {{\"Regex\": …}}");
    }

    private ReplaceNormalizer ReadReplace(JsonElement e)
    {
        var (literal, regex) = Pattern(e, "Replace normalizer");
        return new ReplaceNormalizer(literal, regex, e.Str("content") ?? "");
    }

    private PrecompiledNormalizer? ReadPrecompiled(JsonElement e)
    {
        var charsmap = e.Str("precompiled_charsmap") ?? throw context.Fail("Precompiled normalizer without 'precompiled_charsmap'");
        // SentencePiece's "identity" normalization compiles to an empty map.
        if (charsmap.Length == 0)
            return null;
        try
        {
            return PrecompiledNormalizer.Parse(charsmap);
        }
        catch (FormatException ex)
        {
            throw context.Fail("Precompiled normalizer: " + ex.Message, ex);
        }
    }

    private SplitPreTokenizer ReadSplit(JsonElement e)
    {
        var (literal, regex) = Pattern(e, "Split pre-tokenizer");
        return new SplitPreTokenizer(literal, regex, Behavior(e, SplitBehavior.Removed), e.Bool("invert") ?? false);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
