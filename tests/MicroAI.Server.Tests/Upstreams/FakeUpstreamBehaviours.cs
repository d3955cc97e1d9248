using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace MicroAI.Server.Tests.Upstreams;

/// <summary>OpenAI's wire shapes as the fake writes them: error bodies and a streamed answer, chunk by chunk.</summary>
internal static class OpenAIWire
{
    public static JsonObject Error(string message, string type, string? code = null) => new()
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code },
    };

    public static async Task WriteErrorAsync(HttpResponse response, int status, string message, string type, string? code = null)
    {
        response.StatusCode = status;
        await response.WriteAsJsonAsync(Error(message, type, code));
    }
}

/// <summary>One streamed answer (text/event-stream): the chunks of a chat or a text completion, an error event, [DONE].</summary>
internal sealed class SseAnswer(UpstreamCall call)
{
    private static int s_ids;
    private readonly string _id = (call.Chat ? "chatcmpl-fake-" : "cmpl-fake-") + Interlocked.Increment(ref s_ids);
    private bool _started;

    /// <summary>Content pieces written so far.</summary>
    public int Pieces { get; private set; }

    /// <summary>Sends the 200 and the headers (and a chat's role chunk) at once, so the edge sees a live stream.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (_started)
            return;
        _started = true;
        var response = call.Context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(ct);
        if (call.Chat)
            await WriteAsync(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null), ct);
        else
            await response.Body.FlushAsync(ct);
    }

    public async Task PieceAsync(string piece, CancellationToken ct)
    {
        await StartAsync(ct);
        await WriteAsync(call.Chat ? Chunk(new JsonObject { ["content"] = piece }, null) : Chunk(piece, null), ct);
        Pieces++;
    }

    /// <summary>The finish_reason chunk, the usage chunk when stream_options.include_usage asked for it, then [DONE].</summary>
    public async Task FinishAsync(string reason, CancellationToken ct)
    {
        await StartAsync(ct);
        await WriteAsync(call.Chat ? Chunk(new JsonObject(), reason) : Chunk("", reason), ct);
        if ((bool?)call.Body["stream_options"]?["include_usage"] == true)
        {
            var chunk = Chunk(null, null);
            chunk["choices"] = new JsonArray();
            chunk["usage"] = Usage.Of(call, Pieces);
            await WriteAsync(chunk, ct);
        }
        await WriteRawAsync("data: [DONE]\n\n", ct);
    }

    /// <summary>An error event after the 200, as OpenAI and vLLM send one when generation fails mid-stream; the stream then ends.</summary>
    public async Task ErrorAsync(string message, string type, CancellationToken ct)
    {
        await StartAsync(ct);
        await WriteAsync(OpenAIWire.Error(message, type), ct);
    }

    private JsonObject Chunk(JsonNode? deltaOrText, string? finishReason)
    {
        var choice = new JsonObject { ["index"] = 0 };
        if (call.Chat)
            choice["delta"] = deltaOrText;
        else
            choice["text"] = deltaOrText;
        choice["finish_reason"] = finishReason;
        return new JsonObject
        {
            ["id"] = _id,
            ["object"] = call.Chat ? "chat.completion.chunk" : "text_completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = call.Model,
            ["choices"] = new JsonArray(choice),
        };
    }

    private Task WriteAsync(JsonObject json, CancellationToken ct) => WriteRawAsync("data: " + json.ToJsonString() + "\n\n", ct);

    private async Task WriteRawAsync(string text, CancellationToken ct)
    {
        await call.Context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await call.Context.Response.Body.FlushAsync(ct);
    }
}

internal static class Usage
{
    /// <summary>Prompt tokens as a word count of the request (the fake has no tokenizer); completion tokens as pieces sent.</summary>
    public static JsonObject Of(UpstreamCall call, int completionTokens)
    {
        var prompt = call.Chat
            ? string.Join(' ', call.Body["messages"]?.AsArray().Select(m => m?["content"]?.ToString()) ?? [])
            : call.Body["prompt"]?.ToString() ?? "";
        var promptTokens = prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return new JsonObject
        {
            ["prompt_tokens"] = promptTokens,
            ["completion_tokens"] = completionTokens,
            ["total_tokens"] = promptTokens + completionTokens,
        };
    }
}

/// <summary>Answers normally: the scripted pieces one event each (or one JSON body when not streamed), finish_reason "stop".</summary>
public sealed class Answers(params string[] pieces) : IUpstreamBehaviour
{
    public static readonly string[] DefaultPieces = ["Hello", " from", " the", " central", " model", "."];

