namespace MicroAI.ModelRegistry;

/// <summary>A model the server can serve: where its file is and what it is.</summary>
/// <param name="Source">configuration, default, models-directory, registry, ollama.</param>
public sealed record ModelEntry(
    string Id,
    string Path,
    ModelFormat Format,
    long SizeBytes,
    DateTimeOffset CreatedUtc,
    string Source,
    ModelSettings Settings)
{
    /// <summary>What is known about the model: the registry manifest, or one made from the file's own metadata.</summary>
    public Store.ModelManifest? Manifest { get; init; }

    /// <summary>
    /// For registry models: every file of the model by its name in the model's folder
    /// ("onnx/model.onnx", "tokenizer.json", "1_Pooling/config.json") → where it is stored (a blob).
    /// Empty for loose files, whose folder holds their companions.
    /// </summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = EmptyFiles;

    private static readonly IReadOnlyDictionary<string, string> EmptyFiles = new Dictionary<string, string>();

    /// <summary>Why the file cannot be served (not a valid GGUF or ONNX model, with the reader's reason); null when it can.</summary>
    public string? Problem { get; init; }

    /// <summary>Capabilities from the manifest; a model without metadata is assumed to generate text, an invalid file does nothing.</summary>
    /// <remarks>The wire names (<see cref="ModelCapability.Name"/>), as manifests hold them; ask <see cref="Has"/> for one.</remarks>
    public IReadOnlyList<string> Capabilities => Problem is not null ? [] : Manifest?.Capabilities is { Count: > 0 } c ? c : Format == ModelFormat.Gguf ? s_assumedGguf : [];

    private static readonly string[] s_assumedGguf = [ModelCapability.Completion.Name, ModelCapability.Embeddings.Name];

    public bool Has(ModelCapability capability) => Capabilities.Contains(capability.Name);
}
