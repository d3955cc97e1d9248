using System.Collections.Concurrent;
using MicroAI.Runtime.Scheduling;

namespace MicroAI.Server.Upstreams.Routing;

/// <summary>
/// How long a new request would wait for a local slot, for local-first's overflow: the requests
/// ahead of it (queued, plus itself) over the slots, times the recent mean time a local request
/// holds a slot (an exponential average of the last ~10 runs per model). Zero while a slot is free.
/// A rough figure by design: it only has to tell "a few hundred milliseconds" from "many seconds".
/// </summary>
internal sealed class LocalWaitEstimate
{
    private const double Weight = 0.1;
    private readonly ConcurrentDictionary<string, double> _seconds = new(StringComparer.OrdinalIgnoreCase);

    public void Record(string model, TimeSpan held) =>
        _seconds.AddOrUpdate(model, held.TotalSeconds, (_, mean) => mean + Weight * (held.TotalSeconds - mean));

    public TimeSpan Estimate(string model, SchedulerStats stats)
    {
        if (stats.Slots == 0 || stats.ActiveSequences + stats.QueuedRequests < stats.Slots)
            return TimeSpan.Zero;
        var mean = _seconds.TryGetValue(model, out var s) ? s : 0;
        return TimeSpan.FromSeconds((stats.QueuedRequests + 1) * mean / stats.Slots);
    }
}
