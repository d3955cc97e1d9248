using System.Globalization;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>MicroAI's own artifact layout (docs/oci-layout.md): the config, the chunk layers and the annotations.</summary>
internal static class MicroAIArtifact
{
    /// <summary>ManifestSource.Kind of a model pulled from an OCI registry; its Uri is registry/repository@digest.</summary>
    public const string SourceKind = "oci";

    public const string FileAnnotation = "ai.microai.file";
    public const string OffsetAnnotation = "ai.microai.offset";

    public static MicroAIModelConfig ConfigOf(ModelManifest m, IReadOnlyList<MicroAIModelFile> files) => new()
    {
        Format = m.Format,
        Architecture = m.Architecture,
        ParameterCount = m.ParameterCount,
        Quantization = m.Quantization,
        ContextLength = m.ContextLength,
        EmbeddingLength = m.EmbeddingLength,
        PoolingType = m.PoolingType,
        VocabularySize = m.VocabularySize,
        Capabilities = m.Capabilities,
        CapabilitiesOverridden = m.CapabilitiesOverridden,
        ChatTemplate = m.ChatTemplate,
        Defaults = m.Defaults,
        Onnx = m.Onnx,
        Lineage = new MicroAIModelLineage(m.Name, m.Tag, m.Source.Kind, PublicSource(m.Source), m.CreatedUtc),
        Files = files,
    };

    /// <summary>The local manifest a pulled config becomes (files as blobs of this store).</summary>
    public static ModelManifest ManifestOf(MicroAIModelConfig c, ModelName name, string sourceUri) => new()
    {
        Name = name.Name,
        Tag = name.Tag,
        Format = c.Format,
        Files = c.Files.Select(f => new ManifestFile { Name = f.Name, Role = f.Role, Digest = f.Digest, Size = f.Size }).ToList(),
        Architecture = c.Architecture,
        ParameterCount = c.ParameterCount,
        Quantization = c.Quantization,
        ContextLength = c.ContextLength,
        EmbeddingLength = c.EmbeddingLength,
        PoolingType = c.PoolingType,
        VocabularySize = c.VocabularySize,
        Capabilities = c.Capabilities,
        CapabilitiesOverridden = c.CapabilitiesOverridden,
        ChatTemplate = c.ChatTemplate,
        Defaults = c.Defaults,
        Onnx = c.Onnx,
        Source = new ManifestSource { Kind = SourceKind, Uri = sourceUri },
        CreatedUtc = DateTimeOffset.UtcNow,
    };

    public static OciDescriptor ChunkLayer(string fileName, MicroAIChunk chunk, long offset) => new()
    {
        MediaType = OciMediaTypes.ModelChunk,
        Digest = chunk.Digest,
        Size = chunk.Length,
        Annotations = new Dictionary<string, string>
        {
            [FileAnnotation] = fileName,
            [OffsetAnnotation] = offset.ToString(CultureInfo.InvariantCulture),
        },
    };

    /// <summary>The key fields, so `crane manifest` or a registry's UI shows what the artifact is without fetching the config.</summary>
    public static Dictionary<string, string> AnnotationsOf(ModelManifest m)
    {
        var a = new Dictionary<string, string>
        {
            ["org.opencontainers.image.title"] = m.Name,
            ["org.opencontainers.image.version"] = m.Tag,
            ["org.opencontainers.image.created"] = m.CreatedUtc.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["ai.microai.format"] = m.Format,
            ["ai.microai.capabilities"] = string.Join(',', m.Capabilities),
            ["ai.microai.size"] = m.TotalSize.ToString(CultureInfo.InvariantCulture),
        };
        if (m.Architecture is { } arch)
            a["ai.microai.architecture"] = arch;
        if (m.Quantization is { } q)
            a["ai.microai.quantization"] = q;
        if (m.ParameterCount is { } p)
            a["ai.microai.parameter-count"] = p.ToString(CultureInfo.InvariantCulture);
        if (PublicSource(m.Source) is { } source)
            a["org.opencontainers.image.source"] = source;
        return a;
    }

    /// <summary>Where the model came from, when that is an address others can use (never a local path).</summary>
    private static string? PublicSource(ManifestSource s) => s.Kind is "http" or "hf" or SourceKind ? s.Uri : null;
}
