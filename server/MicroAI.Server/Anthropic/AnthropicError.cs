using System.Text.Json;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Anthropic;

/// <summary>
/// Anthropic's error body, <c>{"type":"error","error":{"type","message"}}</c>, whose <c>type</c>
/// follows the status as Anthropic's error reference lists them; the SDK picks its exception class
/// from the status and shows the message.
/// </summary>
internal static class AnthropicError
{
    public static void Write(Utf8JsonWriter w, ApiError error)
    {
        w.WriteStartObject();
        w.WriteString("type", "error");
        WriteError(w, error);
        w.WriteEndObject();
    }

    /// <summary>The inner <c>"error"</c> object alone (a stream's <c>event: error</c> carries the whole body).</summary>
    public static void WriteError(Utf8JsonWriter w, ApiError error)
    {
        w.WriteStartObject("error");
        w.WriteString("type", TypeOf(error.Status));
        w.WriteString("message", error.Message);
        w.WriteEndObject();
    }

    public static string TypeOf(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status402PaymentRequired => "billing_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status404NotFound => "not_found_error",
        StatusCodes.Status413PayloadTooLarge => "request_too_large",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        StatusCodes.Status503ServiceUnavailable or 529 => "overloaded_error",
        StatusCodes.Status504GatewayTimeout => "timeout_error",
        < 500 => "invalid_request_error",
        _ => "api_error",
    };
}
