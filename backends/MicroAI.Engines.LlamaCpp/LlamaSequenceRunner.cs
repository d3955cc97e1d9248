using MicroAI.Engines.Embeddings;
using MicroAI.Engines.LlamaCpp.Native;
using Microsoft.Extensions.Logging;

namespace MicroAI.Engines.LlamaCpp;

/// <summary>
/// A llama.cpp context in embedding mode: every run puts each sequence under its own sequence id
/// in one batch, decodes once, and reads the pooled vector per sequence (llama_get_embeddings_seq:
/// n_embd floats, or n_cls_out rank scores with rank pooling). The cache is unified and cleared
/// before each run, so a run may hold one long sequence or many short ones up to <see cref="MaxTokens"/>.
/// </summary>
internal sealed unsafe class LlamaSequenceRunner : ISequenceRunner
{
    private readonly LlamaModel _model;
    private readonly SafeLlamaContextHandle _ctx;
    private readonly SafeLlamaBatchHandle _batch;
    private readonly nint _memory;
    private readonly GgmlThreadpool? _threadpool;
    private readonly int _width;

    public const int PoolingNone = 0, PoolingMean = 1, PoolingCls = 2, PoolingLast = 3, PoolingRank = 4;

    public LlamaSequenceRunner(LlamaModel model, int pooling, int maxTokens, int maxSequences, int threads, ILogger logger)
    {
        _model = model;
        var cp = LlamaNative.llama_context_default_params();
        cp.embeddings = 1;
        cp.pooling_type = pooling;
        cp.n_ctx = (uint)maxTokens;
        // Non-causal (encoder) attention needs a whole sequence inside one micro-batch.
        cp.n_batch = (uint)maxTokens;
        cp.n_ubatch = (uint)maxTokens;
        cp.n_seq_max = (uint)maxSequences;
        cp.kv_unified = 1;
        cp.n_threads = threads;
        cp.n_threads_batch = threads;
        cp.no_perf = 1;
        var raw = LlamaNative.llama_init_from_model(model.Handle, cp);
        if (raw == 0)
            throw new Abstractions.ModelLoadException($"llama.cpp could not create an embedding context of {maxTokens} tokens for '{model.Info.Id}' (not enough memory?).");
        _ctx = new SafeLlamaContextHandle(raw);
        _memory = LlamaNative.llama_get_memory(_ctx);
        _threadpool = GgmlThreadpool.TryCreate(threads);
        if (_threadpool is not null)
            LlamaNative.llama_attach_threadpool(_ctx, _threadpool.DangerousGetHandle(), _threadpool.DangerousGetHandle());
        Pooling = LlamaNative.llama_pooling_type(_ctx);
        if (Pooling == PoolingNone)
            throw new Abstractions.ModelLoadException($"'{model.Info.Id}' has no pooling; per-token embeddings are not served.");
        _width = Pooling == PoolingRank ? (int)LlamaNative.llama_model_n_cls_out(model.Handle) : model.Info.EmbeddingLength;
        if (_width <= 0)
            throw new Abstractions.ModelLoadException($"'{model.Info.Id}' has rank pooling but no classifier outputs.");
        MaxTokens = (int)LlamaNative.llama_n_ctx(_ctx);
        MaxSequences = (int)LlamaNative.llama_n_seq_max(_ctx);
        _batch = new SafeLlamaBatchHandle(MaxTokens, 1);
        logger.LogDebug("Embedding context for {Model}: pooling {Pooling}, {Tokens} tokens, {Sequences} sequences per run", model.Info.Id, Pooling, MaxTokens, MaxSequences);
    }

    /// <summary>The pooling llama.cpp settled on (the model's own unless one was asked for).</summary>
    public int Pooling { get; }
    public int Width => _width;
    public int MaxSequences { get; }
    public int MaxTokens { get; }

    public float[][] Run(IReadOnlyList<int[]> sequences)
    {
        if (_memory != 0)
            LlamaNative.llama_memory_clear(_memory, true);
        var b = _batch.Batch;
        b->n_tokens = 0;
        for (var s = 0; s < sequences.Count; s++)
        {
            var seq = sequences[s];
            for (var p = 0; p < seq.Length; p++)
            {
                var i = b->n_tokens;
                b->token[i] = seq[p];
                b->pos[i] = p;
                b->n_seq_id[i] = 1;
                b->seq_id[i][0] = s;
                b->logits[i] = 1;
                b->n_tokens = i + 1;
            }
        }
        var rc = LlamaNative.llama_decode(_ctx, *b);
        if (rc != 0)
            throw new InvalidOperationException($"llama_decode failed with {rc} on {sequences.Count} sequences of {b->n_tokens} tokens.");
        var results = new float[sequences.Count][];
        for (var s = 0; s < sequences.Count; s++)
        {
            var p = LlamaNative.llama_get_embeddings_seq(_ctx, s);
            if (p == null)
                throw new InvalidOperationException($"llama.cpp returned no pooled output for sequence {s}.");
            results[s] = new ReadOnlySpan<float>(p, _width).ToArray();
        }
        return results;
    }

    public void Dispose()
    {
        _batch.Dispose();
        _ctx.Dispose();
        _threadpool?.Dispose();
        _model.Dispose();
    }
}
