using MicroAI.Backends.Abstractions;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>Validates the sampling fields shared by chat and completions (OpenAI ranges plus llama-server's extras).</summary>
internal static class SamplingMapper
{
    public const int MaxStopStrings = 4;
    public const int MaxChoices = 128;

    public static ApiError? Map(float? temperature, float? topP, float? presence, float? frequency, long? seed,
        int? topK, float? minP, float? repeatPenalty, int? repeatLastN, out SamplingParameters sampling)
    {
        sampling = SamplingParameters.Default;
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

        var d = SamplingParameters.Default;
        sampling = d with
        {
            Temperature = temperature ?? d.Temperature,
            TopP = topP ?? d.TopP,
            PresencePenalty = presence ?? d.PresencePenalty,
            FrequencyPenalty = frequency ?? d.FrequencyPenalty,
            TopK = topK ?? d.TopK,
            MinP = minP ?? d.MinP,
            RepeatPenalty = repeatPenalty ?? d.RepeatPenalty,
            PenaltyLastN = repeatLastN ?? d.PenaltyLastN,
            // -1 (llama-server's "random") and absent both draw a random seed.
            Seed = seed is null or -1 ? null : unchecked((uint)seed.Value),
        };
        return null;
    }

    public static ApiError? MapStop(StopSequences? stop, out List<string> stops)
    {
        stops = stop?.Values.Where(s => s.Length > 0).ToList() ?? [];
        if (stops.Count > MaxStopStrings)
            return ApiError.BadRequest($"'stop' has {stops.Count} strings; at most {MaxStopStrings} are allowed.", "stop");
        return null;
    }

    public static ApiError? MapN(int? n, out int count)
    {
        count = n ?? 1;
        if (count is < 1 or > MaxChoices)
            return ApiError.BadRequest($"Invalid 'n': {count}. Expected a value between 1 and {MaxChoices}.", "n");
        return null;
    }

    /// <summary>Choice i of n gets seed+i, so n choices with a fixed seed differ yet stay reproducible.</summary>
    public static SamplingParameters ForChoice(SamplingParameters s, int i) =>
        i == 0 || s.Seed is null ? s : s with { Seed = unchecked(s.Seed.Value + (uint)i) };
}
