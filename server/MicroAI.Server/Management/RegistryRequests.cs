using System.Text.Json.Serialization;

namespace MicroAI.Server.Management;

/// <summary>POST /api/registry/pull (MicroAI's own pull; /api/pull is Ollama's)</summary>
public sealed class PullApiRequest
{
    [JsonPropertyName("source")] public string? Source { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("digest")] public string? Digest { get; set; }
    /// <summary>NDJSON progress lines (default) or one JSON answer at the end.</summary>
    [JsonPropertyName("stream")] public bool? Stream { get; set; }
}

/// <summary>POST /api/tag</summary>
public sealed class TagApiRequest
{
    [JsonPropertyName("source")] public string? Source { get; set; }
    [JsonPropertyName("target")] public string? Target { get; set; }
}

/// <summary>POST /api/load and POST /api/unload</summary>
public sealed class ResidencyApiRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    /// <summary>load only: how long it stays loaded when idle (Ollama's keep_alive: "10m", seconds, -1 forever).</summary>
    [JsonPropertyName("keep_alive")] public System.Text.Json.JsonElement? KeepAlive { get; set; }
}

[JsonSerializable(typeof(ResidencyApiRequest))]
[JsonSerializable(typeof(PullApiRequest))]
[JsonSerializable(typeof(TagApiRequest))]
internal sealed partial class RegistryApiJsonContext : JsonSerializerContext;
