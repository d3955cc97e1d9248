namespace MicroAI.ModelRegistry.Sources;

/// <summary>
/// The outcome of a download: the blob's digest and size, or an <paramref name="Error"/>.
/// <paramref name="Resumed"/> is true when bytes from an interrupted attempt were kept.
/// <paramref name="DigestSource"/> says what the blob was checked against: "user", "server", or
/// null when nothing was known in advance and the computed digest was taken as is.
/// </summary>
public sealed record DownloadResult(string? Digest, long Size, string? Error, bool Resumed, string? DigestSource)
{
    public const string FromUser = "user";
    public const string FromServer = "server";

    public bool Success => Error is null;

    public static DownloadResult Fail(string error) => new(null, 0, error, false, null);
}
