using System.Threading.Channels;
using MicroAI.Engines.Abstractions;

namespace MicroAI.Runtime.Scheduling;

/// <summary>
/// Owns a model's decoding context. Endpoints submit prepared requests and read the event stream;
/// they never touch the engine. Cancelling the token stops the sequence at the next decode step and
/// frees its slot.
/// </summary>
public interface IGenerationScheduler : IAsyncDisposable
{
    /// <summary>Enqueues a prepared request (see <see cref="PromptPreparation"/>), or returns why it cannot run.</summary>
    SubmitResult Submit(ScheduledRequest request, CancellationToken cancellationToken);

    /// <summary>Tokens one sequence may hold, prompt and answer.</summary>
    int SlotContextSize { get; }

    SchedulerStats Stats { get; }

    /// <summary>
    /// Stops generating: requests in slots and in the queue end with a Failed event carrying
    /// <paramref name="reason"/>, new submissions are refused with it. The context stays allocated
    /// until <see cref="IAsyncDisposable.DisposeAsync"/>. Returns once the loop has drained.
    /// </summary>
    void Stop(GenerationError reason);

    /// <summary>
    /// The <see cref="PrefixHashes"/> of every token prefix this scheduler's KV caches hold (slots,
    /// and the host-RAM prompt cache), as last published by its thread: when a slot is freed or a
    /// conversation is saved. For routing across replicas; may lag a running generation.
    /// </summary>
    IReadOnlyCollection<ulong> CachedPrefixHashes => [];
}

/// <summary>Either a running stream or an error; never both.</summary>
public readonly struct SubmitResult
{
    private SubmitResult(GenerationStream? stream, GenerationError? error) => (Stream, Error) = (stream, error);
    public GenerationStream? Stream { get; }
    public GenerationError? Error { get; }
    public static SubmitResult Ok(GenerationStream stream) => new(stream, null);
    public static SubmitResult Fail(GenerationError error) => new(null, error);
}

/// <summary>The events of one request, in order; the last is Finished or Failed, unless the request was cancelled (then the stream just ends).</summary>
public sealed class GenerationStream(ChannelReader<GenerationEvent> events, int promptTokens, Func<int>? generatedTokens = null)
{
    public ChannelReader<GenerationEvent> Events { get; } = events;
    public int PromptTokens { get; } = promptTokens;

    /// <summary>Tokens generated so far (any thread); counts a stream cancelled before its Finished event. 0 when the scheduler cannot tell.</summary>
    public int GeneratedTokens => generatedTokens?.Invoke() ?? 0;

    public IAsyncEnumerable<GenerationEvent> ReadAllAsync(CancellationToken cancellationToken) => Events.ReadAllAsync(cancellationToken);
}

public readonly record struct SchedulerStats(int Slots, int ActiveSequences, int QueuedRequests, long CompletedRequests, long GeneratedTokens,
    long CachedPromptTokens = 0, long PromptCacheRestores = 0, long PromptCacheBytes = 0)
{
    /// <summary>KV-cache cells held by running sequences.</summary>
    public long KvTokens { get; init; }

    /// <summary>KV-cache cells of all slots (slots × tokens per slot).</summary>
    public long KvCapacity { get; init; }
}
