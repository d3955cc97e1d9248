using System.Text;
using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.Server.Generation;
using MicroAI.Server.Limits;

namespace MicroAI.Server.OpenAI.ChatCompletions;

/// <summary>
/// Reads a chat completion request into the neutral <see cref="TextRequest"/>: messages and their
/// content parts, tools in their chat shape, response_format. What every protocol shares (sampling,
/// limits, constraints) is checked once, by <see cref="TextRequestValidator"/>.
/// </summary>
internal static class ChatCompletionsMapper
{
    private static readonly HashSet<string> s_roles = ["system", "developer", "user", "assistant", "tool"];

    /// <summary>Largest per-request chat template (real templates are 1–20 KB).</summary>
    public const int MaxChatTemplateChars = 64 * 1024;

    /// <summary>Maps and validates: the plan to run, or the error to answer with.</summary>
    public static ApiError? Map(ChatCompletionRequest r, RequestLimits limits, bool allowRequestTemplates, out GenerationPlan plan)
    {
        plan = null!;
        return Map(r, limits, allowRequestTemplates, out TextRequest request) ?? TextRequestValidator.Validate(request, limits, out plan);
    }

    private static ApiError? Map(ChatCompletionRequest r, RequestLimits limits, bool allowRequestTemplates, out TextRequest request)
    {
        request = null!;
        if (r.Messages is null)
            return ApiError.Missing("messages");
        if (r.Messages.Count == 0)
            return ApiError.BadRequest("'messages' must contain at least one message.", "messages", "empty_array");
        if (limits.Messages(r.Messages.Count, "messages") is { } tooMany)
            return tooMany;

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
        if (Tools(r.Tools, out var tools) is { } toolsError)
            return toolsError;
        if (ToolChoiceJson.Read(r.ToolChoice, out var toolChoice) is { } choiceError)
            return choiceError;

        request = new TextRequest
        {
            Model = r.Model,
            Messages = turns,
            ChatTemplate = r.ChatTemplate,
            MaxTokens = r.MaxCompletionTokens ?? r.MaxTokens,
            MaxTokensParam = r.MaxCompletionTokens is not null ? "max_completion_tokens" : "max_tokens",
            N = r.N,
            Stop = r.Stop?.Values,
            Logprobs = r.Logprobs == true ? r.TopLogprobs ?? 0 : null,
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
            Tools = tools,
            ToolChoice = toolChoice,
            ParallelToolCalls = r.ParallelToolCalls,
            Format = r.ResponseFormat is { } format
                ? new OutputFormat(format.Type, format.JsonSchema?.Schema, "response_format", "response_format.json_schema.schema")
                : null,
            Grammar = r.Grammar,
            KeepAlive = r.KeepAlive,
        };
        return null;
    }

    /// <summary>Chat tools are already in the shape templates take; here only that shape is checked.</summary>
    private static ApiError? Tools(List<JsonElement>? tools, out List<ToolDefinition> definitions)
    {
        definitions = [];
        for (var i = 0; i < (tools?.Count ?? 0); i++)
        {
            var t = tools![i];
            if (t.ValueKind != JsonValueKind.Object || !t.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
                return ApiError.BadRequest($"'tools[{i}].type' must be \"function\".", $"tools[{i}].type");
            if (!t.TryGetProperty("function", out var f) || f.ValueKind != JsonValueKind.Object)
                return ApiError.Missing($"tools[{i}].function");
            definitions.Add(new ToolDefinition(t, $"tools[{i}].function"));
        }
        return null;
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
