using System.Collections.Concurrent;
using System.Text;
using MicroAI.Engines.Abstractions;

namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>One entry of a decoded batch, as the scheduler added it.</summary>
internal readonly record struct BatchEntry(int Token, int Slot, int Position, bool WantLogits);

/// <summary>What the scheduler did to the decoder, in order: a ClearSlot or a Decode of a batch.</summary>
internal readonly record struct DecoderCall(int? ClearedSlot, BatchEntry[]? Batch);

/// <summary>
/// A scripted <see cref="IBatchDecoder"/>. Records every ClearSlot and every decoded batch; samplers
/// return tokens from a script chosen by the request's seed (<see cref="Script"/>), or
/// <see cref="Filler"/> forever. Token ids: <see cref="Eog"/> ends generation, <see cref="Word"/>
/// registers a text piece, <see cref="ByteToken"/> is a raw byte (byte-fallback vocabularies).
/// </summary>
internal sealed class FakeBatchDecoder : IBatchDecoder
{
    public const int Eog = 2;
    private const int ByteBase = 3000;
    private static readonly TimeSpan s_blockLimit = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly List<BatchEntry> _current = [];
    private BatchEntry[] _lastDecoded = [];
    private readonly List<DecoderCall> _calls = [];
    private readonly ConcurrentDictionary<int, byte[]> _pieces = new();
    private readonly ConcurrentDictionary<uint, Func<int, int>> _scripts = new();
    private readonly ManualResetEventSlim _running = new(initialState: true);
    private readonly List<string> _violations = [];
    private int _nextWord = 1000;
    private int _samplersCreated;
    private int _samplersDisposed;

    public FakeBatchDecoder(int slots = 1, int slotContext = 256, int batchCapacity = 64)
    {
        SlotCount = slots;
        SlotContextSize = slotContext;
        BatchCapacity = batchCapacity;
        Filler = Word("x");
    }

    public int SlotCount { get; }
    public int SlotContextSize { get; }
    public int BatchCapacity { get; }

    /// <summary>The token samplers return once their script is over (text "x").</summary>
    public int Filler { get; }

    /// <summary>Called before each decode with the batch; may return an error or throw.</summary>
    public Func<BatchEntry[], GenerationError?>? DecodeHook { get; set; }

    /// <summary>When set, the next CreateSampler call throws it (once).</summary>
    public Exception? CreateSamplerFailure { get; set; }

    public bool Disposed { get; private set; }
    public int SamplersCreated => Volatile.Read(ref _samplersCreated);
    public int SamplersDisposed => Volatile.Read(ref _samplersDisposed);

    /// <summary>Registers a token whose piece is <paramref name="text"/> (UTF-8).</summary>
    public int Word(string text) => Piece(Encoding.UTF8.GetBytes(text));

    public int Piece(byte[] bytes)
    {
        var id = Interlocked.Increment(ref _nextWord);
        _pieces[id] = bytes;
        return id;
    }

    public static int ByteToken(byte b) => ByteBase + b;

    /// <summary>Requests with Sampling.Seed == <paramref name="seed"/> sample these tokens, then Filler.</summary>
    public void Script(uint seed, params int[] tokens) => _scripts[seed] = i => i < tokens.Length ? tokens[i] : Filler;

    public void Script(uint seed, Func<int, int> tokens) => _scripts[seed] = tokens;

    /// <summary>Makes the next Decode calls block until <see cref="Resume"/>.</summary>
    public void Pause() => _running.Reset();

    public void Resume() => _running.Set();

    public IReadOnlyList<DecoderCall> Calls
    {
        get { lock (_gate) return [.. _calls]; }
    }

    public IReadOnlyList<BatchEntry[]> Batches => [.. Calls.Where(c => c.Batch is not null).Select(c => c.Batch!)];

    public IReadOnlyList<int> ClearedSlots => [.. Calls.Where(c => c.ClearedSlot is not null).Select(c => c.ClearedSlot!.Value)];

    /// <summary>Misuse seen by the fake (sampling a row without logits, a sampler hopping slots, a full batch).</summary>
    public IReadOnlyList<string> Violations
    {
        get { lock (_gate) return [.. _violations]; }
    }

    public void ClearSlot(int slot)
    {
        lock (_gate)
        {
            if ((uint)slot >= (uint)SlotCount)
                _violations.Add($"ClearSlot({slot}) out of range");
            _calls.Add(new DecoderCall(slot, null));
        }
    }

    /// <summary>When true the decoder keeps prefixes (as llama.cpp's KV cache does); otherwise the interface's default (clear) applies.</summary>
    public bool SupportsTrim { get; set; }

    private readonly List<(int Slot, int Keep)> _trims = [];

    public IReadOnlyList<(int Slot, int Keep)> Trims
    {
        get
        {
            lock (_trims)
                return [.. _trims];
        }
    }

