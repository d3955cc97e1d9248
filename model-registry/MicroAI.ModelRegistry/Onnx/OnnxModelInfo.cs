namespace MicroAI.ModelRegistry.Onnx;

/// <summary>
/// What <see cref="OnnxModelReader"/> learns from a ModelProto without touching its weights.
/// <see cref="Inputs"/> leaves out graph inputs that are initializers (old models list every
/// weight as an input). <see cref="Opsets"/> maps the operator-set domain to its version, with the
/// default domain ("") reported as "ai.onnx". <see cref="ExternalDataFiles"/> are the distinct
/// locations named by initializers whose data live outside the model file, relative to it.
/// </summary>
public sealed record OnnxModelInfo(
    long IrVersion,
    IReadOnlyDictionary<string, long> Opsets,
    string? ProducerName,
    IReadOnlyList<OnnxTensorSpec> Inputs,
    IReadOnlyList<OnnxTensorSpec> Outputs,
    IReadOnlyDictionary<string, string> Metadata)
{
    public string? ProducerVersion { get; init; }

    public string? GraphName { get; init; }

    public int InitializerCount { get; init; }

    public IReadOnlyList<string> ExternalDataFiles { get; init; } = [];

    /// <summary>Operators of the ai.onnx.ml domain the graph uses (TreeEnsembleClassifier, ZipMap, …), sorted.</summary>
    public IReadOnlyList<string> MlOperators { get; init; } = [];

    /// <summary>A traditional-ML classifier's class labels (classlabels_strings, classlabels_int64s or classlabels_ints of its first
    /// ai.onnx.ml node that has them), in class order; null when no node has any.</summary>
    public IReadOnlyList<string>? ClassLabels { get; init; }
}
