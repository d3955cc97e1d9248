namespace MicroAI.Backends.Scheduling;

public sealed record SchedulerOptions
{
    /// <summary>Requests waiting for a slot beyond which Submit answers QueueFull.</summary>
    public int MaxQueuedRequests { get; init; } = 64;
}
