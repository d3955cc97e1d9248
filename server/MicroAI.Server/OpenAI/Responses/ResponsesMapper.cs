using System.Security.Cryptography;
using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.Server.Generation;
using MicroAI.Server.Limits;

namespace MicroAI.Server.OpenAI.Responses;

/// <summary>
/// Reads a Responses API request into the neutral <see cref="TextRequest"/> (its flat function tools,
/// text.format, the conversation behind previous_response_id) and the fields its response object
/// echoes. What every protocol shares is checked once, by <see cref="TextRequestValidator"/>.
/// </summary>
internal static class ResponsesMapper
{
    private static readonly HashSet<string> s_roles = ["system", "developer", "user", "assistant", "tool"];

    /// <summary>Maps and validates: the plan to run and what the response object echoes; or the error to answer with.</summary>
    public static ApiError? Map(ResponsesRequest r, ResponseStore store, RequestLimits limits, string? owner, out GenerationPlan plan, out ResponsesPlan response)
    {
        plan = null!;
        if (Map(r, store, limits, owner, out TextRequest request, out response) is { } wireError)
            return wireError;
        return TextRequestValidator.Validate(request, limits, out plan);
    }

    private static ApiError? Map(ResponsesRequest r, ResponseStore store, RequestLimits limits, string? owner, out TextRequest request, out ResponsesPlan response)
    {
        request = null!;
        response = null!;
        if (r.Input is null)
            return ApiError.Missing("input");
        if (r.Input.Messages.Count == 0)
            return ApiError.BadRequest("'input' must not be an empty array.", "input");
        for (var i = 0; i < r.Input.Messages.Count; i++)
        {
            if (!s_roles.Contains(r.Input.Messages[i].Role))
                return ApiError.BadRequest($"Invalid value for 'input[{i}].role': '{r.Input.Messages[i].Role}'. Supported values are: 'system', 'developer', 'user' and 'assistant'.", $"input[{i}].role");
        }
        if (CheckLimits(r, limits) is { } overLimit)
            return overLimit;
        if (MetadataError(r.Metadata) is { } metadataError)
            return metadataError;
        if (Tools(r.Tools, limits, out var tools) is { } toolsError)
            return toolsError;
        if (ToolChoice(r.ToolChoice, out var toolChoice) is { } choiceError)
            return choiceError;
        if (TextFormatTypeError(r.Text) is { } textError)
            return textError;
        JsonElement? format = r.Text is { ValueKind: JsonValueKind.Object } text && text.TryGetProperty("format", out var f) && f.ValueKind != JsonValueKind.Null ? f.Clone() : null;

        var conversation = new List<ChatTurn>();
        if (r.PreviousResponseId is { } previous)
        {
            if (store.Find(previous, owner) is not { } earlier)
                return ApiError.BadRequest($"Previous response with id '{previous}' not found.", "previous_response_id", "previous_response_not_found");
            conversation.AddRange(earlier.Where(t => t.Role != "system" || r.Instructions is null));
        }
        foreach (var m in r.Input.Messages)
        {
            if (m.FunctionCall is { } fc)
            {
                var call = new ChatToolCall(fc.CallId, fc.Name, fc.Arguments);
                // Calls made in one turn are one assistant message with several tool calls.
                if (conversation.Count > 0 && conversation[^1] is { Role: "assistant", ToolCalls: { } earlierCalls } last && last.Content.Length == 0)
                    conversation[^1] = last with { ToolCalls = [.. earlierCalls, call] };
                else
                    conversation.Add(new ChatTurn("assistant", string.Empty) { ToolCalls = [call] });
            }
            else
            {
                conversation.Add(new ChatTurn(m.Role, m.Text) { ToolCallId = m.CallId });
            }
        }
        // instructions apply to this response only (OpenAI does not carry them over previous_response_id).
        IReadOnlyList<ChatTurn> turns = r.Instructions is { Length: > 0 } instructions
            ? [new ChatTurn("system", instructions), .. conversation.Where(t => t.Role != "system")]
            : conversation;

        request = new TextRequest
        {
            Model = r.Model,
            Messages = turns,
            MaxTokens = r.MaxOutputTokens,
            MaxTokensParam = "max_output_tokens",
            Temperature = r.Temperature,
            TopP = r.TopP,
            Seed = r.Seed,
            Tools = tools,
            ToolChoice = toolChoice,
            ParallelToolCalls = r.ParallelToolCalls,
            // The Responses API flattens json_schema's fields into text.format itself.
            Format = format is { } tf
                ? new OutputFormat(String(tf, "type"), tf.TryGetProperty("schema", out var schema) ? schema : null,
                    "text.format", "text.format.schema")
                : null,
            KeepAlive = r.KeepAlive,
        };
        response = new ResponsesPlan
        {
            Owner = owner,
            Id = "resp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
            Instructions = r.Instructions,
            MaxOutputTokens = r.MaxOutputTokens,
            Temperature = r.Temperature,
            TopP = r.TopP,
            Store = r.Store ?? true,
            PreviousResponseId = r.PreviousResponseId,
            Metadata = r.Metadata ?? [],
            Conversation = conversation,
            TextFormat = r.Text is { ValueKind: JsonValueKind.Object } echoed && echoed.TryGetProperty("format", out var given) ? given.Clone() : null,
        };
        return null;
    }

