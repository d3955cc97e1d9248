using MicroAI.Engines.Abstractions;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>
/// Checks a <see cref="TextRequest"/> once for every protocol (counts and sizes first, then values,
/// then what compiles: schemas and forced calls into grammars) and turns it into the
/// <see cref="GenerationPlan"/> the runner submits: one engine request per returned choice.
/// </summary>
internal static class TextRequestValidator
{
    public const int MaxGrammarChars = 64 * 1024;

    /// <summary>OpenAI's limit for chat top_logprobs (legacy completions allow 5; more is harmless here).</summary>
    public const int MaxTopLogprobs = 20;

    public static ApiError? Validate(TextRequest r, RequestLimits limits, out GenerationPlan plan)
    {
        plan = null!;
        if (CheckLimits(r, limits) is { } overLimit)
            return overLimit;
        if (r.MaxTokens is < 1)
            return ApiError.BadRequest($"Invalid '{r.MaxTokensParam}': {r.MaxTokens}. Expected a value of at least 1.", r.MaxTokensParam);
        if (r.Logprobs is < 0 or > MaxTopLogprobs)
            return ApiError.BadRequest($"Invalid '{r.LogprobsParam}': {r.Logprobs}. Expected a value between 0 and {MaxTopLogprobs}.", r.LogprobsParam);
        if (!string.IsNullOrEmpty(r.Suffix) && r.Prompts is { } prompts && prompts.Any(p => p.Text is null))
            return ApiError.BadRequest("'suffix' needs text prompts (fill-in-the-middle tokenizes both sides itself).", "suffix");
        if (OutputFormatRules.Map(r.Format, limits, out var grammar) is { } formatError)
            return formatError;
        if (ToolRules.Map(r.Tools ?? [], r.ToolChoice, r.ParallelToolCalls, limits, out var tools) is { } toolsError)
            return toolsError;
        if (SamplingRules.MapLogitBias(r.LogitBias, out var logitBias) is { } biasError)
            return biasError;
        if (r.Grammar is { Length: > MaxGrammarChars })
            return ApiError.BadRequest($"'grammar' has {r.Grammar.Length} characters; at most {MaxGrammarChars} are allowed.", "grammar");
        if (SamplingRules.Map(r.Temperature, r.TopP, r.PresencePenalty, r.FrequencyPenalty, r.Seed,
                r.TopK, r.MinP, r.RepeatPenalty, r.RepeatLastN, out var sampling) is { } samplingError)
            return samplingError;

        // One constraint per answer: a schema, a forced call, or a raw grammar.
        if (tools?.ForcedGrammar is { } forced)
        {
            if (grammar is not null)
                return ApiError.BadRequest($"A forced tool call and '{r.Format!.Param}' cannot both constrain one answer.", r.Format.Param);
            grammar = forced;
        }
        if (r.Grammar is { } raw)
        {
            if (grammar is not null)
                return ApiError.BadRequest("'grammar' cannot be combined with 'response_format' or a forced tool call.", "grammar");
            grammar = raw;
        }
        sampling = sampling with { Grammar = grammar, LogitBias = logitBias };

        var n = r.N ?? 1;
        if (n < 1)
            return ApiError.BadRequest($"Invalid 'n': {n}. Expected a value between 1 and {limits.MaxChoices}.", "n");
        if (SamplingRules.MapKeepAlive(r.KeepAlive, out var keepAlive) is { } keepAliveError)
            return keepAliveError;

        plan = new GenerationPlan
        {
            Model = r.Model,
            Choices = Choices(r, n, tools),
            ChoicesPerPrompt = n,
            Tools = tools,
            Sampling = sampling,
            KeepAlive = keepAlive,
            Source = r,
        };
        return null;
    }

    /// <summary>
    /// Every count and size limit before anything below runs (grammar compilation for schemas and
    /// forced tool calls, template rendering, tokenizing). Texts were measured by the mapper as it
    /// flattened them.
    /// </summary>
    private static ApiError? CheckLimits(TextRequest r, RequestLimits limits)
    {
        var prompts = r.Prompts?.Count ?? 1;
        return limits.Choices((long)prompts * (r.N ?? 1), prompts > 1 ? "prompts × n" : "'n'")
            ?? limits.Text(r.Suffix, "suffix")
            ?? limits.Tools(r.Tools?.Count ?? 0)
            ?? limits.StopSequences(r.Stop?.Count ?? 0)
            ?? limits.LogitBias(r.LogitBias?.Count ?? 0)
            ?? limits.MaxTokens(r.MaxTokens, r.MaxTokensParam);
    }

    private static List<GenerateRequest> Choices(TextRequest r, int n, ToolPlan? tools)
    {
        var stop = r.Stop?.Where(s => s.Length > 0).ToList() ?? [];
        var choices = new List<GenerateRequest>();
        if (r.Prompts is { } prompts)
        {
            foreach (var prompt in prompts)
            {
                for (var i = 0; i < n; i++)
                {
                    choices.Add(new GenerateRequest
                    {
                        Prompt = prompt,
                        MaxTokens = r.MaxTokens ?? r.DefaultMaxTokens,
                        Stop = stop,
                        Logprobs = r.Logprobs,
                        Suffix = string.IsNullOrEmpty(r.Suffix) ? null : r.Suffix,
                    });
                }
            }
            return choices;
        }
        for (var i = 0; i < n; i++)
        {
            choices.Add(new GenerateRequest
            {
                Messages = r.Messages,
                MaxTokens = r.MaxTokens ?? r.DefaultMaxTokens,
                Stop = stop,
                Logprobs = r.Logprobs,
                ChatTemplate = r.ChatTemplate,
                Tools = tools?.Tools,
            });
        }
        return choices;
    }
}
