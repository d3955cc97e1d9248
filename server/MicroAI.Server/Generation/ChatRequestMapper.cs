using System.Text;
using MicroAI.Backends.Abstractions;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>Validates a chat completion request and turns it into engine requests.</summary>
internal static class ChatRequestMapper
{
    private static readonly HashSet<string> s_roles = ["system", "developer", "user", "assistant", "tool"];

    /// <summary>Largest per-request chat template (real templates are 1–20 KB).</summary>
    public const int MaxChatTemplateChars = 64 * 1024;

    public static ApiError? Map(ChatCompletionRequest r, RequestLimits limits, out GenerationPlan plan, bool allowRequestTemplates = true)
    {
        plan = null!;
        if (r.Messages is null)
            return ApiError.Missing("messages");
        if (r.Messages.Count == 0)
            return ApiError.BadRequest("'messages' must contain at least one message.", "messages", "empty_array");
        if (CheckLimits(r, limits) is { } overLimit)
            return overLimit;

        var turns = new List<ChatTurn>(r.Messages.Count);
        for (var i = 0; i < r.Messages.Count; i++)
        {
            var m = r.Messages[i];
            if (m is null)
                return ApiError.BadRequest($"messages[{i}] must be an object.", $"messages[{i}]");
            if (string.IsNullOrEmpty(m.Role))
                return ApiError.Missing($"messages[{i}].role");
            if (!s_roles.Contains(m.Role))
                return ApiError.BadRequest($"Invalid value for 'messages[{i}].role': '{m.Role}'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.", $"messages[{i}].role");
            var error = Flatten(m.Content, i, m.Role, out var text) ?? limits.Text(text, $"messages[{i}].content");
            if (error is not null)
                return error;
            var turn = new ChatTurn(m.Role, text) { Name = m.Name, ToolCallId = m.ToolCallId };
            if (m.ToolCalls is { Count: > 0 } calls)
            {
                if (m.Role != "assistant")
                    return ApiError.BadRequest($"messages[{i}]: only assistant messages carry 'tool_calls'.", $"messages[{i}].tool_calls");
                var converted = new List<ChatToolCall>(calls.Count);
                for (var c = 0; c < calls.Count; c++)
                {
                    if (calls[c]?.Function?.Name is not { Length: > 0 } fname)
                        return ApiError.Missing($"messages[{i}].tool_calls[{c}].function.name");
                    converted.Add(new ChatToolCall(calls[c].Id ?? $"call_{i}_{c}", fname, calls[c].Function!.Arguments ?? "{}"));
                }
                turn = turn with { ToolCalls = converted };
            }
            if (m.Role == "tool" && m.ToolCallId is null)
                return ApiError.Missing($"messages[{i}].tool_call_id");
            turns.Add(turn);
        }

        if (r.ChatTemplate is { } ct)
        {
            if (!allowRequestTemplates)
                return ApiError.Unsupported("chat_template", "Per-request chat templates are disabled on this server (MicroAI:AllowRequestChatTemplates).");
            if (ct.Length > MaxChatTemplateChars)
                return ApiError.BadRequest($"'chat_template' has {ct.Length} characters; at most {MaxChatTemplateChars} are allowed.", "chat_template");
        }
        if (r.TopLogprobs is not null && r.Logprobs != true)
            return ApiError.BadRequest("'top_logprobs' requires 'logprobs' to be true.", "top_logprobs");
        if (r.TopLogprobs is < 0 or > SamplingMapper.MaxTopLogprobs)
            return ApiError.BadRequest($"Invalid 'top_logprobs': {r.TopLogprobs}. Expected a value between 0 and {SamplingMapper.MaxTopLogprobs}.", "top_logprobs");
        int? logprobs = r.Logprobs == true ? r.TopLogprobs ?? 0 : null;
        if (StructuredOutputMapper.Map(r.ResponseFormat, limits, out var formatGrammar) is { } formatError)
            return formatError;
        if (ToolsMapper.Map(r, limits, out var toolPlan) is { } toolsError)
            return toolsError;
        if (SamplingMapper.MapLogitBias(r.LogitBias, out var logitBias) is { } biasError)
            return biasError;
        if (r.Grammar is { Length: > SamplingMapper.MaxGrammarChars })
            return ApiError.BadRequest($"'grammar' has {r.Grammar.Length} characters; at most {SamplingMapper.MaxGrammarChars} are allowed.", "grammar");

        var maxTokens = r.MaxCompletionTokens ?? r.MaxTokens;
        var maxParam = r.MaxCompletionTokens is not null ? "max_completion_tokens" : "max_tokens";
        if (maxTokens is < 1)
            return ApiError.BadRequest($"Invalid '{maxParam}': {maxTokens}. Expected a value of at least 1.", maxParam);

        var e = SamplingMapper.Map(r.Temperature, r.TopP, r.PresencePenalty, r.FrequencyPenalty, r.Seed,
            r.TopK, r.MinP, r.RepeatPenalty, r.RepeatLastN, out var sampling);
        if (e is not null)
            return e;
        if (toolPlan?.ForcedGrammar is { } forcedGrammar)
        {
            if (formatGrammar is not null)
                return ApiError.BadRequest("A forced tool call and a 'response_format' cannot both constrain one answer.", "response_format");
            formatGrammar = forcedGrammar;
        }
        if (r.Grammar is { } rawGrammar)
        {
            if (formatGrammar is not null)
                return ApiError.BadRequest("'grammar' cannot be combined with 'response_format' or a forced tool call.", "grammar");
            formatGrammar = rawGrammar;
        }
        sampling = sampling with { Grammar = formatGrammar, LogitBias = logitBias };
        if (SamplingMapper.MapStop(r.Stop, limits, out var stops) is { } stopError)
            return stopError;
        if (SamplingMapper.MapN(r.N, limits, out var n) is { } nError)
            return nError;
        if (SamplingMapper.MapKeepAlive(r.KeepAlive, out var keepAlive) is { } keepAliveError)
            return keepAliveError;

        var choices = new List<GenerateRequest>(n);
        for (var i = 0; i < n; i++)
        {
            choices.Add(new GenerateRequest
            {
                Messages = turns,
                MaxTokens = maxTokens,
                Stop = stops,
                Logprobs = logprobs,
                ChatTemplate = r.ChatTemplate,
                Tools = toolPlan?.Tools,
            });
        }
        plan = new GenerationPlan
        {
            Model = r.Model,
            Chat = true,
            Choices = choices,
            Tools = toolPlan,
            ChoicesPerPrompt = n,
            Sampling = sampling,
            KeepAlive = keepAlive,
            Stream = r.Stream == true,
            IncludeUsage = r.StreamOptions?.IncludeUsage == true,
        };
        return null;
    }

