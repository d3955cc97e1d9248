using MicroAI.Engines.Abstractions;
using MicroAI.Engines.Embeddings;
using MicroAI.Engines.LlamaCpp.Native;
using Microsoft.Extensions.Logging;

namespace MicroAI.Engines.LlamaCpp;

/// <summary>
/// A GGUF model serving embeddings (pooled by the model's pooling type; decoder models without
/// one are mean-pooled) or rerank (rank pooling: the classifier head's score of query + document).
/// Requests share the context through a <see cref="SequenceBatcher"/>.
/// </summary>
internal sealed class LlamaEmbeddingModel : IEmbeddingModel, IRerankModel
{
    private readonly LlamaModel _model;
    private readonly LlamaSequenceRunner _runner;
    private readonly SequenceBatcher _batcher;

    public LlamaEmbeddingModel(LlamaModel model, LlamaSequenceRunner runner, bool normalized, ILogger logger)
    {
        _model = model;
        _runner = runner;
        Normalized = normalized;
        _batcher = new SequenceBatcher(runner, logger, model.Info.Id);
        Pooling = runner.Pooling switch
        {
            LlamaSequenceRunner.PoolingMean => "mean",
            LlamaSequenceRunner.PoolingCls => "cls",
            LlamaSequenceRunner.PoolingLast => "last",
            LlamaSequenceRunner.PoolingRank => "rank",
            _ => "none",
        };
    }

    public string Description => $"{_model.Info.Description}, {Pooling} pooling{(Normalized ? ", L2-normalised" : "")}";
    public int MaxBatchSize => 2048;
    public int Dimensions => _runner.Width;
    public bool Normalized { get; }
    public int MaxInputTokens => _runner.MaxTokens;
    public string Pooling { get; }

    public async ValueTask<InferenceResult<EmbeddingBatch>> EmbedAsync(IReadOnlyList<EmbeddingInput> inputs, bool truncate, CancellationToken cancellationToken)
    {
        var sequences = new int[inputs.Count][];
        var tokens = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            int[] seq;
            if (input.Tokens is { } ids)
            {
                var vocab = _model.Info.VocabularySize;
                var bad = Array.FindIndex(ids, t => t < 0 || t >= vocab);
                if (bad >= 0)
                    return InferenceError.BadInput($"Token {ids[bad]} at position {bad} of input {i} is not in the model's vocabulary (0 to {vocab - 1}).", i);
                seq = ids;
            }
            else
            {
                seq = _model.Tokenize(input.Text!, addSpecial: true, parseSpecial: true);
            }
            if (seq.Length == 0)
                return InferenceError.BadInput($"Input {i} has no tokens.", i);
            if (seq.Length > MaxInputTokens)
            {
                if (!truncate)
                    return InferenceError.TooLong($"Input {i} has {seq.Length} tokens, more than the {MaxInputTokens} this model embeds at once. Shorten it, or send \"truncate\": true to cut it.", i);
                seq = seq[..MaxInputTokens];
            }
            sequences[i] = seq;
            tokens += seq.Length;
        }

        var vectors = await _batcher.RunAsync(sequences, cancellationToken).ConfigureAwait(false);
        if (Normalized)
        {
            foreach (var v in vectors)
                VectorMath.L2Normalize(v);
        }
        return new EmbeddingBatch(vectors, tokens);
    }

    public async ValueTask<InferenceResult<RerankBatch>> RerankAsync(string query, IReadOnlyList<string> documents, CancellationToken cancellationToken)
    {
        if (_runner.Pooling != LlamaSequenceRunner.PoolingRank)
            return new InferenceError(GenerationErrorCode.InvalidPrompt, $"'{_model.Info.Id}' has no rank head (pooling type 'rank'); it cannot rerank.", RequestPart.Model);
        var q = _model.Tokenize(query, addSpecial: false, parseSpecial: false);
        var sequences = new int[documents.Count][];
        var tokens = 0;
        for (var i = 0; i < documents.Count; i++)
        {
            var seq = RerankPrompt(q, _model.Tokenize(documents[i], addSpecial: false, parseSpecial: false));
            if (seq.Length > MaxInputTokens)
                seq = seq[..MaxInputTokens]; // the document's tail is what goes: the query is scored whole
            sequences[i] = seq;
            tokens += seq.Length;
        }
        var vectors = await _batcher.RunAsync(sequences, cancellationToken).ConfigureAwait(false);
        return new RerankBatch(vectors.Select(v => v[0]).ToList(), tokens);
    }

    /// <summary>[BOS] query [EOS] [SEP] document [EOS], each special token where the vocabulary adds it — how cross-encoder GGUFs were trained and how llama-server formats them.</summary>
    private int[] RerankPrompt(int[] query, int[] document)
    {
        var vocab = _model.Vocab;
        var eos = LlamaNative.llama_vocab_eos(vocab);
        if (eos < 0)
            eos = LlamaNative.llama_vocab_sep(vocab);
        var result = new List<int>(query.Length + document.Length + 4);
        if (LlamaNative.llama_vocab_get_add_bos(vocab))
            result.Add(LlamaNative.llama_vocab_bos(vocab));
        result.AddRange(query);
        if (LlamaNative.llama_vocab_get_add_eos(vocab))
            result.Add(eos);
        if (LlamaNative.llama_vocab_get_add_sep(vocab))
            result.Add(LlamaNative.llama_vocab_sep(vocab));
        result.AddRange(document);
        if (LlamaNative.llama_vocab_get_add_eos(vocab))
            result.Add(eos);
        return result.ToArray();
    }

    public void Dispose() => _batcher.Dispose();
}
