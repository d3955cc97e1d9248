namespace MicroAI.Tokenizers.Decoders;

/// <summary>
/// Hugging Face's <c>clean_up_tokenization</c>: removes the spaces tokenization put before punctuation and English
/// contractions (" ." → ".", " n't" → "n't", …).
/// </summary>
internal static class TokenizationCleanup
{
    private static readonly (string From, string To)[] s_rules =
    [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
        (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ];

    public static string Apply(string text)
    {
        if (!text.Contains(' '))
            return text;
        foreach (var (from, to) in s_rules)
            text = text.Replace(from, to, StringComparison.Ordinal);
        return text;
    }
}
