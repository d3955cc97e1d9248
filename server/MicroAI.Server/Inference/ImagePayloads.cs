namespace MicroAI.Server.Inference;

/// <summary>
/// An image as clients send it in JSON: a data URL (<c>data:image/png;base64,...</c>) or bare
/// base64. Remote URLs are refused: the server never fetches from the network on a client's behalf.
/// </summary>
internal static class ImagePayloads
{
    public static bool TryDecode(string payload, out ReadOnlyMemory<byte> bytes, out string problem)
    {
        bytes = default;
        var text = payload.AsSpan().Trim();
        if (text.IsEmpty)
        {
            problem = "the image is empty.";
            return false;
        }
        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            problem = "remote image URLs are not fetched; send the image as a data URL (data:image/png;base64,...) or base64.";
            return false;
        }
        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = text.IndexOf(',');
            if (comma < 0)
            {
                problem = "the data URL has no ',' before its data.";
                return false;
            }
            var header = text[5..comma];
            if (!header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                problem = "the data URL must be base64-encoded (data:image/png;base64,...).";
                return false;
            }
            var mediaType = header[..^";base64".Length];
            if (!mediaType.IsEmpty && !mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            {
                problem = $"the data URL's media type is '{mediaType}', not an image.";
                return false;
            }
            text = text[(comma + 1)..];
        }
        if (!ClassificationInputs.TryBase64(text.ToString(), out var raw))
        {
            problem = "the image data is not valid base64.";
            return false;
        }
        if (raw.Length == 0)
        {
            problem = "the image is empty.";
            return false;
        }
        bytes = raw;
        problem = string.Empty;
        return true;
    }
}
