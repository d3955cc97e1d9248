using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using MicroAI.Runtime.Models;
using MicroAI.Runtime.Scheduling;

namespace MicroAI.Server.Observability;

/// <summary>
/// Aggregates the "MicroAI" meter's counters and histograms with a MeterListener and renders them,
/// plus the schedulers' live state and the process's resources (<see cref="ProcessMetrics"/>), in Prometheus' text exposition format (version 0.0.4).
/// Histograms use fixed buckets from 5 ms to 30 s: TTFT on CPU ranges from ~10 ms (cached prefix)
/// to seconds (a long cold prompt); inter-token latency from ~0.3 ms (260K model) to ~10 ms (125M).
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] s_buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), Sum> _counters = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), Histogram> _histograms = new();
    private readonly Dictionary<string, string> _help = new();
    private readonly IModelHost _host;
    private readonly Upstreams.UpstreamCatalog _upstreams;

    public PrometheusExporter(MicroAIMetrics metrics, IModelHost host, Upstreams.UpstreamCatalog upstreams)
    {
        _host = host;
        _upstreams = upstreams;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name != MicroAIMetrics.MeterName)
                return;
            lock (_help)
                _help[instrument.Name] = instrument.Description ?? instrument.Name;
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            _counters.GetOrAdd((instrument.Name, Labels(tags)), _ => new Sum()).Add(value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            _histograms.GetOrAdd((instrument.Name, Labels(tags)), _ => new Histogram()).Record(value));
        _listener.Start();
        _ = metrics; // its instruments publish through the listener above
    }

    public string Render()
    {
        var sb = new StringBuilder(4096);
        foreach (var group in _counters.GroupBy(c => c.Key.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Header(sb, group.Key + "_total", Help(group.Key), "counter");
            foreach (var (key, sum) in group.OrderBy(g => g.Key.Labels, StringComparer.Ordinal))
                sb.Append(group.Key).Append("_total").Append(key.Labels).Append(' ').Append(sum.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        foreach (var group in _histograms.GroupBy(h => h.Key.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Header(sb, group.Key, Help(group.Key), "histogram");
            foreach (var (key, h) in group.OrderBy(g => g.Key.Labels, StringComparer.Ordinal))
                h.Render(sb, group.Key, key.Labels);
        }

        var loaded = _host.Loaded;
        Header(sb, "microai_loaded_models", "Models resident in memory", "gauge");
        sb.Append("microai_loaded_models ").Append(loaded.Count).Append('\n');
        PerModel(sb, loaded, "microai_model_bytes", "Size of each resident model's weights", "gauge", m => m.SizeBytes);
        var text = loaded.OfType<LoadedTextModel>().ToList();
        PerModel(sb, text, "microai_queue_depth", "Requests waiting for a slot", "gauge", m => m.Scheduler.Stats.QueuedRequests);
        PerModel(sb, text, "microai_busy_slots", "Slots generating or prefilling", "gauge", m => m.Scheduler.Stats.ActiveSequences);
        PerModel(sb, text, "microai_slots", "Slots per model", "gauge", m => m.Scheduler.Stats.Slots);
        PerModel(sb, text, "microai_prompt_cache_restores_total", "Conversations restored from the host-RAM prompt cache", "counter", m => m.Scheduler.Stats.PromptCacheRestores);
        PerModel(sb, text, "microai_prompt_cache_bytes", "Host RAM held by the prompt cache", "gauge", m => m.Scheduler.Stats.PromptCacheBytes);
        PerModel(sb, text, "microai_kv_cache_tokens", "KV-cache cells held by running sequences", "gauge", m => m.Scheduler.Stats.KvTokens);
        PerModel(sb, text, "microai_kv_cache_capacity_tokens", "KV-cache cells of all slots", "gauge", m => m.Scheduler.Stats.KvCapacity);
        InferenceExtension(sb, text.Select(m => m.Scheduler.Stats).ToList());
        UpstreamGauges(sb);
        ProcessMetrics.Render(sb);
        return sb.ToString();
    }

    /// <summary>
    /// The metrics the Kubernetes Gateway API Inference Extension's endpoint picker (and llm-d) scrapes
    /// from a model server, under the vLLM names its model-server protocol recommends, for the whole
    /// server: requests waiting for a slot, requests generating, KV-cache utilisation (0–1: cells held by
    /// running sequences over all slots' cells) and LoRA adapter info (none served: max_lora 0).
    /// </summary>
    private static void InferenceExtension(StringBuilder sb, IReadOnlyList<SchedulerStats> models)
    {
        long capacity = models.Sum(s => s.KvCapacity), held = models.Sum(s => s.KvTokens);
        var usage = capacity == 0 ? 0 : Math.Min(1.0, (double)held / capacity);
        Header(sb, "vllm:num_requests_waiting", "Requests waiting for a slot, all models (inference extension: TotalQueuedRequests)", "gauge");
        sb.Append("vllm:num_requests_waiting ").Append(models.Sum(s => s.QueuedRequests)).Append('\n');
        Header(sb, "vllm:num_requests_running", "Requests generating or prefilling, all models (inference extension: TotalRunningRequests)", "gauge");
        sb.Append("vllm:num_requests_running ").Append(models.Sum(s => s.ActiveSequences)).Append('\n');
        foreach (var name in (ReadOnlySpan<string>)["vllm:gpu_cache_usage_perc", "vllm:kv_cache_usage_perc"])
        {
            Header(sb, name, "KV-cache utilisation, 0 to 1 (inference extension: KVCacheUtilization)", "gauge");
            sb.Append(name).Append(' ').Append(usage.ToString("0.######", CultureInfo.InvariantCulture)).Append('\n');
        }
        Header(sb, "vllm:lora_requests_info", "LoRA adapters running and waiting, and the most at once (none: MicroAI serves no adapters)", "gauge");
        sb.Append("vllm:lora_requests_info{max_lora=\"0\",running_lora_adapters=\"\",waiting_lora_adapters=\"\"} ")
            .Append(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Append('\n');
    }

    /// <summary>Each upstream's breaker (1 while requests skip it), requests in flight and models offered.</summary>
    private void UpstreamGauges(StringBuilder sb)
    {
        if (_upstreams.All.Count == 0)
            return;
        var upstreams = _upstreams.All.OrderBy(u => u.Name, StringComparer.Ordinal).ToList();
        Header(sb, "microai_upstream_breaker_open", "1 while the upstream's circuit breaker is open (requests skip it), else 0", "gauge");
        foreach (var u in upstreams)
            sb.Append("microai_upstream_breaker_open{upstream=\"").Append(Escape(u.Name)).Append("\"} ").Append(u.Breaker.State == Upstreams.BreakerState.Open ? 1 : 0).Append('\n');
        Header(sb, "microai_upstream_in_flight", "Requests being forwarded to the upstream now", "gauge");
        foreach (var u in upstreams)
            sb.Append("microai_upstream_in_flight{upstream=\"").Append(Escape(u.Name)).Append("\"} ").Append(u.InFlight).Append('\n');
        Header(sb, "microai_upstream_models", "Models the upstream offers (listed or configured)", "gauge");
        foreach (var u in upstreams)
            sb.Append("microai_upstream_models{upstream=\"").Append(Escape(u.Name)).Append("\"} ").Append(u.Models.Count).Append('\n');
    }

    private static void PerModel<T>(StringBuilder sb, IReadOnlyCollection<T> models, string name, string help, string type, Func<T, long> value)
        where T : LoadedModel
    {
        Header(sb, name, help, type);
        foreach (var m in models)
        {
            sb.Append(name).Append("{model=\"").Append(Escape(m.Entry.Id));
            if (m is not LoadedTextModel)
                sb.Append("\",capability=\"").Append(Escape(m.Capability));
            sb.Append("\"} ").Append(value(m)).Append('\n');
        }
    }

    private string Help(string name)
    {
        lock (_help)
            return _help.TryGetValue(name, out var h) ? h : name;
    }

    private static void Header(StringBuilder sb, string name, string help, string type) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
            return string.Empty;
        var pairs = new List<string>(tags.Length);
        foreach (var t in tags)
            pairs.Add($"{t.Key}=\"{Escape(Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "")}\"");
        pairs.Sort(StringComparer.Ordinal);
        return "{" + string.Join(",", pairs) + "}";
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public void Dispose() => _listener.Dispose();

    private sealed class Sum
    {
        private long _value;
        public long Value => Interlocked.Read(ref _value);
        public void Add(long v) => Interlocked.Add(ref _value, v);
    }

    private sealed class Histogram
    {
        private readonly long[] _counts = new long[s_buckets.Length + 1];
        private double _sum;
        private long _count;
        private readonly Lock _gate = new();

        public void Record(double value)
        {
            var i = 0;
            while (i < s_buckets.Length && value > s_buckets[i])
                i++;
            lock (_gate)
            {
                _counts[i]++;
                _sum += value;
                _count++;
            }
        }

        public void Render(StringBuilder sb, string name, string labels)
        {
            long[] counts;
            double sum;
            long count;
            lock (_gate)
            {
                counts = (long[])_counts.Clone();
                sum = _sum;
                count = _count;
            }
            var inner = labels.Length > 0 ? labels[1..^1] + "," : "";
            long cumulative = 0;
            for (var i = 0; i < s_buckets.Length; i++)
            {
                cumulative += counts[i];
                sb.Append(name).Append("_bucket{").Append(inner).Append("le=\"").Append(s_buckets[i].ToString(CultureInfo.InvariantCulture)).Append("\"} ").Append(cumulative).Append('\n');
            }
            sb.Append(name).Append("_bucket{").Append(inner).Append("le=\"+Inf\"} ").Append(count).Append('\n');
            sb.Append(name).Append("_sum").Append(labels).Append(' ').Append(sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            sb.Append(name).Append("_count").Append(labels).Append(' ').Append(count).Append('\n');
        }
    }
}
