using System.Text.Json;
using MicroAI.Server.Anthropic;
using MicroAI.Server.Hosting;
using MicroAI.Server.Ollama;

namespace MicroAI.Server.OpenAI;

/// <summary>
/// An error with its HTTP status, in OpenAI's terms (<c>{"error":{"message","type","param","code"}}</c>).
/// Endpoints return these; nothing on the request path throws for a client mistake. A whole-response
/// error is written in the shape of the protocol the request's path belongs to (<see cref="ErrorShapes"/>).
/// </summary>
public sealed record ApiError(int Status, string Message, string Type, string? Param, string? Code)
{
    public static ApiError BadRequest(string message, string? param = null, string? code = "invalid_value") =>
        new(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    public static ApiError Missing(string param) =>
        BadRequest($"Missing required parameter: '{param}'.", param, "missing_required_parameter");

    public static ApiError Unsupported(string param, string message) =>
        BadRequest(message, param, "unsupported_parameter");

    public static ApiError ModelNotFound(string message) =>
        new(StatusCodes.Status404NotFound, message, "invalid_request_error", "model", "model_not_found");

    public static ApiError NotFound(string message) =>
        new(StatusCodes.Status404NotFound, message, "invalid_request_error", null, "not_found");

    public static ApiError Busy(string message) =>
        new(StatusCodes.Status429TooManyRequests, message, "rate_limit_error", null, "queue_full");

    public static ApiError Server(string message, string? code = null) =>
        new(StatusCodes.Status500InternalServerError, message, "server_error", null, code);

    public static ApiError Unavailable(string message) =>
        new(StatusCodes.Status503ServiceUnavailable, message, "server_error", null, "unavailable");

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", Message);
        writer.WriteString("type", Type);
        if (Param is null) writer.WriteNull("param"); else writer.WriteString("param", Param);
        if (Code is null) writer.WriteNull("code"); else writer.WriteString("code", Code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes the error as the whole JSON response, in the shape of the request's protocol.</summary>
    public async Task WriteResponseAsync(HttpResponse response)
    {
        response.StatusCode = Status;
        response.ContentType = "application/json";
        if (Status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable && response.Headers.RetryAfter.Count == 0) // a limiter may have set a longer wait
            response.Headers.RetryAfter = "1";
        using (var writer = JsonOutput.CreateWriter(response.BodyWriter))
        {
            switch (ErrorShapes.Of(response.HttpContext))
            {
                case ErrorShape.Ollama: OllamaErrorBody.Write(writer, this); break;
                case ErrorShape.Anthropic: AnthropicError.Write(writer, this); break;
                default: WriteTo(writer); break;
            }
        }
        await response.BodyWriter.FlushAsync(response.HttpContext.RequestAborted);
    }

    /// <summary>An <see cref="IResult"/> for minimal-API handlers.</summary>
    public IResult ToResult() => new ApiErrorResult(this);

    private sealed class ApiErrorResult(ApiError error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => error.WriteResponseAsync(httpContext.Response);
    }
}
