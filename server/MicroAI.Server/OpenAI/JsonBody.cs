using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MicroAI.Server.OpenAI;

/// <summary>Reads a JSON request body; malformed JSON or a wrong type becomes a 400 naming the field.</summary>
internal static class JsonBody
{
    public static async Task<(T? Value, ApiError? Error)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo) where T : class
    {
        // The whole body is read first (Kestrel's MaxRequestBodySize bounds it; the serializer buffered
        // a whole object anyway) so its text can be checked before it is bound: see JsonTextCheck.
        ReadOnlyMemory<byte> body;
        try
        {
            // Sized from Content-Length up to 64 KiB (chat bodies are mostly smaller): a client that claims
            // a large body and never sends it holds no more than that; real large bodies grow as they arrive.
            var buffer = new MemoryStream(request.ContentLength is > 0 and <= 64 << 10 ? (int)request.ContentLength.Value : 64 << 10);
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        }
        catch (BadHttpRequestException ex)
        {
            return (null, new ApiError(ex.StatusCode, ex.Message, "invalid_request_error", null, "invalid_body"));
        }
        try
        {
            var options = typeInfo.Options;
            if (JsonTextCheck.Check(body.Span, new JsonReaderOptions { MaxDepth = options.MaxDepth, CommentHandling = options.ReadCommentHandling, AllowTrailingCommas = options.AllowTrailingCommas }) is { } textError)
                return (null, textError);
            var value = JsonSerializer.Deserialize(body.Span, typeInfo);
            return value is null
                ? (null, ApiError.BadRequest("The request body must be a JSON object.", null, "invalid_json"))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, FromJsonException(ex));
        }
    }

    /// <summary>
    /// The shape of every JSON endpoint: read the body, let <paramref name="respond"/> answer (it writes
    /// the response and returns null, or returns the error), and write any error in OpenAI's shape.
    /// </summary>
    public static async Task HandleAsync<T>(HttpContext http, JsonTypeInfo<T> typeInfo, Func<T, Task<ApiError?>> respond) where T : class
    {
        var (request, error) = await ReadAsync(http.Request, typeInfo);
        if (error is null)
            error = await respond(request!);
        if (error is not null)
            await error.WriteResponseAsync(http.Response);
    }

    internal static ApiError FromJsonException(JsonException ex)
    {
        var param = ToParam(ex.Path);
        var detail = ex.Message;
        var cut = detail.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
            detail = detail[..cut];

        // The body is valid JSON but not an object (an array, a string, a number).
        if (param is null && detail.Contains("could not be converted", StringComparison.Ordinal))
            return ApiError.BadRequest("The request body must be a JSON object.", null, "invalid_json");
        // A value of the wrong JSON type for a typed field.
        if (detail.Contains("could not be converted", StringComparison.Ordinal) && param is not null)
            return ApiError.BadRequest($"Invalid type for '{param}'.", param, "invalid_type");
        // The reader failed: the body is not well-formed JSON (the path is only where it gave up).
        if (ex.InnerException is not null || param is null)
            return ApiError.BadRequest($"We could not parse the JSON body of your request: {detail}", null, "invalid_json");
        // One of our converters rejected a value; its message is already meant for the client.
        return ApiError.BadRequest(detail, param, "invalid_type");
    }

    /// <summary>"$.messages[0].content" → "messages[0].content".</summary>
    private static string? ToParam(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
            return null;
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}
