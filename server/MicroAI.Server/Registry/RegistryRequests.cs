using System.Text.Json.Serialization;

namespace MicroAI.Server.Registry;

/// <summary>POST /api/pull</summary>
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

[JsonSerializable(typeof(PullApiRequest))]
[JsonSerializable(typeof(TagApiRequest))]
internal sealed partial class RegistryApiJsonContext : JsonSerializerContext;
