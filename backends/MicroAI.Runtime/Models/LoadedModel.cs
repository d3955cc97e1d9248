using MicroAI.ModelRegistry;

namespace MicroAI.Runtime.Models;

/// <summary>
/// A resident model as the host tracks it: leases held by requests, idle time, keep-alive, pinning
/// and its share of the memory budget. <see cref="LoadedTextModel"/> adds the scheduler of a
/// generating model, <see cref="LoadedInferenceModel"/> a whole-request model.
/// </summary>
public abstract class LoadedModel
{
    private readonly TimeProvider _time;
    private int _leases;
    private long _lastUsed;

    protected LoadedModel(ModelEntry entry, TimeProvider? time)
    {
        Entry = entry;
        _time = time ?? TimeProvider.System;
        _lastUsed = _time.GetTimestamp();
    }

    public ModelEntry Entry { get; }

    /// <summary>Completion, or the whole-request capability the model was loaded for (embeddings, classification, rerank).</summary>
    public abstract ModelCapability Capability { get; }

    /// <summary>The engine's size of the loaded model (weights), for metrics.</summary>
    public abstract long SizeBytes { get; }

    /// <summary>Weights + KV cache + margin, as estimated before loading; counts against the memory budget.</summary>
    public long EstimatedBytes { get; init; }
    /// <summary>Never unloaded for idleness or to make room.</summary>
    public bool Pinned { get; init; }
    /// <summary>How long it stays loaded once idle; <see cref="KeepAlive.Forever"/> = until unloaded by hand.</summary>
    public TimeSpan KeepAliveFor { get; set; }

    /// <summary>Requests holding the model; negative once it is closing (no new leases).</summary>
    public int ActiveLeases => Math.Max(Volatile.Read(ref _leases), 0);
    public TimeSpan IdleFor => ActiveLeases > 0 ? TimeSpan.Zero : _time.GetElapsedTime(Volatile.Read(ref _lastUsed));
    public bool CanUnload => !Pinned && ActiveLeases == 0;

    private const int Closed = int.MinValue / 2;

    /// <summary>Leases still held, closed or not (<see cref="ActiveLeases"/> reads 0 once closed).</summary>
    internal int HeldLeases
    {
        get
        {
            var n = Volatile.Read(ref _leases);
            return n < 0 ? n - Closed : n;
        }
    }

    /// <summary>Takes a lease unless the model is being unloaded (then the caller looks it up again).</summary>
    internal bool TryAcquire()
    {
        while (true)
        {
            var n = Volatile.Read(ref _leases);
            if (n < 0)
                return false;
            if (Interlocked.CompareExchange(ref _leases, n + 1, n) == n)
            {
                Volatile.Write(ref _lastUsed, _time.GetTimestamp());
                return true;
            }
        }
    }

    internal void Release()
    {
        Volatile.Write(ref _lastUsed, _time.GetTimestamp());
        Interlocked.Decrement(ref _leases);
    }

    /// <summary>Closes the model to new leases if it has none; the one atomic step that makes "idle" safe to unload.</summary>
    internal bool TryClose() => Interlocked.CompareExchange(ref _leases, Closed, 0) == 0;

    /// <summary>Closes it whatever its leases (explicit unload: the model was deleted or replaced).</summary>
    internal void ForceClose() => Interlocked.Add(ref _leases, Closed);

    /// <summary>
    /// After <see cref="ForceClose"/>: waits until every request has released its lease, polling
    /// every 10 ms (a stopped stream writes its error event and leaves within milliseconds); false
    /// when some still hold it after <paramref name="timeout"/> (a client that stopped reading).
    /// </summary>
    internal async Task<bool> WaitForLeasesAsync(TimeSpan timeout)
    {
        var deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        while (HeldLeases > 0)
        {
            if (_time.GetTimestamp() > deadline)
                return false;
            await Task.Delay(TimeSpan.FromMilliseconds(10), _time).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>Stops whatever runs on the model and frees it.</summary>
    internal abstract ValueTask DisposeModelAsync();
}
