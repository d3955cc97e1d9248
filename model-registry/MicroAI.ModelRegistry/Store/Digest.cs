using System.Security.Cryptography;

namespace MicroAI.ModelRegistry.Store;

/// <summary>Content digests as "sha256:&lt;64 lowercase hex&gt;" (the OCI / Ollama spelling).</summary>
public static class Digest
{
    public const string Prefix = "sha256:";

    public static bool IsValid(string? digest) =>
        digest is { Length: 71 } && digest.StartsWith(Prefix, StringComparison.Ordinal) && digest.AsSpan(7).IndexOfAnyExcept("0123456789abcdef") < 0;

    /// <summary>Accepts "sha256:HEX" or bare HEX (either case); null when it is not a sha256 digest.</summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var v = value.Trim().Trim('"').ToLowerInvariant();
        if (!v.StartsWith(Prefix, StringComparison.Ordinal))
            v = Prefix + v;
        return IsValid(v) ? v : null;
    }

    public static string FromHash(ReadOnlySpan<byte> sha256) => Prefix + Convert.ToHexStringLower(sha256);

    /// <summary>The file name a blob is stored under ("sha256-HEX"): no colon, valid on every file system.</summary>
    public static string ToFileName(string digest) => "sha256-" + digest[Prefix.Length..];

    public static async Task<string> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);
        return FromHash(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
