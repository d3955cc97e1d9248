using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace MicroAI.Server.Cli.Chat;

/// <summary>One chat turn as sent: a role and its text.</summary>
internal sealed record ChatTurnText(string Role, string Content);

/// <summary>How a streamed answer ended.</summary>
/// <param name="Text">What was generated (all of it, also when cut short).</param>
/// <param name="Error">The server's message when it refused or failed; null otherwise.</param>
/// <param name="ExitCode">The CLI's exit code for <paramref name="Error"/> (<see cref="ExitCodes"/>).</param>
internal sealed record ChatAnswer(string Text, int PromptTokens, int CompletionTokens, TimeSpan Elapsed, bool Cancelled, string? Error, int ExitCode)
{
    public bool Complete => Error is null && !Cancelled;
}

/// <summary>
/// The chat completions route with stream=true, as any OpenAI client uses it: the server renders
/// the model's chat template (or, for a model without one, its fallback format), applies the
/// model's defaults and validates the request exactly as for every other caller.
/// </summary>
internal sealed class ChatClient(HttpClient http)
{
    private static readonly JsonWriterOptions s_writer = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Streams one answer, handing each piece of text to <paramref name="onText"/> as it arrives; cancelling stops it and keeps what came.</summary>
    public async Task<ChatAnswer> StreamAsync(string model, IReadOnlyList<ChatTurnText> messages, ChatParameters parameters, bool json, Action<string> onText, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var text = new StringBuilder();
        int prompt = 0, completion = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Body(model, messages, parameters, json) };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                var (message, code) = Failure(response.StatusCode, await response.Content.ReadAsStringAsync(ct));
                return new ChatAnswer("", 0, 0, clock.Elapsed, false, message, code);
            }
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct), Encoding.UTF8);
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                    continue;
                var data = line.AsSpan(5).Trim();
                if (data.SequenceEqual("[DONE]"))
                    break;
                using var chunk = JsonDocument.Parse(data.ToString());
                var root = chunk.RootElement;
                if (root.TryGetProperty("error", out var error))
                    return new ChatAnswer(text.ToString(), prompt, completion, clock.Elapsed, false, Message(error), ExitCodes.Failed);
                if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
                {
                    prompt = usage.TryGetProperty("prompt_tokens", out var p) ? p.GetInt32() : prompt;
                    completion = usage.TryGetProperty("completion_tokens", out var c) ? c.GetInt32() : completion;
                }
                if (!root.TryGetProperty("choices", out var choices) || choices.GetArrayLength() == 0)
                    continue;
                if (choices[0].TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                    && content.GetString() is { Length: > 0 } piece)
                {
                    text.Append(piece);
                    onText(piece);
                }
            }
            return new ChatAnswer(text.ToString(), prompt, completion, clock.Elapsed, false, null, ExitCodes.Ok);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new ChatAnswer(text.ToString(), prompt, completion, clock.Elapsed, true, null, ExitCodes.Cancelled);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
        {
            return new ChatAnswer(text.ToString(), prompt, completion, clock.Elapsed, false, $"The connection to the server failed: {e.Message}", ExitCodes.Failed);
        }
    }

    /// <summary>GET /v1/models/{id}: the model's id and metadata, or why not.</summary>
    public async Task<(JsonDocument? Model, string? Error, int ExitCode)> GetModelAsync(string model, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("v1/models/" + Uri.EscapeDataString(model), ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                var (message, code) = Failure(response.StatusCode, body);
                return (null, message, code);
            }
            return (JsonDocument.Parse(body), null, ExitCodes.Ok);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
        {
            return (null, $"The connection to the server failed: {e.Message}", ExitCodes.Failed);
        }
    }

    private static ByteArrayContent Body(string model, IReadOnlyList<ChatTurnText> messages, ChatParameters parameters, bool json)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, s_writer))
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            w.WriteStartArray("messages");
            foreach (var m in messages)
            {
                w.WriteStartObject();
                w.WriteString("role", m.Role);
                w.WriteString("content", m.Content);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteBoolean("stream", true);
            w.WriteStartObject("stream_options");
            w.WriteBoolean("include_usage", true);
            w.WriteEndObject();
            if (json)
            {
                w.WriteStartObject("response_format");
                w.WriteString("type", "json_object");
                w.WriteEndObject();
            }
            parameters.WriteTo(w);
            w.WriteEndObject();
        }
        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new("application/json");
        return content;
    }

    /// <summary>The server's error message and the exit code it means for the CLI.</summary>
    private static (string Message, int ExitCode) Failure(HttpStatusCode status, string body)
    {
        string? message = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error))
                message = Message(error);
        }
        catch (JsonException)
        {
        }
        message ??= $"The server answered {(int)status} {status}.";
        return status switch
        {
            HttpStatusCode.NotFound => (message, ExitCodes.NotFound),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden when Environment.GetEnvironmentVariable(RunCommand.ApiKeyVariable) is null =>
                (message + $" Set {RunCommand.ApiKeyVariable} to a key (microai keys create).", ExitCodes.Failed),
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity or HttpStatusCode.RequestEntityTooLarge => (message, ExitCodes.Invalid),
            _ => (message, ExitCodes.Failed),
        };
    }

    private static string Message(JsonElement error) =>
        error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()!
        : error.ValueKind == JsonValueKind.String ? error.GetString()!
        : error.GetRawText();
}
