namespace MicroAI.ModelRegistry.Tests.Store;

/// <summary>Records synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class SyncProgress(List<long> values) : IProgress<long>
{
    public void Report(long value)
    {
        lock (values)
            values.Add(value);
    }
}
