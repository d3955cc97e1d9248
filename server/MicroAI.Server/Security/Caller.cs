using System.Net;

namespace MicroAI.Server.Security;

/// <summary>Who made the request: the key it authenticated with, or an anonymous client address.</summary>
public sealed record Caller(ApiKey? Key, IPAddress? RemoteAddress)
{
    /// <summary>The partition for rate limits: a key's id, or the client's address when there is no key.</summary>
    public string PartitionKey => Key?.Id ?? "ip:" + (RemoteAddress?.ToString() ?? "unknown");

    /// <summary>"laptop (key_1a2b3c4d5e)" or "anonymous".</summary>
    public string Display => Key is null ? "anonymous" : $"{Key.Name} ({Key.Id})";

    public static Caller Of(HttpContext http) =>
        http.Features.Get<Caller>() ?? new Caller(null, http.Connection.RemoteIpAddress);
}
