namespace MicroAI.ModelRegistry;

/// <summary>
/// Whether a model's embeddings come out L2-normalised, following its family's convention:
/// sentence-transformers models say so with a Normalize module (modules.json); GGUF models made
/// for embedding (an encoder, or a pooling type in their metadata) are normalised as llama.cpp's
/// converters intend; a decoder's mean-pooled hidden state is returned as it is.
/// </summary>
public static class EmbeddingConventions
{
    /// <summary>null when the model does not embed.</summary>
    public static bool? Normalizes(ModelEntry entry)
    {
        if (!entry.Has(ModelCapability.Embeddings))
            return null;
        if (entry.Format == ModelFormat.Gguf)
            return GgufNormalizes(entry.Manifest?.PoolingType, entry.Capabilities);
        var modules = entry.Files.TryGetValue("modules.json", out var stored) ? stored : Path.Combine(Onnx.OnnxModelFolder.FolderOf(entry.Path), "modules.json");
        try
        {
            return File.Exists(modules) && File.ReadAllText(modules).Contains("sentence_transformers.models.Normalize", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static bool GgufNormalizes(string? poolingType, IReadOnlyList<string> capabilities) =>
        poolingType is not (null or "none" or "unspecified") || !capabilities.Contains(ModelCapability.Completion.Name);
}
