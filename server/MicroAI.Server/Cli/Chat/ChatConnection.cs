using System.Net;
using System.Net.Http.Headers;
using MicroAI.Engines.Abstractions;
using MicroAI.Server.Hosting;
using MicroAI.Server.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Cli.Chat;

/// <summary>
/// The server <c>microai run</c> talks to: the one answering /health on the configured address,
/// else the same app started inside this process. The in-process server is the real one
/// (MicroAIApp.Build) on an ephemeral loopback port, reached over HTTP like a running server,
/// so both paths share one code path from the chat template to the sampler and a greedy answer
/// is the same either way. Calling GenerationRunner directly would need an HttpContext and a
/// second writer; the loopback round trip costs well under a millisecond per streamed piece.
/// </summary>
internal sealed class ChatConnection : IAsyncDisposable
{
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_loadingTimeout = TimeSpan.FromMinutes(10);

    private readonly WebApplication? _app;

    private ChatConnection(HttpClient http, WebApplication? app)
    {
        Http = http;
        _app = app;
    }

    public HttpClient Http { get; }

    /// <summary>Connects to the server at <paramref name="address"/>, or starts one in-process when nothing answers there.</summary>
    public static async Task<(ChatConnection? Connection, string? Error, int ExitCode)> OpenAsync(
        Uri address, IReadOnlyList<string> configurationArguments, CancellationToken ct)
    {
        var http = NewClient(address, Environment.GetEnvironmentVariable(RunCommand.ApiKeyVariable));
        var deadline = DateTime.UtcNow + s_loadingTimeout;
        while (true)
        {
            HttpResponseMessage health;
            try
            {
                using var probe = CancellationTokenSource.CreateLinkedTokenSource(ct);
                probe.CancelAfter(s_probeTimeout);
                health = await http.GetAsync("health", probe.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                http.Dispose();
                return await StartInProcessAsync(configurationArguments, ct);
            }
            using (health)
            {
                var body = await health.Content.ReadAsStringAsync(ct);
                // 503 "error" is a default model that failed to load: the server still serves the others.
                if (health.IsSuccessStatusCode || (health.StatusCode == HttpStatusCode.ServiceUnavailable && body.Contains("\"error\"", StringComparison.Ordinal) && body.Contains("\"status\"", StringComparison.Ordinal)))
                    return (new ChatConnection(http, null), null, ExitCodes.Ok);
                if (health.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
                {
                    http.Dispose();
                    return (null, $"{address} answered GET /health with {(int)health.StatusCode}; is it a MicroAI server? Point --host at one, or at a free port to run the model in-process.", ExitCodes.Failed);
                }
            }
            await Task.Delay(250, ct); // loading its default model
        }
    }

    private static async Task<(ChatConnection?, string?, int)> StartInProcessAsync(IReadOnlyList<string> configurationArguments, CancellationToken ct)
    {
        // A one-time key the in-process server requires: while the chat runs, its port is open to
        // every local user, and the registry's keys may not be at hand.
        var key = ApiKeyHash.NewKey();
        string[] args =
        [
            .. configurationArguments,
            "--urls", "http://127.0.0.1:0",
            "--MicroAI:DefaultModel=", // only the model asked for is loaded
            "--MicroAI:Security:RequireApiKey=true",
            "--MicroAI:Security:ApiKeys:microai-run:Name=microai run",
            "--MicroAI:Security:ApiKeys:microai-run:Hash=" + ApiKeyHash.Of(key),
            // Quiet, and never on stdout, which carries the answer: a console rule of its own
            // outranks every category rule of appsettings.json for the console.
            "--Logging:Console:LogLevel:Default=Error",
            "--Logging:Console:LogToStandardErrorThreshold=Trace",
        ];
        WebApplication app;
        try
        {
            app = MicroAIApp.Build(args);
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Invalid configuration", StringComparison.Ordinal))
        {
            return (null, e.Message, ExitCodes.Invalid);
        }
        var natives = NativePreflight.Check(app.Services.GetServices<IModelEngine>());
        if (natives.Problem is not null)
        {
            await app.DisposeAsync();
            return (null, natives.Problem, ExitCodes.Failed);
        }
        // Endpoints from configuration (Kestrel:Endpoints, say HTTPS on 0.0.0.0:443 for the real
        // server) would win over --urls; this server listens only where the CLI can reach it.
        app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Configure(new ConfigurationBuilder().Build());
        await app.StartAsync(ct);
        // The host's console lifetime stops the app on SIGINT; here Ctrl+C belongs to the chat
        // (it stops an answer), so its handlers go. Disposing it only unregisters them.
        if (app.Services.GetRequiredService<IHostLifetime>() is Microsoft.Extensions.Hosting.Internal.ConsoleLifetime console)
            console.Dispose();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var address = new Uri(bound.TrimEnd('/') + "/");
        return (new ChatConnection(NewClient(address, key), app), null, ExitCodes.Ok);
    }

    private static HttpClient NewClient(Uri address, string? key)
    {
        // No client timeout: an answer streams for as long as it takes; Ctrl+C cancels it.
        var http = new HttpClient { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(key))
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_app is null)
            return;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
