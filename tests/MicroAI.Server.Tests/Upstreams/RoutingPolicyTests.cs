using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests.Upstreams;

/// <summary>
/// The routing policies under load and failure: local-first overflows to the upstream when the local
/// queue is full (both sides count the same requests), upstream-first falls back to the local copy when
/// the upstream dies, and once the breaker is open it does so at once instead of after a timeout.
/// </summary>
[Collection(UpstreamCollection.Name)]
public sealed class RoutingPolicyTests
{
    private const string Stories = ServerFixture.StoriesModel;

    private static async Task<(int Status, string? ServedBy, string Text)> ChatAsync(MicroAIProcess edge, string model, int maxTokens, string prompt = "Once upon a time")
    {
        var (response, body, text) = await edge.Http.PostJsonAsync("v1/chat/completions", StoriesRequests.GreedyChat(model, prompt, maxTokens));
        var servedBy = response.Headers.TryGetValues("X-MicroAI-Served-By", out var v) ? string.Join(",", v) : null;
        return ((int)response.StatusCode, servedBy, response.IsSuccessStatusCode ? (string)body!["choices"]![0]!["message"]!["content"]! : text);
    }

    private static Task<double> DecisionsAsync(MicroAIProcess edge, string policy, string decision) =>
        MetricSamples.SumAsync(edge.Http, "microai_route_decisions_total", ("model", Stories), ("policy", policy), ("decision", decision));

    [Fact]
    public async Task Local_first_overflows_to_the_upstream_when_the_local_queue_is_full_and_both_sides_count_the_same_requests()
    {
        const int Concurrent = 8;
        await using var fake = await FakeUpstream.StartAsync();
        await using var edge = await Edge.StartAsync(fake.OpenAIBaseUrl,
        [
            Edge.LocalStories(),
            EdgeArgs.Model(Stories, "Upstream", Edge.Central),
            EdgeArgs.Model(Stories, "Policy", "local-first"),
            "--MicroAI:ParallelSlots=1",
            "--MicroAI:MaxQueuedRequests=1",
            "--MicroAI:ContextSize=1024",
        ]);
        var warm = await ChatAsync(edge, Stories, 1); // loads the local model: a load is not a queue
        Assert.Equal(("local", 200), (warm.ServedBy, warm.Status));
        var localBefore = await DecisionsAsync(edge, "local-first", "local");

        // Each local answer takes its one slot for hundreds of tokens, so the later arrivals find the queue full.
        var answers = await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(i => ChatAsync(edge, Stories, 400, "Once upon a time " + i)));