    /// <summary>
    /// Every count and size limit, before anything below runs: grammar compilation for schemas and
    /// forced tool calls, template rendering, tokenizing. Text lengths are checked per message as they
    /// are flattened (still before any of that).
    /// </summary>
    private static ApiError? CheckLimits(ChatCompletionRequest r, RequestLimits limits)
    {
        var maxParam = r.MaxCompletionTokens is not null ? "max_completion_tokens" : "max_tokens";
        return limits.Messages(r.Messages!.Count, "messages")
            ?? limits.Tools(r.Tools?.Count ?? 0)
            ?? limits.StopSequences(r.Stop?.Values.Count ?? 0)
            ?? limits.Choices(r.N ?? 1)
            ?? limits.LogitBias(r.LogitBias?.Count ?? 0)
            ?? limits.MaxTokens(r.MaxCompletionTokens ?? r.MaxTokens, maxParam);
    }

    private static ApiError? Flatten(MessageContent? content, int index, string role, out string text)
    {
        text = string.Empty;
        if (content is null)
        {
            // An assistant turn that only carried tool calls has no content.
            return role == "assistant" ? null : ApiError.Missing($"messages[{index}].content");
        }
        if (content.Parts is null)
        {
            text = content.Text ?? string.Empty;
            return null;
        }
        var sb = new StringBuilder();
        for (var j = 0; j < content.Parts.Count; j++)
        {
            var part = content.Parts[j];
            if (part.Type is not ("text" or "input_text"))
            {
                return ApiError.Unsupported($"messages[{index}].content[{j}]",
                    $"Content parts of type '{part.Type}' are not supported by this model; only 'text' is.");
            }
            if (part.Text is null)
                return ApiError.Missing($"messages[{index}].content[{j}].text");
            if (sb.Length > 0)
                sb.Append('\n');
            sb.Append(part.Text);
        }
        text = sb.ToString();
        return null;
    }
}
