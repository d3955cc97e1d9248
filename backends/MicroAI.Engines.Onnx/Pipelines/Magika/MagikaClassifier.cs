using System.Text;
using MicroAI.Engines.Abstractions;

namespace MicroAI.Engines.Onnx.Pipelines.Magika;

/// <summary>
/// Google Magika content-type detection. The first label returned is Magika's verdict: the
/// model's best label (renamed by overwrite_map) when its score reaches that label's threshold
/// (config thresholds, else medium_confidence_threshold), otherwise the generic "txt" or "unknown"
/// with the same score — Magika's "high-confidence" mode. The labels after it are the model's
/// next-best raw labels. Content too short for the model (under min_file_size_for_dl bytes once
/// whitespace is stripped) is "txt" if it is valid UTF-8, else "unknown", with score 1.
/// </summary>
internal sealed class MagikaClassifier : IClassificationModel
{
    /// <summary>Rows per ORT run (the model's batch dimension is free): 32 rows of 2048 int32 = 256 KiB.</summary>
    private const int RowsPerRun = 32;

    private readonly OnnxSession _session;
    private readonly MagikaConfig _config;
    private readonly string _input;
    private readonly string _output;

    public MagikaClassifier(string id, OnnxSession session, MagikaConfig config)
    {
        _session = session;
        _config = config;
        var input = session.Inputs.Count == 1 ? session.Inputs[0] : throw new ModelLoadException($"'{id}': a Magika model has one input; this one has {session.Inputs.Count}.");
        if (input.ElementType != OnnxElementType.Int32 || input.Shape.Count != 2 || input.Shape[1] != config.FeatureLength)
            throw new ModelLoadException($"'{id}': input '{input.Name}' is {input}, but config.min.json describes int32 [N, {config.FeatureLength}] features.");
        _input = input.Name;
        _output = session.Outputs[0].Name;
        var width = session.Outputs[0].Shape[^1];
        if (width != config.Labels.Count)
            throw new ModelLoadException($"'{id}': the model scores {width} labels but config.min.json lists {config.Labels.Count}.");
    }

    public string Description => $"Magika content-type detection ({_config.Labels.Count} labels) on {_session.ExecutionProvider}";
    public int MaxBatchSize => 1024;
    public ClassificationInputKind InputKind => ClassificationInputKind.Bytes;
    public IReadOnlyList<string> Labels => _config.Labels;
    public bool MultiLabel => false;

    public ValueTask<InferenceResult<ClassificationBatch>> ClassifyAsync(IReadOnlyList<ClassificationInput> inputs, CancellationToken cancellationToken)
    {
        var results = new ClassificationOutput[inputs.Count];
        var width = _config.FeatureLength;
        var rows = new List<int>(RowsPerRun);
        var features = new int[RowsPerRun * width];
        for (var i = 0; i < inputs.Count; i++)
        {
            var content = inputs[i].Data.Span;
            if (!MagikaFeatures.TryExtract(content, _config, features.AsSpan(rows.Count * width, width)))
            {
                results[i] = FewBytes(content);
                continue;
            }
            rows.Add(i);
            if (rows.Count == RowsPerRun)
                Run(rows, features, results, cancellationToken);
        }
        if (rows.Count > 0)
            Run(rows, features, results, cancellationToken);
        return ValueTask.FromResult<InferenceResult<ClassificationBatch>>(new ClassificationBatch(results, 0));
    }

    private void Run(List<int> rows, int[] features, ClassificationOutput[] results, CancellationToken cancellationToken)
    {
        var width = _config.FeatureLength;
        var n = rows.Count;
        using var outputs = _session.Run([OnnxInput.Int32(_input, features.AsMemory(0, n * width), n, width)], [_output], cancellationToken);
        var scores = outputs[0].ToFloatArray();
        var labels = _config.Labels.Count;
        for (var r = 0; r < n; r++)
            results[rows[r]] = Verdict(scores.AsSpan(r * labels, labels));
        rows.Clear();
    }

    private ClassificationOutput Verdict(ReadOnlySpan<float> scores)
    {
        var ranked = Scores.Ranked(scores, _config.Labels).Labels;
        var best = ranked[0];
        var label = best.Score >= _config.ThresholdOf(best.Label)
            ? _config.Output(best.Label)
            : _config.IsText(best.Label) ? "txt" : "unknown";
        var list = new List<LabelScore>(ranked.Count) { new(label, best.Score) };
        for (var i = 1; i < ranked.Count; i++)
            list.Add(ranked[i]);
        return new ClassificationOutput(list);
    }

    private static ClassificationOutput FewBytes(ReadOnlySpan<byte> content)
    {
        var isText = System.Text.Unicode.Utf8.IsValid(content);
        return new ClassificationOutput([new LabelScore(isText ? "txt" : "unknown", 1f)]);
    }

    public void Dispose() => _session.Dispose();
}
