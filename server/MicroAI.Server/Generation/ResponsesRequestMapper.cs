using System.Security.Cryptography;
using MicroAI.Backends.Abstractions;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>Validates a Responses API request and turns it into a one-choice chat plan.</summary>
internal static class ResponsesRequestMapper
{
    private static readonly HashSet<string> s_roles = ["system", "developer", "user", "assistant"];

    public static ApiError? Map(ResponsesRequest r, ResponseStore store, out GenerationPlan plan)
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
        if (r.MaxOutputTokens is < 1)
            return ApiError.BadRequest($"Invalid 'max_output_tokens': {r.MaxOutputTokens}. Expected a value of at least 1.", "max_output_tokens");
        if (r.Tools is { ValueKind: System.Text.Json.JsonValueKind.Array } tools && tools.GetArrayLength() > 0)
            return ApiError.Unsupported("tools", "Tools in the Responses API are not supported by this server yet.");
        string? grammar = null;
        if (r.Text is { ValueKind: System.Text.Json.JsonValueKind.Object } text && text.TryGetProperty("format", out var format))
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
            if (StructuredOutputMapper.Map(dto, out grammar) is { } formatError)
                return formatError with { Param = formatError.Param?.Replace("response_format.json_schema", "text.format", StringComparison.Ordinal).Replace("response_format", "text.format", StringComparison.Ordinal) };
        }

        var conversation = new List<ChatTurn>();
        if (r.PreviousResponseId is { } previous)
        {
            if (store.Find(previous) is not { } earlier)
                return ApiError.BadRequest($"Previous response with id '{previous}' not found.", "previous_response_id", "previous_response_not_found");
            conversation.AddRange(earlier.Where(t => t.Role != "system" || r.Instructions is null));
        }
        conversation.AddRange(r.Input.Messages.Select(m => new ChatTurn(m.Role, m.Text)));
        // instructions apply to this response only (OpenAI does not carry them over previous_response_id).
        IReadOnlyList<ChatTurn> turns = r.Instructions is { Length: > 0 } instructions
            ? [new ChatTurn("system", instructions), .. conversation.Where(t => t.Role != "system")]
            : conversation;

        if (SamplingMapper.Map(r.Temperature, r.TopP, null, null, r.Seed, null, null, null, null, out var sampling) is { } samplingError)
            return samplingError;
        sampling = sampling with { Grammar = grammar };
        if (SamplingMapper.MapKeepAlive(r.KeepAlive, out var keepAlive) is { } keepAliveError)
            return keepAliveError;

        plan = new GenerationPlan
        {
            Model = r.Model,
            Chat = true,
            Choices = [new GenerateRequest { Messages = turns, MaxTokens = r.MaxOutputTokens }],
            Sampling = sampling,
            KeepAlive = keepAlive,
            Stream = r.Stream == true,
            Responses = new ResponsesPlan
            {
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
