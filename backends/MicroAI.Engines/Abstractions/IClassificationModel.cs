namespace MicroAI.Engines.Abstractions;

/// <summary>What a classifier reads: text, raw content bytes (Magika), an encoded image, or a row of feature values (tabular models).</summary>
public enum ClassificationInputKind
{
    Text,
    Bytes,
    Image,
    Features,
}

/// <summary>
/// One input to classify. Text inputs carry <see cref="Text"/>; bytes and images carry <see cref="Data"/>;
/// feature rows carry <see cref="Features"/>, one value per column of the model's <see cref="FeatureSchema"/>.
/// </summary>
public sealed record ClassificationInput(ClassificationInputKind Kind, string? Text, ReadOnlyMemory<byte> Data)
{
    public IReadOnlyList<FeatureValue>? Features { get; init; }

    public static ClassificationInput FromFeatures(IReadOnlyList<FeatureValue> row) => new(ClassificationInputKind.Features, null, default) { Features = row };

    public static ClassificationInput FromText(string text) => new(ClassificationInputKind.Text, text, default);
    public static ClassificationInput FromImage(ReadOnlyMemory<byte> encoded) => new(ClassificationInputKind.Image, null, encoded);
    public static ClassificationInput FromBytes(ReadOnlyMemory<byte> content) => new(ClassificationInputKind.Bytes, null, content);
}

public readonly record struct LabelScore(string Label, float Score);

/// <summary>
/// What a model says about one input: every label's score, highest first (classifiers); the label the
/// model itself decided on, when it outputs one (tabular classifiers, outlier detectors); the numbers it
/// outputs (regressors: the prediction; outlier detectors: the anomaly score, lower = more anomalous);
/// and whether it flags the input as an outlier.
/// </summary>
public sealed record ClassificationOutput(IReadOnlyList<LabelScore> Labels)
{
    public string? Label { get; init; }

    public IReadOnlyList<double>? Values { get; init; }

    public bool? Outlier { get; init; }
}

/// <param name="PromptTokens">Tokens read over all inputs (text models), else 0.</param>
public sealed record ClassificationBatch(IReadOnlyList<ClassificationOutput> Outputs, int PromptTokens);

/// <summary>A classifier: text (tokenizer + model), content bytes, or images.</summary>
public interface IClassificationModel : IInferenceModel
{
    /// <summary>The one kind of input this model reads.</summary>
    ClassificationInputKind InputKind { get; }

    IReadOnlyList<string> Labels { get; }

    /// <summary>Independent (sigmoid) scores per label rather than a softmax over them.</summary>
    bool MultiLabel { get; }

    /// <summary>The feature columns a <see cref="ClassificationInputKind.Features"/> model reads; null for other kinds.</summary>
    FeatureSchema? Features => null;

    ValueTask<InferenceResult<ClassificationBatch>> ClassifyAsync(IReadOnlyList<ClassificationInput> inputs, CancellationToken cancellationToken);
}