    private static string? String(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>
    /// Responses tools are flat (<c>{"type","name","description","parameters","strict"}</c>); templates
    /// are written for the chat shape, so each is given to them nested under "function". Counted before
    /// that copy, which the validator's own count would come too late to spare.
    /// </summary>
    private static ApiError? Tools(List<JsonElement>? tools, RequestLimits limits, out List<ToolDefinition> definitions)
    {
        definitions = [];
        if (limits.Tools(tools?.Count ?? 0) is { } tooMany)
            return tooMany;
        for (var i = 0; i < (tools?.Count ?? 0); i++)
        {
            var t = tools![i];
            if (t.ValueKind != JsonValueKind.Object || !t.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
                return ApiError.Unsupported($"tools[{i}].type", "Only function tools are supported in the Responses API here (no built-in web search, file search or computer use).");
            definitions.Add(new ToolDefinition(ChatShape(t), $"tools[{i}]"));
        }
        return null;
    }

    private static JsonElement ChatShape(JsonElement flat)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            foreach (var p in flat.EnumerateObject())
            {
                if (p.Name is "name" or "description" or "parameters" or "strict")
                    p.WriteTo(w);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>tool_choice as the Responses API gives a function (<c>{"type": "function", "name": …}</c>), else as chat gives it.</summary>
    private static ApiError? ToolChoice(JsonElement? value, out ToolChoice choice)
    {
        if (value is { ValueKind: JsonValueKind.Object } tc && tc.TryGetProperty("name", out var name))
        {
            choice = Generation.ToolChoice.Unset;
            if (name.ValueKind != JsonValueKind.String)
                return ApiError.BadRequest("Invalid type for 'tool_choice.name': expected a string.", "tool_choice.name", "invalid_type");
            choice = new ToolChoice(ToolChoiceMode.Function, name.GetString());
            return null;
        }
        return ToolChoiceJson.Read(value, out choice);
    }

    /// <summary>Counts and sizes first: nothing is converted, compiled or rendered for a request over a limit.</summary>
    private static ApiError? CheckLimits(ResponsesRequest r, RequestLimits limits)
    {
        var messages = r.Input!.Messages;
        if ((limits.Messages(messages.Count, "input") ?? limits.Text(r.Instructions, "instructions")) is { } error)
            return error;
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            if ((m.FunctionCall is { } call ? limits.Text(call.Arguments, $"input[{i}].arguments") : limits.Text(m.Text, $"input[{i}].content")) is { } tooLong)
                return tooLong;
        }
        return null;
    }

    /// <summary>
    /// OpenAI's limits on 'metadata': 16 pairs, keys up to 64 characters, values up to 512. Without them
    /// a client could have megabytes echoed back in every response object (three times per stream).
    /// </summary>
    private static ApiError? MetadataError(Dictionary<string, string>? metadata)
    {
        const int MaxPairs = 16, MaxKey = 64, MaxValue = 512;
        if (metadata is null)
            return null;
        if (metadata.Count > MaxPairs)
            return ApiError.BadRequest($"Invalid 'metadata': {metadata.Count} pairs; at most {MaxPairs} are allowed.", "metadata");
        foreach (var (key, value) in metadata)
        {
            if (key.Length > MaxKey)
                return ApiError.BadRequest($"Invalid 'metadata': a key of {key.Length} characters; at most {MaxKey} are allowed.", "metadata");
            if (value is null)
                return ApiError.BadRequest($"Invalid 'metadata': the value of '{key}' must be a string.", "metadata", "invalid_type");
            if (value.Length > MaxValue)
                return ApiError.BadRequest($"Invalid 'metadata': the value of '{key}' has {value.Length} characters; at most {MaxValue} are allowed.", "metadata");
        }
        return null;
    }

    /// <summary>'text' is an object; its 'format' an object whose 'type' and 'name' are strings (the fuzz suite sent numbers there).</summary>
    private static ApiError? TextFormatTypeError(JsonElement? value)
    {
        static ApiError Invalid(string param, string expected) => ApiError.BadRequest($"Invalid type for '{param}': expected {expected}.", param, "invalid_type");
        if (value is not { } text || text.ValueKind == JsonValueKind.Null)
            return null;
        if (text.ValueKind != JsonValueKind.Object)
            return Invalid("text", "an object");
        if (!text.TryGetProperty("format", out var format) || format.ValueKind == JsonValueKind.Null)
            return null;
        if (format.ValueKind != JsonValueKind.Object)
            return Invalid("text.format", "an object");
        foreach (var field in (ReadOnlySpan<string>)["type", "name"])
        {
            if (format.TryGetProperty(field, out var v) && v.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                return Invalid($"text.format.{field}", "a string");
        }
        return null;
    }
}
