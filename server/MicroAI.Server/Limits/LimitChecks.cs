using System.Text.Json;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Limits;

/// <summary>
/// The one place each limit of <see cref="RequestLimits"/> is compared and worded. Mappers and
/// endpoints call these before any work (tokenizing, grammar compilation, image decoding); each
/// answer names the field (<c>param</c>), the count, the limit and its configuration key, with
/// OpenAI's codes (array_above_max_length, string_above_max_length, integer_above_max_value).
/// </summary>
internal static class LimitChecks
{
    public const string ArrayTooLong = "array_above_max_length";
    public const string StringTooLong = "string_above_max_length";
    public const string IntegerTooLarge = "integer_above_max_value";
    public const string RequestTooLarge = "request_too_large";

    public static ApiError? Messages(this RequestLimits l, int count, string param) =>
        Count(count, l.MaxMessages, param, nameof(RequestLimits.MaxMessages));

    public static ApiError? Inputs(this RequestLimits l, int count, string param) =>
        Count(count, l.MaxInputs, param, nameof(RequestLimits.MaxInputs));

    public static ApiError? StopSequences(this RequestLimits l, int count) =>
        Count(count, l.MaxStopSequences, "stop", nameof(RequestLimits.MaxStopSequences));

    public static ApiError? Tools(this RequestLimits l, int count) =>
        Count(count, l.MaxTools, "tools", nameof(RequestLimits.MaxTools));

    public static ApiError? LogitBias(this RequestLimits l, int count) =>
        Count(count, l.MaxLogitBias, "logit_bias", nameof(RequestLimits.MaxLogitBias));

    /// <summary>max_tokens and its aliases; null (not given) passes.</summary>
    public static ApiError? MaxTokens(this RequestLimits l, int? value, string param) =>
        value > l.MaxTokens
            ? Error($"'{param}' is {value}; the limit is {l.MaxTokens}", param, nameof(RequestLimits.MaxTokens), IntegerTooLarge)
            : null;

    /// <summary>n, or (completions) prompts × n: every one is a generated sequence.</summary>
    public static ApiError? Choices(this RequestLimits l, long choices, string what = "'n'") =>
        choices > l.MaxChoices
            ? Error($"{what} is {choices}; the limit is {l.MaxChoices}", "n", nameof(RequestLimits.MaxChoices), IntegerTooLarge)
            : null;

    /// <summary>One text field (null passes).</summary>
    public static ApiError? Text(this RequestLimits l, string? text, string param) =>
        text is { Length: var length } && length > l.MaxPromptCharacters
            ? Error($"'{param}' has {length} characters; the limit is {l.MaxPromptCharacters}", param, nameof(RequestLimits.MaxPromptCharacters), StringTooLong)
            : null;

    /// <summary>A token-id array: a token stands for at least one character, so the same bound applies.</summary>
    public static ApiError? TokenIds(this RequestLimits l, int count, string param) =>
        count > l.MaxPromptCharacters
            ? Error($"'{param}' has {count} tokens; the limit is {l.MaxPromptCharacters}", param, nameof(RequestLimits.MaxPromptCharacters), ArrayTooLong)
            : null;

    /// <summary>A JSON schema: its size as JSON text, then its nesting, both before the grammar compiler sees it.</summary>
    public static ApiError? Schema(this RequestLimits l, JsonElement schema, string param)
    {
        // GetRawText is a copy of what the parser already holds; the body bounds its size.
        var bytes = System.Text.Encoding.UTF8.GetByteCount(schema.GetRawText());
        if (bytes > l.MaxSchemaBytes)
            return Error($"'{param}' is {bytes} bytes of JSON; the limit is {l.MaxSchemaBytes}", param, nameof(RequestLimits.MaxSchemaBytes), StringTooLong);
        var depth = Depth(schema, l.MaxSchemaDepth + 1);
        if (depth > l.MaxSchemaDepth)
            return Error($"'{param}' nests more than {l.MaxSchemaDepth} levels deep; the limit is {l.MaxSchemaDepth}", param, nameof(RequestLimits.MaxSchemaDepth), "schema_too_deep");
        return null;
    }

    /// <summary>A decoded image: its byte count, then width × height from its header (before any pixel exists).</summary>
    public static ApiError? Image(this RequestLimits l, ReadOnlySpan<byte> data, string param)
    {
        if (data.Length > l.MaxImageBytes)
            return Error($"'{param}' is {data.Length} bytes; the limit is {l.MaxImageBytes}", param, nameof(RequestLimits.MaxImageBytes), RequestTooLarge);
        if (MicroAI.Imaging.ImageSize.TryRead(data, out var width, out var height) && (long)width * height > l.MaxImagePixels)
            return Error($"'{param}' is {width}×{height} = {(long)width * height} pixels; the limit is {l.MaxImagePixels}", param, nameof(RequestLimits.MaxImagePixels), "image_too_large");
        return null;
    }

    /// <summary>413: the body is larger than Kestrel's MaxRequestBodySize, which is this limit.</summary>
    public static ApiError BodyTooLarge(this RequestLimits l, long? declared) => new(
        StatusCodes.Status413PayloadTooLarge,
        (declared is { } d ? $"The request body is {d} bytes" : "The request body is too large") +
            $"; the limit is {l.MaxRequestBodyBytes} bytes ({RequestLimits.SectionName}:{nameof(RequestLimits.MaxRequestBodyBytes)}).",
        "invalid_request_error", null, RequestTooLarge);

    public static ApiError JsonTooDeep(this RequestLimits l) => ApiError.BadRequest(
        $"The JSON body nests more than {l.MaxJsonDepth} levels deep; the limit is {l.MaxJsonDepth} ({RequestLimits.SectionName}:{nameof(RequestLimits.MaxJsonDepth)}).",
        null, "json_too_deep");

    private static ApiError? Count(int count, int limit, string param, string key) =>
        count > limit ? Error($"'{param}' has {count} entries; the limit is {limit}", param, key, ArrayTooLong) : null;

    private static ApiError Error(string what, string param, string key, string code) =>
        ApiError.BadRequest($"{what} ({RequestLimits.SectionName}:{key}).", param, code);

    /// <summary>Nesting of objects and arrays (a scalar is 0), counting no further than <paramref name="stop"/>.</summary>
    internal static int Depth(JsonElement element, int stop)
    {
        if (stop <= 0 || element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            return 0;
        var deepest = 0;
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in element.EnumerateObject())
                deepest = Math.Max(deepest, Depth(p.Value, stop - 1));
        }
        else
        {
            foreach (var item in element.EnumerateArray())
                deepest = Math.Max(deepest, Depth(item, stop - 1));
        }
        return 1 + deepest;
    }
}
