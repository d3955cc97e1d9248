using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MicroAI.Engines.Embeddings;

/// <summary>
/// Packs the sequences of concurrent requests into shared engine runs: a request of one input and
/// seven others arriving together cost one llama_decode, not eight. One thread owns the runner
/// (the engine context); requests wait on a task. A request larger than one run is split across
/// runs; a cancelled request's sequences are skipped.
/// </summary>
public sealed class SequenceBatcher : IDisposable
{
    private readonly ISequenceRunner _runner;
    private readonly ILogger _logger;
    private readonly Channel<Job> _jobs = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _thread;

    public SequenceBatcher(ISequenceRunner runner, ILogger logger, string name)
    {
        _runner = runner;
        _logger = logger;
        _thread = new Thread(Loop) { IsBackground = true, Name = $"MicroAI batcher {name}" };
        _thread.Start();
    }

    public int MaxTokensPerSequence => _runner.MaxTokens;

    /// <summary>Runs every sequence (each at most <see cref="MaxTokensPerSequence"/> tokens, none empty).</summary>
    public Task<float[][]> RunAsync(IReadOnlyList<int[]> sequences, CancellationToken cancellationToken)
    {
        foreach (var s in sequences)
        {
            if (s.Length == 0 || s.Length > _runner.MaxTokens)
                throw new ArgumentException($"Every sequence must have 1 to {_runner.MaxTokens} tokens.", nameof(sequences));
        }
        var job = new Job(sequences, cancellationToken);
        if (sequences.Count == 0)
            return Task.FromResult(Array.Empty<float[]>());
        if (!_jobs.Writer.TryWrite(job))
            throw new ObjectDisposedException(nameof(SequenceBatcher));
        return job.Completion.Task;
    }

    private void Loop()
    {
        var pending = new Queue<(Job Job, int Index)>();
        var batch = new List<int[]>();
        var owners = new List<(Job Job, int Index)>();
        var reader = _jobs.Reader;
        while (true)
        {
            if (pending.Count == 0)
            {
                // Block for the next job; the channel completes on Dispose.
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                    return;
            }
            while (reader.TryRead(out var job))
            {
                for (var i = 0; i < job.Sequences.Count; i++)
                    pending.Enqueue((job, i));
            }

            batch.Clear();
            owners.Clear();
            var tokens = 0;
            while (pending.Count > 0 && batch.Count < _runner.MaxSequences)
            {
                var (job, index) = pending.Peek();
                if (job.Token.IsCancellationRequested)
                {
                    pending.Dequeue();
                    job.Completion.TrySetCanceled(job.Token);
                    continue;
                }
                var seq = job.Sequences[index];
                if (tokens + seq.Length > _runner.MaxTokens)
                    break;
                pending.Dequeue();
                tokens += seq.Length;
                batch.Add(seq);
                owners.Add((job, index));
            }
            if (batch.Count == 0)
                continue;

            try
            {
                var vectors = _runner.Run(batch);
                for (var i = 0; i < owners.Count; i++)
                    owners[i].Job.Deliver(owners[i].Index, vectors[i]);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "An engine run of {Sequences} sequences failed", batch.Count);
                foreach (var (job, _) in owners)
                    job.Completion.TrySetException(ex);
            }
        }
    }

    public void Dispose()
    {
        _jobs.Writer.TryComplete();
        _thread.Join();
        while (_jobs.Reader.TryRead(out var job))
            job.Completion.TrySetException(new ObjectDisposedException(nameof(SequenceBatcher), "The model was unloaded."));
        _runner.Dispose();
    }

    private sealed class Job(IReadOnlyList<int[]> sequences, CancellationToken token)
    {
        private int _remaining = sequences.Count;

        public IReadOnlyList<int[]> Sequences { get; } = sequences;
        public CancellationToken Token { get; } = token;
        public float[][] Results { get; } = new float[sequences.Count][];
        public TaskCompletionSource<float[][]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Deliver(int index, float[] vector)
        {
            Results[index] = vector;
            if (Interlocked.Decrement(ref _remaining) == 0)
                Completion.TrySetResult(Results);
        }
    }
}
