using System.Collections.Concurrent;
using MicroAI.Backends.Abstractions;
using Microsoft.Extensions.Logging;

namespace MicroAI.Backends.Scheduling;

/// <summary>
/// One loop per loaded model that owns its <see cref="IBatchDecoder"/>. Every step packs the next
/// token of each generating sequence plus chunks of pending prompts into one decode call
/// (continuous batching with chunked prefill), then samples every sequence from its own row with
/// its own sampler, so a sequence's output does not depend on its neighbours.
/// </summary>
internal sealed class BatchingScheduler : IGenerationScheduler
{
    private readonly ITextModel _model;
    private readonly IBatchDecoder _decoder;
    private readonly SchedulerOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<Sequence> _queue = new();
    private readonly Sequence?[] _slots;
    // Admitted sequences whose prompt is not fully in the cache yet, oldest first (scheduler thread only).
    private readonly List<Sequence> _prefilling = [];
    // Prompt tokens each slot decodes this step (scheduler thread only).
    private readonly int[] _chunk;
    // What each slot's KV cache holds, position by position; kept after its sequence finishes so
    // the next request with the same prefix (the next turn of a chat) decodes only what is new.
    private readonly List<int>[] _slotTokens;
    private readonly long[] _slotLastUsed;
    private readonly PromptStateCache? _stateCache;
    /// <summary>Fewer tokens than this are cheaper to decode again than to save and restore.</summary>
    private const int MinCachedTokens = 32;
    private long _useClock;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _thread;
    private readonly byte[] _pieceBuffer = new byte[256];
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
    private readonly int[][] _slotPrefixes;
    private PrefixSnapshot _publishedPrefixes = new([], []);

    public BatchingScheduler(ITextModel model, IBatchDecoder decoder, SchedulerOptions options, ILogger logger)
    {
        _model = model;
        _decoder = decoder;
        _options = options;
        _logger = logger;
        _slots = new Sequence?[decoder.SlotCount];
        _slotTokens = new List<int>[decoder.SlotCount];
        for (var i = 0; i < _slotTokens.Length; i++)
            _slotTokens[i] = [];
        _slotLastUsed = new long[decoder.SlotCount];
        _chunk = new int[decoder.SlotCount];
        _slotPrefixes = new int[decoder.SlotCount][];
        Array.Fill(_slotPrefixes, []);
        _stateCache = options.PromptCacheBytes > 0 ? new PromptStateCache(options.PromptCacheBytes) : null;
        _thread = new Thread(Loop) { IsBackground = true, Name = $"scheduler:{model.Info.Id}" };
        _thread.Start();
    }

    public SchedulerStats Stats => new(_slots.Length, Volatile.Read(ref _active), Volatile.Read(ref _queued),
        Interlocked.Read(ref _completed), Interlocked.Read(ref _generatedTokens), Interlocked.Read(ref _cachedPromptTokens),
        Interlocked.Read(ref _promptCacheRestores), Volatile.Read(ref _stateCacheBytes));

    /// <summary>Hashed on the reader's thread (a router's occasional poll), not the scheduler's.</summary>
    public IReadOnlyCollection<ulong> CachedPrefixHashes
    {
        get
        {
            var snapshot = Volatile.Read(ref _publishedPrefixes);
            var all = new HashSet<ulong>();
            foreach (var tokens in snapshot.Slots)
                all.UnionWith(PrefixHashes.Compute(tokens));
            foreach (var entry in snapshot.Cached)
                all.UnionWith(entry.PrefixHashes);
            return all;
        }
    }

    /// <summary>What the KV caches hold, as immutable arrays a reader on another thread may hash.</summary>
    private sealed record PrefixSnapshot(int[][] Slots, PromptStateCache.Entry[] Cached);

