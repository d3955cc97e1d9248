using System.Buffers;

namespace MicroAI.Imaging;

/// <summary>
/// Lenient base64 decoding for client payloads: skips whitespace, maps the URL-safe alphabet to the standard one,
/// restores missing padding, and reports the first bad character by position. The output size is bounded by
/// <see cref="ImageDecodeLimits.MaxEncodedBytes"/> before anything is allocated.
/// </summary>
internal static class Base64Payload
{
    public static byte[] Decode(ReadOnlySpan<char> text, ImageDecodeLimits limits)
    {
        // Upper bound on the decoded size, from the raw length (whitespace only makes the real size smaller).
        limits.CheckEncodedSize((long)text.Length / 4 * 3);

        var buffer = ArrayPool<char>.Shared.Rent(text.Length + 3);
        try
        {
            var count = 0;
            var padding = 0;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                switch (c)
                {
                    case ' ' or '\t' or '\r' or '\n' or '\f':
                        continue;
                    case '=':
                        padding++;
                        if (padding > 2)
                            throw new ImageDecodeException($"invalid base64: too much '=' padding at position {i}");
                        continue;
                    case '-':
                        c = '+';
                        break;
                    case '_':
                        c = '/';
                        break;
                    default:
                        if (!char.IsAsciiLetterOrDigit(c) && c is not '+' and not '/')
                            throw new ImageDecodeException($"invalid base64: unexpected character {Describe(c)} at position {i}");
                        break;
                }

                if (padding > 0)
                    throw new ImageDecodeException($"invalid base64: data continues after '=' padding at position {i}");
                buffer[count++] = c;
            }

            if (count == 0)
                throw new ImageDecodeException("image payload is empty");
            if (count % 4 == 1)
                throw new ImageDecodeException("invalid base64: length is not possible (truncated payload?)");
            while (count % 4 != 0)
                buffer[count++] = '=';

            var decodedLength = (count / 4 * 3) - (buffer[count - 1] == '=' ? 1 : 0) - (buffer[count - 2] == '=' ? 1 : 0);
            var bytes = new byte[decodedLength];
            if (!Convert.TryFromBase64Chars(buffer.AsSpan(0, count), bytes, out var written) || written != decodedLength)
                throw new ImageDecodeException("invalid base64 payload");
            return bytes;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static string Describe(char c) =>
        c is >= ' ' and < (char)0x7F ? $"'{c}'" : $"U+{(int)c:X4}";
}
