using System.Diagnostics;

namespace MicroAI.ModelRegistry.Sources;

/// <summary>
/// Bytes per second over the last few seconds: a 5 s window follows real changes in speed within
/// seconds while smoothing the bursts of a TCP receive window (about 50 samples at 10 reports/s).
/// </summary>
internal sealed class TransferRate(TimeSpan window)
{
    private readonly Queue<(long Ticks, long Bytes)> _samples = new();
    private readonly long _windowTicks = (long)(window.TotalSeconds * Stopwatch.Frequency);

    public void Reset() => _samples.Clear();

    public double Add(long timestamp, long bytes)
    {
        _samples.Enqueue((timestamp, bytes));
        while (_samples.Count > 2 && timestamp - _samples.Peek().Ticks > _windowTicks)
            _samples.Dequeue();
        var (t0, b0) = _samples.Peek();
        var seconds = (timestamp - t0) / (double)Stopwatch.Frequency;
        return seconds > 0 ? Math.Max(0, bytes - b0) / seconds : 0;
    }
}
