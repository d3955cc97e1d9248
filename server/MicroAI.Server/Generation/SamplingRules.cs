using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>Validates the sampling fields every protocol shares (OpenAI ranges plus llama-server's extras) and keep_alive.</summary>
internal static class SamplingRules
{
    public static ApiError? Map(float? temperature, float? topP, float? presence, float? frequency, long? seed,
        int? topK, float? minP, float? repeatPenalty, int? repeatLastN, out SamplingRequest sampling)
    {
        sampling = new SamplingRequest();
        if (temperature is { } t && !(t >= 0f && t <= 2f))
            return ApiError.BadRequest($"Invalid 'temperature': {t}. Expected a value between 0 and 2.", "temperature");
        if (topP is { } p && !(p >= 0f && p <= 1f))
            return ApiError.BadRequest($"Invalid 'top_p': {p}. Expected a value between 0 and 1.", "top_p");
        if (presence is { } pp && !(pp >= -2f && pp <= 2f))
            return ApiError.BadRequest($"Invalid 'presence_penalty': {pp}. Expected a value between -2 and 2.", "presence_penalty");
        if (frequency is { } fp && !(fp >= -2f && fp <= 2f))
            return ApiError.BadRequest($"Invalid 'frequency_penalty': {fp}. Expected a value between -2 and 2.", "frequency_penalty");
        if (topK is < 0)
            return ApiError.BadRequest($"Invalid 'top_k': {topK}. Expected 0 (disabled) or more.", "top_k");
        if (minP is { } mp && !(mp >= 0f && mp <= 1f))
            return ApiError.BadRequest($"Invalid 'min_p': {mp}. Expected a value between 0 and 1.", "min_p");
        if (repeatPenalty is { } rp && !(rp > 0f && rp <= 10f))
            return ApiError.BadRequest($"Invalid 'repeat_penalty': {rp}. Expected a value above 0 and at most 10.", "repeat_penalty");
        if (repeatLastN is < 0 or > 1 << 20)
            return ApiError.BadRequest($"Invalid 'repeat_last_n': {repeatLastN}. Expected 0 or more.", "repeat_last_n");

        sampling = new SamplingRequest
        {
            Temperature = temperature,
            TopP = topP,
            PresencePenalty = presence,
            FrequencyPenalty = frequency,
            TopK = topK,
            MinP = minP,
            RepeatPenalty = repeatPenalty,
            RepeatLastN = repeatLastN,
            // -1 (llama-server's "random") and absent both draw a random seed.
            Seed = seed is null or -1 ? null : unchecked((uint)seed.Value),
        };
        return null;
    }

    /// <summary>OpenAI's logit_bias: token-id keys, values from -100 (ban) to 100 (force); the count is bounded by MicroAI:Limits:MaxLogitBias.</summary>
    public static ApiError? MapLogitBias(IReadOnlyDictionary<string, float>? bias, out IReadOnlyDictionary<int, float>? mapped)
    {
        mapped = null;
        if (bias is null || bias.Count == 0)
            return null;
        var result = new Dictionary<int, float>(bias.Count);
        foreach (var (key, value) in bias)
        {
            if (!int.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var token))
                return ApiError.BadRequest($"'logit_bias' keys must be token ids; '{key}' is not.", "logit_bias");
            if (value is < -100 or > 100 || float.IsNaN(value))
                return ApiError.BadRequest($"'logit_bias[{key}]' is {value}; values must be between -100 and 100.", "logit_bias");
            result[token] = value;
        }
        mapped = result;
        return null;
    }

    public static ApiError? MapKeepAlive(System.Text.Json.JsonElement? value, out TimeSpan? keepAlive)
    {
        keepAlive = null;
        if (value is not { } v || v.ValueKind == System.Text.Json.JsonValueKind.Null)
            return null;
        var parsed = TimeSpan.Zero;
        var ok = v.ValueKind switch
        {
            System.Text.Json.JsonValueKind.Number => v.TryGetDouble(out var seconds) && KeepAlive.FromSeconds(seconds, out parsed),
            System.Text.Json.JsonValueKind.String => KeepAlive.TryParse(v.GetString(), out parsed),
            _ => false,
        };
        if (!ok)
            return ApiError.BadRequest("Invalid 'keep_alive': use a duration such as \"5m\" or \"30s\", a number of seconds, 0, or -1 (forever).", "keep_alive");
        keepAlive = parsed;
        return null;
    }
}

/// <summary>
/// The sampling fields a request gave (null = not given). Resolved against the model's own
/// defaults once the model is known: request value, else the model's default (registry manifest
/// or configuration), else the server's (llama-server's) default.
/// </summary>
internal sealed record SamplingRequest
{
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public float? PresencePenalty { get; init; }
    public float? FrequencyPenalty { get; init; }
    public int? TopK { get; init; }
    public float? MinP { get; init; }
    public float? RepeatPenalty { get; init; }
    public int? RepeatLastN { get; init; }
    public uint? Seed { get; init; }
    /// <summary>GBNF for response_format / a forced tool call / the grammar extension.</summary>
    public string? Grammar { get; init; }
    public IReadOnlyDictionary<int, float>? LogitBias { get; init; }

    /// <summary>Choice i of n gets seed+i, so n choices with a fixed seed differ yet stay reproducible.</summary>
    public SamplingParameters Resolve(MicroAI.ModelRegistry.ModelSettings model, int choice)
    {
        var d = SamplingParameters.Default;
        return new SamplingParameters
        {
            Temperature = Temperature ?? model.Temperature ?? d.Temperature,
            TopP = TopP ?? model.TopP ?? d.TopP,
            PresencePenalty = PresencePenalty ?? d.PresencePenalty,
            FrequencyPenalty = FrequencyPenalty ?? d.FrequencyPenalty,
            TopK = TopK ?? model.TopK ?? d.TopK,
            MinP = MinP ?? model.MinP ?? d.MinP,
            RepeatPenalty = RepeatPenalty ?? model.RepeatPenalty ?? d.RepeatPenalty,
            PenaltyLastN = RepeatLastN ?? d.PenaltyLastN,
            Seed = Seed is { } s && choice > 0 ? unchecked(s + (uint)choice) : Seed,
            Grammar = Grammar,
            LogitBias = LogitBias,
        };
    }
}
