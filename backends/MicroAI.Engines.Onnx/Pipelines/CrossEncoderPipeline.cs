using MicroAI.Engines.Abstractions;
using MicroAI.Tokenizers;

namespace MicroAI.Engines.Onnx.Pipelines;

/// <summary>
/// A cross-encoder reranker: each (query, document) pair is encoded as one sequence pair
/// ([CLS] query [SEP] document [SEP], token types 0/1), truncated longest-first to the model's
/// length, and scored by the model's logit. Two-logit models score logit[1] − logit[0], whose
/// sigmoid is the softmax probability of "relevant".
/// </summary>
internal sealed class CrossEncoderPipeline : IRerankModel
{
    private const int RowsPerRun = 32;

    private readonly OnnxSession _session;
    private readonly ITokenizer _tokenizer;
    private readonly TextInputs _inputs;
    private readonly string _output;
    private readonly int _width;
    private readonly int _maxLength;

    public CrossEncoderPipeline(string id, OnnxSession session, ITokenizer tokenizer, string folder, string? primaryOutput)
    {
        _session = session;
        _tokenizer = tokenizer;
        _inputs = TextInputs.For(session, id);
        var output = session.Outputs.FirstOrDefault(o => o.Name == (primaryOutput ?? "logits")) ?? session.Outputs[0];
        _output = output.Name;
        _width = output.Shape.Count == 2 && output.Shape[1] > 0 ? (int)output.Shape[1] : 1;
        if (_width > 2)
            throw new ModelLoadException($"'{id}' has {_width} outputs per pair; a reranker has one relevance logit (or two classes).");
        _maxLength = ModelFolderConfig.MaxLength(folder, tokenizer.ModelMaxLength);
    }

    public string Description => $"cross-encoder rerank on {_session.ExecutionProvider}";
    public int MaxBatchSize => 1000;

    public ValueTask<InferenceResult<RerankBatch>> RerankAsync(string query, IReadOnlyList<string> documents, CancellationToken cancellationToken)
    {
        var encoded = documents.Select(d => _tokenizer.EncodePair(query, d, maxLength: _maxLength)).ToArray();
        var scores = new float[documents.Count];
        for (var start = 0; start < encoded.Length; start += RowsPerRun)
        {
            var rows = encoded.AsSpan(start, Math.Min(RowsPerRun, encoded.Length - start)).ToArray();
            using var outputs = _session.Run(_inputs.Build(TokenBatch.Pad(rows, _tokenizer)), [_output], cancellationToken);
            var logits = outputs[0].ToFloatArray();
            for (var r = 0; r < rows.Length; r++)
                scores[start + r] = _width == 1 ? logits[r] : logits[r * 2 + 1] - logits[r * 2];
        }
        return ValueTask.FromResult<InferenceResult<RerankBatch>>(new RerankBatch(scores, encoded.Sum(e => e.Length)));
    }

    public void Dispose() => _session.Dispose();
}
