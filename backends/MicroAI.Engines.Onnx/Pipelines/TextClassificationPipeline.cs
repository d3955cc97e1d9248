using MicroAI.Engines.Abstractions;
using MicroAI.Tokenizers;

namespace MicroAI.Engines.Onnx.Pipelines;

/// <summary>
/// A Hugging Face sequence classifier: tokenize (truncating at the model's length, as the
/// transformers pipeline does), run, then softmax over the labels, or a sigmoid per label for
/// multi-label models (config.json problem_type).
/// </summary>
internal sealed class TextClassificationPipeline : IClassificationModel
{
    private const int RowsPerRun = 32;

    private readonly OnnxSession _session;
    private readonly ITokenizer _tokenizer;
    private readonly TextInputs _inputs;
    private readonly string _output;
    private readonly int _maxLength;

    public TextClassificationPipeline(string id, OnnxSession session, ITokenizer tokenizer, string folder, IReadOnlyList<string>? labels, bool multiLabel, string? primaryOutput)
    {
        _session = session;
        _tokenizer = tokenizer;
        _inputs = TextInputs.For(session, id);
        var output = session.Outputs.FirstOrDefault(o => o.Name == (primaryOutput ?? "logits")) ?? session.Outputs[0];
        _output = output.Name;
        var width = output.Shape.Count == 2 && output.Shape[1] > 0 ? (int)output.Shape[1] : labels?.Count ?? 0;
        if (width <= 0)
            throw new ModelLoadException($"'{id}': cannot tell how many labels the output '{output.Name}' has.");
        Labels = labels is { Count: > 0 } l && l.Count == width ? l : Enumerable.Range(0, width).Select(i => $"LABEL_{i}").ToArray();
        MultiLabel = multiLabel;
        _maxLength = ModelFolderConfig.MaxLength(folder, tokenizer.ModelMaxLength);
    }

    public string Description => $"text classification ({Labels.Count} labels, {(MultiLabel ? "multi-label" : "single-label")}) on {_session.ExecutionProvider}";
    public int MaxBatchSize => 256;
    public ClassificationInputKind InputKind => ClassificationInputKind.Text;
    public IReadOnlyList<string> Labels { get; }
    public bool MultiLabel { get; }

    public ValueTask<InferenceResult<ClassificationBatch>> ClassifyAsync(IReadOnlyList<ClassificationInput> inputs, CancellationToken cancellationToken)
    {
        var encoded = inputs.Select(i => _tokenizer.Encode(i.Text ?? "", maxLength: _maxLength)).ToArray();
        var results = new ClassificationOutput[inputs.Count];
        var scores = new float[Labels.Count];
        for (var start = 0; start < encoded.Length; start += RowsPerRun)
        {
            var rows = encoded.AsSpan(start, Math.Min(RowsPerRun, encoded.Length - start)).ToArray();
            using var outputs = _session.Run(_inputs.Build(TokenBatch.Pad(rows, _tokenizer)), [_output], cancellationToken);
            var logits = outputs[0].ToFloatArray();
            for (var r = 0; r < rows.Length; r++)
            {
                var row = logits.AsSpan(r * Labels.Count, Labels.Count);
                if (MultiLabel)
                    Scores.Sigmoid(row, scores);
                else
                    Scores.Softmax(row, scores);
                results[start + r] = Scores.Ranked(scores, Labels);
            }
        }
        return ValueTask.FromResult<InferenceResult<ClassificationBatch>>(new ClassificationBatch(results, encoded.Sum(e => e.Length)));
    }

    public void Dispose() => _session.Dispose();
}
