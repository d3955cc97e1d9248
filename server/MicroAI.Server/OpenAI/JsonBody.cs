using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MicroAI.Server.Limits;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.OpenAI;

/// <summary>
/// Reads a JSON request body; malformed JSON or a wrong type becomes a 400 naming the field. The
/// body's size (413) and nesting (MaxJsonDepth) are bounded by <see cref="RequestLimits"/> here,
/// once for every JSON endpoint.
/// </summary>
internal static class JsonBody
{
    private static readonly RequestLimits s_defaultLimits = new();
    private static readonly ConcurrentDictionary<(JsonSerializerOptions, int), JsonSerializerOptions> s_depthOptions = new();

    public static async Task<(T? Value, ApiError? Error)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo) where T : class
    {
        var limits = request.HttpContext.RequestServices.GetService<IOptions<RequestLimits>>()?.Value ?? s_defaultLimits;
        // A declared length over the limit is refused before a byte is read; a chunked body that grows
        // past it is stopped by Kestrel's MaxRequestBodySize (the same number) while it is read.
        if (request.ContentLength > limits.MaxRequestBodyBytes)
            return (null, limits.BodyTooLarge(request.ContentLength));

        // The whole body is read first (the serializer buffered a whole object anyway) so its text can
        // be checked before it is bound: see JsonTextCheck.
        ReadOnlyMemory<byte> body;
        try
        {
            // Sized from Content-Length up to 64 KiB (chat bodies are mostly smaller): a client that claims
            // a large body and never sends it holds no more than that; real large bodies grow as they arrive.
            var buffer = new MemoryStream(request.ContentLength is > 0 and <= 64 << 10 ? (int)request.ContentLength.Value : 64 << 10);
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, limits.BodyTooLarge(request.ContentLength));
        }
        catch (BadHttpRequestException ex)
        {
            return (null, new ApiError(ex.StatusCode, ex.Message, "invalid_request_error", null, "invalid_body"));
        }
        try
        {
            var info = WithDepth(typeInfo, limits.MaxJsonDepth);
            var options = info.Options;
            if (JsonTextCheck.Check(body.Span, new JsonReaderOptions { MaxDepth = limits.MaxJsonDepth, CommentHandling = options.ReadCommentHandling, AllowTrailingCommas = options.AllowTrailingCommas }) is { } textError)
                return (null, textError);
            var value = JsonSerializer.Deserialize(body.Span, info);
            return value is null
                ? (null, ApiError.BadRequest("The request body must be a JSON object.", null, "invalid_json"))
                : (value, null);
        }
        catch (JsonException ex) when (ex.Message.Contains($"depth of {limits.MaxJsonDepth}", StringComparison.Ordinal))
        {
            // The reader's "… the maximum allowed depth of 64" or the serializer's "The maximum configured
            // depth of 64 has been exceeded"; not "Expected depth to be zero …" (a truncated body).
            return (null, limits.JsonTooDeep());
        }
        catch (JsonException ex)
        {
            return (null, FromJsonException(ex));
        }
    }

    /// <summary>The same (source-generated) contract with System.Text.Json's MaxDepth set to the limit; options are built once per depth.</summary>
    private static JsonTypeInfo<T> WithDepth<T>(JsonTypeInfo<T> typeInfo, int depth)
    {
        var source = typeInfo.Options;
        if ((source.MaxDepth == 0 ? 64 : source.MaxDepth) == depth)
            return typeInfo;
        var options = s_depthOptions.GetOrAdd((source, depth), key => new JsonSerializerOptions(key.Item1) { MaxDepth = key.Item2 });
        return (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
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
