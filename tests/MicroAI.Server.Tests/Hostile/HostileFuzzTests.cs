using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using MicroAI.Server.Tests.Inference;
using MicroAI.Tests.Shared;
using Xunit.Abstractions;

namespace MicroAI.Server.Tests.Hostile;

/// <summary>
/// Thousands of malformed and adversarial requests to every endpoint over real HTTP (issue 8, "hostile
/// input"): each must get a 4xx in OpenAI's error shape (or succeed when it is in fact valid), never a
/// 5xx, a hang or a dropped connection; afterwards the server still answers correctly and holds nothing.
/// </summary>
[Collection(InferenceCollection.Name)]
public sealed class HostileFuzzTests(InferenceServerFixture server, ITestOutputHelper output)
{
    /// <summary>Per request. The slowest valid cases (5,000 documents to rerank, 1,000 messages) take well under a second.</summary>
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Every_hostile_request_gets_a_4xx_or_a_valid_answer_and_the_server_keeps_serving()
    {
        var cases = HostileCaseGenerator.All().Concat(HostileRandomCases.All()).ToList();
        var tried = new ConcurrentDictionary<string, int>();
        var failed = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentBag<string>();
        var durations = new ConcurrentBag<(double Ms, HostileCase Case)>();
        using var client = new HostileClient(server.BaseUri, s_timeout);
        var clock = Stopwatch.StartNew();

        // Four at a time: two slots generate, the rest queue or fail fast; more only adds contention on 2 cores.
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, _) =>
        {
            tried.AddOrUpdate(c.Endpoint, 1, (_, n) => n + 1);
            var started = Stopwatch.GetTimestamp();
            var problem = await client.SendAsync(c);
            durations.Add((Stopwatch.GetElapsedTime(started).TotalMilliseconds, c));
            if (problem is not null)
            {
                failed.AddOrUpdate(c.Endpoint, 1, (_, n) => n + 1);
                failures.Add($"{c}\n    → {problem}");
            }
        });
        clock.Stop();

        output.WriteLine($"{cases.Count} hostile requests in {clock.Elapsed.TotalSeconds:F1} s, {failures.Count} failures");
        foreach (var (endpoint, n) in tried.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            output.WriteLine($"  {endpoint,-28} {n,6} tried {failed.GetValueOrDefault(endpoint),4} failed");
        var sorted = durations.Select(d => d.Ms).Order().ToArray();
        output.WriteLine($"latency per request: p50 {sorted[sorted.Length / 2]:F1} ms, p99 {sorted[sorted.Length * 99 / 100]:F1} ms, max {sorted[^1]:F0} ms; slowest:");
        foreach (var (ms, c) in durations.OrderByDescending(d => d.Ms).Take(8))
            output.WriteLine($"  {ms,7:F0} ms  {c.ToString()[..Math.Min(150, c.ToString().Length)]}");
        foreach (var f in failures.Take(400))
            output.WriteLine(f);
        Assert.True(cases.Count >= 8000, $"only {cases.Count} cases");
        Assert.Empty(failures);

        await AssertStillServingAsync();
    }

    /// <summary>The recorded greedy text, a healthy server, and no slot or queue entry left behind.</summary>
    private async Task AssertStillServingAsync()
    {
        var (response, body, raw) = await server.Http.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest());
        Assert.True(response.IsSuccessStatusCode, raw);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)body!["choices"]![0]!["text"]);

        using var health = await server.Http.GetAsync("health");
        Assert.Equal(200, (int)health.StatusCode);

        // Cancelled and failed requests free their slots at the next decode step: give them a moment.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        string busy;
        while (true)
        {
            busy = string.Join(", ", server.ModelHost.Loaded.OfType<MicroAI.Runtime.Models.LoadedTextModel>()
                .Where(m => m.Scheduler.Stats.ActiveSequences != 0 || m.Scheduler.Stats.QueuedRequests != 0)
                .Select(m => $"{m.Entry.Id}: {m.Scheduler.Stats.ActiveSequences} busy, {m.Scheduler.Stats.QueuedRequests} queued"));
            if (busy.Length == 0 || DateTime.UtcNow > deadline)
                break;
            await Task.Delay(50);
        }
        Assert.True(busy.Length == 0, busy);
        output.WriteLine("afterwards: greedy continuation exact, /health 200, no busy slot or queued request");
    }
}
