using MicroAI.ModelRegistry.Gguf;
using MicroAI.ModelRegistry.Onnx;

namespace MicroAI.ModelRegistry.Store;

/// <summary>
/// Reads a model's own metadata (GGUF header, ONNX graph and the files beside it) into the
/// metadata part of a manifest, and lists the files that belong to it.
/// </summary>
internal static class ManifestBuilder
{
    public sealed record SourceFile(string Name, string Role, string FullPath);

    public sealed record Described(ModelManifest? Template, IReadOnlyList<SourceFile> Files, string? Error)
    {
        public static Described Fail(string error) => new(null, [], error);
    }

    /// <summary>Describes a .gguf file, an .onnx file, or a folder holding one model.</summary>
    public static Described Describe(string path, ModelFormat? formatHint = null)
    {
        if (Directory.Exists(path))
        {
            var ggufs = Directory.GetFiles(path, "*.gguf");
            var onnx = Directory.GetFiles(path, "*.onnx", SearchOption.AllDirectories);
            if (ggufs.Length == 1 && onnx.Length == 0)
                return DescribeGguf(ggufs[0]);
            if (ggufs.Length > 1)
                return Described.Fail($"'{path}' holds {ggufs.Length} .gguf files; import the one you want.");
            return DescribeOnnx(path);
        }
        // A file that is not .onnx is read as GGUF, whose reader refuses anything without GGUF's magic
        // and version: a blob pulled from Ollama has no extension at all.
        var format = formatHint ?? (ModelFormats.TryFromExtension(path, out var byName) ? byName : ModelFormat.Gguf);
        return format == ModelFormat.Onnx ? DescribeOnnx(path) : DescribeGguf(path);
    }

    private static Described DescribeGguf(string path)
    {
        var read = GgufReader.Read(path);
        if (read.File is not { } file)
            return Described.Fail($"'{Path.GetFileName(path)}' is not a valid GGUF file: {read.Error}");
        var info = GgufModelInfo.From(file);
        var template = Placeholder(ModelFormat.Gguf) with
        {
            Architecture = info.Architecture,
            ParameterCount = info.ParameterCount,
            Quantization = info.Quantization,
            ContextLength = info.ContextLength,
            EmbeddingLength = info.EmbeddingLength,
            PoolingType = info.PoolingType,
            VocabularySize = info.VocabularySize,
            ChatTemplate = info.ChatTemplate,
            Capabilities = info.InferCapabilities(),
        };
        var name = Path.GetExtension(path).Equals(".gguf", StringComparison.OrdinalIgnoreCase) ? Path.GetFileName(path) : "model.gguf";
        return new Described(template, [new SourceFile(name, ManifestFile.ModelRole, path)], null);
    }

    private static Described DescribeOnnx(string path)
    {
        var inspected = OnnxModelFolder.Inspect(path);
        if (!inspected.Success)
            return Described.Fail(inspected.Error);
        var d = inspected.Model;
        var files = d.Files
            .Select(relative => new SourceFile(relative.Replace('\\', '/'), RoleOf(relative, d.ModelFile), Path.Combine(d.Folder, relative)))
            .Where(f => File.Exists(f.FullPath))
            .ToList();
        var template = Placeholder(ModelFormat.Onnx) with
        {
            Architecture = d.ModelInfo.ProducerName is { Length: > 0 } producer ? producer : null,
            Capabilities = d.Capabilities,
            Onnx = new OnnxManifestInfo
            {
                Task = d.Task,
                Inputs = d.Inputs.Select(ToManifest).ToList(),
                Outputs = d.Outputs.Select(ToManifest).ToList(),
                Labels = d.Labels,
                MultiLabel = d.MultiLabel,
                ImageLayout = d.ImageLayout,
                Tabular = d.Tabular,
            },
        };
        return new Described(template, files, null);
    }

    private static OnnxTensorManifest ToManifest(OnnxTensorSpec t) =>
        new(t.Name, t.ElementType, t.Dims.Select(d => d.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? d.Symbol ?? "?").ToList());

    private static string RoleOf(string relative, string modelFile)
    {
        if (string.Equals(relative, modelFile, StringComparison.Ordinal))
            return ManifestFile.ModelRole;
        var name = Path.GetFileName(relative).ToLowerInvariant();
        return name switch
        {
            "tokenizer.json" or "vocab.txt" or "merges.txt" or "sentencepiece.bpe.model" or "spiece.model" => "tokenizer",
            "config.json" or "config.min.json" or "tokenizer_config.json" or "special_tokens_map.json" or "content_types_kb.min.json" => "config",
            _ when name.StartsWith("label", StringComparison.Ordinal) => "labels",
            _ => "other",
        };
    }

    private static ModelManifest Placeholder(ModelFormat format) => new()
    {
        Name = "placeholder",
        Tag = ModelName.DefaultTag,
        Format = format.Name(),
        Files = [],
        Source = new ManifestSource { Kind = "file" },
    };
}
