using System.Diagnostics;
using System.Text.Json.Nodes;
using MicroAI.Runtime.Scheduling;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests;

/// <summary>A client that goes away mid-stream frees its slot at once; the server carries on.</summary>
[Collection(ServerCollection.Name)]
public sealed class DisconnectTests(ServerFixture server)
{
    private const int LongGeneration = 2000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClientDisconnectMidStream_FreesTheSlot(bool chat)
    {
        var scheduler = (await server.GetLoadedModelAsync(ServerFixture.StoriesModel)).Scheduler;
        await WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
        var before = scheduler.Stats;

        var body = new JsonObject
        {
            ["model"] = ServerFixture.StoriesModel,
            ["stream"] = true,
            ["max_tokens"] = LongGeneration,
            ["temperature"] = 1,
            ["seed"] = 3,
        };
        if (chat)
            body["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Once upon a time" });
        else
            body["prompt"] = "Once upon a time";

        // No draining on dispose: by default SocketsHttpHandler reads on for up to 2 s to keep the
        // connection; a client that goes away closes it.
        using var handler = new SocketsHttpHandler { MaxResponseDrainSize = 0 };
        using var client = new HttpClient(handler) { BaseAddress = server.BaseUri };
        TimeSpan elapsed;
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, chat ? "v1/chat/completions" : "v1/completions") { Content = ServerHttp.JsonContent(body) };
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            Assert.Equal(200, (int)response.StatusCode);
            var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            using var reader = new StreamReader(stream);
            var events = 0;
            while (events < 2)
            {
                var line = await reader.ReadLineAsync(cts.Token);
                Assert.NotNull(line);
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                    events++;
            }
            Assert.Equal(1, scheduler.Stats.ActiveSequences);
            // Walk away mid-stream: cancel and drop the connection.
            await cts.CancelAsync();
            var stopwatch = Stopwatch.StartNew();
            response.Dispose();
            await WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
            elapsed = stopwatch.Elapsed;
        }
        var after = scheduler.Stats;

        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"slot freed after {elapsed}");
        Assert.Equal(0, after.ActiveSequences);
        Assert.Equal(0, after.QueuedRequests);
        // It stopped early: not counted as completed, and far fewer tokens than asked for were generated.
        Assert.Equal(before.CompletedRequests, after.CompletedRequests);
        Assert.True(after.GeneratedTokens - before.GeneratedTokens < LongGeneration,
            $"{after.GeneratedTokens - before.GeneratedTokens} tokens were generated after the client left");

        // The server still answers.
        var (ok, result, raw) = await server.Http.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest());
        Assert.True(ok.IsSuccessStatusCode, raw);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)result!["choices"]![0]!["text"]);
        Assert.Equal(before.CompletedRequests + 1, scheduler.Stats.CompletedRequests);
    }

    [Fact]
    public async Task ClientCancelBeforeResponse_FreesTheSlot()
    {
        var scheduler = (await server.GetLoadedModelAsync(ServerFixture.StoriesModel)).Scheduler;
        await WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
        var before = scheduler.Stats;

        // A non-streamed request only answers at the end: cancel while it is generating.
        using var cts = new CancellationTokenSource();
        var pending = server.Http.PostAsync("v1/completions", ServerHttp.JsonContent(new JsonObject
        {
            ["model"] = ServerFixture.StoriesModel,
            ["prompt"] = "Once upon a time",
            ["max_tokens"] = LongGeneration,
            ["temperature"] = 1,
            ["seed"] = 3,
        }), cts.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (scheduler.Stats.GeneratedTokens == before.GeneratedTokens && DateTime.UtcNow < deadline)
            await Task.Delay(5);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);

        await WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
        var after = scheduler.Stats;
        Assert.Equal(0, after.ActiveSequences);
        Assert.Equal(before.CompletedRequests, after.CompletedRequests);
        Assert.True(after.GeneratedTokens - before.GeneratedTokens < LongGeneration);
    }

    internal static async Task WaitForIdleAsync(IGenerationScheduler scheduler, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (scheduler.Stats is { ActiveSequences: > 0 } or { QueuedRequests: > 0 })
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"The scheduler is still busy after {timeout.TotalSeconds} s: {scheduler.Stats}");
            await Task.Delay(10);
        }
    }
}
