using System.Globalization;

namespace MicroAI.Server.Tests.Faults;

/// <summary>The figures a leak would move, as /metrics reports them (scraped over HTTP, as an operator would).</summary>
internal sealed record ProcessCounters(long ResidentBytes, long OpenFds, long Threads, long GcHeapBytes, long BusySlots, long QueueDepth)
{
    public static async Task<ProcessCounters> ScrapeAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("metrics");
        var values = MicroAI.Tests.Shared.PrometheusText.SumByMetric(text);
        long Get(string metric) => values.TryGetValue(metric, out var v) ? (long)v : throw new InvalidOperationException($"/metrics has no {metric}:\n{text}");
        return new ProcessCounters(Get("process_resident_memory_bytes"), Get("process_open_fds"), Get("process_threads"),
            Get("dotnet_gc_heap_bytes"), Get("microai_busy_slots"), Get("microai_queue_depth"));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"rss {ResidentBytes / 1048576.0:F1} MiB, fds {OpenFds}, threads {Threads}, gc heap {GcHeapBytes / 1048576.0:F1} MiB, busy slots {BusySlots}, queue {QueueDepth}");
}
