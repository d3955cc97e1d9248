namespace MicroAI.Backends.Scheduling;

public sealed record SchedulerOptions
{
    /// <summary>Requests waiting for a slot beyond which Submit answers QueueFull.</summary>
    public int MaxQueuedRequests { get; init; } = 64;

    /// <summary>Host RAM for slot caches saved when a slot changes conversation; 0 disables.</summary>
    public long PromptCacheBytes { get; init; } = 256L << 20;
}