    public bool TrimSlot(int slot, int keep)
    {
        if (!SupportsTrim)
        {
            ClearSlot(slot);
            return keep == 0;
        }
        lock (_trims)
            _trims.Add((slot, keep));
        return true;
    }

    /// <summary>Saved states are 1 KiB of the slot number; restores are recorded.</summary>
    public bool SupportsState { get; set; }

    private readonly List<(int Slot, int SavedFrom)> _restores = [];

    public IReadOnlyList<(int Slot, int SavedFrom)> Restores
    {
        get
        {
            lock (_restores)
                return [.. _restores];
        }
    }

    public byte[]? SaveSlot(int slot)
    {
        if (!SupportsState)
            return null;
        var state = new byte[1024];
        state.AsSpan().Fill((byte)slot);
        return state;
    }

    public bool RestoreSlot(int slot, ReadOnlySpan<byte> state)
    {
        if (!SupportsState)
        {
            ClearSlot(slot);
            return false;
        }
        lock (_restores)
            _restores.Add((slot, state[0]));
        return true;
    }

    /// <summary>When true, CopySlot succeeds (as llama.cpp's whole-stream copy) and is recorded.</summary>
    public bool SupportsCopy { get; set; }

    private readonly Dictionary<int, int> _copies = [];

    public IReadOnlyDictionary<int, int> Copies
    {
        get { lock (_gate) return new Dictionary<int, int>(_copies); }
    }

    public bool CopySlot(int source, int destination)
    {
        if (!SupportsCopy)
            return false;
        lock (_gate)
            _copies[destination] = source;
        return true;
    }

    public void ClearBatch()
    {
        lock (_gate) _current.Clear();
    }

    public int AddToBatch(int token, int slot, int position, bool wantLogits)
    {
        lock (_gate)
        {
            if (_current.Count >= BatchCapacity)
                throw new InvalidOperationException("Batch is full.");
            if (position >= SlotContextSize)
                _violations.Add($"position {position} of slot {slot} is outside the slot context {SlotContextSize}");
            _current.Add(new BatchEntry(token, slot, position, wantLogits));
            return _current.Count - 1;
        }
    }

    public int BatchCount
    {
        get { lock (_gate) return _current.Count; }
    }

    public GenerationError? Decode()
    {
        if (!_running.Wait(s_blockLimit))
            throw new TimeoutException("The test never resumed the paused decoder.");
        BatchEntry[] batch;
        lock (_gate)
        {
            batch = [.. _current];
            _calls.Add(new DecoderCall(null, batch));
        }
        var error = DecodeHook?.Invoke(batch);
        lock (_gate) _lastDecoded = error is null ? batch : [];
        return error;
    }

    public ITokenSampler CreateSampler(SamplingParameters parameters)
    {
        if (CreateSamplerFailure is { } failure)
        {
            CreateSamplerFailure = null;
            throw failure;
        }
        Interlocked.Increment(ref _samplersCreated);
        var script = parameters.Seed is { } seed && _scripts.TryGetValue(seed, out var s) ? s : _ => Filler;
        return new FakeSampler(this, script);
    }

    public bool IsEndOfGeneration(int token) => token == Eog;

    public int TokenToPiece(int token, Span<byte> destination)
    {
        ReadOnlySpan<byte> piece = token >= ByteBase && token < ByteBase + 256 ? [(byte)(token - ByteBase)]
            : _pieces.TryGetValue(token, out var bytes) ? bytes : [];
        if (piece.Length > destination.Length)
            return -piece.Length;
        piece.CopyTo(destination);
        return piece.Length;
    }

    public void Dispose()
    {
        Disposed = true;
        _running.Set();
    }

    private int SampleRow(int batchIndex, int slot)
    {
        lock (_gate)
        {
            if ((uint)batchIndex >= (uint)_lastDecoded.Length)
            {
                _violations.Add($"sampled row {batchIndex} of a batch of {_lastDecoded.Length}");
                return slot;
            }
            var entry = _lastDecoded[batchIndex];
            if (!entry.WantLogits)
                _violations.Add($"sampled row {batchIndex} which has no logits");
            // A choice that copied another's prompt cache samples its first token from that one's row.
            if (slot >= 0 && entry.Slot != slot && !(_copies.TryGetValue(entry.Slot, out var source) && source == slot))
                _violations.Add($"a sampler of slot {slot} sampled a row of slot {entry.Slot}");
            return entry.Slot;
        }
    }

    private sealed class FakeSampler(FakeBatchDecoder owner, Func<int, int> script) : ITokenSampler
    {
        private int _count;
        private int _slot = -1;
        private bool _disposed;

        public int Sample(int batchIndex)
        {
            if (_disposed)
                throw new ObjectDisposedException(nameof(FakeSampler));
            _slot = owner.SampleRow(batchIndex, _slot);
            return script(_count++);
        }

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            Interlocked.Increment(ref owner._samplersDisposed);
        }
    }
}
