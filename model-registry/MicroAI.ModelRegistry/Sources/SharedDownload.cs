namespace MicroAI.ModelRegistry.Sources;

/// <summary>
/// One download that several callers in this process wait on. It runs under its own token, so one
/// caller giving up does not fail the others; when the last waiting caller cancels, the download
/// is cancelled too (its partial file stays for a later resume) and the entry is marked abandoned
/// so that a new caller starts afresh instead of joining a download that is winding down.
/// </summary>
internal sealed class SharedDownload
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Lazy<Task<DownloadResult>> _task;
    private readonly List<IProgress<PullProgress>> _listeners = [];
    private readonly Lock _lock = new();
    private int _waiters;
    private bool _abandoned;

    public SharedDownload(Func<IProgress<PullProgress>, CancellationToken, Task<DownloadResult>> run, Action<SharedDownload> finished)
    {
        var fanOut = new FanOut(this);
        // Task.Run: the first caller must not run the download's synchronous prefix on its own context.
        _task = new Lazy<Task<DownloadResult>>(() => Task.Run(async () =>
        {
            try
            {
                return await run(fanOut, _cts.Token).ConfigureAwait(false);
            }
            finally
            {
                finished(this);
            }
        }));
    }

    /// <summary>Started by the first caller that asks for it.</summary>
    public Task<DownloadResult> Completion => _task.Value;

    public bool TryJoin(IProgress<PullProgress>? progress)
    {
        lock (_lock)
        {
            if (_abandoned)
                return false;
            _waiters++;
            if (progress is not null)
                _listeners.Add(progress);
            return true;
        }
    }

    public void Leave(IProgress<PullProgress>? progress, bool cancelled)
    {
        bool cancel;
        lock (_lock)
        {
            _waiters--;
            if (progress is not null)
                _listeners.Remove(progress);
            cancel = cancelled && _waiters == 0 && !(_task.IsValueCreated && _task.Value.IsCompleted);
            if (cancel)
                _abandoned = true;
        }
        // Outside the lock: cancellation callbacks run synchronously.
        if (cancel)
            _cts.Cancel();
    }

    private void Report(PullProgress value)
    {
        IProgress<PullProgress>[] listeners;
        lock (_lock)
            listeners = [.. _listeners];
        foreach (var listener in listeners)
            listener.Report(value);
    }

    private sealed class FanOut(SharedDownload owner) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => owner.Report(value);
    }
}
