namespace MicroAI.Server.Security;

/// <summary>One key as the server knows it: never the key itself, only its SHA-256.</summary>
/// <param name="LocalOnly">
/// Requests made with this key are never forwarded to an upstream, whatever model they name: an
/// upstream-only model answers 403, a routed one is served by the local model. Set when the key is
/// made (<c>keys create --local-only</c>, or the configuration entry), never by a request.
/// </param>
public sealed record ApiKey(
    string Id,
    string Name,
    byte[] Digest,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? Created,
    string? Prefix,
    int? RequestsPerMinute = null,
    int? TokensPerMinute = null,
    string Source = "file",
    bool LocalOnly = false);
