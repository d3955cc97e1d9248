using MicroAI.Engines.Abstractions;
using MicroAI.Engines.LlamaCpp.Native;
using Microsoft.Extensions.Logging;

namespace MicroAI.Engines.LlamaCpp;

/// <summary>
/// One llama.cpp context with N sequences (slots), each with its own ContextPerSlot tokens of KV
/// cache (non-unified KV, so a slot can never starve another). Used only by the scheduler's loop.
/// </summary>
internal sealed unsafe class LlamaBatchDecoder : IBatchDecoder
{
    private readonly LlamaModel _model;
    private readonly SafeLlamaContextHandle _ctx;
    private readonly SafeLlamaBatchHandle _batch;
    private readonly nint _memory;
    private readonly GgmlThreadpool? _threadpool;

    public LlamaBatchDecoder(LlamaModel model, DecoderOptions options, ILogger logger)
    {
        _model = model;
        var cp = LlamaNative.llama_context_default_params();
        cp.n_seq_max = (uint)options.Slots;
        cp.n_ctx = (uint)(options.ContextPerSlot * options.Slots);
        cp.n_batch = (uint)options.BatchSize;
        cp.n_ubatch = (uint)Math.Min(options.BatchSize, 512);
        cp.n_threads = options.Threads;
        cp.n_threads_batch = options.Threads;
        cp.kv_unified = 0;
        cp.no_perf = 1;
        var raw = LlamaNative.llama_init_from_model(model.Handle, cp);
        if (raw == 0)
            throw new ModelLoadException($"llama.cpp could not create a context of {options.Slots} × {options.ContextPerSlot} tokens for '{model.Info.Id}' (not enough memory?).");
        _ctx = new SafeLlamaContextHandle(raw);
        _memory = LlamaNative.llama_get_memory(_ctx);
        _threadpool = GgmlThreadpool.TryCreate(options.Threads);
        if (_threadpool is not null)
            LlamaNative.llama_attach_threadpool(_ctx, _threadpool.DangerousGetHandle(), _threadpool.DangerousGetHandle());
        else
            logger.LogWarning("The ggml CPU backend offers no thread pool; every decode will start its own threads.");
        SlotCount = (int)LlamaNative.llama_n_seq_max(_ctx);
        SlotContextSize = (int)LlamaNative.llama_n_ctx_seq(_ctx);
        BatchCapacity = (int)LlamaNative.llama_n_batch(_ctx);
        _batch = new SafeLlamaBatchHandle(BatchCapacity, 1);
        logger.LogDebug("Context for {Model}: n_ctx={Ctx} n_ctx_seq={Seq} n_batch={Batch} slots={Slots}",
            model.Info.Id, LlamaNative.llama_n_ctx(_ctx), SlotContextSize, BatchCapacity, SlotCount);
    }

    public int SlotCount { get; }
    public int SlotContextSize { get; }
    public int BatchCapacity { get; }
    public int BatchCount => _batch.Batch->n_tokens;

    public ReadOnlySpan<float> GetLogits(int batchIndex)
    {
        var p = LlamaNative.llama_get_logits_ith(_ctx, batchIndex);
        return p == null ? default : new ReadOnlySpan<float>(p, _model.Info.VocabularySize);
    }

    public void ClearSlot(int slot) => LlamaNative.llama_memory_seq_rm(_memory, slot, -1, -1);

    /// <summary>llama_memory_seq_rm from <paramref name="keep"/> on; recurrent models cannot cut mid-sequence and say so.</summary>
    public bool TrimSlot(int slot, int keep)
    {
        if (LlamaNative.llama_memory_seq_rm(_memory, slot, keep, -1))
            return true;
        ClearSlot(slot);
        return false;
    }

    /// <summary>Replaces the destination slot's cache with the source's (a whole-stream copy, done at the next decode).</summary>
    public bool CopySlot(int source, int destination)
    {
        LlamaNative.llama_memory_seq_cp(_memory, source, destination, -1, -1);
        return true;
    }

    public byte[]? SaveSlot(int slot)
    {
        var size = LlamaNative.llama_state_seq_get_size(_ctx, slot);
        if (size == 0 || size > int.MaxValue)
            return null;
        var state = GC.AllocateUninitializedArray<byte>((int)size);
        nuint written;
        fixed (byte* p = state)
            written = LlamaNative.llama_state_seq_get_data(_ctx, p, size, slot);
        return written == size ? state : written > 0 ? state.AsSpan(0, (int)written).ToArray() : null;
    }

    public bool RestoreSlot(int slot, ReadOnlySpan<byte> state)
    {
        ClearSlot(slot);
        nuint read;
        fixed (byte* p = state)
            read = LlamaNative.llama_state_seq_set_data(_ctx, p, (nuint)state.Length, slot);
        if (read > 0)
            return true;
        ClearSlot(slot);
        return false;
    }

    public void ClearBatch() => _batch.Batch->n_tokens = 0;

    public int AddToBatch(int token, int slot, int position, bool wantLogits)
    {
        var b = _batch.Batch;
        var i = b->n_tokens;
        if (i >= BatchCapacity)
            throw new InvalidOperationException("Batch is full.");
        b->token[i] = token;
        b->pos[i] = position;
        b->n_seq_id[i] = 1;
        b->seq_id[i][0] = slot;
        b->logits[i] = wantLogits ? (sbyte)1 : (sbyte)0;
        b->n_tokens = i + 1;
        return i;
    }

    public GenerationError? Decode()
    {
        var rc = LlamaNative.llama_decode(_ctx, *_batch.Batch);
        return rc switch
        {
            0 => null,
            1 => new GenerationError(GenerationErrorCode.EngineFailure, "llama_decode found no room in the KV cache for this batch."),
            2 => new GenerationError(GenerationErrorCode.EngineFailure, "llama_decode was aborted."),
            _ => new GenerationError(GenerationErrorCode.EngineFailure, $"llama_decode failed with code {rc}."),
        };
    }

    public ITokenSampler CreateSampler(SamplingParameters parameters) => new LlamaTokenSampler(_ctx, _model.Vocab, _model.Info.VocabularySize, parameters);

    public bool IsEndOfGeneration(int token) => LlamaNative.llama_vocab_is_eog(_model.Vocab, token);

    public int TokenToPiece(int token, Span<byte> destination)
    {
        fixed (byte* p = destination)
            return LlamaNative.llama_token_to_piece(_model.Vocab, token, p, destination.Length, 0, false);
    }

    public void Dispose()
    {
        _batch.Dispose();
        if (_threadpool is not null && !_ctx.IsClosed)
            LlamaNative.llama_detach_threadpool(_ctx);
        _ctx.Dispose();
        _threadpool?.Dispose();
    }
}
