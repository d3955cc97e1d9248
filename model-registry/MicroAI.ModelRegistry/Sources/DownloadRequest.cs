namespace MicroAI.ModelRegistry.Sources;

/// <summary>
/// What to download. <paramref name="ExpectedDigest"/> ("sha256:HEX" or bare hex) wins over any
/// digest the server publishes; <paramref name="BearerToken"/> is sent only to the host of
/// <paramref name="Uri"/>, never to a host it redirects to; so is <paramref name="Authorization"/>
/// (an OCI registry's Basic credential or bearer token), used when there is no BearerToken.
/// </summary>
public sealed record DownloadRequest(Uri Uri, string? ExpectedDigest = null, string? BearerToken = null,
    System.Net.Http.Headers.AuthenticationHeaderValue? Authorization = null);
