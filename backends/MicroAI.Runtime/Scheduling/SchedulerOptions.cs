namespace MicroAI.Runtime.Scheduling;

public sealed record SchedulerOptions
{
    /// <summary>Requests waiting for a slot beyond which Submit answers QueueFull.</summary>
    public int MaxQueuedRequests { get; init; } = 64;

    /// <summary>Host RAM for slot caches saved when a slot changes conversation; 0 disables.</summary>
    public long PromptCacheBytes { get; init; } = 256L << 20;

    /// <summary>
    /// Most prompt tokens per step while other sequences are active (chunked prefill); a lone prompt
    /// takes the whole batch. 0 = no limit besides the batch. Measured on the 125M benchmark model,
    /// 2 cores, 8 slots (load-tests/compare.sh, 6 rounds each):
    /// - No limit: clients whose answers end in the same step send their next prompts together;
    ///   prefilled in one step they end together again, so at 8 clients every prompt waited for a
    ///   ~320-token step (TTFT p50 ~330 ms, as llama-server's). A 1,250-token prompt arriving under
    ///   load (the case below) stalled 4 running streams for 470–660 ms per 512-token step.
    /// - 128: the prompts spread over steps and stay spread, TTFT p50 ~195–235 ms at 8 clients at the
    ///   same tokens/s. A 1,200-word prompt arriving while 4 streams run (load-tests/long-prompt.sh)
    ///   reaches its first token in 1.55–2.15 s (llama-server: 1.37–1.98 s) and its neighbours'
    ///   longest gap is ~180–310 ms (llama-server stalls them for the whole prompt). Streams pay in
    ///   inter-token p99 at 8 clients (~100 ms instead of ~30 ms), sharing steps with prompt chunks.
    /// - 64: TTFT p50 ~140–175 ms at 8 clients, but the long prompt's own TTFT nearly doubles
    ///   (2.4–3.6 s): each chunk re-reads the weights and attends over the prompt so far (80 ms a
    ///   step at its start, 210 ms near 1,200 tokens).
    /// </summary>
    public int PrefillChunkTokens { get; init; } = 128;

    /// <summary>Which waiting request gets the next free slot, and which slot: a name from <see cref="Policies.SchedulingPolicies"/>.</summary>
    public string Policy { get; init; } = Policies.SchedulingPolicies.Default;
}
