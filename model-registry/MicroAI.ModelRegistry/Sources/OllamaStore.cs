using System.Text.Json;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Sources;

/// <summary>
/// Reads an Ollama models directory in place (no copying): manifests under
/// <c>manifests/&lt;host&gt;/&lt;namespace&gt;/&lt;model&gt;/&lt;tag&gt;</c> name their layers by digest, and the
/// layers are files <c>blobs/sha256-HEX</c>. The model layer is a GGUF file llama.cpp loads
/// directly; the params and system layers become the model's defaults. Models from Ollama's own
/// library are named as Ollama names them ("llama3.2:3b"); others keep their namespace
/// ("user/model:tag") or host ("hf.co/org/model:tag").
/// </summary>
public sealed class OllamaStore(string root)
{
    private const string ModelLayer = "application/vnd.ollama.image.model";
    private const string ParamsLayer = "application/vnd.ollama.image.params";
    private const string SystemLayer = "application/vnd.ollama.image.system";
    private const int MaxSmallLayerBytes = 1 << 20; // params / system layers are a few hundred bytes

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>OLLAMA_MODELS, else ~/.ollama/models; null when neither exists.</summary>
    public static string? DefaultRoot()
    {
        var env = Environment.GetEnvironmentVariable("OLLAMA_MODELS");
        if (!string.IsNullOrWhiteSpace(env) && Directory.Exists(env))
            return env;
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var path = Path.Combine(home, ".ollama", "models");
        return Directory.Exists(path) ? path : null;
    }

    /// <summary>Every model whose manifest is readable and whose model layer is present.</summary>
    public List<ModelManifest> List(List<string>? problems = null)
    {
        var list = new List<ModelManifest>();
        var manifests = Path.Combine(Root, "manifests");
        if (!Directory.Exists(manifests))
            return list;
        foreach (var file in Directory.EnumerateFiles(manifests, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(manifests, file).Split(Path.DirectorySeparatorChar);
            if (relative.Length != 4)
                continue; // host/namespace/model/tag
            var m = Read(file, relative, out var problem);
            if (m is not null)
                list.Add(m);
            else if (problem is not null)
                problems?.Add(problem);
        }
        return list;
    }

    private ModelManifest? Read(string file, string[] parts, out string? problem)
    {
        problem = null;
        var (host, ns, model, tag) = (parts[0], parts[1], parts[2], parts[3]);
        var nameText = host == "registry.ollama.ai"
            ? (ns == "library" ? model : $"{ns}/{model}")
            : $"{host}/{ns}/{model}";
        if (!ModelName.TryParse($"{nameText}:{tag}", out var name, out var nameError))
        {
            problem = $"Ollama manifest {file}: {nameError}";
            return null;
        }
        try
        {
            var info = new FileInfo(file);
            if (info.Length > MaxSmallLayerBytes)
            {
                problem = $"Ollama manifest {file} is too large to be a manifest.";
                return null;
            }
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            if (!doc.RootElement.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array)
            {
                problem = $"Ollama manifest {file} has no layers.";
                return null;
            }
            ManifestFile? modelFile = null;
            var defaults = new ModelDefaults();
            foreach (var layer in layers.EnumerateArray())
            {
                var mediaType = layer.TryGetProperty("mediaType", out var mt) ? mt.GetString() : null;
                var digest = Digest.Normalize(layer.TryGetProperty("digest", out var d) ? d.GetString() : null);
                if (digest is null)
                    continue;
                var blob = Path.Combine(Root, "blobs", Digest.ToFileName(digest));
                if (!File.Exists(blob))
                    continue;
                switch (mediaType)
                {
                    case ModelLayer:
                        modelFile = new ManifestFile { Name = "model.gguf", Role = ManifestFile.ModelRole, Digest = digest, Size = new FileInfo(blob).Length, ExternalPath = blob };
                        break;
                    case ParamsLayer:
                        defaults = ReadParams(blob, defaults);
                        break;
                    case SystemLayer when new FileInfo(blob).Length <= MaxSmallLayerBytes:
                        defaults = defaults with { SystemPrompt = File.ReadAllText(blob) };
                        break;
                }
            }
            if (modelFile is null)
            {
                problem = $"Ollama model {name}: its model layer is missing from {Path.Combine(Root, "blobs")}.";
                return null;
            }
            return new ModelManifest
            {
                Name = name.Name,
                Tag = name.Tag,
                Format = ModelFormat.Gguf.Name(),
                Files = [modelFile],
                Defaults = defaults,
                Source = new ManifestSource { Kind = "ollama", Uri = file },
                CreatedUtc = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero),
            };
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            problem = $"Ollama manifest {file}: {ex.Message}";
            return null;
        }
    }

    /// <summary>Ollama's params layer: {"temperature":0.6,"top_k":20,"num_ctx":8192,"stop":[...]}.</summary>
    private static ModelDefaults ReadParams(string blob, ModelDefaults defaults)
    {
        if (new FileInfo(blob).Length > MaxSmallLayerBytes)
            return defaults;
        using var doc = JsonDocument.Parse(File.ReadAllBytes(blob));
        return ApplyParams(doc.RootElement, defaults);
    }

    /// <summary>Ollama's params JSON over <paramref name="defaults"/> (also read from a params layer pulled from a registry).</summary>
    internal static ModelDefaults ApplyParams(JsonElement r, ModelDefaults defaults)
    {
        if (r.ValueKind != JsonValueKind.Object)
            return defaults;
        static float? F(JsonElement e, string k) => e.TryGetProperty(k, out var v) && v.TryGetSingle(out var f) ? f : null;
        static int? I(JsonElement e, string k) => e.TryGetProperty(k, out var v) && v.TryGetInt32(out var i) ? i : null;
        return defaults with
        {
            Temperature = F(r, "temperature") ?? defaults.Temperature,
            TopP = F(r, "top_p") ?? defaults.TopP,
            TopK = I(r, "top_k") ?? defaults.TopK,
            MinP = F(r, "min_p") ?? defaults.MinP,
            RepeatPenalty = F(r, "repeat_penalty") ?? defaults.RepeatPenalty,
            ContextSize = I(r, "num_ctx") ?? defaults.ContextSize,
        };
    }
}