    /// <summary>
    /// Scheduler thread only, when a slot is taken or freed: copies that slot's whole-block tokens
    /// (a memcpy of at most 16 KB for 4,096 tokens) and publishes a new snapshot; nothing is hashed
    /// here, so the step loop pays no SHA-256 for a route nobody may ask for.
    /// </summary>
    private void PublishPrefixes(int slot)
    {
        var tokens = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_slotTokens[slot]);
        _slotPrefixes[slot] = tokens[..(tokens.Length / PrefixHashes.BlockTokens * PrefixHashes.BlockTokens)].ToArray();
        Volatile.Write(ref _publishedPrefixes, new PrefixSnapshot([.. _slotPrefixes], _stateCache?.Entries.ToArray() ?? []));
    }

    public SubmitResult Submit(GenerateRequest request, CancellationToken cancellationToken)
    {
        if (_stopping)
            return SubmitResult.Fail(_stopReason);

        var error = _model.TryPreparePrompt(request, out var prompt);
        if (error is not null)
            return SubmitResult.Fail(error);

        var context = _decoder.SlotContextSize;
        if (prompt.Tokens.Length == 0)
            return SubmitResult.Fail(new GenerationError(GenerationErrorCode.InvalidPrompt, "The prompt is empty after tokenization.", "prompt"));
        if (prompt.Tokens.Length >= context)
        {
            return SubmitResult.Fail(new GenerationError(GenerationErrorCode.ContextLengthExceeded,
                $"This model's maximum context length is {context} tokens. However, your prompt has {prompt.Tokens.Length} tokens. " +
                "Please reduce the length of the prompt or messages.",
                request.Messages is null ? "prompt" : "messages"));
        }

        var room = context - prompt.Tokens.Length;
        var maxTokens = request.MaxTokens is { } m ? Math.Min(m, room) : room;

        if (Interlocked.Increment(ref _queued) + Volatile.Read(ref _active) > _options.MaxQueuedRequests + _slots.Length)
        {
            Interlocked.Decrement(ref _queued);
            return SubmitResult.Fail(new GenerationError(GenerationErrorCode.QueueFull,
                $"Model '{_model.Info.Id}' has {_options.MaxQueuedRequests} requests waiting already; retry later."));
        }

        var sequence = new Sequence(prompt, request, maxTokens)
        {
            Deadline = request.TimeLimit is { } limit
                ? System.Diagnostics.Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * System.Diagnostics.Stopwatch.Frequency)
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
        return SubmitResult.Ok(new GenerationStream(sequence.Events.Reader, prompt.Tokens.Length));
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
                if (Volatile.Read(ref _active) == 0)
                {
                    _wake.Wait();
                    continue;
                }
                Step();
            }
            catch (Exception ex)
            {
                // Never let the loop die: fail what is in flight and carry on.
                _logger.LogError(ex, "Scheduler step failed for model {Model}", _model.Info.Id);
                for (var i = 0; i < _slots.Length; i++)
                {
                    _slotTokens[i].Clear(); // the cache's state is unknown now; the next admission clears it
                    _slotPrefixes[i] = [];
                    if (_slots[i] is { } seq)
                        Fail(seq, new GenerationError(GenerationErrorCode.EngineFailure, "The engine failed: " + ex.Message));
                }
            }
        }
    }

    /// <summary>
    /// Moves queued requests (first come, first served) into free slots; drops the ones already
    /// cancelled. Each goes to the free slot whose cache shares the longest prefix with its prompt
    /// (ties: the least recently used), keeps that prefix and decodes only the rest.
    /// </summary>
    private void Admit()
    {
        while (FreeSlots() > 0 && _queue.TryDequeue(out var candidate))
        {
            if (candidate.IsCancelled || !candidate.TryLeaveQueue())
            {
                candidate.CancelRegistration.Dispose();
                candidate.Events.Writer.TryComplete();
                continue;
            }
            if (System.Diagnostics.Stopwatch.GetTimestamp() > candidate.Deadline)
            {
                Interlocked.Decrement(ref _queued);
                candidate.Events.Writer.TryWrite(GenerationEvent.Fail(new GenerationError(GenerationErrorCode.QueueTimeout,
                    $"The request waited for a free slot of '{_model.Info.Id}' longer than its time limit ({candidate.Request.TimeLimit!.Value.TotalSeconds:0.#} s); retry later.")));
                candidate.CancelRegistration.Dispose();
                candidate.Events.Writer.TryComplete();
                continue;
            }
            var (slot, prefix) = ChooseSlot(candidate.Prompt);

            // Occupy the slot first: if the engine throws below, the loop's catch fails this sequence too.
            candidate.Slot = slot;
            _slots[slot] = candidate;
            _slotLastUsed[slot] = ++_useClock;
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
            _prefilling.Add(candidate);
            try
            {
                candidate.Sampler = _decoder.CreateSampler(candidate.Request.Sampling);
            }
            catch (SamplerRejectedException ex)
            {
                // A sampler this engine refuses (a grammar it cannot parse) fails this request only.
                Fail(candidate, new GenerationError(GenerationErrorCode.InvalidPrompt, ex.Message, ex.Param));
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

    private int FreeSlots()
    {
        var n = 0;
        foreach (var s in _slots)
        {
            if (s is null)
                n++;
        }
        return n;
    }

    /// <summary>
    /// The free slot sharing the longest prefix with the prompt, when that prefix is worth it (half
    /// the prompt or 128 tokens, like llama-server's slot similarity of 0.5); otherwise the free
    /// slot that holds the least (empty, then least recently used), so a short accidental match
    /// (a shared BOS, a common system line) does not evict a long cached conversation.
    /// </summary>
    private (int Slot, int Prefix) ChooseSlot(int[] prompt)
    {
        int best = -1, bestPrefix = -1, cheapest = -1;
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is not null)
                continue;
            var prefix = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_slotTokens[i]).CommonPrefixLength(prompt);
            if (prefix > bestPrefix || (prefix == bestPrefix && _slotLastUsed[i] < _slotLastUsed[best]))
                (best, bestPrefix) = (i, prefix);
            if (Cheaper(i, cheapest))
                cheapest = i;
        }
        if (bestPrefix * 2 >= prompt.Length || bestPrefix >= 128)
            return (best, bestPrefix);
        var kept = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_slotTokens[cheapest]).CommonPrefixLength(prompt);
        return (cheapest, kept);
    }

    /// <summary>Is slot <paramref name="a"/> a cheaper eviction than <paramref name="than"/>: empty first, then least recently used.</summary>
    private bool Cheaper(int a, int than)
    {
        if (than < 0)
            return true;
        bool emptyA = _slotTokens[a].Count == 0, emptyThan = _slotTokens[than].Count == 0;
        return emptyA != emptyThan ? emptyA : _slotLastUsed[a] < _slotLastUsed[than];
    }

    private void Step()
    {
        // 1. Cancelled sequences leave before any work is spent on them; those past their time
        //    limit finish as if they had hit max_tokens.
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is { IsCancelled: true } seq)
                Release(seq, complete: true);
            else if (_slots[i] is { } late && now > late.Deadline)
                Finish(late, FinishReason.Length);
        }

        // 2. Choose the batch: one token per generating sequence first (keeps their latency flat),
        //    then prompt chunks with whatever capacity is left (chunked prefill).
        _decoder.ClearBatch();
        var capacity = _decoder.BatchCapacity;
        var generating = 0;
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is { IsPrefilling: false })
                generating++;
        }
        // (More generating slots than the batch holds is a configuration mistake, BatchSize < ParallelSlots:
        // the rest wait a step rather than overflow the batch.)
        var decodeRoom = Math.Min(generating, capacity);
        var promptRoom = capacity - decodeRoom;
        // Chunked prefill: while streams are generating or several prompts wait, prompts get at most
        // PrefillChunkTokens of the step (see SchedulerOptions), oldest admission first; a lone prompt
        // (with the choices that will copy it) takes the whole batch.
        var prefillBudget = _options.PrefillChunkTokens > 0 && (generating > 0 || IndependentPrompts() > 1)
            ? _options.PrefillChunkTokens
            : int.MaxValue;
        Array.Clear(_chunk);
        for (var k = 0; k < _prefilling.Count && promptRoom > 0 && prefillBudget > 0; k++)
        {
            var seq = _prefilling[k];
            if (!IsPrefillingInItsSlot(seq))
                continue;
            if (seq.Leader is { } leader)
            {
                if (IsPrefillingInItsSlot(leader))
                    continue; // waits for its leader's prefill
                seq.Leader = null; // the leader went away: prefill on its own
            }
            var take = Math.Min(Math.Min(seq.Prompt.Length - seq.PromptDone, promptRoom), prefillBudget);
            _chunk[seq.Slot] = take;
            promptRoom -= take;
            prefillBudget -= take;
        }

        // 3. Lay the batch out in slot (= sequence id) order. Over per-slot KV streams llama.cpp
        //    cuts a batch into micro-batches of consecutive sequence ids with as many tokens each
        //    (llama_batch_allocr::split_equal), each a pass over all the weights. Generating tokens
        //    first and prompts after (llama-server's layout) cost a pass more per prompt between
        //    generating slots: 8 slots with prompts in 3 and 5 take 5 passes instead of 3. Where a
        //    pass is bound by memory (GPUs, large models) that is a pass's time; on 2 CPU cores,
        //    where 8 tokens are bound by arithmetic, one decode measured the same either way
        //    (7 generating + a 40-token chunk in slot 3 of the 125M model: 81 vs 84 ms, noise).
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is not { } seq)
                continue;
            if (!seq.IsPrefilling)
            {
                if (decodeRoom-- <= 0)
                    continue;
                seq.OutputIndex = _decoder.AddToBatch(seq.PendingToken, seq.Slot, seq.Position, wantLogits: true);
                _slotTokens[seq.Slot].Add(seq.PendingToken);
                seq.Position++;
                continue;
            }
            for (var t = 0; t < _chunk[i]; t++)
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

        // 4. One decode for everyone.
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

        // 5. Followers whose leader finished its prompt in this batch take a copy of its cache and
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

        // 6. Sample each sequence that has fresh logits.
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is not { OutputIndex: >= 0 } seq)
                continue;
            var index = seq.OutputIndex;
            seq.OutputIndex = -1;
            var token = seq.Sampler!.Sample(index);
            if (seq.Request.Logprobs is { } top && !_decoder.IsEndOfGeneration(token) && _decoder.GetLogits(index) is { IsEmpty: false } logits)
                (seq.PendingLogprobs ??= []).Add(LogprobCalculator.Compute(logits, token, top, Piece));
            Advance(seq, token);
        }
    }

    /// <summary>Still has prompt to decode and still holds its slot (not released, cancelled or failed since admission).</summary>
    private bool IsPrefillingInItsSlot(Sequence seq) => seq.IsPrefilling && seq.Slot >= 0 && _slots[seq.Slot] == seq;

    /// <summary>Prompts being prefilled on their own account (not waiting to copy a leader's).</summary>
    private int IndependentPrompts()
    {
        var n = 0;
        foreach (var seq in _prefilling)
        {
            if (seq.Leader is null && IsPrefillingInItsSlot(seq))
                n++;
        }
        return n;
    }

    /// <summary>Drops the sequences that finished their prompt or left their slot, keeping the order (no allocation).</summary>
    private void CompactPrefilling()
    {
        var kept = 0;
        for (var k = 0; k < _prefilling.Count; k++)
        {
            var seq = _prefilling[k];
            if (IsPrefillingInItsSlot(seq))
                _prefilling[kept++] = seq;
        }
        _prefilling.RemoveRange(kept, _prefilling.Count - kept);
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

        var text = seq.Utf8.Append(Piece(token));
        if (text.Length > 0)
        {
            var release = seq.Stops.Process(text);
            if (release.Length > 0)
                seq.Events.Writer.TryWrite(GenerationEvent.Piece(release, TakeLogprobs(seq)));
            if (seq.Stops.IsStopped)
            {
                Finish(seq, FinishReason.Stop);
                return;
            }
        }
        if (seq.Generated >= seq.MaxTokens || seq.Position >= _decoder.SlotContextSize)
        {
            Finish(seq, FinishReason.Length);
            return;
        }
        seq.PendingToken = token;
    }

    private static List<TokenLogprob>? TakeLogprobs(Sequence seq)
    {
        var taken = seq.PendingLogprobs;
        seq.PendingLogprobs = null;
        return taken;
    }

    private ReadOnlySpan<byte> Piece(int token)
    {
        var n = _decoder.TokenToPiece(token, _pieceBuffer);
        if (n >= 0)
            return _pieceBuffer.AsSpan(0, n);
        var big = new byte[-n];
        n = _decoder.TokenToPiece(token, big);
        return big.AsSpan(0, Math.Max(n, 0));
    }

    private void Finish(Sequence seq, FinishReason reason)
    {
        var tail = seq.Stops.Process(seq.Utf8.Flush());
        tail += seq.Stops.Flush();
        if (tail.Length > 0)
            seq.Events.Writer.TryWrite(GenerationEvent.Piece(tail, TakeLogprobs(seq)));
        seq.Events.Writer.TryWrite(GenerationEvent.Finish(reason, new GenerationUsage(seq.Prompt.Length, seq.Generated, seq.CachedPromptTokens)));
        Interlocked.Increment(ref _completed);
        Release(seq, complete: true);
    }

    private void Fail(Sequence seq, GenerationError error)
    {
        seq.Events.Writer.TryWrite(GenerationEvent.Fail(error));
        Release(seq, complete: true);
    }

    private void Release(Sequence seq, bool complete)
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
        if (complete)
            seq.Events.Writer.TryComplete();
    }

    private void DrainOnShutdown()
    {
        var error = _stopReason;
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is { } seq)
                Fail(seq, error);
        }
        while (_queue.TryDequeue(out var queued))
        {
            if (queued.TryLeaveQueue())
                Interlocked.Decrement(ref _queued);
            queued.Events.Writer.TryWrite(GenerationEvent.Fail(error));
            queued.CancelRegistration.Dispose();
            queued.Events.Writer.TryComplete();
        }
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
