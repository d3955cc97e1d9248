using MicroAI.Engines.Embeddings;
using Microsoft.Extensions.Logging.Abstractions;

namespace MicroAI.Runtime.Tests.Embeddings;

/// <summary>Concurrent requests share engine runs; limits split them; cancellation and failures reach only their owners.</summary>
public sealed class SequenceBatcherTests
{
    /// <summary>Vector of a sequence = [first token, length]; records each run's sequence count; can be held closed.</summary>
    private sealed class RecordingRunner(int maxSequences, int maxTokens) : ISequenceRunner
    {
        public readonly List<int> Runs = [];
        public readonly ManualResetEventSlim Gate = new(true);
        public readonly SemaphoreSlim Entered = new(0);
        public Exception? Failure { get; set; }
        public int MaxSequences => maxSequences;
        public int MaxTokens => maxTokens;

        public float[][] Run(IReadOnlyList<int[]> sequences)
        {
            Entered.Release();
            Gate.Wait();
            lock (Runs)
                Runs.Add(sequences.Count);
            if (Failure is { } f)
                throw f;
            return sequences.Select(s => new float[] { s[0], s.Length }).ToArray();
        }

        public void Dispose() => Gate.Dispose();
    }

    [Fact]
    public async Task Requests_arriving_while_a_run_is_busy_share_the_next_run_and_get_their_own_results()
    {
        var runner = new RecordingRunner(64, 4096);
        using var batcher = new SequenceBatcher(runner, NullLogger.Instance, "test");
        runner.Gate.Reset();
        var first = batcher.RunAsync([[1, 1]], CancellationToken.None);
        Assert.True(await runner.Entered.WaitAsync(TimeSpan.FromSeconds(10))); // the loop is now inside Run, held by the gate
        var others = Enumerable.Range(2, 8).Select(i => batcher.RunAsync([[i], [i, i, i]], CancellationToken.None)).ToArray();
        runner.Gate.Set();

        await first;
        var results = await Task.WhenAll(others);

        Assert.Equal([1, 16], runner.Runs);
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(new float[] { i + 2f, 1f }, results[i][0]);
            Assert.Equal(new float[] { i + 2f, 3f }, results[i][1]);
        }
    }

    [Fact]
    public async Task A_request_larger_than_one_run_is_split_by_sequences_and_tokens()
    {
        var runner = new RecordingRunner(maxSequences: 3, maxTokens: 10);
        using var batcher = new SequenceBatcher(runner, NullLogger.Instance, "test");

        var result = await batcher.RunAsync(Enumerable.Range(0, 7).Select(i => Enumerable.Repeat(i, 4).ToArray()).ToList(), CancellationToken.None);

        Assert.Equal(7, result.Length);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => (float)i), result.Select(r => r[0]));
        Assert.All(runner.Runs, n => Assert.InRange(n, 1, 2)); // 2 × 4 tokens fit in 10, 3 do not
        Assert.Equal(7, runner.Runs.Sum());
        Assert.Throws<ArgumentException>(() => { _ = batcher.RunAsync([new int[11]], CancellationToken.None); });
    }

    [Fact]
    public async Task A_cancelled_request_is_skipped_and_a_failed_run_fails_only_its_requests()
    {
        var runner = new RecordingRunner(1, 4096);
        using var batcher = new SequenceBatcher(runner, NullLogger.Instance, "test");
        runner.Gate.Reset();
        var blocker = batcher.RunAsync([[1]], CancellationToken.None);
        Assert.True(await runner.Entered.WaitAsync(TimeSpan.FromSeconds(10)));
        using var cts = new CancellationTokenSource();
        var cancelled = batcher.RunAsync([[2], [3]], cts.Token);
        cts.Cancel();
        runner.Gate.Set();
        await blocker;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal([1], runner.Runs);

        runner.Failure = new InvalidOperationException("engine broke");
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.RunAsync([[4]], CancellationToken.None));
        Assert.Equal("engine broke", failed.Message);
        runner.Failure = null;
        var recovered = await batcher.RunAsync([[5]], CancellationToken.None);
        Assert.Equal(new float[] { 5f, 1f }, recovered[0]);
    }
}
