using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.Server.Generation;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Ollama.Chat;

/// <summary>
/// Reads /api/chat into the neutral <see cref="TextRequest"/>: messages (an assistant's
/// <c>tool_calls</c> with object arguments, <c>tool</c> messages naming their function by
/// <c>tool_name</c>) for the model's chat template, tools in the chat shape templates take.
/// </summary>
internal static class ChatMapper
{
    private static readonly HashSet<string> s_roles = ["system", "user", "assistant", "tool"];

    public static ApiError? Map(OllamaChatRequest r, RequestLimits limits, ILogger logger, out GenerationPlan plan)
    {
        plan = null!;
        var messages = r.Messages!;
        if ((OllamaErrors.Format(r.Format, out var format) ?? OllamaErrors.Template(r.Template) ?? OllamaErrors.Think(r.Think, r.Model!)
            ?? limits.Messages(messages.Count, "messages")) is { } invalid)
            return invalid;

        var turns = new List<ChatTurn>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            if (Turn(messages[i], i, limits, out var turn) is { } error)
                return error;
            turns.Add(turn);
        }
        if (Tools(r.Tools, out var tools) is { } toolsError)
            return toolsError;
        if (ToolChoiceJson.Read(r.ToolChoice, out var toolChoice) is { } choiceError)
            return choiceError;

        var request = new TextRequest
        {
            Model = r.Model,
            Messages = turns,
            Tools = tools,
            ToolChoice = toolChoice,
            Format = format,
            KeepAlive = r.KeepAlive,
            MaxTokensParam = "num_predict",
        };
        return OllamaOptions.Apply(r.Options, request, logger, out request) ?? TextRequestValidator.Validate(request, limits, out plan);
    }

    private static ApiError? Turn(OllamaMessage? m, int i, RequestLimits limits, out ChatTurn turn)
    {
        turn = null!;
        if (m is null)
            return ApiError.BadRequest($"messages[{i}] must be an object.", $"messages[{i}]");
        if (string.IsNullOrEmpty(m.Role))
            return ApiError.Missing($"messages[{i}].role");
        if (!s_roles.Contains(m.Role))
            return ApiError.BadRequest($"invalid role '{m.Role}' in messages[{i}]: use system, user, assistant or tool", $"messages[{i}].role");
        if ((OllamaErrors.Images(m.Images, $"messages[{i}].images") ?? limits.Text(m.Content, $"messages[{i}].content")) is { } invalid)
            return invalid;
        // Ollama matches a tool result to its call by the function's name; OpenAI-shaped templates want an id, so the name stands in.
        turn = new ChatTurn(m.Role, m.Content ?? "") { Name = m.ToolName, ToolCallId = m.Role == "tool" ? m.ToolCallId ?? m.ToolName : null };
        if (m.ToolCalls is not { Count: > 0 } calls)
            return null;
        if (m.Role != "assistant")
            return ApiError.BadRequest($"messages[{i}]: only assistant messages carry 'tool_calls'.", $"messages[{i}].tool_calls");
        var converted = new List<ChatToolCall>(calls.Count);
        for (var c = 0; c < calls.Count; c++)
        {
            var param = $"messages[{i}].tool_calls[{c}].function";
            if (calls[c]?.Function is not { Name: { Length: > 0 } name } f)
                return ApiError.Missing(param + ".name");
            var arguments = f.Arguments switch
            {
                null or { ValueKind: JsonValueKind.Null } => "{}",
                { ValueKind: JsonValueKind.Object } o => o.GetRawText(),
                { ValueKind: JsonValueKind.String } s => s.GetString()!,
                _ => null,
            };
            if (arguments is null)
                return ApiError.BadRequest($"'{param}.arguments' must be an object.", param + ".arguments");
            converted.Add(new ChatToolCall(calls[c].Id ?? $"call_{i}_{c}", name, arguments));
        }
        turn = turn with { ToolCalls = converted };
        return null;
    }

    /// <summary>Ollama's tools are OpenAI's chat tools: <c>{"type":"function","function":{name, description, parameters}}</c>.</summary>
    private static ApiError? Tools(List<JsonElement>? tools, out List<ToolDefinition> definitions)
    {
        definitions = [];
        for (var i = 0; i < (tools?.Count ?? 0); i++)
        {
            var t = tools![i];
            if (t.ValueKind != JsonValueKind.Object || !t.TryGetProperty("function", out var f) || f.ValueKind != JsonValueKind.Object)
                return ApiError.Missing($"tools[{i}].function");
            if (t.TryGetProperty("type", out var type) && !(type.ValueKind == JsonValueKind.String && type.GetString() == "function"))
                return ApiError.BadRequest($"'tools[{i}].type' must be \"function\".", $"tools[{i}].type");
            definitions.Add(new ToolDefinition(t, $"tools[{i}].function"));
        }
        return null;
    }
}
