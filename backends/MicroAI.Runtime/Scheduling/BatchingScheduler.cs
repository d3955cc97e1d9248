using System.Collections.Concurrent;
using System.Diagnostics;
using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Scheduling.Policies;
using Microsoft.Extensions.Logging;

namespace MicroAI.Runtime.Scheduling;

/// <summary>
/// One loop per loaded model that owns its <see cref="IBatchDecoder"/>. Each turn admits waiting
/// requests into free slots as its <see cref="ISchedulingPolicy"/> decides, plans the step
/// (<see cref="StepPlanner"/>: the next token of each generating sequence plus chunks of pending
/// prompts, continuous batching with chunked prefill), decodes it once, then samples every sequence
/// from its own row with its own sampler, so a sequence's output does not depend on its neighbours.
/// </summary>
internal sealed class BatchingScheduler : IGenerationScheduler
{
    private readonly ITextModel _model;
    private readonly IBatchDecoder _decoder;
    private readonly SchedulerOptions _options;
    private readonly ILogger _logger;
    private readonly ISchedulingPolicy _policy;
    private readonly ConcurrentQueue<Sequence> _queue = new();
    private readonly SchedulerState _state;
    private readonly Sequence?[] _slots;
    private readonly List<int>[] _slotTokens;
    private readonly StepPlanner _planner;
    private readonly TokenPieces _pieces;
    private readonly PromptStateCache? _stateCache;
    /// <summary>Fewer tokens than this are cheaper to decode again than to save and restore.</summary>
    private const int MinCachedTokens = 32;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _thread;
    private readonly Lock _gate = new(); // orders enqueue against shutdown, so nothing is queued after the final drain
    private volatile bool _stopping;
    private bool _decoderDisposed;
    private GenerationError _stopReason = new(GenerationErrorCode.ShuttingDown, "The server is shutting down.");
    private int _queued;
    private int _active;
    private long _completed;
    private long _generatedTokens;
    private long _cachedPromptTokens;
    private long _promptCacheRestores;
    private long _stateCacheBytes;
    private readonly PrefixPublisher _prefixes;

    public BatchingScheduler(ITextModel model, IBatchDecoder decoder, SchedulerOptions options, ILogger logger)
    {
        _model = model;
        _decoder = decoder;
        _options = options;
        _logger = logger;
        _policy = SchedulingPolicies.Create(options.Policy);
        _state = new SchedulerState(decoder.SlotCount, Math.Min(options.MaxQueuedRequests + decoder.SlotCount, 1024));
        _slots = _state.Slots;
        _slotTokens = _state.SlotTokens;
        _planner = new StepPlanner(_state, decoder.BatchCapacity, options.PrefillChunkTokens);
        _pieces = new TokenPieces(decoder);
        _stateCache = options.PromptCacheBytes > 0 ? new PromptStateCache(options.PromptCacheBytes) : null;
        _prefixes = new PrefixPublisher(decoder.SlotCount, _stateCache);
        _thread = new Thread(Loop) { IsBackground = true, Name = $"scheduler:{model.Info.Id}" };
        _thread.Start();
    }

    public int SlotContextSize => _decoder.SlotContextSize;

    public SchedulerStats Stats => new(_slots.Length, Volatile.Read(ref _active), Volatile.Read(ref _queued),
        Interlocked.Read(ref _completed), Interlocked.Read(ref _generatedTokens), Interlocked.Read(ref _cachedPromptTokens),
        Interlocked.Read(ref _promptCacheRestores), Volatile.Read(ref _stateCacheBytes))
    {
        KvTokens = Volatile.Read(ref _kvTokens),
        KvCapacity = (long)_slots.Length * _decoder.SlotContextSize,
    };

    /// <summary>KV cells held by running sequences, as of the scheduler thread's last step (a slot's cached prefix of a finished conversation is free to reuse, so it does not count).</summary>
    private long _kvTokens;