    public IReadOnlyList<string> Pieces { get; } = pieces.Length > 0 ? pieces : DefaultPieces;

    public string Text => string.Concat(Pieces);

    public async Task RespondAsync(UpstreamCall call, CancellationToken aborted)
    {
        if (!call.Stream)
        {
            await WholeAsync(call, Text, aborted);
            return;
        }
        var sse = new SseAnswer(call);
        foreach (var piece in Pieces)
            await sse.PieceAsync(piece, aborted);
        await sse.FinishAsync("stop", aborted);
    }

    internal static async Task WholeAsync(UpstreamCall call, string text, CancellationToken aborted)
    {
        var choice = new JsonObject { ["index"] = 0, ["finish_reason"] = "stop" };
        if (call.Chat)
            choice["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text };
        else
            choice["text"] = text;
        await call.Context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["id"] = "fake-whole",
            ["object"] = call.Chat ? "chat.completion" : "text_completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = call.Model,
            ["choices"] = new JsonArray(choice),
            ["usage"] = Usage.Of(call, text.Length == 0 ? 0 : 1),
        }, aborted);
    }
}

/// <summary>
/// Answers slowly: the 200 and headers at once, then <paramref name="firstEvent"/> of silence before the
/// first piece and <paramref name="betweenEvents"/> between pieces (a busy or large model).
/// </summary>
public sealed class Slow(TimeSpan firstEvent, TimeSpan betweenEvents, params string[] pieces) : IUpstreamBehaviour
{
    private readonly Answers _script = new(pieces);

    public string Text => _script.Text;

    public async Task RespondAsync(UpstreamCall call, CancellationToken aborted)
    {
        var sse = new SseAnswer(call);
        await sse.StartAsync(aborted);
        await Task.Delay(firstEvent, aborted);
        for (var i = 0; i < _script.Pieces.Count; i++)
        {
            if (i > 0)
                await Task.Delay(betweenEvents, aborted);
            await sse.PieceAsync(_script.Pieces[i], aborted);
        }
        await sse.FinishAsync("stop", aborted);
    }
}

/// <summary>Sends <paramref name="events"/> pieces, then resets the connection (no finish chunk, no [DONE]).</summary>
public sealed class DropsMidStream(int events) : IUpstreamBehaviour
{
    public async Task RespondAsync(UpstreamCall call, CancellationToken aborted)
    {
        var sse = new SseAnswer(call);
        await sse.StartAsync(aborted);
        for (var i = 0; i < events; i++)
            await sse.PieceAsync(Answers.DefaultPieces[i % Answers.DefaultPieces.Length], aborted);
        // Let the pieces leave before the reset, or the edge might see the reset first and none of them.
        await Task.Delay(100, aborted);
        call.Drop();
    }
}

/// <summary>Sends <paramref name="events"/> pieces, then an OpenAI error event, and ends the stream.</summary>
public sealed class ErrorEventMidStream(int events, string message, string type = "server_error") : IUpstreamBehaviour
{
    public string Message => message;

    public async Task RespondAsync(UpstreamCall call, CancellationToken aborted)
    {
        var sse = new SseAnswer(call);
        await sse.StartAsync(aborted);
        for (var i = 0; i < events; i++)
            await sse.PieceAsync(Answers.DefaultPieces[i % Answers.DefaultPieces.Length], aborted);
        await sse.ErrorAsync(message, type, aborted);
    }
}

/// <summary>Answers with an HTTP error status and OpenAI's error body (429 also says Retry-After).</summary>
public sealed class FailsWithStatus(int status, string message, string type, string? code = null) : IUpstreamBehaviour
{
    public int Status => status;
    public string Message => message;

    public async Task RespondAsync(UpstreamCall call, CancellationToken aborted)
    {
        if (status == StatusCodes.Status429TooManyRequests)
            call.Context.Response.Headers.RetryAfter = "7";
        await OpenAIWire.WriteErrorAsync(call.Context.Response, status, message, type, code);
    }
}

/// <summary>
/// Never answers (a wedged upstream): with <paramref name="afterHeaders"/> it sends the 200 and headers
/// first and then nothing. Either way it waits until the edge gives up and goes away.
/// </summary>
public sealed class Hangs(bool afterHeaders = false) : IUpstreamBehaviour
{
    public async Task RespondAsync(UpstreamCall call, CancellationToken aborted)
    {
        if (afterHeaders)
            await new SseAnswer(call).StartAsync(aborted);
        await Task.Delay(Timeout.Infinite, aborted);
    }
}
