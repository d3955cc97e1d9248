namespace MicroAI.Server.Limits;

/// <summary>
/// Bounds on what one request may ask of the server, bound once from <c>MicroAI:Limits</c>. Every
/// violation is a 400 (413 for the body) naming the field, the limit and its configuration key,
/// found before any work is done (see <see cref="LimitChecks"/>). The defaults follow OpenAI's own
/// API limits where it publishes one, a little more generous where local tools need it.
/// </summary>
public sealed class RequestLimits
{
    public const string SectionName = "MicroAI:Limits";

    /// <summary>
    /// 32 MiB: one 20 MiB image (<see cref="MaxImageBytes"/>) is 26.7 MiB as base64, plus the JSON
    /// around it. Text never comes close (4 Mi characters of prompt are at most 16 MiB of UTF-8).
    /// Kestrel's own default is 30,000,000 bytes. Also Kestrel's MaxRequestBodySize.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// JSON nesting of any body (System.Text.Json's MaxDepth). 64 is System.Text.Json's default and
    /// leaves room for a <see cref="MaxSchemaDepth"/>-deep schema inside tools[i].function.parameters.
    /// </summary>
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>Chat messages / Responses input items. OpenAI allows 2048; long agent sessions on a 128k context need more.</summary>
    public int MaxMessages { get; set; } = 4096;

    /// <summary>Inputs of embeddings, classifications and moderations, rerank documents: OpenAI's 2048 embedding inputs.</summary>
    public int MaxInputs { get; set; } = 2048;

    /// <summary>
    /// Cap on max_tokens / max_completion_tokens / max_output_tokens: 128 Ki, the largest output any
    /// OpenAI model allows (the context bounds generation anyway; this refuses absurd numbers early).
    /// </summary>
    public int MaxTokens { get; set; } = 128 * 1024;

    /// <summary>n (and prompts × n on /v1/completions): OpenAI's 128.</summary>
    public int MaxChoices { get; set; } = 128;

    /// <summary>
    /// OpenAI allows 4; llama-server and Ollama any number, and editor plugins (fill-in-the-middle)
    /// send 5–10. Each one costs a suffix match per generated token, so 16 stays cheap.
    /// </summary>
    public int MaxStopSequences { get; set; } = 16;

    /// <summary>Functions in tools: OpenAI's 128.</summary>
    public int MaxTools { get; set; } = 128;

    /// <summary>logit_bias entries: 1024 (OpenAI documents none; each entry is one sampler bias, cheap).</summary>
    public int MaxLogitBias { get; set; } = 1024;

    /// <summary>
    /// Size of one JSON schema (response_format json_schema, text.format, one tool's parameters) as
    /// JSON text: 128 KiB, about OpenAI's 120,000 characters of names and enum values for Structured
    /// Outputs; the grammar compiler's own bound (256 KiB) is never reached first.
    /// </summary>
    public int MaxSchemaBytes { get; set; } = 128 * 1024;

    /// <summary>
    /// JSON nesting of one schema. OpenAI allows 10 levels of object nesting in Structured Outputs;
    /// each level is two JSON levels (properties → name → schema), so 32 is about 15 levels.
    /// </summary>
    public int MaxSchemaDepth { get; set; } = 32;

    /// <summary>One decoded image (after base64): 20 MiB, OpenAI's per-image limit for vision input.</summary>
    public int MaxImageBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>
    /// Width × height from the image's header, checked before any pixel is allocated: 40 M, so a
    /// 12 MP phone photo passes with room to spare and the RGB buffer stays under 120 MB. Also the
    /// decoder's own hard limit, so it cannot be raised above that.
    /// </summary>
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>
    /// Longest text in one field (a message's content, a prompt, an input, a document, the query,
    /// /tokenize content) and longest token-id array (a token stands for at least one character):
    /// 4 Mi characters, 8× a 128k-token context (about 4 characters a token), so anything a model
    /// can read passes and a 1 GB string is refused before it is tokenized.
    /// </summary>
    public int MaxPromptCharacters { get; set; } = 4 * 1024 * 1024;

    /// <summary>Every problem with the values, as "Limits:Key must be …" lines; empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (MaxRequestBodyBytes < 1024)
            yield return $"{SectionName}:MaxRequestBodyBytes must be at least 1024 (is {MaxRequestBodyBytes}).";
        if (MaxJsonDepth is < 8 or > 1024)
            yield return $"{SectionName}:MaxJsonDepth must be between 8 and 1024 (is {MaxJsonDepth}).";
        if (MaxSchemaDepth < 1 || MaxSchemaDepth >= MaxJsonDepth)
            yield return $"{SectionName}:MaxSchemaDepth must be at least 1 and below MaxJsonDepth ({MaxJsonDepth}) (is {MaxSchemaDepth}).";
        foreach (var (name, value) in (IEnumerable<(string, long)>)[
            (nameof(MaxMessages), MaxMessages), (nameof(MaxInputs), MaxInputs), (nameof(MaxTokens), MaxTokens),
            (nameof(MaxChoices), MaxChoices), (nameof(MaxTools), MaxTools), (nameof(MaxSchemaBytes), MaxSchemaBytes),
            (nameof(MaxImageBytes), MaxImageBytes), (nameof(MaxImagePixels), MaxImagePixels), (nameof(MaxPromptCharacters), MaxPromptCharacters)])
        {
            if (value < 1)
                yield return $"{SectionName}:{name} must be at least 1 (is {value}).";
        }
        if (MaxStopSequences < 0)
            yield return $"{SectionName}:MaxStopSequences must be 0 or more (is {MaxStopSequences}).";
        if (MaxLogitBias < 0)
            yield return $"{SectionName}:MaxLogitBias must be 0 or more (is {MaxLogitBias}).";
        var decoder = MicroAI.Imaging.ImageDecodeLimits.Default;
        if (MaxImagePixels > decoder.MaxPixels)
            yield return $"{SectionName}:MaxImagePixels must be at most {decoder.MaxPixels}, the image decoder's own limit (is {MaxImagePixels}).";
        if (MaxImageBytes > decoder.MaxEncodedBytes)
            yield return $"{SectionName}:MaxImageBytes must be at most {decoder.MaxEncodedBytes}, the image decoder's own limit (is {MaxImageBytes}).";
    }
}
