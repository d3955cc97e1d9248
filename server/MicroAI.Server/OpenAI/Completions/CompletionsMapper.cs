using MicroAI.Engines.Abstractions;
using MicroAI.Server.Generation;
using MicroAI.Server.Limits;

namespace MicroAI.Server.OpenAI.Completions;

/// <summary>
/// Reads a legacy completion request into the neutral <see cref="TextRequest"/>: its prompts (text or
/// token ids), echo and best_of. What every protocol shares is checked once, by <see cref="TextRequestValidator"/>.
/// </summary>
internal static class CompletionsMapper
{
    /// <summary>OpenAI's documented default for /v1/completions.</summary>
    public const int DefaultMaxTokens = 16;

    /// <summary>Maps and validates: the plan to run and, with echo, each choice's prompt text; or the error to answer with.</summary>
    public static ApiError? Map(CompletionRequest r, RequestLimits limits, out GenerationPlan plan, out List<string>? echo)
    {
        plan = null!;
        echo = null;
        if (Map(r, limits, out TextRequest request) is { } wireError)
            return wireError;
        if (TextRequestValidator.Validate(request, limits, out plan) is { } error)
            return error;
        if (r.BestOf is { } bestOf && bestOf != (r.N ?? 1))
            return ApiError.Unsupported("best_of", "'best_of' other than n is not supported by this server.");
        if (r.Echo == true && r.Prompt!.Items.Any(p => p.Text is null))
            return ApiError.Unsupported("echo", "'echo' is supported for text prompts only.");
        if (r.Echo == true)
        {
            var n = plan.ChoicesPerPrompt;
            echo = r.Prompt!.Items.SelectMany(p => Enumerable.Repeat(p.Text!, n)).ToList();
        }
        return null;
    }

    private static ApiError? Map(CompletionRequest r, RequestLimits limits, out TextRequest request)
    {
        request = null!;
        if (r.Prompt is null)
            return ApiError.Missing("prompt");
        if (r.Prompt.Items.Count == 0)
            return ApiError.BadRequest("'prompt' must not be an empty array.", "prompt", "empty_array");
        // Limits before anything is tokenized: prompts × n choices, then each prompt's size.
        if (limits.Choices((long)r.Prompt.Items.Count * (r.N ?? 1), r.Prompt.Items.Count > 1 ? "prompts × n" : "'n'") is { } tooMany)
            return tooMany;
        var prompts = new List<PromptInput>(r.Prompt.Items.Count);
        for (var i = 0; i < r.Prompt.Items.Count; i++)
        {
            var item = r.Prompt.Items[i];
            if (item.Tokens is { Length: 0 })
                return ApiError.BadRequest($"prompt[{i}] is an empty token array.", "prompt", "empty_array");
            var param = r.Prompt.Items.Count == 1 ? "prompt" : $"prompt[{i}]";
            if ((item.Tokens is { } ids ? limits.TokenIds(ids.Length, param) : limits.Text(item.Text, param)) is { } tooLong)
                return tooLong;
            prompts.Add(item.Text is not null ? PromptInput.FromText(item.Text) : PromptInput.FromTokens(item.Tokens!));
        }

        request = new TextRequest
        {
            Model = r.Model,
            Prompts = prompts,
            Suffix = r.Suffix,
            MaxTokens = r.MaxTokens,
            DefaultMaxTokens = DefaultMaxTokens,
            N = r.N,
            Stop = r.Stop?.Values,
            Logprobs = r.Logprobs,
            LogprobsParam = "logprobs",
            Temperature = r.Temperature,
            TopP = r.TopP,
            PresencePenalty = r.PresencePenalty,
            FrequencyPenalty = r.FrequencyPenalty,
            Seed = r.Seed,
            TopK = r.TopK,
            MinP = r.MinP,
            RepeatPenalty = r.RepeatPenalty,
            RepeatLastN = r.RepeatLastN,
            LogitBias = r.LogitBias,
            Grammar = r.Grammar,
            KeepAlive = r.KeepAlive,
        };
        return null;
    }
}
