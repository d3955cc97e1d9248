using System.Diagnostics;
using MicroAI.Engines.Evaluation;
using MicroAI.Engines.LlamaCpp.Native;

namespace MicroAI.Engines.LlamaCpp.Evaluation;

/// <summary>
/// A context of one sequence and one chunk, decoding a whole chunk per llama_decode with logits
/// requested only for the positions that are scored (half the chunk: half the output rows to copy).
/// Owned by one thread.
/// </summary>
internal sealed unsafe class LlamaChunkLogits : IChunkLogits, IDisposable
{
    private readonly LlamaModel _model;
    private readonly SafeLlamaContextHandle _ctx;
    private readonly SafeLlamaBatchHandle _batch;
    private readonly nint _memory;
    private float[] _rows = [];

    public LlamaChunkLogits(LlamaModel model, int contextSize, int threads)
    {
        _model = model;
        var cp = LlamaNative.llama_context_default_params();
        cp.n_seq_max = 1;
        cp.n_ctx = (uint)contextSize;
        cp.n_batch = (uint)contextSize;
        cp.n_ubatch = (uint)Math.Min(contextSize, 512);
        cp.n_threads = threads;
        cp.n_threads_batch = threads;
        cp.no_perf = 1;
        var raw = LlamaNative.llama_init_from_model(model.Handle, cp);
        if (raw == 0)
            throw new InvalidOperationException($"llama.cpp could not create a context of {contextSize} tokens for '{model.Info.Id}' (not enough memory?).");
        _ctx = new SafeLlamaContextHandle(raw);
        _memory = LlamaNative.llama_get_memory(_ctx);
        _batch = new SafeLlamaBatchHandle(contextSize, 1);
        VocabularySize = LlamaNative.llama_vocab_n_tokens(model.Vocab);
    }

    public int VocabularySize { get; }

    /// <summary>Time spent in llama_decode by <see cref="DecodeChunk"/>, for tokens per second.</summary>
    public TimeSpan DecodeTime { get; private set; }

    public ReadOnlySpan<float> DecodeChunk(ReadOnlySpan<int> tokens, int firstOutput)
    {
        if (tokens.Length > _batch.Capacity)
            throw new ArgumentException($"A chunk of {tokens.Length} tokens does not fit the context of {_batch.Capacity}.", nameof(tokens));
        LlamaNative.llama_memory_clear(_memory, true);
        var b = _batch.Batch;
        for (var i = 0; i < tokens.Length; i++)
        {
            b->token[i] = tokens[i];
            b->pos[i] = i;
            b->n_seq_id[i] = 1;
            b->seq_id[i][0] = 0;
            b->logits[i] = (sbyte)(i >= firstOutput ? 1 : 0);
        }
        b->n_tokens = tokens.Length;
        var started = Stopwatch.GetTimestamp();
        var rc = LlamaNative.llama_decode(_ctx, *b);
        DecodeTime += Stopwatch.GetElapsedTime(started);
        if (rc != 0)
            throw new InvalidOperationException($"llama_decode failed ({rc}) on a chunk of {tokens.Length} tokens.");

        var rows = tokens.Length - firstOutput;
        var size = rows * VocabularySize;
        if (_rows.Length < size)
            _rows = new float[size];
        for (var r = 0; r < rows; r++)
        {
            var logits = LlamaNative.llama_get_logits_ith(_ctx, firstOutput + r);
            new ReadOnlySpan<float>(logits, VocabularySize).CopyTo(_rows.AsSpan(r * VocabularySize));
        }
        return _rows.AsSpan(0, size);
    }

    /// <summary>
    /// Single-stream decode speed: from a BOS, <paramref name="count"/> greedy tokens one decode each,
    /// as a chat answer is generated; tokens per second over those decodes.
    /// </summary>
    public double GenerationSpeed(int count, int startToken)
    {
        LlamaNative.llama_memory_clear(_memory, true);
        var b = _batch.Batch;
        var token = startToken;
        var elapsed = TimeSpan.Zero;
        count = Math.Min(count, _batch.Capacity - 1);
        for (var i = 0; i < count; i++)
        {
            b->token[0] = token;
            b->pos[0] = i;
            b->n_seq_id[0] = 1;
            b->seq_id[0][0] = 0;
            b->logits[0] = 1;
            b->n_tokens = 1;
            var started = Stopwatch.GetTimestamp();
            if (LlamaNative.llama_decode(_ctx, *b) != 0)
                throw new InvalidOperationException("llama_decode failed while generating.");
            elapsed += Stopwatch.GetElapsedTime(started);
            var row = new ReadOnlySpan<float>(LlamaNative.llama_get_logits_ith(_ctx, 0), VocabularySize);
            var best = 0;
            for (var v = 1; v < row.Length; v++)
                if (row[v] > row[best]) best = v;
            token = best;
        }
        return count / Math.Max(elapsed.TotalSeconds, 1e-9);
    }

    public void Dispose()
    {
        _batch.Dispose();
        _ctx.Dispose();
        GC.KeepAlive(_model);
    }
}
