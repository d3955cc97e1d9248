using System.Globalization;
using MicroAI.Engines.Abstractions;
using MicroAI.ModelRegistry.Onnx;

namespace MicroAI.Engines.Onnx.Pipelines.Tabular;

/// <summary>
/// A tabular model — a scikit-learn, XGBoost or LightGBM classifier, regressor or outlier detector
/// exported to ONNX — scoring rows of feature values. Classifiers return the most probable label and
/// every class's probability (from a [rows, classes] tensor or ZipMap's one map per row), as the model
/// computes them: the converters already apply the model's transform, so nothing is re-normalised.
/// Regressors return their value(s); outlier detectors their score and whether the row is an outlier.
/// </summary>
internal sealed class TabularPipeline : IClassificationModel
{
    /// <summary>
    /// Rows per run. A tree ensemble's cost is linear in rows, so batching only amortises the
    /// per-run overhead (tens of microseconds); 1024 rows of 100 features is 400 KB of input.
    /// </summary>
    private const int RowsPerRun = 1024;

    private readonly OnnxSession _session;
    private readonly OnnxTabularInfo _info;
    private readonly TabularInputs _inputs;
    private readonly string[] _outputs;

    public TabularPipeline(string id, OnnxSession session, OnnxTabularInfo info, IReadOnlyList<string>? labels)
    {
        _session = session;
        _info = info;
        _inputs = TabularInputs.For(id, session, info.Features);
        _outputs = new[] { info.LabelOutput, info.ScoreOutput }.OfType<string>().Distinct().ToArray();
        if (_outputs.Length == 0)
            throw new ModelLoadException($"'{id}': a tabular model needs a label or a score output.");
        Labels = labels ?? [];
    }

    public string Description =>
        $"tabular {_info.Kind} ({_inputs.Schema.Columns.Count} features{(Labels.Count > 0 ? $", {Labels.Count} classes" : "")}) on {_session.ExecutionProvider}";

    public int MaxBatchSize => 4096;
    public ClassificationInputKind InputKind => ClassificationInputKind.Features;
    public IReadOnlyList<string> Labels { get; }
    public bool MultiLabel => false;
    public FeatureSchema Features => _inputs.Schema;

    public ValueTask<InferenceResult<ClassificationBatch>> ClassifyAsync(IReadOnlyList<ClassificationInput> inputs, CancellationToken cancellationToken)
    {
        var results = new ClassificationOutput[inputs.Count];
        for (var start = 0; start < inputs.Count; start += RowsPerRun)
        {
            var count = Math.Min(RowsPerRun, inputs.Count - start);
            using var outputs = _session.Run(_inputs.Build(inputs, start, count), _outputs, cancellationToken);
            var labels = _info.LabelOutput is { } l ? LabelTexts(outputs[l], count) : null;
            var scores = _info.ScoreOutput is { } s ? outputs[s] : null;
            var probabilities = _info.Kind == OnnxTabularInfo.Classifier && scores is { Maps: null } ? scores.ToFloatArray() : null;
            for (var r = 0; r < count; r++)
                results[start + r] = Row(r, count, labels, scores, probabilities);
        }
        return ValueTask.FromResult<InferenceResult<ClassificationBatch>>(new ClassificationBatch(results, 0));
    }

    private ClassificationOutput Row(int r, int rows, string[]? labels, OnnxOutput? scores, float[]? probabilities)
    {
        var label = labels?[r];
        switch (_info.Kind)
        {
            case OnnxTabularInfo.Classifier:
                var ranked = scores is null ? new ClassificationOutput([])
                    : scores.Maps is { } maps ? Ranked(maps[r])
                    : Scores.Ranked(probabilities.AsSpan(r * (probabilities!.Length / rows), probabilities.Length / rows), ClassNames(probabilities.Length / rows));
                // The most probable class, as scikit-learn's predict and XGBoost's and LightGBM's 0.5 threshold
                // give: ONNX Runtime's own label output for a two-class tree ensemble whose leaves vote for both
                // classes names the second class whenever its score is above 0 (measured on 1.32), so it is used
                // only when the model outputs no probabilities.
                return ranked with { Label = ranked.Labels.Count > 0 ? ranked.Labels[0].Label : label };
            case OnnxTabularInfo.Anomaly:
                // scikit-learn's outlier detectors label an outlier -1 and an inlier 1.
                var outlier = label switch { "-1" => true, "1" => false, _ => (bool?)null };
                return new ClassificationOutput([])
                {
                    Label = outlier switch { true => "outlier", false => "inlier", null => label },
                    Outlier = outlier,
                    Values = scores is null ? null : Values(scores, r, rows),
                };
            default:
                return new ClassificationOutput([]) { Values = Values(scores!, r, rows), Label = label };
        }
    }

    private static ClassificationOutput Ranked(IReadOnlyList<KeyValuePair<string, float>> map)
    {
        Span<float> scores = map.Count <= 256 ? stackalloc float[map.Count] : new float[map.Count];
        for (var i = 0; i < map.Count; i++)
            scores[i] = map[i].Value;
        return Scores.Ranked(scores, map.Select(p => p.Key).ToArray());
    }

    private IReadOnlyList<string> ClassNames(int classes) =>
        Labels.Count == classes ? Labels : Enumerable.Range(0, classes).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>A row of a float or double output, kept in double so a double regressor loses nothing.</summary>
    private static double[] Values(OnnxOutput output, int r, int rows)
    {
        var width = output.ElementCount / rows;
        if (output.ElementType == OnnxElementType.Double)
            return output.AsSpan<double>().Slice(r * width, width).ToArray();
        var floats = output.ElementType == OnnxElementType.Float ? output.AsSpan<float>() : output.ToFloatArray();
        var row = new double[width];
        for (var i = 0; i < width; i++)
            row[i] = floats[r * width + i];
        return row;
    }

    private static string[] LabelTexts(OnnxOutput output, int rows)
    {
        var texts = output.ElementType == OnnxElementType.String
            ? output.ToStringArray()
            : Array.ConvertAll(output.ToInt64Array(), static v => v.ToString(CultureInfo.InvariantCulture));
        // [rows] or [rows, 1]: one label per row.
        return texts.Length == rows ? texts : throw new InvalidOperationException($"Output '{output.Name}' has {texts.Length} labels for {rows} rows.");
    }

    public void Dispose() => _session.Dispose();
}
