namespace MicroAI.Engines.Abstractions;

/// <summary>
/// Sampling settings for one sequence. Defaults are llama-server's (temperature 0.8, top_k 40,
/// top_p 0.95, min_p 0.05, no penalties), which users of local servers expect.
/// </summary>
public sealed record SamplingParameters
{
    public static SamplingParameters Default { get; } = new();

    /// <summary>0 selects greedy decoding.</summary>
    public float Temperature { get; init; } = 0.8f;
    public float TopP { get; init; } = 0.95f;
    /// <summary>0 disables top-k.</summary>
    public int TopK { get; init; } = 40;
    public float MinP { get; init; } = 0.05f;
    public float PresencePenalty { get; init; }
    public float FrequencyPenalty { get; init; }
    /// <summary>1 disables the repeat penalty.</summary>
    public float RepeatPenalty { get; init; } = 1.0f;
    /// <summary>How many recent tokens the penalties look at.</summary>
    public int PenaltyLastN { get; init; } = 64;
    /// <summary>Null draws a random seed.</summary>
    public uint? Seed { get; init; }

    /// <summary>A GBNF grammar (root rule "root") every generated token must fit: structured outputs, forced tool calls.</summary>
    public string? Grammar { get; init; }

    /// <summary>Added to a token's logit before sampling (OpenAI's logit_bias, -100..100; -100 bans the token).</summary>
    public IReadOnlyDictionary<int, float>? LogitBias { get; init; }

    public bool IsGreedy => Temperature <= 0f;
    public bool HasPenalties => PresencePenalty != 0f || FrequencyPenalty != 0f || RepeatPenalty != 1.0f;
}

/// <summary>An engine refused a request's sampling settings (a grammar it cannot parse, a bias on a token it does not have); <see cref="Part"/> is the part of the request at fault.</summary>
public sealed class SamplerRejectedException(string message, RequestPart part) : Exception(message)
{
    public RequestPart Part { get; } = part;
}
