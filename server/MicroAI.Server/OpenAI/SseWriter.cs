using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace MicroAI.Server.OpenAI;

/// <summary>
/// Server-Sent Events framing as OpenAI uses it: <c>data: {json}\n\n</c> per event and a final
/// <c>data: [DONE]\n\n</c>. JSON is written straight into the response pipe with one reused
/// <see cref="Utf8JsonWriter"/>: no intermediate strings per token.
/// </summary>
public sealed class SseWriter(PipeWriter pipe) : IDisposable
{
    private readonly Utf8JsonWriter _json = JsonOutput.CreateWriter(pipe);

    public static void PrepareResponse(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>Starts a <c>data:</c> line; write one JSON value to the returned writer, then call <see cref="EndDataAsync"/>.</summary>
    public Utf8JsonWriter BeginData()
    {
        pipe.Write("data: "u8);
        _json.Reset(pipe);
        return _json;
    }

    /// <summary>A named event (<c>event: name\ndata: …</c>), as the Responses API streams them.</summary>
    public Utf8JsonWriter BeginEvent(string name)
    {
        pipe.Write("event: "u8);
        var bytes = System.Text.Encoding.UTF8.GetBytes(name);
        pipe.Write(bytes);
        pipe.Write("\n"u8);
        return BeginData();
    }

    public async ValueTask EndDataAsync(CancellationToken cancellationToken)
    {
        _json.Flush();
        pipe.Write("\n\n"u8);
        await pipe.FlushAsync(cancellationToken);
    }

    public async ValueTask WriteDoneAsync(CancellationToken cancellationToken)
    {
        pipe.Write("data: [DONE]\n\n"u8);
        await pipe.FlushAsync(cancellationToken);
    }

    public async ValueTask WriteErrorAsync(ApiError error, CancellationToken cancellationToken)
    {
        error.WriteTo(BeginData());
        await EndDataAsync(cancellationToken);
    }

    public void Dispose() => _json.Dispose();
}
