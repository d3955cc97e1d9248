namespace MicroAI.Server.Hosting;

/// <summary>MicroAI:ShutdownTimeoutSeconds: how long a stopping server lets in-flight requests run.</summary>
public sealed class ShutdownOptions
{
    /// <summary>
    /// 30 s, .NET's own HostOptions default: a 256-token answer at ~10 tokens/s on a small CPU
    /// finishes within it. Streams still running shortly before it end with an SSE error event.
    /// </summary>
    public double ShutdownTimeoutSeconds { get; set; } = 30;

    public TimeSpan Timeout => TimeSpan.FromSeconds(Math.Max(ShutdownTimeoutSeconds, 0));

    /// <summary>
    /// When unfinished generations are stopped: 1 s before the host gives up (half the timeout when
    /// it is shorter than 2 s), which leaves the stopped requests time to write their error event
    /// and the server's own teardown (unloading models, ~10-100 ms) before Kestrel aborts connections.
    /// </summary>
    public TimeSpan DrainAfter => Timeout - TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, Timeout.Ticks / 2));
}
