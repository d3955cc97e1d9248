using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroAI.LoadTests;

/// <summary>
/// `soak`: C closed-loop streaming clients for a duration against a running server, a fraction of
/// them walking away mid-stream, while /metrics is sampled every few seconds. Reports status
/// counts (5xx must be 0), TTFT / inter-token p50 and p99, and the process series (RSS, fds,
/// threads, GC heap) after warm-up: start, end, max and slope per minute.
///
///   soak --url URL --model ID [--concurrency 8] [--minutes 10] [--warmup-seconds 30] [--cancel-fraction 0.2]
///        [--max-tokens 64] [--prompt-words 32] [--sample-seconds 5] [--seed 1] [--json FILE]
/// </summary>
internal static class SoakLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var o = SoakOptions.Parse(args[1..]);
        if (o is null)
        {
            Console.Error.WriteLine("usage: soak --url URL --model ID [--concurrency 8] [--minutes 10] [--warmup-seconds 30] [--cancel-fraction 0.2] " +
                "[--max-tokens 64] [--prompt-words 32] [--sample-seconds 5] [--seed 1] [--json FILE]");
            return 2;
        }
        var baseUri = new Uri(o.Url.TrimEnd('/') + "/");
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2), MaxConnectionsPerServer = 256, MaxResponseDrainSize = 0 })
        {
            Timeout = TimeSpan.FromMinutes(5),
        }.WithApiKey();
        var duration = TimeSpan.FromMinutes(o.Minutes);
        var samples = new ConcurrentQueue<MetricsSample>();
        var results = new ConcurrentBag<RequestResult>();
        var statuses = new ConcurrentDictionary<string, int>();
        var workload = new Workload(o.Seed, o.PromptWords, 0);
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(duration);

        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await MetricsSample.ScrapeAsync(http, baseUri, clock.Elapsed.TotalSeconds) is { } s)
                    samples.Enqueue(s);
                try { await Task.Delay(TimeSpan.FromSeconds(o.SampleSeconds), stop.Token); } catch (OperationCanceledException) { }
            }
        });
        Console.WriteLine($"soak: {o.Concurrency} clients for {o.Minutes:0.##} min against {baseUri} ({o.Model}), {o.CancelFraction:P0} cancelled mid-stream");
        var clients = Enumerable.Range(0, o.Concurrency).Select(client => Task.Run(async () =>
        {
            var random = new Random(SeedMix.Of(o.Seed, client));
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                // A cancelled client leaves after a random share of its answer's time.
                var cancelAfter = random.NextDouble() < o.CancelFraction ? TimeSpan.FromMilliseconds(random.Next(1, 200)) : (TimeSpan?)null;
                var result = await RequestResult.RunAsync(http, baseUri, o.Model, workload.Prompt(client * 100_000 + n, 0), o.MaxTokens, CancellationToken.None, cancelAfter);
                statuses.AddOrUpdate(result.StatusClass, 1, (_, v) => v + 1);
                if (clock.Elapsed.TotalSeconds >= o.WarmupSeconds)
                    results.Add(result);
            }
        })).ToArray();
        await Task.WhenAll(clients);
        await stop.CancelAsync();
        await sampler;
        // One more sample once the load is gone: the slots and queue must be back to 0.
        await Task.Delay(500);
        if (await MetricsSample.ScrapeAsync(http, baseUri, clock.Elapsed.TotalSeconds) is { } last)
            samples.Enqueue(last);

        var report = SoakReport.From(o, [.. results], statuses.ToDictionary(), [.. samples], clock.Elapsed.TotalSeconds);
        report.Print();
        if (o.JsonPath is not null)
            await File.WriteAllTextAsync(o.JsonPath, JsonSerializer.Serialize(report, SoakJson.Default.SoakReport));
        return report.Status5xx == 0 && report.Failed == 0 && report.EndBusySlots == 0 && report.EndQueueDepth == 0 ? 0 : 1;
    }
}

internal sealed record SoakOptions(string Url, string Model, int Concurrency, double Minutes, double WarmupSeconds, double CancelFraction,
    int MaxTokens, int PromptWords, double SampleSeconds, int Seed, string? JsonPath)
{
    public static SoakOptions? Parse(string[] args)
    {
        string? url = null, model = null, json = null;
        int concurrency = 8, maxTokens = 64, promptWords = 32, seed = 1;
        double minutes = 10, warmup = 30, cancel = 0.2, sample = 5;
        static int I(string v) => int.Parse(v, CultureInfo.InvariantCulture);
        static double D(string v) => double.Parse(v, CultureInfo.InvariantCulture);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            switch (args[i])
            {
                case "--url": url = v; break;
                case "--model": model = v; break;
                case "--concurrency": concurrency = I(v); break;
                case "--minutes": minutes = D(v); break;
                case "--warmup-seconds": warmup = D(v); break;
                case "--cancel-fraction": cancel = D(v); break;
                case "--max-tokens": maxTokens = I(v); break;
                case "--prompt-words": promptWords = I(v); break;
                case "--sample-seconds": sample = D(v); break;
                case "--seed": seed = I(v); break;
                case "--json": json = v; break;
                default: return null;
            }
        }
        return url is null || model is null ? null
            : new SoakOptions(url, model, concurrency, minutes, warmup, cancel, maxTokens, promptWords, sample, seed, json);
    }
}

/// <summary>One scrape of the server's /metrics: the figures a leak or a stuck slot would move.</summary>
internal sealed record MetricsSample(
    [property: JsonPropertyName("t_seconds")] double Seconds,
    [property: JsonPropertyName("rss_bytes")] long ResidentBytes,
    [property: JsonPropertyName("open_fds")] long OpenFds,
    [property: JsonPropertyName("threads")] long Threads,
    [property: JsonPropertyName("gc_heap_bytes")] long GcHeapBytes,
    [property: JsonPropertyName("busy_slots")] long BusySlots,
    [property: JsonPropertyName("queue_depth")] long QueueDepth,
    [property: JsonPropertyName("prompt_cache_bytes")] long PromptCacheBytes)
{
    public static async Task<MetricsSample?> ScrapeAsync(HttpClient http, Uri baseUri, double seconds)
    {
        string text;
        try
        {
            text = await http.GetStringAsync(new Uri(baseUri, "metrics"));
        }
        catch (HttpRequestException)
        {
            return null;
        }
        var v = MicroAI.Tests.Shared.PrometheusText.SumByMetric(text);
        long G(string m) => (long)v.GetValueOrDefault(m);
        return new MetricsSample(seconds, G("process_resident_memory_bytes"), G("process_open_fds"), G("process_threads"),
            G("dotnet_gc_heap_bytes"), G("microai_busy_slots"), G("microai_queue_depth"), G("microai_prompt_cache_bytes"));
    }
}
