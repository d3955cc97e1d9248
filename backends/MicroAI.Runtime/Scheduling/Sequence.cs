using MicroAI.Engines.Abstractions;

namespace MicroAI.Runtime.Scheduling;

/// <summary>The scheduler's state for one request, from queue to finish. Touched only by the loop thread
/// except for <see cref="Cancel"/>.</summary>
internal sealed class Sequence
{
    private int _cancelled;
    private int _waiting = 1;

    public Sequence(PreparedPrompt prompt, GenerateRequest request, int maxTokens)
    {
        Prompt = prompt.Tokens;
        Request = request;
        MaxTokens = maxTokens;
        Output = new SequenceOutput(request.Stop.Concat(prompt.FormatStops));
    }

    /// <summary>Stopwatch timestamp after which the sequence ends (long.MaxValue: no limit).</summary>
    public long Deadline { get; init; } = long.MaxValue;

    public int[] Prompt { get; }
    public GenerateRequest Request { get; }
    public int MaxTokens { get; }
    public SequenceOutput Output { get; }
    public CancellationTokenRegistration CancelRegistration { get; set; }

    /// <summary><see cref="SchedulerState.Admissions"/> when the request started waiting.</summary>
    public long WaitingSince { get; set; }

    public int Slot { get; set; } = -1;
    public ITokenSampler? Sampler { get; set; }
    /// <summary>Prompt tokens already in the KV cache.</summary>
    public int PromptDone { get; set; }
    /// <summary>Next free position of the sequence in the cache.</summary>
    public int Position { get; set; }
    /// <summary>Token sampled last step that still has to be decoded.</summary>
    public int PendingToken { get; set; } = -1;
    /// <summary>Batch index whose logits this sequence samples after the current decode; -1 if none.</summary>
    public int OutputIndex { get; set; } = -1;
    public int Generated { get; set; }
    /// <summary>Prompt tokens found already in the slot's KV cache (not decoded again).</summary>
    public int CachedPromptTokens { get; set; }

    /// <summary>Another choice of the same prompt whose prefill this one will copy instead of decoding it again.</summary>
    public Sequence? Leader { get; set; }

    public bool IsPrefilling => PromptDone < Prompt.Length;
    public bool IsCancelled => Volatile.Read(ref _cancelled) != 0;
    public void Cancel() => Volatile.Write(ref _cancelled, 1);

    /// <summary>Ends the sequence's wait in the queue; true for exactly one caller (admission or cancellation).</summary>
    public bool TryLeaveQueue() => Interlocked.Exchange(ref _waiting, 0) == 1;
}
