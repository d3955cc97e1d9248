using System.Security.Cryptography;
using MicroAI.Backends.Abstractions;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>Validates a Responses API request and turns it into a one-choice chat plan.</summary>
internal static class ResponsesRequestMapper
{
    private static readonly HashSet<string> s_roles = ["system", "developer", "user", "assistant", "tool"];

    /// <summary>Responses tools are flat ({"type","name","parameters"}); chat tools nest them under "function". The chat rules then apply.</summary>
    private static ApiError? MapTools(ResponsesRequest r, RequestLimits limits, out ToolPlan? plan)
    {
        plan = null;
        // Counted before each tool is rebuilt in the chat shape below.
        if (limits.Tools(r.Tools?.Count ?? 0) is { } tooMany)
            return tooMany;
        var chat = new ChatCompletionRequest { ParallelToolCalls = r.ParallelToolCalls };
        if (r.Tools is { Count: > 0 } tools)
        {
            chat.Tools = [];
            for (var i = 0; i < tools.Count; i++)
            {
                var t = tools[i];
                if (t.ValueKind != System.Text.Json.JsonValueKind.Object || !t.TryGetProperty("type", out var type)
                    || type.ValueKind != System.Text.Json.JsonValueKind.String || type.GetString() != "function")
                    return ApiError.Unsupported($"tools[{i}].type", "Only function tools are supported in the Responses API here (no built-in web search, file search or computer use).");
                var function = new System.Text.Json.Nodes.JsonObject();
                foreach (var p in t.EnumerateObject())
                {
                    if (p.Name is "name" or "description" or "parameters" or "strict")
                        function[p.Name] = System.Text.Json.Nodes.JsonNode.Parse(p.Value.GetRawText());
                }
                chat.Tools.Add(Element(new System.Text.Json.Nodes.JsonObject { ["type"] = "function", ["function"] = function }));
            }
        }
        if (r.ToolChoice is { ValueKind: System.Text.Json.JsonValueKind.Object } choice && choice.TryGetProperty("name", out var chosen))
        {
            if (chosen.ValueKind != System.Text.Json.JsonValueKind.String)
                return ApiError.BadRequest("Invalid type for 'tool_choice.name': expected a string.", "tool_choice.name", "invalid_type");
            chat.ToolChoice = Element(new System.Text.Json.Nodes.JsonObject { ["type"] = "function", ["function"] = new System.Text.Json.Nodes.JsonObject { ["name"] = chosen.GetString() } });
        }
        else
            chat.ToolChoice = r.ToolChoice;
        return ToolsMapper.Map(chat, limits, out plan);
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
    private static ApiError? TextFormatTypeError(System.Text.Json.JsonElement? value)
    {
        static ApiError Invalid(string param, string expected) => ApiError.BadRequest($"Invalid type for '{param}': expected {expected}.", param, "invalid_type");
        if (value is not { } text || text.ValueKind == System.Text.Json.JsonValueKind.Null)
            return null;
        if (text.ValueKind != System.Text.Json.JsonValueKind.Object)
            return Invalid("text", "an object");
        if (!text.TryGetProperty("format", out var format) || format.ValueKind == System.Text.Json.JsonValueKind.Null)
            return null;
        if (format.ValueKind != System.Text.Json.JsonValueKind.Object)
            return Invalid("text.format", "an object");
        foreach (var field in (ReadOnlySpan<string>)["type", "name"])
        {
            if (format.TryGetProperty(field, out var v) && v.ValueKind is not (System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Null))
                return Invalid($"text.format.{field}", "a string");
        }
        return null;
    }

    private static System.Text.Json.JsonElement Element(System.Text.Json.Nodes.JsonNode node)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(node.ToJsonString());
        return doc.RootElement.Clone();
    }

    /// <summary>The chat field names in an error, as the Responses API calls them (json_schema's fields sit in text.format itself).</summary>
    private static string ToTextFormat(string text) =>
        text.Replace("response_format.json_schema", "text.format", StringComparison.Ordinal).Replace("response_format", "text.format", StringComparison.Ordinal);

    /// <summary>Counts and sizes first: nothing is converted, compiled or rendered for a request over a limit.</summary>
    private static ApiError? CheckLimits(ResponsesRequest r, RequestLimits limits)
    {
        var messages = r.Input!.Messages;
        if ((limits.Messages(messages.Count, "input") ?? limits.Text(r.Instructions, "instructions") ?? limits.MaxTokens(r.MaxOutputTokens, "max_output_tokens")) is { } error)
            return error;
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            if ((m.FunctionCall is { } call ? limits.Text(call.Arguments, $"input[{i}].arguments") : limits.Text(m.Text, $"input[{i}].content")) is { } tooLong)
                return tooLong;
        }
        return null;
    }

    public static ApiError? Map(ResponsesRequest r, ResponseStore store, RequestLimits limits, string? owner, out GenerationPlan plan)
    {
        plan = null!;
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
        if (r.MaxOutputTokens is < 1)
            return ApiError.BadRequest($"Invalid 'max_output_tokens': {r.MaxOutputTokens}. Expected a value of at least 1.", "max_output_tokens");
        if (MetadataError(r.Metadata) is { } metadataError)
            return metadataError;
        if (MapTools(r, limits, out var toolPlan) is { } toolsError)
            return toolsError;
        string? grammar = null;
        if (TextFormatTypeError(r.Text) is { } textError)
            return textError;
        if (r.Text is { ValueKind: System.Text.Json.JsonValueKind.Object } text && text.TryGetProperty("format", out var format) && format.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            // The Responses API flattens json_schema's fields into text.format itself.
            var dto = new ResponseFormatDto
            {
                Type = format.TryGetProperty("type", out var type) ? type.GetString() : null,
                JsonSchema = new JsonSchemaFormatDto
                {
                    Name = format.TryGetProperty("name", out var name) ? name.GetString() : null,
                    Schema = format.TryGetProperty("schema", out var schema) ? schema.Clone() : null,
                    Strict = format.TryGetProperty("strict", out var strict) && strict.ValueKind == System.Text.Json.JsonValueKind.True,
                },
            };
            if (StructuredOutputMapper.Map(dto, limits, out grammar) is { } formatError)
                return formatError with
                {
                    Message = ToTextFormat(formatError.Message),
                    Param = formatError.Param is { } p ? ToTextFormat(p) : null,
                };
        }

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

        if (SamplingMapper.Map(r.Temperature, r.TopP, null, null, r.Seed, null, null, null, null, out var sampling) is { } samplingError)
            return samplingError;
        if (toolPlan?.ForcedGrammar is { } forced)
        {
            if (grammar is not null)
                return ApiError.BadRequest("A forced tool call and 'text.format' cannot both constrain one answer.", "text.format");
            grammar = forced;
        }
        sampling = sampling with { Grammar = grammar };
        if (SamplingMapper.MapKeepAlive(r.KeepAlive, out var keepAlive) is { } keepAliveError)
            return keepAliveError;

        plan = new GenerationPlan
        {
            Model = r.Model,
            Chat = true,
            Choices = [new GenerateRequest { Messages = turns, MaxTokens = r.MaxOutputTokens, Tools = toolPlan?.Tools }],
            Tools = toolPlan,
            Sampling = sampling,
            KeepAlive = keepAlive,
            Stream = r.Stream == true,
            Responses = new ResponsesPlan
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
                TextFormat = r.Text is { ValueKind: System.Text.Json.JsonValueKind.Object } t2 && t2.TryGetProperty("format", out var f2) ? f2.Clone() : null,
            },
        };
        return null;
    }
}
