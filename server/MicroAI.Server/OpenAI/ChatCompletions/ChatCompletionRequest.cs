using System.Text.Json.Serialization;

namespace MicroAI.Server.OpenAI.ChatCompletions;

/// <summary>POST /v1/chat/completions body (the fields MicroAI reads; unknown fields are ignored).</summary>
public sealed class ChatCompletionRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("messages")] public List<ChatMessageDto>? Messages { get; set; }
    [JsonPropertyName("stream")] public bool? Stream { get; set; }
    [JsonPropertyName("stream_options")] public StreamOptionsDto? StreamOptions { get; set; }
    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; set; }
    [JsonPropertyName("max_completion_tokens")] public int? MaxCompletionTokens { get; set; }
    [JsonPropertyName("n")] public int? N { get; set; }
    [JsonPropertyName("stop")] public StopSequences? Stop { get; set; }
    [JsonPropertyName("logprobs")] public bool? Logprobs { get; set; }
    [JsonPropertyName("top_logprobs")] public int? TopLogprobs { get; set; }
    [JsonPropertyName("response_format")] public ResponseFormatDto? ResponseFormat { get; set; }
    [JsonPropertyName("tools")] public List<System.Text.Json.JsonElement>? Tools { get; set; }
    /// <summary>"none", "auto", "required", or {"type": "function", "function": {"name": …}}.</summary>
    [JsonPropertyName("tool_choice")] public System.Text.Json.JsonElement? ToolChoice { get; set; }
    [JsonPropertyName("parallel_tool_calls")] public bool? ParallelToolCalls { get; set; }
    [JsonPropertyName("logit_bias")] public Dictionary<string, float>? LogitBias { get; set; }
    /// <summary>llama-server's extension: a GBNF grammar (root rule "root") the output must follow.</summary>
    [JsonPropertyName("grammar")] public string? Grammar { get; set; }
    /// <summary>vLLM's extension: a Jinja chat template for this request instead of the model's.</summary>
    [JsonPropertyName("chat_template")] public string? ChatTemplate { get; set; }
    [JsonPropertyName("user")] public string? User { get; set; }
    /// <summary>Ollama's keep_alive: "5m", "30s", seconds as a number, 0, or -1 (forever).</summary>
    [JsonPropertyName("keep_alive")] public System.Text.Json.JsonElement? KeepAlive { get; set; }
    [JsonPropertyName("temperature")] public float? Temperature { get; set; }
    [JsonPropertyName("top_p")] public float? TopP { get; set; }
    [JsonPropertyName("presence_penalty")] public float? PresencePenalty { get; set; }
    [JsonPropertyName("frequency_penalty")] public float? FrequencyPenalty { get; set; }
    [JsonPropertyName("seed")] public long? Seed { get; set; }
    // llama-server extensions
    [JsonPropertyName("top_k")] public int? TopK { get; set; }
    [JsonPropertyName("min_p")] public float? MinP { get; set; }
    [JsonPropertyName("repeat_penalty")] public float? RepeatPenalty { get; set; }
    [JsonPropertyName("repeat_last_n")] public int? RepeatLastN { get; set; }
}

public sealed class ChatMessageDto
{
    [JsonPropertyName("role")] public string? Role { get; set; }
    [JsonPropertyName("content")] public MessageContent? Content { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("tool_calls")] public List<ToolCallDto>? ToolCalls { get; set; }
    [JsonPropertyName("tool_call_id")] public string? ToolCallId { get; set; }
}

public sealed class ToolCallDto
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("function")] public ToolCallFunctionDto? Function { get; set; }
}

public sealed class ToolCallFunctionDto
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("arguments")] public string? Arguments { get; set; }
}

public sealed class ResponseFormatDto
{
    /// <summary>"text", "json_object" or "json_schema".</summary>
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("json_schema")] public JsonSchemaFormatDto? JsonSchema { get; set; }
}

public sealed class JsonSchemaFormatDto
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("schema")] public System.Text.Json.JsonElement? Schema { get; set; }
    [JsonPropertyName("strict")] public bool? Strict { get; set; }
}