        Assert.All(answers, a => Assert.True(a.Status == 200, $"{a.Status} {a.ServedBy}: {a.Text}"));
        var upstream = answers.Count(a => a.ServedBy == Edge.ServedByCentral);
        var local = answers.Count(a => a.ServedBy == "local");
        Assert.Equal(Concurrent, upstream + local);
        Assert.True(local >= 1 && upstream >= 1, $"{local} answered locally, {upstream} upstream");
        Assert.Equal(upstream, fake.Requests);
        Assert.Equal(upstream, await DecisionsAsync(edge, "local-first", "overflow"));
        Assert.Equal(local, await DecisionsAsync(edge, "local-first", "local") - localBefore);
        // The upstream's own counters: requests by outcome, and the tokens it reported (one per scripted piece).
        Assert.Equal(upstream, await MetricSamples.SumAsync(edge.Http, "microai_upstream_requests_total", ("upstream", Edge.Central), ("outcome", "ok")));
        Assert.Equal(upstream * Answers.DefaultPieces.Length,
            await MetricSamples.SumAsync(edge.Http, "microai_upstream_tokens_total", ("upstream", Edge.Central), ("type", "completion")));
        Assert.Equal(upstream, await MetricSamples.SumAsync(edge.Http, "microai_upstream_first_token_seconds_count", ("upstream", Edge.Central)));
        Assert.All(answers.Where(a => a.ServedBy == Edge.ServedByCentral), a => Assert.Equal(new Answers().Text, a.Text));
    }

    [Fact]
    public async Task Upstream_first_falls_back_to_the_local_copy_when_the_upstream_process_is_killed_and_the_breaker_opens()
    {
        await using var central = await MicroAIProcess.StartAsync(withStories: true, []);
        await using var edge = await Edge.StartAsync(central.OpenAIBaseUrl,
        [
            Edge.LocalStories(),
            EdgeArgs.Model(Stories, "Upstream", Edge.Central),
            EdgeArgs.Model(Stories, "Policy", "upstream-first"),
            EdgeArgs.Upstream(Edge.Central, "BreakerFailures", 2),
            EdgeArgs.Upstream(Edge.Central, "BreakerCooldownSeconds", 600),
        ]);
        var healthy = await ChatAsync(edge, Stories, 24);
        Assert.Equal((200, Edge.ServedByCentral), (healthy.Status, healthy.ServedBy));

        await central.KillAsync();
        var after = new List<(int Status, string? ServedBy, string Text)>();
        for (var i = 0; i < 4; i++)
            after.Add(await ChatAsync(edge, Stories, 24));

        // The same model file, greedy: the local copy says what the central said.
        Assert.All(after, a => Assert.Equal((200, "local", healthy.Text), (a.Status, a.ServedBy, a.Text)));
        Assert.Equal(4, await DecisionsAsync(edge, "upstream-first", "fallback"));
        using var health = await edge.Http.GetAsync("health");
        var state = JsonNode.Parse(await health.Content.ReadAsStringAsync())!["upstreams"]![Edge.Central]!;
        Assert.True(health.IsSuccessStatusCode, $"/health answered {(int)health.StatusCode} though the box itself is fine");
        Assert.Equal("open", (string?)state["state"]);
        Assert.Equal(1, await MetricSamples.SumAsync(edge.Http, "microai_upstream_breaker_open", ("upstream", Edge.Central)));
    }

    [Fact]
    public async Task After_the_cooldown_one_probe_finds_the_upstream_back_and_closes_the_breaker()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Behaviour = new FailsWithStatus(500, "down for maintenance", "server_error");
        await using var edge = await Edge.StartAsync(fake.OpenAIBaseUrl,
        [
            Edge.LocalStories(),
            EdgeArgs.Model(Stories, "Upstream", Edge.Central),
            EdgeArgs.Model(Stories, "Policy", "upstream-first"),
            EdgeArgs.Model(Stories, "UpstreamModel", "central-model"),
            EdgeArgs.Upstream(Edge.Central, "BreakerFailures", 1),
            EdgeArgs.Upstream(Edge.Central, "BreakerCooldownSeconds", 2),
        ]);

        var failed = await ChatAsync(edge, Stories, 4);
        Assert.Equal((200, "local"), (failed.Status, failed.ServedBy));
        Assert.Equal("open", await BreakerStateAsync(edge));
        fake.Behaviour = new Answers();
        var whileOpen = await ChatAsync(edge, Stories, 4);
        Assert.Equal((200, "local"), (whileOpen.Status, whileOpen.ServedBy));
        Assert.Equal(1, fake.Requests); // skipped while open

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var probe = await ChatAsync(edge, Stories, 4);

        Assert.Equal((200, Edge.ServedByCentral, new Answers().Text), (probe.Status, probe.ServedBy, probe.Text));
        Assert.Equal("closed", await BreakerStateAsync(edge));
        Assert.Equal(0, await MetricSamples.SumAsync(edge.Http, "microai_upstream_breaker_open", ("upstream", Edge.Central)));
    }

    private static async Task<string?> BreakerStateAsync(MicroAIProcess edge) =>
        (string?)JsonNode.Parse(await edge.Http.GetStringAsync("health"))!["upstreams"]![Edge.Central]!["state"];

    /// <summary>
    /// The upstream hangs before answering at all, or after opening its stream with a chat's role-only
    /// chunk (as a MicroAI central does while the request waits for a slot): neither is a first token.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Once_the_breaker_is_open_upstream_first_falls_back_at_once_not_after_a_first_token_timeout(bool afterHeaders)
    {
        const int TimeoutSeconds = 3;
        await using var fake = await FakeUpstream.StartAsync();
        fake.Behaviour = new Hangs(afterHeaders);
        await using var edge = await Edge.StartAsync(fake.OpenAIBaseUrl,
        [
            Edge.LocalStories(),
            EdgeArgs.Model(Stories, "Upstream", Edge.Central),
            EdgeArgs.Model(Stories, "Policy", "upstream-first"),
            EdgeArgs.Model(Stories, "UpstreamModel", "central-model"),
            EdgeArgs.Upstream(Edge.Central, "FirstTokenTimeoutSeconds", TimeoutSeconds),
            EdgeArgs.Upstream(Edge.Central, "BreakerFailures", 2),
            EdgeArgs.Upstream(Edge.Central, "BreakerCooldownSeconds", 600),
        ]);

        var times = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            var answer = await ChatAsync(edge, Stories, 8);
            times.Add(clock.Elapsed);
            Assert.True(answer is { Status: 200, ServedBy: "local" }, $"request {i}: {answer}");
        }

        // Two requests waited for the hung upstream's first token, then the breaker opened and the
        // upstream was skipped: the later requests cost a local answer, far under the timeout.
        Assert.All(times.Take(2), t => Assert.True(t >= TimeSpan.FromSeconds(TimeoutSeconds * 0.9), $"{t.TotalSeconds:F2} s: the timeout did not apply"));
        Assert.All(times.Skip(2), t => Assert.True(t < TimeSpan.FromSeconds(TimeoutSeconds / 3.0), $"{t.TotalSeconds:F2} s with the breaker open"));
        Assert.Equal(2, fake.Requests);
        // The edge gave up on the two hung requests: the upstream saw both go away.
        Assert.NotNull(await fake.WaitForDisconnectAsync(TimeSpan.FromSeconds(5)));
    }
}
