namespace MicroAI.Engines.Abstractions;

/// <summary>One alternative for a generated position: its text, raw bytes (a token may hold part of a UTF-8 character) and log-probability.</summary>
public readonly record struct TopLogprob(string Token, byte[] Bytes, float Logprob);

/// <summary>
/// The log-probability of one generated token under the model's distribution (log-softmax of its
/// logits, before temperature and other sampling transforms, as OpenAI reports them), with the
/// most likely alternatives when asked for.
/// </summary>
public sealed record TokenLogprob(string Token, byte[] Bytes, float Logprob, IReadOnlyList<TopLogprob> Top);
