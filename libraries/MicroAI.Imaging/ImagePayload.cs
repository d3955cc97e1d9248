namespace MicroAI.Imaging;

/// <summary>
/// An image as a client sent it in JSON: raw base64, or a data URL such as <c>data:image/png;base64,iVBOR...</c>.
/// <see cref="MediaType"/> is what the client declared (null for raw base64); the decoder ignores it and sniffs
/// the bytes, because a declared type is a claim, not a fact.
/// </summary>
public sealed record ImagePayload(string? MediaType, byte[] Data)
{
    /// <summary>
    /// Parses raw base64 or a base64 data URL. Whitespace and line breaks inside the base64 are skipped, the
    /// URL-safe alphabet (<c>-</c>, <c>_</c>) is accepted and missing <c>=</c> padding is tolerated, since clients
    /// produce all of these. Remote URLs are refused: the server does not fetch anything on a client's behalf.
    /// </summary>
    public static ImagePayload Parse(string text, ImageDecodeLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var effective = ImageDecodeLimits.OrDefault(limits);
        var span = text.AsSpan().Trim();
        if (span.IsEmpty)
            throw new ImageDecodeException("image payload is empty");

        if (span.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            return ParseDataUrl(span[5..], effective);

        var scheme = UrlScheme(span);
        if (scheme is not null)
        {
            if (scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
                throw new ImageDecodeException("remote image URLs are not fetched; send the image inline as base64 or a data:image/...;base64 URL");
            throw new ImageDecodeException($"'{scheme}:' URLs are not accepted; send the image inline as base64 or a data:image/...;base64 URL");
        }

        return new ImagePayload(null, Base64Payload.Decode(span, effective));
    }

    private static ImagePayload ParseDataUrl(ReadOnlySpan<char> rest, ImageDecodeLimits limits)
    {
        // RFC 2397: data:[<mediatype>][;parameter=value]*[;base64],<data>
        var comma = rest.IndexOf(',');
        if (comma < 0)
            throw new ImageDecodeException("data URL has no ',' before its data");
        var header = rest[..comma];
        var semicolon = header.IndexOf(';');
        var mediaType = (semicolon < 0 ? header : header[..semicolon]).Trim().ToString().ToLowerInvariant();
        var isBase64 = false;
        if (semicolon >= 0)
        {
            foreach (var range in header[(semicolon + 1)..].Split(';'))
            {
                if (header[(semicolon + 1)..][range].Trim().Equals("base64", StringComparison.OrdinalIgnoreCase))
                    isBase64 = true;
            }
        }

        // An empty media type is allowed (some clients omit it); sniffing decides the format anyway.
        if (mediaType.Length > 0 && !mediaType.StartsWith("image/", StringComparison.Ordinal))
            throw new ImageDecodeException($"data URL has media type '{mediaType}', not an image; send image/png or image/jpeg");
        if (!isBase64)
            throw new ImageDecodeException("data URL is not base64-encoded; use data:image/png;base64,...");
        return new ImagePayload(mediaType.Length == 0 ? null : mediaType, Base64Payload.Decode(rest[(comma + 1)..], limits));
    }

    /// <summary>The scheme if <paramref name="text"/> starts like a URL (<c>letters:</c>); base64 never contains ':'.</summary>
    private static string? UrlScheme(ReadOnlySpan<char> text)
    {
        var colon = text.IndexOf(':');
        if (colon <= 0 || colon > 32 || !char.IsAsciiLetter(text[0]))
            return null;
        foreach (var c in text[..colon])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '+' and not '-' and not '.')
                return null;
        }

        return text[..colon].ToString();
    }
}
