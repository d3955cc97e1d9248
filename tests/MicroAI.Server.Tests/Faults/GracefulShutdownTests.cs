using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace MicroAI.Server.Tests.Faults;

/// <summary>A server of its own (this test stops it) whose shutdown deadline is 4 s: streams are stopped at 3 s.</summary>
public sealed class ShortShutdownServer : ServerFixture
{
    public const double ShutdownSeconds = 4; // drain at 3 s: a 1 s margin for the stopped streams to write their error event, even on a busy CI box

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--MicroAI:ShutdownTimeoutSeconds=" + ShutdownSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--MicroAI:ContextSize=4096", // room for long answers: the streams must outlast the drain deadline
    ];

    public override Task DisposeAsync() => Task.CompletedTask; // the test stops it
    public Task StopAndCleanUpAsync() => base.DisposeAsync();
}

/// <summary>
/// Stopping the host with streams in flight: new requests get 503, every stream finishes or ends
/// with a whole error event before the deadline, and the host stops within it.
/// </summary>
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    private const int Streams = 8; // 4x the 2 slots: some are still queued at the deadline

    [Fact]
    public async Task StopWithStreamsInFlight_EveryStreamEndsWhole_NewRequestsGet503()
    {
        var server = new ShortShutdownServer();
        await server.InitializeAsync();
        Task<SseResponse>[] streams;
        TimeSpan stopTook;
        // Lives until the streams have been read to their end: disposing it earlier would cancel the
        // reads of answers the server has already written.
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            streams = Enumerable.Range(0, Streams).Select(i => http.PostStreamAsync("v1/completions", new JsonObject
            {
                ["model"] = ServerFixture.StoriesModel,
                ["prompt"] = "Once upon a time",
                ["stream"] = true,
                ["max_tokens"] = 4000,
                ["temperature"] = 1.5, // wanders rather than ending its story early
                ["seed"] = i,
            })).ToArray();
            var scheduler = (await server.GetLoadedModelAsync(ServerFixture.StoriesModel)).Scheduler;
            // Every stream is in: generating or queued (a request the server has not read yet would get the 503 below).
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (scheduler.Stats is var s && s.ActiveSequences + s.QueuedRequests < Streams)
            {
                Assert.True(DateTime.UtcNow < deadline, $"not every stream reached the scheduler: {scheduler.Stats}");
                await Task.Delay(1);
            }

            // Stopping begins: a request arriving now is refused in OpenAI's shape.
            server.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            using var fresh = new HttpClient { BaseAddress = server.BaseUri }; // a new connection
            var (refused, _, text) = await fresh.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest());
            ErrorResponseTests.AssertError(refused, text, HttpStatusCode.ServiceUnavailable, null);

            var stopping = Stopwatch.StartNew();
            await server.App.StopAsync();
            stopTook = stopping.Elapsed;
        }
        finally
        {
            await server.StopAndCleanUpAsync();
        }

        var results = await Task.WhenAll(streams).WaitAsync(TimeSpan.FromSeconds(10));
        var finished = results.Count(r => r.Events[^1] == "[DONE]");
        var stopped = results.Length - finished;
        output.WriteLine($"host stopped in {stopTook.TotalSeconds:F2} s (deadline {ShortShutdownServer.ShutdownSeconds} s); {finished} streams finished, {stopped} ended with an error event");
        foreach (var r in results)
        {
            ModelChangeTests.AssertEndedCleanly(r);
            if (r.Events[^1] != "[DONE]")
                Assert.Contains("shutting down", (string?)JsonNode.Parse(r.Events[^1])!["error"]!["message"], StringComparison.Ordinal);
        }
        Assert.True(stopped > 0, "no stream outlasted the drain deadline: the test proves nothing");
        Assert.True(stopTook < TimeSpan.FromSeconds(ShortShutdownServer.ShutdownSeconds + 1), $"the host took {stopTook} to stop");
    }
}
