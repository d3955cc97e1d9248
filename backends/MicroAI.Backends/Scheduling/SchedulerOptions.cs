namespace MicroAI.Backends.Scheduling;

public sealed record SchedulerOptions
{
    /// <summary>Requests waiting for a slot beyond which Submit answers QueueFull.</summary>
    public int MaxQueuedRequests { get; init; } = 64;

    /// <summary>Host RAM for slot caches saved when a slot changes conversation; 0 disables.</summary>
    public long PromptCacheBytes { get; init; } = 256L << 20;

    /// <summary>
    /// Most prompt tokens per step while other sequences are active (chunked prefill); a lone prompt
    /// takes the whole batch. 0 = no limit besides the batch. Why 64, on the 125M benchmark model, 2
    /// cores, 8 slots, 40-token prompts: without a limit, clients whose answers end in the same step
    /// send their next prompts together, those prefill together and end together again, so at 8
    /// clients every prompt waited for a 320-token step (TTFT p50 ~340 ms). With 64 the prompts
    /// spread over steps and stay spread: TTFT p50 ~165 ms at the same tokens/s; the price is
    /// inter-token p99 ~100 ms instead of ~35 ms, since running streams now share steps with prompt
    /// chunks. A long prompt no longer stalls the others for a whole 512-token step either.
    /// </summary>
    public int PrefillChunkTokens { get; init; } = 64;
}
