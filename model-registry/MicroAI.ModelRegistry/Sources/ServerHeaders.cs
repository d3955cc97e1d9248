using System.Globalization;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Sources;

/// <summary>
/// The sha256 and size a server publishes for a file before sending it, so a download can be
/// checked against the server's word and skipped when the blob is already stored.
/// </summary>
internal static class ServerHeaders
{
    /// <summary>
    /// In order of trust: Hugging Face's <c>X-Linked-Etag</c> (the LFS sha256, sent on the first hop
    /// before the redirect to the CDN), RFC 9530 <c>Repr-Digest</c> / RFC 3230 <c>Digest</c>
    /// (sha-256 in base64), then an <c>ETag</c> of exactly 64 hex characters (nginx-style ETags are
    /// mtime-size, S3's are 32-hex MD5s, so 64 hex is a sha256 in practice).
    /// </summary>
    public static string? DigestOf(HttpResponseMessage response)
    {
        if (First(response, "X-Linked-Etag") is { } linked && FromEtag(linked) is { } fromLinked)
            return fromLinked;
        if (First(response, "Repr-Digest") is { } repr && FromDigestHeader(repr) is { } fromRepr)
            return fromRepr;
        if (First(response, "Digest") is { } digest && FromDigestHeader(digest) is { } fromDigest)
            return fromDigest;
        // A redirect's ETag describes the redirect, not the file.
        if ((int)response.StatusCode is >= 200 and < 300 or 416 && First(response, "ETag") is { } etag)
            return FromEtag(etag);
        return null;
    }

    /// <summary>Hugging Face's <c>X-Linked-Size</c>: the LFS file's size, sent next to X-Linked-Etag.</summary>
    public static long? LinkedSizeOf(HttpResponseMessage response) =>
        First(response, "X-Linked-Size") is { } v && long.TryParse(v.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null;

    internal static string? FromEtag(string value)
    {
        var v = value.Trim();
        if (v.StartsWith("W/", StringComparison.OrdinalIgnoreCase))
            v = v[2..];
        v = v.Trim().Trim('"');
        return v.Length == 64 ? Digest.Normalize(v) : null;
    }

    /// <summary>"sha-256=BASE64" (RFC 3230) or "sha-256=:BASE64:" (RFC 9530), possibly among other algorithms.</summary>
    internal static string? FromDigestHeader(string value)
    {
        foreach (var item in value.Split(','))
        {
            var eq = item.IndexOf('=');
            if (eq < 0 || !item[..eq].Trim().Equals("sha-256", StringComparison.OrdinalIgnoreCase))
                continue;
            var b64 = item[(eq + 1)..].Trim().Trim(':');
            var bytes = new byte[48];
            if (Convert.TryFromBase64String(b64, bytes, out var n) && n == 32)
                return Digest.FromHash(bytes.AsSpan(0, 32));
        }
        return null;
    }

    private static string? First(HttpResponseMessage response, string name)
    {
        if (response.Headers.NonValidated.TryGetValues(name, out var values))
            return values.FirstOrDefault();
        if (response.Content.Headers.NonValidated.TryGetValues(name, out var contentValues))
            return contentValues.FirstOrDefault();
        return null;
    }

    public static long? TotalLengthOf(HttpResponseMessage response, long offset)
    {
        var content = response.Content.Headers;
        if (response.StatusCode == System.Net.HttpStatusCode.PartialContent)
            return content.ContentRange?.Length ?? (content.ContentLength is { } n ? offset + n : null);
        return content.ContentLength;
    }
}
