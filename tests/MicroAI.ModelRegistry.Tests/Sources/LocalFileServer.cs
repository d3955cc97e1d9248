using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MicroAI.ModelRegistry.Tests.Sources;

/// <summary>
/// Kestrel on 127.0.0.1 (random port) serving one random payload at any path, with Range and
/// If-Range support and switchable misbehaviour. Counts what it receives.
/// </summary>
internal sealed class LocalFileServer : IAsyncDisposable
{
    private const int Chunk = 64 * 1024;

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<RequestRecord> _requests = [];
    private int _bodies;
    private int _failuresLeft;
    private int _dropsLeft;
    private byte[] _payload = [];

    private LocalFileServer(WebApplication app, int size, int seed)
    {
        _app = app;
        SetPayload(RandomBytes(size, seed), "\"v1\"");
    }

    public Uri BaseUri { get; private set; } = null!;
    public byte[] Payload => _payload;
    public string PayloadDigest { get; private set; } = "";
    public string ETag { get; private set; } = "";

    /// <summary>Ignore Range headers and always answer 200 with the whole payload.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Every request answers with this status and no body.</summary>
    public int? AlwaysStatus { get; set; }

    /// <summary>Sent as X-Linked-Etag (quoted) and X-Linked-Size, as Hugging Face does for LFS files.</summary>
    public string? LinkedEtag { get; set; }

    /// <summary>X-Linked-* only on 200 responses, as a CDN that leaves them off its 206 answers.</summary>
    public bool LinkedEtagOnFullResponsesOnly { get; set; }

    /// <summary>Sends the ETag as the payload's sha256 hex instead of the version tag.</summary>
    public bool Sha256ETag { get; set; }

    /// <summary>Sends RFC 3230 "Digest: sha-256=BASE64".</summary>
    public bool DigestHeader { get; set; }

    /// <summary>Requests under /resolve/ answer 302 to this server (X-Linked-* on the redirect, like huggingface.co).</summary>
    public LocalFileServer? RedirectTo { get; set; }

    /// <summary>Pause between 64 KiB chunks: 10 ms is ~6 MB/s.</summary>
    public TimeSpan ChunkDelay { get; set; }

    /// <summary>Byte count after which the next <see cref="DropTimes"/> bodies are cut off (connection aborted).</summary>
    public long DropAfterBytes { get; set; }

    /// <summary>Instead of aborting, a cut-off body just stops sending and holds the connection open.</summary>
    public bool HangInsteadOfDrop { get; set; }

    public int DropTimes
    {
        get => Volatile.Read(ref _dropsLeft);
        set => Volatile.Write(ref _dropsLeft, value);
    }

    /// <summary>The next N requests answer 500.</summary>
    public int FailNext
    {
        get => Volatile.Read(ref _failuresLeft);
        set => Volatile.Write(ref _failuresLeft, value);
    }

    /// <summary>Responses that started sending the payload (200 or 206 with a body).</summary>
    public int BodyResponses => Volatile.Read(ref _bodies);

    public IReadOnlyList<RequestRecord> Requests
    {
        get
        {
            lock (_lock)
                return [.. _requests];
        }
    }

    public Uri Url(string path = "/files/Model-File.Q4_K_M.gguf") => new(BaseUri, path);

    public static async Task<LocalFileServer> StartAsync(int size = 4 * 1024 * 1024, int seed = 1)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0"] });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LocalFileServer(app, size, seed);
        ((IApplicationBuilder)app).Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Replaces the file (a new version on the server) with a new ETag.</summary>
    public void SetPayload(byte[] payload, string etag)
    {
        _payload = payload;
        ETag = etag;
        PayloadDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(payload));
    }

    public static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        lock (_lock)
            _requests.Add(new RequestRecord(request.Path.Value ?? "", request.Headers.Authorization.ToString(), request.Headers.Range.ToString(), request.Headers.IfRange.ToString()));

        if (AlwaysStatus is { } always)
        {
            response.StatusCode = always;
            return;
        }
        if (TryTake(ref _failuresLeft))
        {
            response.StatusCode = 500;
            return;
        }

        var payload = _payload;
        if (RedirectTo is { } target && request.Path.Value!.Contains("/resolve/", StringComparison.Ordinal))
        {
            AddLinkedHeaders(response, payload);
            response.StatusCode = 302;
            response.Headers.Location = target.Url("/cdn/signed-blob?expires=1").AbsoluteUri;
            return;
        }

        var range = request.Headers.Range.ToString();
        var ifRange = request.Headers.IfRange.ToString();
        var etag = Sha256ETag ? "\"" + PayloadDigest["sha256:".Length..] + "\"" : ETag;
        response.Headers.ETag = etag;
        response.Headers.AcceptRanges = "bytes";
        var partial = !IgnoreRange && range.StartsWith("bytes=", StringComparison.Ordinal) && (ifRange.Length == 0 || ifRange == etag);
        if (RedirectTo is null && !(partial && LinkedEtagOnFullResponsesOnly))
            AddLinkedHeaders(response, payload);
        if (DigestHeader)
            response.Headers["Digest"] = "sha-256=" + Convert.ToBase64String(SHA256.HashData(payload));

        long start = 0;
        if (partial && range.EndsWith('-'))
        {
            start = long.Parse(range["bytes=".Length..^1]);
            if (start >= payload.Length)
            {
                response.StatusCode = 416;
                response.Headers.ContentRange = $"bytes */{payload.Length}";
                return;
            }
            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {start}-{payload.Length - 1}/{payload.Length}";
        }
        else
        {
            response.StatusCode = 200;
        }
        response.ContentLength = payload.Length - start;

        Interlocked.Increment(ref _bodies);
        var drop = DropAfterBytes > 0 && TryTake(ref _dropsLeft);
        var limit = drop ? Math.Min(payload.Length, start + DropAfterBytes) : payload.Length;
        try
        {
            for (var at = start; at < limit; at += Chunk)
            {
                var n = (int)Math.Min(Chunk, limit - at);
                await response.Body.WriteAsync(payload.AsMemory((int)at, n), context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
                if (ChunkDelay > TimeSpan.Zero)
                    await Task.Delay(ChunkDelay, context.RequestAborted);
            }
            if (drop && HangInsteadOfDrop)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            else if (drop)
            {
                // Let the client read what was sent before the connection goes.
                await Task.Delay(100, context.RequestAborted);
                context.Abort();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away (a cancelled download): nothing to do.
        }
    }

    private static bool TryTake(ref int counter)
    {
        while (true)
        {
            var left = Volatile.Read(ref counter);
            if (left <= 0)
                return false;
            if (Interlocked.CompareExchange(ref counter, left - 1, left) == left)
                return true;
        }
    }

    private void AddLinkedHeaders(HttpResponse response, byte[] payload)
    {
        if (LinkedEtag is null)
            return;
        response.Headers["X-Linked-Etag"] = "\"" + LinkedEtag + "\"";
        response.Headers["X-Linked-Size"] = payload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    public sealed record RequestRecord(string Path, string Authorization, string Range, string IfRange);
}
