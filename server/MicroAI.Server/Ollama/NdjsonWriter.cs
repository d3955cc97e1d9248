using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Ollama;

/// <summary>
/// Ollama's streaming framing: one JSON object per line (<c>application/x-ndjson</c>), flushed as
/// written. One reused <see cref="Utf8JsonWriter"/> straight into the response pipe.
/// </summary>
internal sealed class NdjsonWriter(PipeWriter pipe) : IDisposable
{
    private readonly Utf8JsonWriter _json = JsonOutput.CreateWriter(pipe);

    public static void PrepareResponse(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/x-ndjson";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>Starts a line; write one JSON object to the returned writer, then call <see cref="EndLineAsync"/>.</summary>
    public Utf8JsonWriter BeginLine()
    {
        _json.Reset(pipe);
        return _json;
    }

    public async ValueTask EndLineAsync(CancellationToken ct)
    {
        _json.Flush();
        pipe.Write("\n"u8);
        await pipe.FlushAsync(ct);
    }

    /// <summary>An error after the stream started, as Ollama sends it: a line <c>{"error":"…"}</c>.</summary>
    public ValueTask WriteErrorAsync(string message, CancellationToken ct)
    {
        var w = BeginLine();
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteEndObject();
        return EndLineAsync(ct);
    }

    public void Dispose() => _json.Dispose();
}
