using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;
using Xunit.Abstractions;

namespace MicroAI.Server.Tests.Faults;

/// <summary>
/// Clients walking away mid-stream, many at once and at random points (while queued, right after
/// the headers, after a few tokens), round after round: nothing is left behind.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class DisconnectUnderLoadTests(FaultServerFixture server, ITestOutputHelper output)
{
    private const int Rounds = 10;         // the first warms up pools and caches; the other 9 are measured (~0.5 s each)
    private const int ClientsPerRound = 8; // 4x the fixture's 2 slots: 6 of them wait in the queue
    private const int FdTolerance = 4;     // sockets the kernel may still be closing
    // Threads outside the .NET thread pool (schedulers, ggml workers, socket engines): a leaked
    // generation would leave one of these. The pool itself grows under load and retires threads
    // lazily (~20 s), so it is subtracted (the server runs in this process, so its pool is ours).
    private const int ThreadTolerance = 4;
    private const long HeapGrowthLimit = 4L << 20;

    [Fact]
    public async Task RandomDisconnectsUnderLoad_LeaveNoSlotsHandlesOrMemoryBehind()
    {
        var random = new Random(8);
        var stopped = 0;
        var finished = 0;
        ProcessCounters? before = null;
        var poolBefore = 0;
        var fdsBefore = new List<string>();
        long heapBefore = 0;
        var heaps = new List<long>();
        for (var round = 0; round < Rounds; round++)
        {
            var outcomes = await RunRoundAsync(random);
            stopped += outcomes.Count(o => !o);
            finished += outcomes.Count(o => o);
            var after = await WaitForIdleAsync();
            var heap = ManagedHeapAfterFullCollection();
            heaps.Add(heap);
            output.WriteLine($"round {round}: {outcomes.Count(o => !o)} cancelled, {outcomes.Count(o => o)} finished; {after}; heap after full GC {heap / 1048576.0:F2} MiB");
            if (round == 0)
                (before, poolBefore, fdsBefore) = (after, ThreadPool.ThreadCount, FdTargets());
            if (round == 1)
                heapBefore = heap; // round 0's heap still holds the start-up's garbage
        }

        var (end, poolEnd) = await WaitForCountersAsync(before!, poolBefore, fdsBefore.Count);
        output.WriteLine($"before (after warm-up): {before}; thread-pool threads {poolBefore}");
        output.WriteLine($"after {Rounds - 1} rounds:      {end}; thread-pool threads {poolEnd}");
        Assert.True(stopped >= Rounds * ClientsPerRound / 2, $"only {stopped} requests were cancelled; the test must mostly cancel");
        Assert.Equal(0, end.BusySlots);
        Assert.Equal(0, end.QueueDepth);
        var fdsEnd = FdTargets();
        Assert.True(fdsEnd.Count <= fdsBefore.Count + FdTolerance,
            $"open fds other than loaded code {fdsBefore.Count} → {fdsEnd.Count} (all: {before!.OpenFds} → {end.OpenFds}); new: {string.Join(", ", Grown(fdsBefore, fdsEnd))}");
        Assert.True(end.Threads - poolEnd <= before.Threads - poolBefore + ThreadTolerance,
            $"threads outside the pool {before.Threads - poolBefore} → {end.Threads - poolEnd} (all threads {before.Threads} → {end.Threads})");
        Assert.True(heaps[^1] - heapBefore < HeapGrowthLimit, $"managed heap {heapBefore} → {heaps[^1]} bytes over {Rounds - 2} rounds");

        // And the server still gives the exact greedy answer.
        var (ok, result, raw) = await server.Http.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest());
        Assert.True(ok.IsSuccessStatusCode, raw);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)result!["choices"]![0]!["text"]);
    }

    /// <summary>One round: every client streams and most walk away at a random point; true = read to the end.</summary>
    private async Task<bool[]> RunRoundAsync(Random random)
    {
        // A fresh client per round, no draining on dispose: a client that goes away closes its connection.
        using var handler = new SocketsHttpHandler { MaxResponseDrainSize = 0 };
        using var http = new HttpClient(handler) { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        var plans = Enumerable.Range(0, ClientsPerRound).Select(i => (Chat: i % 2 == 0, StopAfterEvents: random.Next(-1, 24), Seed: random.Next())).ToList();
        return await Task.WhenAll(plans.Select(p => StreamAsync(http, p.Chat, p.StopAfterEvents, p.Seed)));
    }

    /// <summary>Streams a long answer; stops after <paramref name="stopAfterEvents"/> events (-1: before the headers).</summary>
    private static async Task<bool> StreamAsync(HttpClient http, bool chat, int stopAfterEvents, int seed)
    {
        var body = new JsonObject { ["model"] = ServerFixture.StoriesModel, ["stream"] = true, ["max_tokens"] = 400, ["temperature"] = 1, ["seed"] = seed };
        if (chat)
            body["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Once upon a time" });
        else
            body["prompt"] = "Once upon a time";
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Post, chat ? "v1/chat/completions" : "v1/completions") { Content = ServerHttp.JsonContent(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (stopAfterEvents < 0)
            cts.CancelAfter(TimeSpan.FromMilliseconds(5)); // while it waits in the queue, or before it is even read
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            Assert.Equal(200, (int)response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            var events = 0;
            while (await reader.ReadLineAsync(cts.Token) is { } line)
            {
                if (line == "data: [DONE]")
                    return true;
                if (line.StartsWith("data: ", StringComparison.Ordinal) && ++events == stopAfterEvents)
                {
                    await cts.CancelAsync(); // walk away mid-stream: the connection closes with the response
                    return false;
                }
            }
            Assert.Fail("The stream ended without [DONE].");
            return false;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<ProcessCounters> WaitForIdleAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var c = await ProcessCounters.ScrapeAsync(server.Http);
            if (c is { BusySlots: 0, QueueDepth: 0 })
                return c;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Slots still busy 10 s after every client left: {c}");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Closed sockets leave the fd table within milliseconds; waits up to 5 s for the figures to settle.
    /// The clients live in this process too: a connect the client abandoned when its request was
    /// cancelled can finish after its handler was disposed, and that socket is only closed by its
    /// finalizer, so each look collects first (the fds counted are then the server's, and live ones).
    /// </summary>
    private async Task<(ProcessCounters Counters, int PoolThreads)> WaitForCountersAsync(ProcessCounters before, int poolBefore, int fdsBefore)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            ManagedHeapAfterFullCollection();
            var c = await ProcessCounters.ScrapeAsync(server.Http);
            var pool = ThreadPool.ThreadCount;
            if ((FdTargets().Count <= fdsBefore + FdTolerance && c.Threads - pool <= before.Threads - poolBefore + ThreadTolerance) || DateTime.UtcNow > deadline)
                return (c, pool);
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// What this process's descriptors point at (socket:[inode], pipe:[…], paths), to name a leak when
    /// there is one; without loaded code (.dll, .so): an assembly that another test in this process
    /// loads for the first time stays open for the process's life and is no leak (a CI run once saw
    /// +3, all of them framework assemblies: Authentication, Authorization.Policy, NetworkInformation).
    /// </summary>
    private static List<string> FdTargets()
    {
        var targets = new List<string>();
        if (!OperatingSystem.IsLinux())
            return targets;
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget ?? fd;
                if (!IsLoadedCode(target))
                    targets.Add(target);
            }
            catch (IOException)
            {
            }
        }
        return targets;
    }

    private static bool IsLoadedCode(string target) =>
        target.StartsWith('/') && (target.EndsWith(".dll", StringComparison.Ordinal) || target.EndsWith(".so", StringComparison.Ordinal) || target.Contains(".so.", StringComparison.Ordinal));

    /// <summary>Descriptors in <paramref name="after"/> beyond those in <paramref name="before"/>, counting repeats.</summary>
    private static IEnumerable<string> Grown(List<string> before, List<string> after)
    {
        var left = before.GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        foreach (var target in after)
        {
            if (left.TryGetValue(target, out var n) && n > 0)
                left[target] = n - 1;
            else
                yield return target;
        }
    }

    private static long ManagedHeapAfterFullCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
