using System.Net;
using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests;

/// <summary>A server with one slot and a queue of one: one request runs, one waits, the next gets 429.</summary>
public sealed class SingleSlotServerFixture : ServerFixture
{
    protected override IEnumerable<string> ExtraArguments =>
    [
        "--MicroAI:ParallelSlots=1",
        "--MicroAI:MaxQueuedRequests=1",
    ];
}

[Collection(ServerCollection.Name)]
public sealed class QueueTests(SingleSlotServerFixture server) : IClassFixture<SingleSlotServerFixture>
{
    /// <summary>~4000 tokens of the 32k-vocabulary model: seconds of work that keeps the only slot busy.</summary>
    private static JsonObject LongTinyRequest(bool stream) => new()
    {
        ["model"] = ServerFixture.TinyModel,
        ["prompt"] = "Once upon a time",
        ["max_tokens"] = 4000,
        ["temperature"] = 1,
        ["seed"] = 11,
        ["stream"] = stream,
    };

    private static JsonObject ShortTinyRequest() => new()
    {
        ["model"] = ServerFixture.TinyModel,
        ["prompt"] = "Hello",
        ["max_tokens"] = 3,
    };

    [Fact]
    public async Task FullQueue_Is429WithRetryAfter()
    {
        var scheduler = (await server.GetLoadedModelAsync(ServerFixture.TinyModel)).Scheduler;
        await DisconnectTests.WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var running = await StartStreamingAsync(cts.Token);
        Task<HttpResponseMessage>? waiting = null;
        try
        {
            waiting = server.Http.PostAsync("v1/completions", ServerHttp.JsonContent(ShortTinyRequest()), cts.Token);
            await WaitUntilAsync(() => scheduler.Stats.QueuedRequests == 1, TimeSpan.FromSeconds(5));

            var (response, _, text) = await server.Http.PostJsonAsync("v1/completions", ShortTinyRequest());

            var error = ErrorResponseTests.AssertError(response, text, HttpStatusCode.TooManyRequests, null, "queue_full");
            Assert.Equal("rate_limit_error", (string?)error["type"]);
            Assert.NotNull(response.Headers.RetryAfter);
        }
        finally
        {
            running.Dispose();
        }
        // Once the long request is gone the waiting one runs.
        using var waited = await waiting!;
        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        await DisconnectTests.WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WaitingRequestWhoseClientLeft_NoLongerTakesAQueuePlace()
    {
        var scheduler = (await server.GetLoadedModelAsync(ServerFixture.TinyModel)).Scheduler;
        await DisconnectTests.WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var running = await StartStreamingAsync(cts.Token);
        try
        {
            // A request waits for the slot, then its client gives up.
            using (var leaving = CancellationTokenSource.CreateLinkedTokenSource(cts.Token))
            {
                var abandoned = server.Http.PostAsync("v1/completions", ServerHttp.JsonContent(ShortTinyRequest()), leaving.Token);
                await WaitUntilAsync(() => scheduler.Stats.QueuedRequests == 1, TimeSpan.FromSeconds(5));
                await leaving.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
            }
            Assert.Equal(1, scheduler.Stats.ActiveSequences);

            // Nobody is waiting any more: the queue place must be free again while the slot is still busy.
            var freed = await TryWaitUntilAsync(() => scheduler.Stats.QueuedRequests == 0, TimeSpan.FromMilliseconds(500));
            Assert.True(scheduler.Stats.ActiveSequences == 1, "the long request finished too early for this test to mean anything");
            var next = server.Http.PostAsync("v1/completions", ServerHttp.JsonContent(ShortTinyRequest()), cts.Token);
            await Task.WhenAny(next, Task.Delay(200, cts.Token));
            if (next.IsCompleted)
            {
                using var early = await next;
                Assert.True(early.StatusCode != HttpStatusCode.TooManyRequests,
                    $"A new request got 429 though the only waiting request's client had left (QueuedRequests still {scheduler.Stats.QueuedRequests}, freed: {freed}).");
            }
            Assert.True(freed, $"QueuedRequests is {scheduler.Stats.QueuedRequests} after the waiting client left");

            running.Dispose();
            using var answer = await next;
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
        finally
        {
            running.Dispose();
        }
        await DisconnectTests.WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
    }

    /// <summary>Starts the long streamed request and returns once it is generating in the slot.</summary>
    private async Task<RunningRequest> StartStreamingAsync(CancellationToken cancellationToken)
    {
        // Disposing closes the connection (no draining), so the server cancels the generation.
        var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = server.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/completions") { Content = ServerHttp.JsonContent(LongTinyRequest(stream: true)) };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var running = new RunningRequest(client, response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var line = await reader.ReadLineAsync(cancellationToken);
        Assert.StartsWith("data: ", line, StringComparison.Ordinal);
        return running;
    }

    private sealed class RunningRequest(HttpClient client, HttpResponseMessage response) : IDisposable
    {
        public void Dispose()
        {
            response.Dispose();
            client.Dispose();
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        if (!await TryWaitUntilAsync(condition, timeout))
            Assert.Fail($"Condition not met within {timeout.TotalSeconds} s.");
    }

    private static async Task<bool> TryWaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                return false;
            await Task.Delay(5);
        }
        return true;
    }
}
