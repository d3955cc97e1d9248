namespace MicroAI.Tokenizers;

/// <summary>
/// A Hugging Face–compatible tokenizer: text in, model input ids out (and back again).
/// Implementations are immutable after loading and safe to use from many threads at once.
/// </summary>
/// <remarks>
/// Any string is accepted: empty, whitespace-only, control characters, lone surrogates (treated as U+FFFD,
/// as a UTF-8 round trip would), megabytes of text. Nothing in encoding throws for the text itself.
/// </remarks>
public interface ITokenizer
{
    /// <summary>Encodes one sequence.</summary>
    /// <param name="text">The text to encode.</param>
    /// <param name="addSpecialTokens">Apply the post-processor's template (e.g. <c>[CLS] $A [SEP]</c>).</param>
    /// <param name="maxLength">
    /// 0 for no truncation; otherwise the maximum length of the result, special tokens included: the content is
    /// truncated first and the template applied after, as Hugging Face does with <c>truncation=True, max_length=N</c>.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="maxLength"/> is negative, or too small to hold the special tokens the template adds.
    /// </exception>
    TokenizedText Encode(string text, bool addSpecialTokens = true, int maxLength = 0);

    /// <summary>
    /// Encodes a pair of sequences (e.g. query and passage for a cross-encoder). Truncation is Hugging Face's
    /// "longest_first": tokens are taken from the longer sequence until both fit.
    /// </summary>
    /// <inheritdoc cref="Encode" path="/exception"/>
    TokenizedText EncodePair(string first, string second, bool addSpecialTokens = true, int maxLength = 0);

    /// <summary>Turns ids back into text. Unknown ids are skipped.</summary>
    /// <param name="ids">Token ids.</param>
    /// <param name="skipSpecialTokens">Leave out special tokens such as <c>[CLS]</c> or <c>&lt;/s&gt;</c>.</param>
    string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true);

    /// <summary>Size of the id space (largest id + 1), model vocabulary and added tokens together.</summary>
    int VocabularySize { get; }

    /// <summary>The id used to pad batches, if the tokenizer defines a pad token.</summary>
    int? PadTokenId { get; }

    /// <summary>
    /// <c>model_max_length</c> from tokenizer_config.json, or null when absent or when it is Hugging Face's
    /// "no limit" sentinel (a huge number such as 1e30).
    /// </summary>
    int? ModelMaxLength { get; }

    /// <summary>The id of a token string (an added token or a model vocabulary entry), if any.</summary>
    int? TokenToId(string token);

    /// <summary>The token string of an id, if any.</summary>
    string? IdToToken(int id);
}
