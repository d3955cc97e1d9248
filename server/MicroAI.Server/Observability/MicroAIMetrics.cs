using System.Diagnostics.Metrics;

namespace MicroAI.Server.Observability;

/// <summary>
/// The server's instruments (System.Diagnostics.Metrics, meter "MicroAI"), exported at /metrics by
/// <see cref="PrometheusExporter"/> and visible to any other listener (dotnet-counters, OpenTelemetry).
/// </summary>
public sealed class MicroAIMetrics : IDisposable
{
    public const string MeterName = "MicroAI";

    private readonly Meter _meter = new(MeterName);

    public MicroAIMetrics()
    {
        Requests = _meter.CreateCounter<long>("microai_requests", description: "HTTP requests by endpoint and status code");
        PromptTokens = _meter.CreateCounter<long>("microai_prompt_tokens", description: "Prompt tokens of finished generations");
        GeneratedTokens = _meter.CreateCounter<long>("microai_generated_tokens", description: "Generated tokens");
        CachedPromptTokens = _meter.CreateCounter<long>("microai_cached_prompt_tokens", description: "Prompt tokens served from the KV cache (prompt-cache hits)");
        TimeToFirstToken = _meter.CreateHistogram<double>("microai_time_to_first_token_seconds", "s", "From the request to its first generated text");
        InterTokenLatency = _meter.CreateHistogram<double>("microai_inter_token_latency_seconds", "s", "Between consecutive pieces of generated text of one choice");
        UpdateChecks = _meter.CreateCounter<long>("microai_model_update_checks", description: "Checks of followed registry tags, by model");
        Updates = _meter.CreateCounter<long>("microai_model_updates", description: "Model updates from followed tags, by model and result (applied, failed)");
        UpdateBytes = _meter.CreateCounter<long>("microai_model_update_bytes", "By", "Bytes downloaded for model updates, by model");
        UpstreamRequests = _meter.CreateCounter<long>("microai_upstream_requests", description: "Requests forwarded (or skipped) per upstream, by outcome (ok, rejected, failed_mid_stream, cancelled, unreachable, timeout, error, busy, breaker_open)");
        UpstreamTokens = _meter.CreateCounter<long>("microai_upstream_tokens", description: "Tokens of forwarded requests as the upstream counted them, by upstream and type (prompt, completion)");
        UpstreamFirstToken = _meter.CreateHistogram<double>("microai_upstream_first_token_seconds", "s", "From sending a request upstream to its first streamed event, by upstream");
        RouteDecisions = _meter.CreateCounter<long>("microai_route_decisions", description: "Where text requests for routed models ran, by model, policy and decision (local, upstream, overflow, fallback, local_only, refused)");
    }

    public Meter Meter => _meter;
    public Counter<long> Requests { get; }
    public Counter<long> PromptTokens { get; }
    public Counter<long> GeneratedTokens { get; }
    public Counter<long> CachedPromptTokens { get; }
    public Histogram<double> TimeToFirstToken { get; }
    public Histogram<double> InterTokenLatency { get; }
    public Counter<long> UpdateChecks { get; }
    public Counter<long> Updates { get; }
    public Counter<long> UpdateBytes { get; }
    public Counter<long> UpstreamRequests { get; }
    public Counter<long> UpstreamTokens { get; }
    public Histogram<double> UpstreamFirstToken { get; }
    public Counter<long> RouteDecisions { get; }

    public void Dispose() => _meter.Dispose();
}