    /// <summary>On the scheduler thread, after admission and after each step: a sum over at most a few dozen slots.</summary>
    private void PublishKvTokens()
    {
        long held = 0;
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is not null)
                held += _slotTokens[i].Count;
        }
        Volatile.Write(ref _kvTokens, held);
    }

    /// <summary>Hashed on the reader's thread (a router's occasional poll), not the scheduler's.</summary>
    public IReadOnlyCollection<ulong> CachedPrefixHashes => _prefixes.Hashes();

    private void PublishPrefixes(int slot) => _prefixes.Publish(slot, _slotTokens[slot]);

    public SubmitResult Submit(ScheduledRequest request, CancellationToken cancellationToken)
    {
        if (_stopping)
            return SubmitResult.Fail(_stopReason);

        if (Interlocked.Increment(ref _queued) + Volatile.Read(ref _active) > _options.MaxQueuedRequests + _slots.Length)
        {
            Interlocked.Decrement(ref _queued);
            return SubmitResult.Fail(new GenerationError(GenerationErrorCode.QueueFull,
                $"Model '{_model.Info.Id}' has {_options.MaxQueuedRequests} requests waiting already; retry later."));
        }

        var sequence = new Sequence(request.Prompt, request.Request, request.MaxTokens)
        {
            Deadline = request.Request.TimeLimit is { } limit
                ? Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency)
                : long.MaxValue,
        };
        if (cancellationToken.CanBeCanceled)
        {
            sequence.CancelRegistration = cancellationToken.UnsafeRegister(static (state) =>
            {
                var (scheduler, seq) = ((BatchingScheduler, Sequence))state!;
                seq.Cancel();
                if (seq.TryLeaveQueue())
                    Interlocked.Decrement(ref scheduler._queued);
                scheduler._wake.Release();
            }, (this, sequence));
        }
        lock (_gate)
        {
            if (_stopping)
            {
                sequence.CancelRegistration.Dispose();
                Interlocked.Decrement(ref _queued);
                return SubmitResult.Fail(_stopReason);
            }
            _queue.Enqueue(sequence);
        }
        _wake.Release();
        return SubmitResult.Ok(new GenerationStream(sequence.Output.Events, sequence.Prompt.Length, () => sequence.Output.Tokens));
    }

    private void Loop()
    {
        while (true)
        {
            try
            {
                if (_stopping)
                {
                    DrainOnShutdown();
                    return;
                }
                Admit();
                PublishKvTokens();
                if (Volatile.Read(ref _active) == 0)
                {
                    _wake.Wait();
                    continue;
                }
                Step();
                PublishKvTokens();
            }
            catch (Exception ex)
            {
                // Never let the loop die: fail what is in flight and carry on.
                _logger.LogError(ex, "Scheduler step failed for model {Model}", _model.Info.Id);
                for (var i = 0; i < _slots.Length; i++)
                {
                    _slotTokens[i].Clear(); // the cache's state is unknown now; the next admission clears it
                    _prefixes.Forget(i);
                    if (_slots[i] is { } seq)
                        Fail(seq, new GenerationError(GenerationErrorCode.EngineFailure, "The engine failed: " + ex.Message));
                }
            }
        }
    }

    /// <summary>
    /// Moves waiting requests into free slots, the next one and its slot as the policy chooses;
    /// drops the ones already cancelled. A request keeps the prefix its slot's cache shares with
    /// its prompt and decodes only the rest.
    /// </summary>
    private void Admit()
    {
        var waiting = _state.Waiting;
        while (_queue.TryDequeue(out var arrived))
        {
            arrived.WaitingSince = _state.Admissions;
            waiting.Add(arrived);
        }
        while (waiting.Count > 0 && _state.FreeSlots() > 0)
        {
            var next = _policy.ChooseNext(_state);
            var candidate = waiting[next];
            waiting.RemoveAt(next);
            if (candidate.IsCancelled || !candidate.TryLeaveQueue())
            {
                candidate.CancelRegistration.Dispose();
                candidate.Output.Complete();
                continue;
            }
            if (Stopwatch.GetTimestamp() > candidate.Deadline)
            {
                Interlocked.Decrement(ref _queued);
                candidate.Output.Fail(new GenerationError(GenerationErrorCode.QueueTimeout,
                    $"The request waited for a free slot of '{_model.Info.Id}' longer than its time limit ({candidate.Request.TimeLimit!.Value.TotalSeconds:0.#} s); retry later."));
                candidate.CancelRegistration.Dispose();
                candidate.Output.Complete();
                continue;
            }
            var (slot, prefix) = _policy.ChooseSlot(_state, candidate.Prompt);

            // Occupy the slot first: if the engine throws below, the loop's catch fails this sequence too.
            candidate.Slot = slot;
            _slots[slot] = candidate;
            _state.SlotLastUsed[slot] = ++_state.UseClock;
            _state.Admissions++;
            Interlocked.Increment(ref _active);
            Interlocked.Decrement(ref _queued);

            prefix = SwapThroughHostCache(slot, candidate.Prompt, prefix);

            // At least the last prompt token is decoded again: its logits give the first new token.
            prefix = Math.Min(prefix, candidate.Prompt.Length - 1);
            if (prefix > 0 && _decoder.TrimSlot(slot, prefix))
            {
                _slotTokens[slot].RemoveRange(prefix, _slotTokens[slot].Count - prefix);
            }
            else
            {
                if (prefix <= 0)
                    _decoder.ClearSlot(slot); // a refused TrimSlot has cleared the slot already
                prefix = 0;
                _slotTokens[slot].Clear();
            }
            candidate.PromptDone = candidate.Position = candidate.CachedPromptTokens = prefix;
            PublishPrefixes(slot);
            if (prefix > 0)
                Interlocked.Add(ref _cachedPromptTokens, prefix);
            // n choices of one prompt: the first one prefills, the others copy its cache once it is done.
            if (prefix < candidate.Prompt.Length - 1)
                candidate.Leader = FindLeader(candidate);
            _state.Prefilling.Add(candidate);
            try
            {
                candidate.Sampler = _decoder.CreateSampler(candidate.Request.Sampling);
            }
            catch (SamplerRejectedException ex)
            {
                // A sampler this engine refuses (a grammar it cannot parse) fails this request only.
                Fail(candidate, new GenerationError(GenerationErrorCode.InvalidPrompt, ex.Message, ex.Part));
            }
        }
    }

    /// <summary>
    /// Before a slot changes conversation: its cache goes to host RAM if a useful amount would be
    /// lost, and a saved cache that shares a longer prefix with the new prompt comes back into it.
    /// Returns the prefix the slot now shares with the prompt.
    /// </summary>
    private int SwapThroughHostCache(int slot, int[] prompt, int prefix)
    {
        if (_stateCache is null)
            return prefix;
        var held = _slotTokens[slot];
        var saved = _stateCache.Take(prompt, atLeast: prefix + MinCachedTokens - 1);
        if (held.Count - prefix >= MinCachedTokens && _decoder.SaveSlot(slot) is { } state)
            _stateCache.Add(held.ToArray(), state);
        Volatile.Write(ref _stateCacheBytes, _stateCache.Bytes);
        if (saved is null)
            return prefix;
        held.Clear();
        if (!_decoder.RestoreSlot(slot, saved.State))
            return 0;
        held.AddRange(saved.Tokens);
        Interlocked.Increment(ref _promptCacheRestores);
        return saved.Tokens.AsSpan().CommonPrefixLength(prompt);
    }

    private Sequence? FindLeader(Sequence candidate)
    {
        foreach (var other in _slots)
        {
            if (other is not null && other != candidate && other.Leader is null && other.IsPrefilling
                && other.Prompt.Length == candidate.Prompt.Length && other.Prompt.AsSpan().SequenceEqual(candidate.Prompt))
                return other;
        }
        return null;
    }

    private void Step()
    {
        // 1. Cancelled sequences leave before any work is spent on them; those past their time
        //    limit finish as if they had hit max_tokens.
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is { IsCancelled: true } seq)
                Release(seq);
            else if (_slots[i] is { } late && now > late.Deadline)
                Finish(late, FinishReason.Length);
        }

        // 2. Plan the batch, then lay it out as planned.
        var plan = _planner.Plan();
        _decoder.ClearBatch();
        foreach (var slice in plan.Slices)
        {
            var seq = _slots[slice.Slot]!;
            if (slice.IsGenerated)
            {
                seq.OutputIndex = _decoder.AddToBatch(seq.PendingToken, seq.Slot, seq.Position, wantLogits: true);
                _slotTokens[seq.Slot].Add(seq.PendingToken);
                seq.Position++;
                continue;
            }
            seq.Leader = null; // planned a chunk of its own: its leader went away
            for (var t = 0; t < slice.Tokens; t++)
            {
                var last = seq.PromptDone + 1 == seq.Prompt.Length;
                var index = _decoder.AddToBatch(seq.Prompt[seq.PromptDone], seq.Slot, seq.Position, wantLogits: last);
                _slotTokens[seq.Slot].Add(seq.Prompt[seq.PromptDone]);
                seq.OutputIndex = last ? index : -1;
                seq.PromptDone++;
                seq.Position++;
            }
        }
        CompactPrefilling();
        if (_decoder.BatchCount == 0)
            return;

        // 3. One decode for everyone.
        var error = _decoder.Decode();
        if (error is not null)
        {
            for (var i = 0; i < _slots.Length; i++)
            {
                // What the failed batch left in the cache is unknown: forget it.
                _decoder.ClearSlot(i);
                _slotTokens[i].Clear();
                if (_slots[i] is { } seq)
                    Fail(seq, error);
            }
            return;
        }

        // 4. Followers whose leader finished its prompt in this batch take a copy of its cache and
        //    sample from the same logits row, each with its own sampler.
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is not { Leader: { } leader } follower || leader.IsPrefilling || leader.OutputIndex < 0)
                continue;
            follower.Leader = null;
            if (!_decoder.CopySlot(leader.Slot, follower.Slot))
                continue; // prefills on its own from the next step
            var tokens = _slotTokens[follower.Slot];
            tokens.Clear();
            tokens.AddRange(_slotTokens[leader.Slot]);
            follower.PromptDone = follower.Position = follower.Prompt.Length;
            follower.OutputIndex = leader.OutputIndex;
        }

        // 5. Sample each sequence that has fresh logits.
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is not { OutputIndex: >= 0 } seq)
                continue;
            var index = seq.OutputIndex;
            seq.OutputIndex = -1;
            var token = seq.Sampler!.Sample(index);
            if (seq.Request.Logprobs is { } top && !_decoder.IsEndOfGeneration(token) && _decoder.GetLogits(index) is { IsEmpty: false } logits)
                seq.Output.AddLogprob(logits, token, top, _pieces);
            Advance(seq, token);
        }
    }

    /// <summary>Drops the sequences that finished their prompt or left their slot, keeping the order (no allocation).</summary>
    private void CompactPrefilling()
    {
        var prefilling = _state.Prefilling;
        var kept = 0;
        for (var k = 0; k < prefilling.Count; k++)
        {
            var seq = prefilling[k];
            if (_state.IsPrefillingInItsSlot(seq))
                prefilling[kept++] = seq;
        }
        prefilling.RemoveRange(kept, prefilling.Count - kept);
    }

    private void Advance(Sequence seq, int token)
    {
        if (_decoder.IsEndOfGeneration(token))
        {
            Finish(seq, FinishReason.Stop);
            return;
        }
        seq.Generated++;
        Interlocked.Increment(ref _generatedTokens);

        if (seq.Output.Append(_pieces.Of(token)))
        {
            Finish(seq, FinishReason.Stop);
            return;
        }
        if (seq.Generated >= seq.MaxTokens || seq.Position >= _decoder.SlotContextSize)
        {
            Finish(seq, FinishReason.Length);
            return;
        }
        seq.PendingToken = token;
    }

    private void Finish(Sequence seq, FinishReason reason)
    {
        seq.Output.Finish(reason, new GenerationUsage(seq.Prompt.Length, seq.Generated, seq.CachedPromptTokens));
        Interlocked.Increment(ref _completed);
        Release(seq);
    }

    private void Fail(Sequence seq, GenerationError error)
    {
        seq.Output.Fail(error);
        Release(seq);
    }

    private void Release(Sequence seq)
    {
        if (seq.Slot >= 0 && _slots[seq.Slot] == seq)
        {
            _slots[seq.Slot] = null;
            Interlocked.Decrement(ref _active);
            PublishPrefixes(seq.Slot);
        }
        seq.Sampler?.Dispose();
        seq.Sampler = null;
        seq.CancelRegistration.Dispose();
        seq.Output.Complete();
    }

    private void DrainOnShutdown()
    {
        var error = _stopReason;
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is { } seq)
                Fail(seq, error);
        }
        foreach (var waiting in _state.Waiting)
            FailQueued(waiting, error);
        _state.Waiting.Clear();
        while (_queue.TryDequeue(out var queued))
            FailQueued(queued, error);
    }

    private void FailQueued(Sequence queued, GenerationError error)
    {
        if (queued.TryLeaveQueue())
            Interlocked.Decrement(ref _queued);
        queued.Output.Fail(error);
        queued.CancelRegistration.Dispose();
        queued.Output.Complete();
    }

    public void Stop(GenerationError reason)
    {
        lock (_gate)
        {
            if (!_stopping)
                _stopReason = reason;
            _stopping = true;
        }
        _wake.Release();
        _thread.Join(); // a second caller waits for the same drain
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_decoderDisposed)
                return ValueTask.CompletedTask;
            _decoderDisposed = true;
        }
        Stop(_stopReason);
        _decoder.Dispose();
        // _wake is not disposed: a cancellation callback may still Release it.
        return ValueTask.CompletedTask;
    }
}
