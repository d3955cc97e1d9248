using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// The config blob of MicroAI's own artifact (application/vnd.microai.model.config.v1+json): the
/// model's manifest without its local name, and for each file the ordered chunks it is rebuilt from.
/// </summary>
internal sealed record MicroAIModelConfig
{
    public int SchemaVersion { get; init; } = 1;
    public required string Format { get; init; }
    public string? Architecture { get; init; }
    public long? ParameterCount { get; init; }
    public string? Quantization { get; init; }
    public long? ContextLength { get; init; }
    public long? EmbeddingLength { get; init; }
    public string? PoolingType { get; init; }
    public long? VocabularySize { get; init; }
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public bool CapabilitiesOverridden { get; init; }
    public string? ChatTemplate { get; init; }
    public ModelDefaults Defaults { get; init; } = new();
    public OnnxManifestInfo? Onnx { get; init; }
    /// <summary>Where the model came from before it was pushed (name, tag, source kind and URI).</summary>
    public MicroAIModelLineage? Lineage { get; init; }
    public required IReadOnlyList<MicroAIModelFile> Files { get; init; }
}
