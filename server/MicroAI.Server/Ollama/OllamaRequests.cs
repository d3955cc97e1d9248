using System.Text.Json;
using System.Text.Json.Serialization;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Ollama;

/// <summary>POST /api/generate body (Ollama's API reference; unknown fields are ignored, as Ollama does).</summary>
public sealed class OllamaGenerateRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("prompt")] public string? Prompt { get; set; }
    [JsonPropertyName("suffix")] public string? Suffix { get; set; }
    [JsonPropertyName("system")] public string? System { get; set; }
    [JsonPropertyName("template")] public string? Template { get; set; }
    /// <summary>The token context an older /api/generate returned, to continue from.</summary>
    [JsonPropertyName("context")] public List<long>? Context { get; set; }
    [JsonPropertyName("images")] public List<string>? Images { get; set; }
    [JsonPropertyName("raw")] public bool? Raw { get; set; }
    [JsonPropertyName("stream")] public bool? Stream { get; set; }
    /// <summary>"json", or a JSON schema object.</summary>
    [JsonPropertyName("format")] public JsonElement? Format { get; set; }
    [JsonPropertyName("options")] public Dictionary<string, JsonElement>? Options { get; set; }
    [JsonPropertyName("keep_alive")] public JsonElement? KeepAlive { get; set; }
    [JsonPropertyName("think")] public JsonElement? Think { get; set; }
}

/// <summary>POST /api/chat body.</summary>
public sealed class OllamaChatRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("messages")] public List<OllamaMessage>? Messages { get; set; }
    [JsonPropertyName("tools")] public List<JsonElement>? Tools { get; set; }
    /// <summary>MicroAI's extension (Ollama has none): OpenAI's tool_choice, so a small model can be made to call.</summary>
    [JsonPropertyName("tool_choice")] public JsonElement? ToolChoice { get; set; }
    [JsonPropertyName("template")] public string? Template { get; set; }
    [JsonPropertyName("stream")] public bool? Stream { get; set; }
    [JsonPropertyName("format")] public JsonElement? Format { get; set; }
    [JsonPropertyName("options")] public Dictionary<string, JsonElement>? Options { get; set; }
    [JsonPropertyName("keep_alive")] public JsonElement? KeepAlive { get; set; }
    [JsonPropertyName("think")] public JsonElement? Think { get; set; }
}

public sealed class OllamaMessage
{
    [JsonPropertyName("role")] public string? Role { get; set; }
    [JsonPropertyName("content")] public string? Content { get; set; }
    [JsonPropertyName("images")] public List<string>? Images { get; set; }
    [JsonPropertyName("thinking")] public string? Thinking { get; set; }
    [JsonPropertyName("tool_calls")] public List<OllamaToolCall>? ToolCalls { get; set; }
    /// <summary>On a tool message: the function whose result it carries.</summary>
    [JsonPropertyName("tool_name")] public string? ToolName { get; set; }
    [JsonPropertyName("tool_call_id")] public string? ToolCallId { get; set; }
}

public sealed class OllamaToolCall
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("function")] public OllamaToolCallFunction? Function { get; set; }
}

public sealed class OllamaToolCallFunction
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    /// <summary>An object (Ollama's shape); a JSON string is accepted too.</summary>
    [JsonPropertyName("arguments")] public JsonElement? Arguments { get; set; }
}

/// <summary>POST /api/embed body.</summary>
public sealed class OllamaEmbedRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    /// <summary>A string or an array of strings.</summary>
    [JsonPropertyName("input")] public PromptList? Input { get; set; }
    /// <summary>Cut inputs longer than the model's context (Ollama's default: true).</summary>
    [JsonPropertyName("truncate")] public bool? Truncate { get; set; }
    [JsonPropertyName("dimensions")] public int? Dimensions { get; set; }
    [JsonPropertyName("options")] public Dictionary<string, JsonElement>? Options { get; set; }
    [JsonPropertyName("keep_alive")] public JsonElement? KeepAlive { get; set; }
}

/// <summary>POST /api/embeddings body (Ollama's older embeddings route).</summary>
public sealed class OllamaEmbeddingsRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("prompt")] public string? Prompt { get; set; }
    [JsonPropertyName("options")] public Dictionary<string, JsonElement>? Options { get; set; }
    [JsonPropertyName("keep_alive")] public JsonElement? KeepAlive { get; set; }
}

/// <summary>POST /api/show, DELETE /api/delete: a model by name ("name" is the older spelling).</summary>
public sealed class OllamaModelRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("verbose")] public bool? Verbose { get; set; }
    [JsonIgnore] public string? Target => string.IsNullOrWhiteSpace(Model) ? Name : Model;
}

/// <summary>POST /api/pull body.</summary>
public sealed class OllamaPullRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("insecure")] public bool? Insecure { get; set; }
    [JsonPropertyName("stream")] public bool? Stream { get; set; }
    [JsonIgnore] public string? Target => string.IsNullOrWhiteSpace(Model) ? Name : Model;
}

/// <summary>POST /api/copy body.</summary>
public sealed class OllamaCopyRequest
{
    [JsonPropertyName("source")] public string? Source { get; set; }
    [JsonPropertyName("destination")] public string? Destination { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = false,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(OllamaGenerateRequest))]
[JsonSerializable(typeof(OllamaChatRequest))]
[JsonSerializable(typeof(OllamaEmbedRequest))]
[JsonSerializable(typeof(OllamaEmbeddingsRequest))]
[JsonSerializable(typeof(OllamaModelRequest))]
[JsonSerializable(typeof(OllamaPullRequest))]
[JsonSerializable(typeof(OllamaCopyRequest))]
internal sealed partial class OllamaJsonContext : JsonSerializerContext;
