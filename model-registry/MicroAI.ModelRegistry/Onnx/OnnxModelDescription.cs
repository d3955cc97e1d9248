namespace MicroAI.ModelRegistry.Onnx;

/// <summary>
/// An ONNX model and what goes with it, as recognised by <see cref="OnnxModelFolder.Inspect"/>.
/// Paths (<see cref="ModelFile"/>, <see cref="Files"/>) are relative to <see cref="Folder"/> and use '/'.
/// </summary>
public sealed record OnnxModelDescription
{
    /// <summary>The model's folder (absolute): the folder inspected, or the one holding the file given
    /// (its parent for a Hugging Face "onnx/" subfolder).</summary>
    public required string Folder { get; init; }

    /// <summary>The .onnx file, relative to <see cref="Folder"/>.</summary>
    public required string ModelFile { get; init; }

    /// <summary>One of <see cref="OnnxTasks"/>.</summary>
    public required string Task { get; init; }

    /// <summary>Every file that belongs to the model (the model first, then external data,
    /// tokenizer, configuration and label files), relative to <see cref="Folder"/>.</summary>
    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>Class labels ordered by class index, when the folder says what they are.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Independent sigmoid scores per label rather than one softmax (config.json problem_type).</summary>
    public bool MultiLabel { get; init; }

    /// <summary>Graph inputs that are not initializers.</summary>
    public required IReadOnlyList<OnnxTensorSpec> Inputs { get; init; }

    public required IReadOnlyList<OnnxTensorSpec> Outputs { get; init; }

    /// <summary>"NCHW" or "NHWC" for an image classifier; otherwise null.</summary>
    public string? ImageLayout { get; init; }

    /// <summary>The image input's element type ("float32", "float16") for an image classifier.</summary>
    public string? ImageElementType { get; init; }

    /// <summary>For a tabular model: its kind, outputs and feature columns; otherwise null.</summary>
    public OnnxTabularInfo? Tabular { get; init; }

    /// <summary>The output that carries the task's result (logits, scores, embeddings), when there is one.</summary>
    public string? PrimaryOutput { get; init; }

    /// <summary>Any of <see cref="ModelCapability"/> names; empty for an unknown task.</summary>
    public required IReadOnlyList<string> Capabilities { get; init; }

    /// <summary>Things that look wrong but did not stop the inspection (a missing tokenizer, unreadable JSON, label counts that disagree with the output).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Everything read from the model file (IR version, opsets, producer, metadata).</summary>
    public required OnnxModelInfo ModelInfo { get; init; }
}
