using MicroAI.Backends.Abstractions;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>Validates a legacy completion request and turns it into engine requests.</summary>
internal static class CompletionRequestMapper
{
    /// <summary>OpenAI's documented default for /v1/completions.</summary>
    public const int DefaultMaxTokens = 16;

    public static ApiError? Map(CompletionRequest r, RequestLimits limits, out GenerationPlan plan)
    {
        plan = null!;
        if (r.Prompt is null)
            return ApiError.Missing("prompt");
        if (r.Prompt.Items.Count == 0)
            return ApiError.BadRequest("'prompt' must not be an empty array.", "prompt", "empty_array");
        // Limits before anything is tokenized: prompts × n choices, each prompt's size, the counts.
        if (limits.Choices((long)r.Prompt.Items.Count * (r.N ?? 1), r.Prompt.Items.Count > 1 ? "prompts × n" : "'n'") is { } tooMany)
            return tooMany;
        for (var i = 0; i < r.Prompt.Items.Count; i++)
        {
            var item = r.Prompt.Items[i];
            if (item.Tokens is { Length: 0 })
                return ApiError.BadRequest($"prompt[{i}] is an empty token array.", "prompt", "empty_array");
            var param = r.Prompt.Items.Count == 1 ? "prompt" : $"prompt[{i}]";
            if ((item.Tokens is { } ids ? limits.TokenIds(ids.Length, param) : limits.Text(item.Text, param)) is { } tooLong)
                return tooLong;
        }
        var overLimit = limits.Text(r.Suffix, "suffix")
            ?? limits.StopSequences(r.Stop?.Values.Count ?? 0)
            ?? limits.LogitBias(r.LogitBias?.Count ?? 0)
            ?? limits.MaxTokens(r.MaxTokens, "max_tokens");
        if (overLimit is not null)
            return overLimit;

        if (r.MaxTokens is < 1)
            return ApiError.BadRequest($"Invalid 'max_tokens': {r.MaxTokens}. Expected a value of at least 1.", "max_tokens");
        if (r.Logprobs is < 0 or > SamplingMapper.MaxTopLogprobs)
            return ApiError.BadRequest($"Invalid 'logprobs': {r.Logprobs}. Expected a value between 0 and {SamplingMapper.MaxTopLogprobs}.", "logprobs");
        if (!string.IsNullOrEmpty(r.Suffix) && r.Prompt.Items.Any(p => p.Text is null))
            return ApiError.BadRequest("'suffix' needs text prompts (fill-in-the-middle tokenizes both sides itself).", "suffix");
        if (SamplingMapper.MapLogitBias(r.LogitBias, out var logitBias) is { } biasError)
            return biasError;
        if (r.Grammar is { Length: > SamplingMapper.MaxGrammarChars })
            return ApiError.BadRequest($"'grammar' has {r.Grammar.Length} characters; at most {SamplingMapper.MaxGrammarChars} are allowed.", "grammar");

        var e = SamplingMapper.Map(r.Temperature, r.TopP, r.PresencePenalty, r.FrequencyPenalty, r.Seed,
            r.TopK, r.MinP, r.RepeatPenalty, r.RepeatLastN, out var sampling);
        if (e is not null)
            return e;
        sampling = sampling with { Grammar = r.Grammar, LogitBias = logitBias };
        if (SamplingMapper.MapStop(r.Stop, limits, out var stops) is { } stopError)
            return stopError;
        if (SamplingMapper.MapN(r.N, limits, out var n) is { } nError)
            return nError;
        if (SamplingMapper.MapKeepAlive(r.KeepAlive, out var keepAlive) is { } keepAliveError)
            return keepAliveError;
        if (r.BestOf is { } bestOf && bestOf != n)
            return ApiError.Unsupported("best_of", "'best_of' other than n is not supported by this server.");
        if (r.Echo == true && r.Prompt.Items.Any(p => p.Text is null))
            return ApiError.Unsupported("echo", "'echo' is supported for text prompts only.");

        var choices = new List<GenerateRequest>();
        var echo = r.Echo == true ? new List<string>() : null;
        foreach (var item in r.Prompt.Items)
        {
            var prompt = item.Text is not null ? PromptInput.FromText(item.Text) : PromptInput.FromTokens(item.Tokens!);
            for (var i = 0; i < n; i++)
            {
                choices.Add(new GenerateRequest
                {
                    Prompt = prompt,
                    MaxTokens = r.MaxTokens ?? DefaultMaxTokens,
                    Stop = stops,
                    Logprobs = r.Logprobs,
                    Suffix = string.IsNullOrEmpty(r.Suffix) ? null : r.Suffix,
                });
                echo?.Add(item.Text!);
            }
        }
        plan = new GenerationPlan
        {
            Model = r.Model,
            Chat = false,
            Choices = choices,
            ChoicesPerPrompt = n,
            Sampling = sampling,
            KeepAlive = keepAlive,
            Stream = r.Stream == true,
            IncludeUsage = r.StreamOptions?.IncludeUsage == true,
            Echo = echo,
        };
        return null;
    }
}
