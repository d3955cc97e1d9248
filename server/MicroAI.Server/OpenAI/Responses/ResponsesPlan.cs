using MicroAI.Engines.Abstractions;

namespace MicroAI.Server.OpenAI.Responses;

/// <summary>What a Responses API request adds to the generation: the fields echoed in the response object and what to store.</summary>
internal sealed class ResponsesPlan
{
    public required string Id { get; init; }
    public string? Instructions { get; init; }
    public int? MaxOutputTokens { get; init; }
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public bool Store { get; init; } = true;
    /// <summary>The API key (id) the response is stored under; null without keys.</summary>
    public string? Owner { get; init; }
    public string? PreviousResponseId { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    /// <summary>The conversation the model saw (previous responses' turns + this input), kept for previous_response_id.</summary>
    public required IReadOnlyList<ChatTurn> Conversation { get; init; }
    /// <summary>text.format as the request gave it (echoed in the response object); null = text.</summary>
    public System.Text.Json.JsonElement? TextFormat { get; init; }
}
