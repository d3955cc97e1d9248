using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroAI.Server.LlamaServer;

/// <summary>POST /tokenize body, as llama-server takes it (plus an optional model).</summary>
public sealed class TokenizeRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("content")] public string? Content { get; set; }
    [JsonPropertyName("add_special")] public bool? AddSpecial { get; set; }
    [JsonPropertyName("parse_special")] public bool? ParseSpecial { get; set; }
    [JsonPropertyName("with_pieces")] public bool? WithPieces { get; set; }
    [JsonPropertyName("keep_alive")] public JsonElement? KeepAlive { get; set; }
}

/// <summary>POST /detokenize body.</summary>
public sealed class DetokenizeRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("tokens")] public List<int>? Tokens { get; set; }
    [JsonPropertyName("keep_alive")] public JsonElement? KeepAlive { get; set; }
}
