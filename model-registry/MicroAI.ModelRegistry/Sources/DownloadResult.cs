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

    /// <summary>Why it failed, so callers never have to parse the message (which starts with the URL).</summary>
    public DownloadFailure Failure { get; init; }

    public static DownloadResult Fail(string error, DownloadFailure failure = DownloadFailure.Failed) =>
        new(null, 0, error, false, null) { Failure = failure };
}

public enum DownloadFailure
{
    None,
    /// <summary>Disk or local trouble (worth retrying later).</summary>
    Failed,
    /// <summary>The source's server could not be reached, kept failing through every retry, or refused the download (401, 403, …).</summary>
    Upstream,
    /// <summary>404 / 410: no such file at that address.</summary>
    NotFound,
    /// <summary>Bad input or content: not a URL, not a digest, a digest mismatch.</summary>
    Invalid,
}
