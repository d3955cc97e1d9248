using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace MicroAI.Server.Tests.Hostile;

/// <summary>Sends one hostile case and judges the answer against the rules every case shares.</summary>
internal sealed class HostileClient(Uri baseUri, TimeSpan timeout) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = baseUri,
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public void Dispose() => _http.Dispose();

    /// <summary>Null when the answer is right; otherwise what was wrong.</summary>
    public async Task<string?> SendAsync(HostileCase c)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var (status, contentType, body) = c.Raw is not null ? await SendRawAsync(c.Raw, c.MayClose, cts.Token) : await SendHttpAsync(c, cts.Token);
            // Truncated bodies: the server may close without an answer.
            if (status == 0)
                return c.MayClose ? null : "closed without an answer";
            if (c.KestrelMayReject && status == 400 && body.Length == 0)
                return null;
            if (c.UpstreamMayFail && status == 502)
                return ErrorShapeProblem(contentType, body) is { } upstream ? "502 not in OpenAI's error shape: " + upstream : null;
            return Judge(c.Expect, status, contentType, body, c.Path);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return $"no answer within {timeout.TotalSeconds:F0} s (hang)";
        }
        catch (HttpRequestException ex)
        {
            return "connection dropped: " + ex.Message;
        }
    }

    /// <summary>Ollama's routes answer errors in Ollama's shape (Hosting/ErrorShapes.cs).</summary>
    private static bool IsOllama(string path) =>
        MicroAI.Server.Hosting.ErrorShapes.Of(new Microsoft.AspNetCore.Http.PathString("/" + path.Split('?')[0].TrimStart('/'))) == MicroAI.Server.Hosting.ErrorShape.Ollama;

    private static string? Judge(Expect expect, int status, string? contentType, string body, string path)
    {
        if (status >= 500)
            return $"{status}: {Excerpt(body)}";
        if (status is >= 200 and < 300 && expect == Expect.ClientError)
            return $"accepted ({status}) but should be a 4xx: {Excerpt(body)}";
        // A stream that started must not have failed: errors belong before the first byte, as a 4xx.
        if (status is >= 200 and < 300)
            return contentType?.StartsWith("text/event-stream", StringComparison.Ordinal) == true && body.Contains("\"error\":{", StringComparison.Ordinal)
                || contentType?.StartsWith("application/x-ndjson", StringComparison.Ordinal) == true && body.Contains("{\"error\":\"", StringComparison.Ordinal)
                ? $"an error inside a {status} stream: {Excerpt(body)}"
                : null;
        if (status is < 400 or >= 500)
            return $"unexpected status {status}";
        if (expect == Expect.Success)
            return $"refused ({status}) but is valid: {Excerpt(body)}";
        if (IsOllama(path))
            return OllamaErrorShapeProblem(contentType, body) is { } notOllama ? $"{status} not in Ollama's error shape ({notOllama}): {Excerpt(body)}" : null;
        return ErrorShapeProblem(contentType, body, path) is { } problem ? $"{status} not in its protocol's error shape ({problem}): {Excerpt(body)}" : null;
    }

    /// <summary>Null when <paramref name="body"/> is <c>{"error": non-empty string}</c>.</summary>
    internal static string? OllamaErrorShapeProblem(string? contentType, string body)
    {
        if (contentType is null || !contentType.StartsWith("application/json", StringComparison.Ordinal))
            return $"content type {contentType ?? "none"}";
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && error.GetString()!.Length > 0
                ? null : "no error string";
        }
        catch (JsonException ex)
        {
            return "not JSON: " + ex.Message;
        }
    }

    /// <summary>Null when <paramref name="body"/> is <c>{"error":{"message": non-empty, "type": string, …}}</c>.</summary>
    internal static string? ErrorShapeProblem(string? contentType, string body, string? path = null)
    {
        if (contentType is null || !contentType.StartsWith("application/json", StringComparison.Ordinal))
            return $"content type {contentType ?? "none"}";
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (path is not null && Hosting.ErrorShapes.Of(new Microsoft.AspNetCore.Http.PathString("/" + path.TrimStart('/'))) == Hosting.ErrorShape.Anthropic)
                return AnthropicShapeProblem(doc.RootElement);
            if (!doc.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
                return "no error object";
            if (!error.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String || message.GetString()!.Length == 0)
                return "no message";
            if (!error.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                return "no type";
            return error.TryGetProperty("param", out _) && error.TryGetProperty("code", out _) ? null : "no param or code";
        }
        catch (JsonException ex)
        {
            return "not JSON: " + ex.Message;
        }
    }

    /// <summary>Null when the body is Anthropic's <c>{"type":"error","error":{"type": string, "message": non-empty}}</c>.</summary>
    private static string? AnthropicShapeProblem(JsonElement root)
    {
        if (!root.TryGetProperty("type", out var kind) || kind.ValueKind != JsonValueKind.String || kind.GetString() != "error")
            return "no \"type\": \"error\"";
        if (!root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            return "no error object";
        if (!error.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            return "no type";
        return error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String && message.GetString()!.Length > 0 ? null : "no message";
    }

    private async Task<(int Status, string? ContentType, string Body)> SendHttpAsync(HostileCase c, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(c.Method, c.Path);
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(c.Body);
            if (!string.IsNullOrEmpty(c.ContentType))
                request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
        }
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), text);
    }

    /// <summary>
    /// Writes the bytes and reads whatever comes back (status 0 when the server just closed). A cut body is
    /// followed by a half-close, as a client that gave up would; Kestrel takes that as the client leaving,
    /// so other requests ask for Connection: close instead and keep the socket open for the answer.
    /// </summary>
    private async Task<(int Status, string? ContentType, string Body)> SendRawAsync(byte[] raw, bool halfClose, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(baseUri.Host, baseUri.Port, ct);
        await socket.SendAsync(raw, SocketFlags.None, ct);
        if (halfClose)
            socket.Shutdown(SocketShutdown.Send);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
                received.Write(buffer, 0, n);
        }
        catch (SocketException)
        {
            // A reset after the answer (or instead of one) is how a server ends a request it cannot read.
        }
        var text = Encoding.UTF8.GetString(received.ToArray());
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || text.Length < 12)
            return (0, null, text);
        var status = int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = headerEnd < 0 ? text : text[..headerEnd];
        string? contentType = null;
        foreach (var line in headers.Split("\r\n"))
        {
            if (line.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))
                contentType = line[13..].Trim();
        }
        var body = headerEnd < 0 ? "" : text[(headerEnd + 4)..];
        if (headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
            body = Unchunk(body);
        return (status, contentType, body);
    }

    private static string Unchunk(string body)
    {
        var sb = new StringBuilder();
        var at = 0;
        while (at < body.Length)
        {
            var eol = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (eol < 0 || !int.TryParse(body.AsSpan(at, eol - at), System.Globalization.NumberStyles.HexNumber, null, out var size) || size == 0)
                break;
            sb.Append(body, eol + 2, Math.Min(size, body.Length - eol - 2));
            at = eol + 2 + size + 2;
        }
        return sb.ToString();
    }

    private static string Excerpt(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
