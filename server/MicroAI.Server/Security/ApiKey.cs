namespace MicroAI.Server.Security;

/// <summary>One key as the server knows it: never the key itself, only its SHA-256.</summary>
public sealed record ApiKey(
    string Id,
    string Name,
    byte[] Digest,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? Created,
    string? Prefix,
    int? RequestsPerMinute = null,
    int? TokensPerMinute = null,
    string Source = "file");
