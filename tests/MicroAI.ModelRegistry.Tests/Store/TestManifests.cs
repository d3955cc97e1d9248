using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Tests.Store;

/// <summary>Manifests with every field set, for round trips and for the store's checks.</summary>
internal static class TestManifests
{
    public const string DigestA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    public const string DigestB = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    public static ModelManifest Full(string name = "library/full", string tag = "v1") => new()
    {
        Name = name,
        Tag = tag,
        Format = "onnx",
        Files =
        [
            new ManifestFile { Name = "model.onnx", Role = ManifestFile.ModelRole, Digest = DigestA, Size = 1234 },
            new ManifestFile { Name = "labels.txt", Role = "labels", Digest = DigestB, Size = 56, ExternalPath = "/somewhere/labels.txt" },
        ],
        Architecture = "pytorch",
        ParameterCount = 292_800,
        Quantization = "Q4_K_M",
        ContextLength = 4096,
        EmbeddingLength = 384,
        PoolingType = "mean",
        VocabularySize = 32000,
        Capabilities = ["classification", "embeddings"],
        CapabilitiesOverridden = true,
        ChatTemplate = "{{ messages }}",
        Defaults = new ModelDefaults
        {
            ContextSize = 1024,
            GpuLayers = 7,
            Temperature = 0.25f,
            TopP = 0.9f,
            TopK = 40,
            MinP = 0.05f,
            RepeatPenalty = 1.1f,
            ChatTemplate = "chatml",
            SystemPrompt = "Be brief. \"Quotes\" and ünïcode survive.",
        },
        Onnx = new OnnxManifestInfo
        {
            Task = "image-classification",
            Inputs = [new OnnxTensorManifest("data_0", "float16", ["1", "3", "224", "224"])],
            Outputs = [new OnnxTensorManifest("softmaxout_1", "float16", ["batch", "1000"])],
            Labels = ["cat", "dog"],
            MultiLabel = true,
            ImageLayout = "NCHW",
        },
        Source = new ManifestSource { Kind = "http", Uri = "http://127.0.0.1/m/model.onnx" },
        CreatedUtc = new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
    };

    /// <summary>A manifest naming one stored blob.</summary>
    public static ModelManifest For(string name, string tag, string digest, long size) => new()
    {
        Name = name,
        Tag = tag,
        Format = "gguf",
        Files = [new ManifestFile { Name = "model.gguf", Role = ManifestFile.ModelRole, Digest = digest, Size = size }],
        Source = new ManifestSource { Kind = "file" },
        CreatedUtc = DateTimeOffset.UtcNow,
    };
}
