using MicroAI.ModelRegistry.Sources;

namespace MicroAI.ModelRegistry.Tests.Sources;

/// <summary>Keeps every report, synchronously (Progress&lt;T&gt; would post them out of order to the thread pool).</summary>
internal sealed class RecordingProgress(Action<PullProgress>? onReport = null) : IProgress<PullProgress>
{
    private readonly Lock _lock = new();
    private readonly List<PullProgress> _reports = [];

    public IReadOnlyList<PullProgress> Reports
    {
        get
        {
            lock (_lock)
                return [.. _reports];
        }
    }

    public void Report(PullProgress value)
    {
        lock (_lock)
            _reports.Add(value);
        onReport?.Invoke(value);
    }
}
