using System.Text.Json.Serialization;

namespace MicroAI.Server.OpenAI.Embeddings;

/// <summary>POST /v1/embeddings body.</summary>
public sealed class EmbeddingRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    /// <summary>A string, an array of strings, an array of token ids, or an array of token-id arrays.</summary>
    [JsonPropertyName("input")] public PromptList? Input { get; set; }
    /// <summary>"float" (default) or "base64" (little-endian float32).</summary>
    [JsonPropertyName("encoding_format")] public string? EncodingFormat { get; set; }
    /// <summary>Truncate each vector to this many dimensions, then re-normalise.</summary>
    [JsonPropertyName("dimensions")] public int? Dimensions { get; set; }
    [JsonPropertyName("user")] public string? User { get; set; }
    /// <summary>Extension (as Ollama and llama-server): cut inputs longer than the model's limit instead of answering 400.</summary>
    [JsonPropertyName("truncate")] public bool? Truncate { get; set; }
    [JsonPropertyName("keep_alive")] public System.Text.Json.JsonElement? KeepAlive { get; set; }
}
