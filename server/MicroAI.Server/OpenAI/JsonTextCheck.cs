using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace MicroAI.Server.OpenAI;

/// <summary>
/// What System.Text.Json lets through and a client must still hear about: bytes that are not UTF-8
/// inside values the serializer skips (unknown fields), and escapes that decode to an unpaired
/// UTF-16 surrogate (<c>"\ud800"</c>) in fields kept as <see cref="JsonElement"/>, whose later
/// <c>GetString()</c> would throw on the request path (the fuzz suite turned both into 200s and 500s).
/// </summary>
internal static class JsonTextCheck
{
    /// <summary>Null when the body is UTF-8 and every escaped string decodes; malformed JSON is left to the serializer's message.</summary>
    public static ApiError? Check(ReadOnlySpan<byte> body, JsonReaderOptions options)
    {
        // Vectorised, so cheap next to binding the same bytes to a DTO, which the request pays anyway.
        if (!Utf8.IsValid(body))
            return ApiError.BadRequest($"The request body is not valid UTF-8 (at byte {FirstInvalidByte(body)}).", null, "invalid_json");

        // Only a \u escape can decode to a lone surrogate (raw bytes would have failed the UTF-8 check),
        // and most bodies have none: one vectorised search spares them a second pass of the reader.
        if (body.IndexOf("\\u"u8) < 0)
            return null;
        var reader = new Utf8JsonReader(body, options);
        char[]? scratch = null;
        try
        {
            while (reader.Read())
            {
                // Only escaped strings can hold a lone surrogate; most strings are not escaped.
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped)
                    continue;
                var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
                if (scratch is null || scratch.Length < length)
                {
                    if (scratch is not null)
                        ArrayPool<char>.Shared.Return(scratch);
                    scratch = ArrayPool<char>.Shared.Rent(length);
                }
                try
                {
                    reader.CopyString(scratch);
                }
                catch (InvalidOperationException)
                {
                    return ApiError.BadRequest(
                        $"The JSON string at byte {reader.TokenStartIndex} of the request body has an escape that is not valid UTF-16 (an unpaired surrogate such as \\ud800).",
                        null, "invalid_json");
                }
            }
        }
        catch (JsonException)
        {
            // Not well-formed: the serializer reports it with the field's path.
        }
        finally
        {
            if (scratch is not null)
                ArrayPool<char>.Shared.Return(scratch);
        }
        return null;
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> body)
    {
        var at = 0;
        while (at < body.Length)
        {
            if (Rune.DecodeFromUtf8(body[at..], out _, out var consumed) != OperationStatus.Done)
                return at;
            at += consumed;
        }
        return at;
    }
}
