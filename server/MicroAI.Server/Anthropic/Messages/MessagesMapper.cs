using System.Text;
using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.Server.Generation;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Anthropic.Messages;

/// <summary>
/// Reads a Messages API request into the neutral <see cref="TextRequest"/>: the system prompt, the
/// conversation's content blocks as chat turns (tool_use as an assistant's tool calls, tool_result as
/// tool turns, the shapes chat templates are written for), tools and tool_choice. What every protocol
/// shares is checked once, by <see cref="TextRequestValidator"/>; only what Anthropic words or bounds
/// differently is checked here (max_tokens required, temperature up to 1).
/// </summary>
internal static class MessagesMapper
{
    /// <summary>Maps and validates a request to generate: the plan to run, or the error to answer with.</summary>
    public static ApiError? Map(MessagesRequest r, RequestLimits limits, out GenerationPlan plan)
    {
        plan = null!;
        if (r.MaxTokens is null)
            return ApiError.BadRequest("max_tokens: Field required", "max_tokens", "missing_required_parameter");
        return Map(r, limits, out TextRequest request) ?? TextRequestValidator.Validate(request, limits, out plan);
    }

    /// <summary>Maps and validates a request to count (count_tokens: no max_tokens, nothing generated).</summary>
    public static ApiError? MapForCounting(MessagesRequest r, RequestLimits limits, out GenerationPlan plan)
    {
        plan = null!;
        return Map(r, limits, out TextRequest request) ?? TextRequestValidator.Validate(request with { MaxTokens = null }, limits, out plan);
    }

    private static ApiError? Map(MessagesRequest r, RequestLimits limits, out TextRequest request)
    {
        request = null!;
        if (r.Messages is null)
            return ApiError.Missing("messages");
        if (r.Messages.Count == 0)
            return ApiError.BadRequest("messages: at least one message is required.", "messages", "empty_array");
        if (limits.Messages(r.Messages.Count, "messages") is { } tooMany)
            return tooMany;
        // Anthropic bounds temperature to 0–1 (OpenAI's 0–2 is checked again by the validator).
        if (r.Temperature is { } t && !(t >= 0f && t <= 1f))
            return ApiError.BadRequest($"temperature: Input should be between 0 and 1 (got {t}).", "temperature");

        var turns = new List<ChatTurn>(r.Messages.Count + 1);
        if (SystemPrompt(r.System, limits, out var system) is { } systemError)
            return systemError;
        if (system is not null)
            turns.Add(new ChatTurn("system", system));
        var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < r.Messages.Count; i++)
        {
            if (Message(r.Messages[i], i, limits, callNames, turns) is { } messageError)
                return messageError;
        }
        if (Tools(r.Tools, limits, out var tools) is { } toolsError)
            return toolsError;
        if (ToolChoice(r.ToolChoice, out var toolChoice, out var parallel) is { } choiceError)
            return choiceError;

