namespace MicroAI.Engines.Abstractions;

public enum GenerationEventKind
{
    /// <summary>A piece of generated text (complete UTF-8 characters, stop strings removed).</summary>
    Text,
    /// <summary>The sequence ended; <see cref="GenerationEvent.FinishReason"/> and usage are set. Always last.</summary>
    Finished,
    /// <summary>The sequence failed after it started; <see cref="GenerationEvent.Error"/> is set. Always last.</summary>
    Failed,
}

public enum FinishReason
{
    /// <summary>End-of-generation token or a stop string.</summary>
    Stop,
    /// <summary>max_tokens reached or the context is full.</summary>
    Length,
}

/// <summary>Token accounting for one request.</summary>
public readonly record struct GenerationUsage(int PromptTokens, int CompletionTokens, int CachedPromptTokens = 0)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>
/// One item of the neutral per-request event stream. The JSON writer and the SSE writer are two
/// consumers of the same stream.
/// </summary>
public readonly record struct GenerationEvent(
    GenerationEventKind Kind,
    string? Text = null,
    FinishReason FinishReason = FinishReason.Stop,
    GenerationUsage Usage = default,
    GenerationError? Error = null,
    IReadOnlyList<TokenLogprob>? Logprobs = null,
    string? StopSequence = null)
{
    public static GenerationEvent Piece(string text) => new(GenerationEventKind.Text, text);

    /// <summary>A piece with the logprobs of the tokens that produced it (when the request asked for them).</summary>
    public static GenerationEvent Piece(string text, IReadOnlyList<TokenLogprob>? logprobs) => new(GenerationEventKind.Text, text, Logprobs: logprobs);
    /// <param name="stopSequence">The stop string that ended the sequence (the request's or its chat format's), when one did.</param>
    public static GenerationEvent Finish(FinishReason reason, GenerationUsage usage, string? stopSequence = null) =>
        new(GenerationEventKind.Finished, FinishReason: reason, Usage: usage, StopSequence: stopSequence);
    public static GenerationEvent Fail(GenerationError error) => new(GenerationEventKind.Failed, Error: error);
}
