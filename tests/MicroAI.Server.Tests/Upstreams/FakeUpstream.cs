using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MicroAI.Server.Tests.Upstreams;

/// <summary>One generation request the fake received, and what became of it.</summary>
public sealed class UpstreamCall(HttpContext context, JsonObject body, bool chat)
{
    private int _dropped;

    public HttpContext Context { get; } = context;
    public JsonObject Body { get; } = body;

    /// <summary>POST /v1/chat/completions (else /v1/completions).</summary>
    public bool Chat { get; } = chat;

    public string Model => (string?)Body["model"] ?? "";
    public bool Stream => (bool?)Body["stream"] ?? false;
    public string? Authorization { get; } = context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null;
    public long ReceivedAt { get; } = Stopwatch.GetTimestamp();

    /// <summary>Stopwatch timestamp at which the behaviour returned (0 while it runs).</summary>
    public long FinishedAt { get; internal set; }

    /// <summary>The edge went away (RequestAborted) while the behaviour was answering, not because the fake dropped it.</summary>
    public bool ClientDisconnected { get; internal set; }

    public bool DroppedByFake => Volatile.Read(ref _dropped) == 1;

    /// <summary>Resets the connection mid-answer, as a crashed upstream or a proxy's idle cut does.</summary>
    public void Drop()
    {
        Volatile.Write(ref _dropped, 1);
        Context.Abort();
    }
}

/// <summary>How the fake answers a generation request. Runs on the request's own task; <c>aborted</c> fires when the edge goes away.</summary>
public interface IUpstreamBehaviour
{
    Task RespondAsync(UpstreamCall call, CancellationToken aborted);
}

/// <summary>
/// An OpenAI-compatible server in the test process (Kestrel on 127.0.0.1, a free port) that answers
/// GET /v1/models with <see cref="Models"/> and POST /v1/chat/completions and /v1/completions with
/// whatever <see cref="Behaviour"/> is set to (switchable between requests). It keeps every call, so
/// a test can count what reached it, read the Authorization header the edge sent, and see whether
/// the edge cancelled a request.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<UpstreamCall> _calls = new();
    private readonly ConcurrentQueue<string?> _modelListAuthorizations = new();

    private FakeUpstream(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>What an edge is given as the upstream's BaseUrl.</summary>
    public string OpenAIBaseUrl => new Uri(BaseUri, "v1").AbsoluteUri;

    /// <summary>How the next generation requests are answered (default: <see cref="Answers"/> with its default text).</summary>
    public IUpstreamBehaviour Behaviour { get; set; } = new Answers();

    /// <summary>The model ids GET /v1/models lists.</summary>
    public IReadOnlyList<string> Models { get; set; } = ["central-model"];

    /// <summary>Generation requests received, in arrival order.</summary>
    public IReadOnlyList<UpstreamCall> Calls => [.. _calls];

    public int Requests => _calls.Count;

    /// <summary>The Authorization header of each GET /v1/models (null where there was none).</summary>
    public IReadOnlyList<string?> ModelListAuthorizations => [.. _modelListAuthorizations];

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0"] });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeUpstream(app);
        ((IApplicationBuilder)app).Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>The first call whose client went away while it was being answered; null if none did within <paramref name="timeout"/>.</summary>
    public async Task<UpstreamCall?> WaitForDisconnectAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (_calls.FirstOrDefault(c => c.ClientDisconnected) is { } call)
                return call;
            if (Stopwatch.GetTimestamp() > deadline)
                return null;
            await Task.Delay(10);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (HttpMethods.IsGet(context.Request.Method) && path == "/v1/models")
        {
            _modelListAuthorizations.Enqueue(context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null);
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. Models.Select(id => (JsonNode)new JsonObject
                {
                    ["id"] = id,
                    ["object"] = "model",
                    ["created"] = 1_700_000_000,
                    ["owned_by"] = "fake-upstream",
                })]),
            });
            return;
        }
        var chat = path == "/v1/chat/completions";
        if (!HttpMethods.IsPost(context.Request.Method) || !chat && path != "/v1/completions")
        {
            await OpenAIWire.WriteErrorAsync(context.Response, StatusCodes.Status404NotFound, "no route " + path, "invalid_request_error");
            return;
        }

        JsonObject body;
        try
        {
            body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            await OpenAIWire.WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest, "body is not a JSON object", "invalid_request_error");
            return;
        }
        var call = new UpstreamCall(context, body, chat);
        _calls.Enqueue(call);
        try
        {
            await Behaviour.RespondAsync(call, context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The edge went away (or the fake dropped it): nothing more to write.
        }
        finally
        {
            call.FinishedAt = Stopwatch.GetTimestamp();
            call.ClientDisconnected = context.RequestAborted.IsCancellationRequested && !call.DroppedByFake;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