        request = new TextRequest
        {
            Model = r.Model,
            Messages = turns,
            MaxTokens = r.MaxTokens,
            Stop = r.StopSequences,
            Temperature = r.Temperature,
            TopP = r.TopP,
            TopK = r.TopK,
            Tools = tools,
            ToolChoice = toolChoice,
            ParallelToolCalls = parallel,
        };
        return null;
    }

    /// <summary>"system": a string or text blocks, joined as Anthropic joins them (one system prompt).</summary>
    private static ApiError? SystemPrompt(JsonElement? value, RequestLimits limits, out string? system)
    {
        system = null;
        if (value is not { } s || s.ValueKind == JsonValueKind.Null)
            return null;
        if (s.ValueKind == JsonValueKind.String)
            system = s.GetString()!;
        else if (s.ValueKind == JsonValueKind.Array)
        {
            var sb = new StringBuilder();
            var j = 0;
            foreach (var block in s.EnumerateArray())
            {
                if (TextBlock(block, $"system[{j}]", out var text) is { } blockError)
                    return blockError;
                if (sb.Length > 0)
                    sb.Append('\n');
                sb.Append(text);
                j++;
            }
            system = sb.ToString();
        }
        else
        {
            return ApiError.BadRequest("system: Input should be a string or a list of text blocks.", "system", "invalid_type");
        }
        return limits.Text(system, "system");
    }

    /// <summary>One message as chat turns, merged into the turn before it when the roles repeat (Anthropic allows consecutive same-role messages; templates often do not).</summary>
    private static ApiError? Message(AnthropicMessageDto? m, int i, RequestLimits limits, Dictionary<string, string> callNames, List<ChatTurn> turns)
    {
        if (m is null)
            return ApiError.BadRequest($"messages[{i}]: Input should be an object.", $"messages[{i}]", "invalid_type");
        if (m.Role is not ("user" or "assistant"))
            return m.Role is null
                ? ApiError.Missing($"messages[{i}].role")
                : ApiError.BadRequest($"messages[{i}].role: Input should be 'user' or 'assistant' (got '{m.Role}').", $"messages[{i}].role");
        if (m.Content is not { } content || content.ValueKind == JsonValueKind.Null)
            return ApiError.Missing($"messages[{i}].content");
        if (content.ValueKind == JsonValueKind.String)
        {
            var text = content.GetString()!;
            return limits.Text(text, $"messages[{i}].content") ?? Append(turns, new ChatTurn(m.Role, text));
        }
        if (content.ValueKind != JsonValueKind.Array)
            return ApiError.BadRequest($"messages[{i}].content: Input should be a string or a list of content blocks.", $"messages[{i}].content", "invalid_type");

        var texts = new StringBuilder();
        var calls = new List<ChatToolCall>();
        var j = 0;
        foreach (var block in content.EnumerateArray())
        {
            var param = $"messages[{i}].content[{j++}]";
            var type = block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            switch (type)
            {
                case "text":
                    if (TextBlock(block, param, out var text) is { } textError)
                        return textError;
                    if (texts.Length > 0)
                        texts.Append('\n');
                    texts.Append(text);
                    break;
                case "tool_use" when m.Role == "assistant":
                    if (ToolUse(block, param, out var call) is { } callError)
                        return callError;
                    calls.Add(call);
                    callNames[call.Id] = call.Name;
                    break;
                case "tool_result" when m.Role == "user":
                    // Text before a result is a user turn of its own; the results follow as tool turns.
                    if (texts.Length > 0)
                    {
                        Append(turns, new ChatTurn("user", texts.ToString()));
                        texts.Clear();
                    }
                    if (ToolResult(block, param, limits, callNames, out var result) is { } resultError)
                        return resultError;
                    turns.Add(result);
                    break;
                case "tool_use" or "tool_result":
                    return ApiError.BadRequest($"{param}: '{type}' blocks belong in {(type == "tool_use" ? "assistant" : "user")} messages.", param);
                case null:
                    return ApiError.BadRequest($"{param}: each content block must be an object with a string 'type'.", param, "invalid_type");
                default:
                    return ApiError.Unsupported(param,
                        $"{param}: content blocks of type '{type}' are not supported by this server; only 'text', 'tool_use' (assistant) and 'tool_result' (user) are.");
            }
        }
        if (limits.Text(texts.ToString(), $"messages[{i}].content") is { } tooLong)
            return tooLong;
        if (texts.Length == 0 && calls.Count == 0 && turns.Count > 0 && turns[^1].Role == "tool")
            return null; // a user message of results only: its tool turns are all it is
        return Append(turns, new ChatTurn(m.Role, texts.ToString()) { ToolCalls = calls.Count > 0 ? calls : null });
    }

    private static ApiError? Append(List<ChatTurn> turns, ChatTurn turn)
    {
        if (turns.Count > 0 && turns[^1] is { Role: "user" or "assistant" } last && last.Role == turn.Role)
        {
            var content = last.Content.Length == 0 ? turn.Content : turn.Content.Length == 0 ? last.Content : last.Content + "\n\n" + turn.Content;
            IReadOnlyList<ChatToolCall>? calls = last.ToolCalls is null ? turn.ToolCalls : turn.ToolCalls is null ? last.ToolCalls : [.. last.ToolCalls, .. turn.ToolCalls];
            turns[^1] = last with { Content = content, ToolCalls = calls };
        }
        else
        {
            turns.Add(turn);
        }
        return null;
    }

    private static ApiError? TextBlock(JsonElement block, string param, out string text)
    {
        text = string.Empty;
        if (block.ValueKind != JsonValueKind.Object || !block.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            return ApiError.BadRequest($"{param}: each content block must be an object with a string 'type'.", param, "invalid_type");
        if (type.GetString() != "text")
            return ApiError.Unsupported(param, $"{param}: blocks of type '{type.GetString()}' are not supported here; only 'text' is.");
        if (!block.TryGetProperty("text", out var value) || value.ValueKind != JsonValueKind.String)
            return ApiError.Missing($"{param}.text");
        text = value.GetString()!;
        return null;
    }

    /// <summary>An assistant's earlier call: its input object becomes the call's arguments JSON, as chat templates take them.</summary>
    private static ApiError? ToolUse(JsonElement block, string param, out ChatToolCall call)
    {
        call = null!;
        if (!block.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString()!.Length == 0)
            return ApiError.Missing($"{param}.id");
        if (!block.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
            return ApiError.Missing($"{param}.name");
        var arguments = "{}";
        if (block.TryGetProperty("input", out var input) && input.ValueKind != JsonValueKind.Null)
        {
            if (input.ValueKind != JsonValueKind.Object)
                return ApiError.BadRequest($"{param}.input: Input should be an object.", $"{param}.input", "invalid_type");
            arguments = input.GetRawText();
        }
        call = new ChatToolCall(id.GetString()!, name.GetString()!, arguments);
        return null;
    }

    /// <summary>A result for an earlier call: a tool turn naming the call (and the function, which some templates print).</summary>
    private static ApiError? ToolResult(JsonElement block, string param, RequestLimits limits, Dictionary<string, string> callNames, out ChatTurn turn)
    {
        turn = null!;
        if (!block.TryGetProperty("tool_use_id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString()!.Length == 0)
            return ApiError.Missing($"{param}.tool_use_id");
        var text = string.Empty;
        if (block.TryGetProperty("content", out var content))
        {
            switch (content.ValueKind)
            {
                case JsonValueKind.Null:
                    break;
                case JsonValueKind.String:
                    text = content.GetString()!;
                    break;
                case JsonValueKind.Array:
                    var sb = new StringBuilder();
                    var k = 0;
                    foreach (var part in content.EnumerateArray())
                    {
                        if (TextBlock(part, $"{param}.content[{k++}]", out var piece) is { } partError)
                            return partError;
                        if (sb.Length > 0)
                            sb.Append('\n');
                        sb.Append(piece);
                    }
                    text = sb.ToString();
                    break;
                default:
                    return ApiError.BadRequest($"{param}.content: Input should be a string or a list of text blocks.", $"{param}.content", "invalid_type");
            }
        }
        // is_error has no place in chat templates; the model reads that the call failed from the text.
        if (block.TryGetProperty("is_error", out var isError) && isError.ValueKind == JsonValueKind.True)
            text = "Error: " + text;
        if (limits.Text(text, $"{param}.content") is { } tooLong)
            return tooLong;
        var callId = id.GetString()!;
        turn = new ChatTurn("tool", text) { ToolCallId = callId, Name = callNames.GetValueOrDefault(callId) };
        return null;
    }

    /// <summary>
    /// Anthropic's client tools (<c>{"name","description","input_schema"}</c>) in the chat shape templates
    /// are written for. Server tools (web search, code execution, …) run on Anthropic's side: refused.
    /// </summary>
    private static ApiError? Tools(List<JsonElement>? tools, RequestLimits limits, out List<ToolDefinition> definitions)
    {
        definitions = [];
        if (limits.Tools(tools?.Count ?? 0) is { } tooMany)
            return tooMany;
        for (var i = 0; i < (tools?.Count ?? 0); i++)
        {
            var t = tools![i];
            if (t.ValueKind != JsonValueKind.Object)
                return ApiError.BadRequest($"tools[{i}]: Input should be an object.", $"tools[{i}]", "invalid_type");
            if (t.TryGetProperty("type", out var type) && type.ValueKind != JsonValueKind.Null && !(type.ValueKind == JsonValueKind.String && type.GetString() == "custom"))
                return ApiError.Unsupported($"tools[{i}].type", $"tools[{i}].type: only client tools ('custom', or no type) are supported here; server tools such as web search or code execution are not.");
            if (!t.TryGetProperty("input_schema", out var schema) || schema.ValueKind == JsonValueKind.Null)
                return ApiError.Missing($"tools[{i}].input_schema");
            if (schema.ValueKind != JsonValueKind.Object)
                return ApiError.BadRequest($"tools[{i}].input_schema: Input should be a JSON Schema object.", $"tools[{i}].input_schema", "invalid_type");
            if (t.TryGetProperty("description", out var description) && description.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                return ApiError.BadRequest($"tools[{i}].description: Input should be a string.", $"tools[{i}].description", "invalid_type");
            definitions.Add(new ToolDefinition(ChatShape(t, schema), $"tools[{i}]"));
        }
        return null;
    }

    private static JsonElement ChatShape(JsonElement tool, JsonElement schema)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            if (tool.TryGetProperty("name", out var name))
            {
                w.WritePropertyName("name");
                name.WriteTo(w);
            }
            if (tool.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
                w.WriteString("description", description.GetString());
            w.WritePropertyName("parameters");
            schema.WriteTo(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>tool_choice: auto, any (some tool: OpenAI's "required"), tool (that one), none; disable_parallel_tool_use → one call.</summary>
    private static ApiError? ToolChoice(JsonElement? value, out ToolChoice choice, out bool? parallel)
    {
        choice = Generation.ToolChoice.Unset;
        parallel = null;
        if (value is not { } tc || tc.ValueKind == JsonValueKind.Null)
            return null;
        var type = tc.ValueKind == JsonValueKind.Object && tc.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "auto": choice = new ToolChoice(ToolChoiceMode.Auto); break;
            case "any": choice = new ToolChoice(ToolChoiceMode.Required); break;
            case "none": choice = new ToolChoice(ToolChoiceMode.None); break;
            case "tool":
                if (!tc.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                    return ApiError.Missing("tool_choice.name");
                choice = new ToolChoice(ToolChoiceMode.Function, name.GetString());
                break;
            default:
                return ApiError.BadRequest("tool_choice: Input should be {\"type\": \"auto\"}, {\"type\": \"any\"}, {\"type\": \"tool\", \"name\": …} or {\"type\": \"none\"}.", "tool_choice");
        }
        if (tc.TryGetProperty("disable_parallel_tool_use", out var disable))
        {
            if (disable.ValueKind is JsonValueKind.True)
                parallel = false;
            else if (disable.ValueKind is not (JsonValueKind.False or JsonValueKind.Null))
                return ApiError.BadRequest("tool_choice.disable_parallel_tool_use: Input should be a boolean.", "tool_choice.disable_parallel_tool_use", "invalid_type");
        }
        return null;
    }
}
