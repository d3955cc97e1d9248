using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroAI.Server.Anthropic.Messages;

/// <summary>
/// POST /v1/messages body (the fields MicroAI reads; unknown fields are ignored). Content, system,
/// tools and tool_choice stay JSON: each is a string or a list of typed blocks, read by
/// <see cref="MessagesMapper"/> so an unsupported block is named in the error.
/// POST /v1/messages/count_tokens takes the same body without max_tokens.
/// </summary>
public sealed class MessagesRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("messages")] public List<AnthropicMessageDto>? Messages { get; set; }
    /// <summary>A string, or a list of <c>{"type":"text","text":…}</c> blocks.</summary>
    [JsonPropertyName("system")] public JsonElement? System { get; set; }
    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; set; }
    [JsonPropertyName("stop_sequences")] public List<string>? StopSequences { get; set; }
    [JsonPropertyName("stream")] public bool? Stream { get; set; }
    [JsonPropertyName("temperature")] public float? Temperature { get; set; }
    [JsonPropertyName("top_p")] public float? TopP { get; set; }
    [JsonPropertyName("top_k")] public int? TopK { get; set; }
    /// <summary><c>{"name","description","input_schema"}</c> each.</summary>
    [JsonPropertyName("tools")] public List<JsonElement>? Tools { get; set; }
    /// <summary><c>{"type":"auto"|"any"|"tool"|"none","name"?,"disable_parallel_tool_use"?}</c>.</summary>
    [JsonPropertyName("tool_choice")] public JsonElement? ToolChoice { get; set; }
    [JsonPropertyName("metadata")] public AnthropicMetadataDto? Metadata { get; set; }
}

public sealed class AnthropicMessageDto
{
    [JsonPropertyName("role")] public string? Role { get; set; }
    /// <summary>A string, or a list of content blocks (text, tool_use, tool_result, …).</summary>
    [JsonPropertyName("content")] public JsonElement? Content { get; set; }
}

public sealed class AnthropicMetadataDto
{
    [JsonPropertyName("user_id")] public string? UserId { get; set; }
}
