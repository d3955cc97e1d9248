using System.Text.Json.Serialization;

namespace MicroAI.Server.OpenAI;

/// <summary>stream_options of chat and legacy completions.</summary>
public sealed class StreamOptionsDto
{
    [JsonPropertyName("include_usage")] public bool? IncludeUsage { get; set; }
}
