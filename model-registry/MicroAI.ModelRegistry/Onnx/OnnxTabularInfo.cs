namespace MicroAI.ModelRegistry.Onnx;

/// <summary>
/// A tabular model (scikit-learn, XGBoost or LightGBM exported to ONNX, or any graph with a
/// features.json): what it predicts, which outputs carry it, and the feature columns it reads.
/// </summary>
public sealed record OnnxTabularInfo
{
    /// <summary>Labels with probabilities (a label output, plus class scores as a tensor or a ZipMap sequence of maps).</summary>
    public const string Classifier = "classifier";

    /// <summary>One number or several per row (float outputs, no label output).</summary>
    public const string Regressor = "regressor";

    /// <summary>
    /// An outlier detector (IsolationForest, OneClassSVM as scikit-learn exports them): a label output
    /// that is -1 for an outlier and 1 for an inlier, and one score per row, lower meaning more anomalous.
    /// </summary>
    public const string Anomaly = "anomaly";

    /// <summary><see cref="Classifier"/>, <see cref="Regressor"/> or <see cref="Anomaly"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The output holding each row's predicted label, when the model has one.</summary>
    public string? LabelOutput { get; init; }

    /// <summary>The output holding the class probabilities (classifier), the values (regressor) or the score (anomaly).</summary>
    public string? ScoreOutput { get; init; }

    /// <summary>
    /// Every feature column in order, as the request's "features" array lists them; empty when a
    /// model input's width is open and no features.json says it.
    /// </summary>
    public IReadOnlyList<OnnxFeature> Features { get; init; } = [];
}

/// <summary>
/// One feature column: its name (from features.json, or the input's own name when the input is one
/// column wide; null when neither names it), the model input that carries it, its column in that
/// input, and the input's element type.
/// </summary>
public sealed record OnnxFeature(string? Name, string Input, int Column, string ElementType);
