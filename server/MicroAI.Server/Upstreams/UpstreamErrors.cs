using System.Text.Json;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Upstreams;

/// <summary>
/// What a client sees when its forwarded request fails, in OpenAI's terms (each protocol's writer
/// reshapes it): 502 when the upstream cannot be reached or breaks off, 504 when it does not answer
/// in time, and the upstream's own status and message when it answered with an error.
/// </summary>
internal static class UpstreamErrors
{
    public static ApiError Unreachable(string upstream, string why) =>
        new(StatusCodes.Status502BadGateway, $"The upstream '{upstream}' could not be reached: {why}.", "server_error", null, "upstream_unreachable");

    public static ApiError BreakerOpen(string upstream, TimeSpan retryAfter) =>
        new(StatusCodes.Status502BadGateway, $"The upstream '{upstream}' failed repeatedly and is skipped for {Math.Ceiling(retryAfter.TotalSeconds):0} s more.", "server_error", null, "upstream_unavailable");

    public static ApiError Busy(string upstream) =>
        new(StatusCodes.Status429TooManyRequests, $"The upstream '{upstream}' has as many requests as it is allowed; retry later.", "rate_limit_error", null, "upstream_busy");

    public static ApiError FirstTokenTimeout() =>
        new(StatusCodes.Status504GatewayTimeout, "The upstream did not start answering in time.", "server_error", null, "upstream_timeout");

    public static ApiError IdleTimeout(TimeSpan idle) =>
        new(StatusCodes.Status504GatewayTimeout, $"The upstream stopped sending for more than {idle.TotalSeconds:0.#} s.", "server_error", null, "upstream_timeout");

    public static ApiError Dropped(string when) =>
        new(StatusCodes.Status502BadGateway, $"The upstream closed the connection {when}.", "server_error", null, "upstream_disconnected");

    public static ApiError Malformed() =>
        new(StatusCodes.Status502BadGateway, "The upstream sent an event that is not a JSON object.", "server_error", null, "upstream_bad_response");

    public static ApiError LocalOnly(string model) =>
        new(StatusCodes.Status403Forbidden, $"The model '{model}' is served by an upstream, and this request may not leave this server (local-only).", "permission_error", "model", "local_only");

    /// <summary>
    /// The upstream's own error (<c>{"error":{…}}</c>, or Ollama-style <c>{"error":"…"}</c>) with its
    /// status; an upstream 5xx other than 503/504 becomes 502, since the fault is upstream, not here.
    /// </summary>
    public static ApiError FromBody(JsonElement error, int status, bool mid = false)
    {
        string? message = null, type = null, param = null, code = null;
        if (error.ValueKind == JsonValueKind.Object)
        {
            message = Text(error, "message");
            type = Text(error, "type");
            param = Text(error, "param");
            code = Text(error, "code") ?? (error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetRawText() : null);
        }
        else if (error.ValueKind == JsonValueKind.String)
        {
            message = error.GetString();
        }
        var mapped = status is >= 500 and not (503 or 504) ? StatusCodes.Status502BadGateway : status;
        return new ApiError(mapped, "Upstream: " + (message ?? $"it answered {status}") + (mid ? " (mid-stream)" : ""),
            type ?? (status >= 500 ? "server_error" : "invalid_request_error"), param, code ?? (mid ? "upstream_error" : null));
    }

    /// <summary>An error response's body (JSON or not) as an error with the upstream's status.</summary>
    public static ApiError FromResponse(int status, string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error))
                return FromBody(error, status);
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page): the status says enough.
        }
        return FromBody(default, status);
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
