using System.Text.Json;

namespace MicroAI.Tokenizers.Loading;

/// <summary>
/// A special token as tokenizer_config.json / special_tokens_map.json write it: a plain string, or an AddedToken
/// object with flags.
/// </summary>
internal sealed record SpecialTokenSpec(string Content, bool LStrip = false, bool RStrip = false, bool SingleWord = false, bool Normalized = false, bool Special = true)
{
    public static SpecialTokenSpec? Read(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.String } s when s.GetString() is { Length: > 0 } text => new SpecialTokenSpec(text),
        { ValueKind: JsonValueKind.Object } o when o.Str("content") is { Length: > 0 } content => new SpecialTokenSpec(
            content,
            o.Bool("lstrip") ?? false,
            o.Bool("rstrip") ?? false,
            o.Bool("single_word") ?? false,
            o.Bool("normalized") ?? false,
            o.Bool("special") ?? true),
        _ => null,
    };
}
