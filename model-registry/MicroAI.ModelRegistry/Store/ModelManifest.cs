using MicroAI.ModelRegistry.Onnx;
using System.Text.Json.Serialization;

namespace MicroAI.ModelRegistry.Store;

/// <summary>One model in the registry, stored as manifests/&lt;name&gt;/&lt;tag&gt;.json.</summary>
public sealed record ModelManifest
{
    public const int CurrentSchema = 1;

    public int SchemaVersion { get; init; } = CurrentSchema;
    public required string Name { get; init; }
    public required string Tag { get; init; }
    /// <summary>"gguf" or "onnx".</summary>
    public required string Format { get; init; }
    public required IReadOnlyList<ManifestFile> Files { get; init; }

    public string? Architecture { get; init; }
    public long? ParameterCount { get; init; }
    public string? Quantization { get; init; }
    public long? ContextLength { get; init; }
    public long? EmbeddingLength { get; init; }
    public string? PoolingType { get; init; }
    public long? VocabularySize { get; init; }
    /// <summary>completion, chat, embeddings, classification, rerank.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    /// <summary>True when <see cref="Capabilities"/> was set by the user rather than inferred.</summary>
    public bool CapabilitiesOverridden { get; init; }
    public string? ChatTemplate { get; init; }
    public ModelDefaults Defaults { get; init; } = new();
    /// <summary>ONNX models: the task and the tensors, read from the model.</summary>
    public OnnxManifestInfo? Onnx { get; init; }
    public required ManifestSource Source { get; init; }
    /// <summary>Set for a model made from another in this registry (microai quantize); null otherwise.</summary>
    public ManifestLineage? Lineage { get; init; }
    public DateTimeOffset CreatedUtc { get; init; }

    [JsonIgnore] public ModelName ModelName => new(Name, Tag);
    [JsonIgnore] public long TotalSize => Files.Sum(f => f.Size);

    /// <summary>The file the engine loads.</summary>
    [JsonIgnore] public ManifestFile? MainFile => Files.FirstOrDefault(f => f.Role == ManifestFile.ModelRole) ?? Files.FirstOrDefault();
}

/// <summary>A file of a model: a blob in the store, or (imported by reference) a path outside it.</summary>
public sealed record ManifestFile
{
    public const string ModelRole = "model";

    /// <summary>The file's name within the model ("model.gguf", "tokenizer.json", "onnx/model.onnx").</summary>
    public required string Name { get; init; }
    /// <summary>model, tokenizer, config, labels, other.</summary>
    public string Role { get; init; } = "other";
    public required string Digest { get; init; }
    public long Size { get; init; }
    /// <summary>Set for files referenced in place (import --reference); null for blobs in the store.</summary>
    public string? ExternalPath { get; init; }
}

/// <summary>Per-model defaults, applied when a request does not say otherwise.</summary>
public sealed record ModelDefaults
{
    public int? ContextSize { get; init; }
    public int? GpuLayers { get; init; }
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? TopK { get; init; }
    public float? MinP { get; init; }
    public float? RepeatPenalty { get; init; }
    /// <summary>Replaces the model's own chat template.</summary>
    public string? ChatTemplate { get; init; }
    /// <summary>Put first in a chat that has no system message.</summary>
    public string? SystemPrompt { get; init; }
}

public sealed record OnnxManifestInfo
{
    public required string Task { get; init; }
    public IReadOnlyList<OnnxTensorManifest> Inputs { get; init; } = [];
    public IReadOnlyList<OnnxTensorManifest> Outputs { get; init; } = [];
    public IReadOnlyList<string>? Labels { get; init; }
    public bool MultiLabel { get; init; }
    public string? ImageLayout { get; init; }
    /// <summary>Tabular models: classifier, regressor or anomaly, the outputs read and the feature columns.</summary>
    public OnnxTabularInfo? Tabular { get; init; }
}

public sealed record OnnxTensorManifest(string Name, string ElementType, IReadOnlyList<string> Shape);

public sealed record ManifestSource
{
    /// <summary>file, folder, http, hf, ollama.</summary>
    public required string Kind { get; init; }
    public string? Uri { get; init; }
}

/// <summary>Where a derived model came from: its parent, by name and by the digest of the file it was made from, and how.</summary>
public sealed record ManifestLineage
{
    /// <summary>"quantize".</summary>
    public required string Operation { get; init; }
    public required string ParentName { get; init; }
    /// <summary>sha256 of the parent's model file: the name may later point at another version, the digest cannot.</summary>
    public required string ParentDigest { get; init; }
    /// <summary>The quantization type ("Q4_K_M").</summary>
    public required string Type { get; init; }
    /// <summary>The options it was made with ("threads", "allow_requantize", …), as text.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
}
