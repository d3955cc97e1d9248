using System.Globalization;
using System.Text.Json.Serialization;

namespace MicroAI.LoadTests;

/// <summary>What a soak measured; the process series start after the warm-up.</summary>
internal sealed record SoakReport(
    [property: JsonPropertyName("concurrency")] int Concurrency,
    [property: JsonPropertyName("minutes")] double Minutes,
    [property: JsonPropertyName("warmup_seconds")] double WarmupSeconds,
    [property: JsonPropertyName("cancel_fraction")] double CancelFraction,
    [property: JsonPropertyName("requests")] int Requests,
    [property: JsonPropertyName("completed")] int Completed,
    [property: JsonPropertyName("cancelled")] int Cancelled,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("status_counts")] Dictionary<string, int> StatusCounts,
    [property: JsonPropertyName("status_5xx")] int Status5xx,
    [property: JsonPropertyName("requests_per_second")] double RequestsPerSecond,
    [property: JsonPropertyName("generated_tokens_per_second")] double TokensPerSecond,
    [property: JsonPropertyName("ttft_p50_ms")] double TtftP50,
    [property: JsonPropertyName("ttft_p99_ms")] double TtftP99,
    [property: JsonPropertyName("itl_p50_ms")] double ItlP50,
    [property: JsonPropertyName("itl_p99_ms")] double ItlP99,
    [property: JsonPropertyName("series")] List<SeriesSummary> Series,
    [property: JsonPropertyName("end_busy_slots")] long EndBusySlots,
    [property: JsonPropertyName("end_queue_depth")] long EndQueueDepth,
    [property: JsonPropertyName("samples")] List<MetricsSample> Samples)
{
    public static SoakReport From(SoakOptions o, IReadOnlyList<RequestResult> results, Dictionary<string, int> statuses, List<MetricsSample> samples, double wallSeconds)
    {
        var done = results.Where(r => r.Ok && !r.Cancelled).ToList();
        var measured = Math.Max(wallSeconds - o.WarmupSeconds, 1e-9);
        var steady = samples.Where(s => s.Seconds >= o.WarmupSeconds).ToList();
        if (steady.Count < 2)
            steady = samples; // a run shorter than its warm-up: report what there is
        var end = samples.Count > 0 ? samples[^1] : null;
        return new SoakReport(o.Concurrency, o.Minutes, o.WarmupSeconds, o.CancelFraction,
            statuses.Values.Sum(), done.Count, results.Count(r => r.Cancelled), results.Count(r => !r.Ok), statuses,
            statuses.GetValueOrDefault("5xx"),
            done.Count / measured, done.Sum(r => r.Tokens) / measured,
            LoadReport.Percentile(done.Select(r => r.TimeToFirstTokenMs), 50), LoadReport.Percentile(done.Select(r => r.TimeToFirstTokenMs), 99),
            LoadReport.Percentile(done.SelectMany(r => r.InterTokenMs), 50), LoadReport.Percentile(done.SelectMany(r => r.InterTokenMs), 99),
            [
                SeriesSummary.Of("rss_mib", steady, s => s.ResidentBytes / 1048576.0),
                SeriesSummary.Of("open_fds", steady, s => s.OpenFds),
                SeriesSummary.Of("threads", steady, s => s.Threads),
                SeriesSummary.Of("gc_heap_mib", steady, s => s.GcHeapBytes / 1048576.0),
                // The host-RAM prompt cache grows by design up to MicroAI:PromptCacheMiB (managed
                // arrays, so it shows in RSS and the GC heap); what is left once it is taken out is
                // what a leak would move.
                SeriesSummary.Of("prompt_cache_mib", steady, s => s.PromptCacheBytes / 1048576.0),
                SeriesSummary.Of("rss_minus_cache_mib", steady, s => (s.ResidentBytes - s.PromptCacheBytes) / 1048576.0),
            ],
            end?.BusySlots ?? -1, end?.QueueDepth ?? -1, samples);
    }

    public void Print()
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"requests {Requests} (after warm-up: {Completed} completed, {Cancelled} cancelled on purpose, {Failed} failed)"));
        Console.WriteLine("status counts: " + string.Join(", ", StatusCounts.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}")));
        Console.WriteLine(string.Create(c, $"5xx: {Status5xx}    req/s {RequestsPerSecond:F2}    tok/s {TokensPerSecond:F1}"));
        Console.WriteLine(string.Create(c, $"ttft ms p50 {TtftP50:F1} p99 {TtftP99:F1}    inter-token ms p50 {ItlP50:F2} p99 {ItlP99:F2}"));
        Console.WriteLine();
        Console.WriteLine("series (after warm-up)\tstart\tend\tmax\tslope/min\tslope/min (2nd half)");
        foreach (var s in Series)
            Console.WriteLine(string.Create(c, $"{s.Name}\t{s.Start:F1}\t{s.End:F1}\t{s.Max:F1}\t{s.SlopePerMinute:F3}\t{s.SecondHalfSlopePerMinute:F3}"));
        Console.WriteLine(string.Create(c, $"after the load: busy slots {EndBusySlots}, queue {EndQueueDepth}"));
    }
}

/// <summary>A sampled series: first, last, max and the least-squares slope per minute.</summary>
internal sealed record SeriesSummary(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("start")] double Start,
    [property: JsonPropertyName("end")] double End,
    [property: JsonPropertyName("max")] double Max,
    [property: JsonPropertyName("slope_per_minute")] double SlopePerMinute,
    [property: JsonPropertyName("second_half_slope_per_minute")] double SecondHalfSlopePerMinute)
{
    public static SeriesSummary Of(string name, List<MetricsSample> samples, Func<MetricsSample, double> value)
    {
        if (samples.Count == 0)
            return new SeriesSummary(name, 0, 0, 0, 0, 0);
        var ys = samples.Select(value).ToArray();
        // The whole window includes caches filling up to their budgets and the GC settling on its
        // heap size; the second half is where a leak shows as a slope and a plateau as ~0.
        return new SeriesSummary(name, ys[0], ys[^1], ys.Max(), Slope(samples, value), Slope(samples[(samples.Count / 2)..], value));
    }

    /// <summary>Least-squares slope of the value against time, per minute.</summary>
    private static double Slope(List<MetricsSample> samples, Func<MetricsSample, double> value)
    {
        if (samples.Count < 2)
            return 0;
        var xs = samples.Select(s => s.Seconds / 60).ToArray();
        var ys = samples.Select(value).ToArray();
        var mx = xs.Average();
        var my = ys.Average();
        var sxx = xs.Sum(x => (x - mx) * (x - mx));
        return sxx > 0 ? xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum() / sxx : 0;
    }
}

[JsonSerializable(typeof(SoakReport))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class SoakJson : JsonSerializerContext;
