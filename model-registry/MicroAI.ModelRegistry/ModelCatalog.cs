using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;
using Microsoft.Extensions.Options;

namespace MicroAI.ModelRegistry;

/// <summary>
/// Models from configuration: the default model (a path or an id), per-model entries with a Path,
/// and every *.gguf in the models directory. A model given by path is served under its file name
/// without extension ("stories260K.gguf" → "stories260K"). The directory is re-read on every call,
/// so files dropped into it appear without a restart (a scan of a few entries costs microseconds).
/// </summary>
public sealed partial class ModelCatalog : IModelCatalog
{
    private readonly ModelRegistryOptions _options;
    private readonly List<string> _warnings = [];
    private readonly List<ModelEntry> _configured = [];

    public ModelCatalog(IOptions<ModelRegistryOptions> options)
    {
        _options = options.Value;
        Store = new ModelStore(_options.ResolveRegistryDirectory());
        Integrity = new BlobIntegrity(Store.Root);
        Ollama = _options.ResolveOllamaDirectory() is { } ollama ? new OllamaStore(ollama) : null;
        foreach (var (id, settings) in _options.Models)
        {
            if (string.IsNullOrWhiteSpace(settings.Path))
                continue;
            if (TryEntry(settings.Path, "configuration", id, out var entry, out var problem))
                _configured.Add(entry);
            else
                _warnings.Add(problem);
        }

        var dm = _options.DefaultModel;
        if (!string.IsNullOrWhiteSpace(dm))
        {
            if (LooksLikePath(dm))
            {
                // A bare file name ("model.gguf") may name a file in the models directory.
                var bare = dm.IndexOfAny(['/', '\\']) < 0;
                var inModels = Path.Combine(_options.ResolveModelsDirectory(), dm);
                var path = bare && !File.Exists(dm) && File.Exists(inModels) ? inModels : dm;
                if (TryEntry(path, "default", null, out var entry, out var problem))
                {
                    _configured.RemoveAll(e => string.Equals(e.Id, entry.Id, StringComparison.OrdinalIgnoreCase));
                    _configured.Insert(0, entry);
                    DefaultModelId = entry.Id;
                }
                else if (!File.Exists(dm) && ModelName.TryParse(dm, out _, out _) && Find(dm) is { } named)
                {
                    // "org/model:tag" looks like a path but names a registry or Ollama model.
                    DefaultModelId = named.Id;
                }
                else
                {
                    _warnings.Add($"DefaultModel: {problem}");
                }
            }
            else if (Find(dm) is { } byId)
            {
                DefaultModelId = byId.Id;
            }
            else
            {
                _warnings.Add($"DefaultModel '{dm}' is neither a model file nor a known model id.");
            }
        }
    }

    public string? DefaultModelId { get; }

    /// <summary>The registry this catalog serves (shared with the CLI).</summary>
    public ModelStore Store { get; }

    /// <summary>Checks registry blobs against their digests before they are served.</summary>
    public BlobIntegrity Integrity { get; }

    /// <summary>Registry models only: configured and loose files are the user's own, Ollama's blobs Ollama's.</summary>
    public string? CheckFiles(ModelEntry entry) =>
        entry is { Source: "registry", Manifest: { } manifest } ? Integrity.Verify(manifest, Store.Blobs) : null;

    /// <summary>The Ollama directory read in place, when there is one.</summary>
    public OllamaStore? Ollama { get; }

    public IReadOnlyList<string> Warnings => _warnings;

    public IReadOnlyList<ModelEntry> List()
    {
        var all = new List<ModelEntry>(_configured);
        foreach (var entry in ScanRegistry().Concat(ScanModelsDirectory()).Concat(ScanOllama()))
        {
            if (!all.Exists(e => string.Equals(e.Id, entry.Id, StringComparison.OrdinalIgnoreCase)))
                all.Add(entry);
        }
        return all;
    }

    public ModelEntry? Find(string id)
    {
        if (string.IsNullOrEmpty(id))
            return null;
        foreach (var e in _configured)
        {
            if (string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase))
                return e;
        }
        // "name" means "name:latest" in the registry and in Ollama's store, as in Ollama.
        if (Store.Find(id) is { } manifest && FromManifest(manifest, "registry") is { } registered)
            return registered;
        foreach (var e in ScanModelsDirectory())
        {
            if (string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase))
                return e;
        }
        if (Ollama is not null && ModelName.TryParse(id, out var wanted, out _))
        {
            foreach (var e in ScanOllama())
            {
                if (e.Manifest is { } m && m.ModelName.Matches(wanted))
                    return e;
            }
        }
        return null;
    }

    /// <summary>
    /// Configuration keys cannot contain ':' (it separates sections), so per-model settings of a
    /// registry model are found under "name@tag", or "name" for the latest tag; options built in
    /// code may also use "name:tag".
    /// </summary>
    private ModelSettings? ConfiguredSettings(ModelName name)
    {
        if (_options.Models.TryGetValue(name.ToString(), out var s) || _options.Models.TryGetValue($"{name.Name}@{name.Tag}", out s))
            return s;
        return name.Tag == ModelName.DefaultTag && _options.Models.TryGetValue(name.Name, out s) ? s : null;
    }

    private IEnumerable<ModelEntry> ScanRegistry()
    {
        foreach (var manifest in Store.List())
        {
            if (FromManifest(manifest, "registry") is { } entry)
                yield return entry;
        }
    }

    private IEnumerable<ModelEntry> ScanOllama()
    {
        if (Ollama is null)
            yield break;
        foreach (var manifest in Ollama.List())
        {
            if (FromManifest(manifest, "ollama") is { } entry)
                yield return entry;
        }
    }

    /// <summary>A registry or Ollama manifest as a servable entry (id "name:tag"); null when its main file is gone.</summary>
    private ModelEntry? FromManifest(ModelManifest manifest, string source)
    {
        if (manifest.MainFile is not { } main)
            return null;
        var path = source == "ollama" ? main.ExternalPath! : Store.PathOf(main);
        if (!File.Exists(path))
            return null;
        var id = manifest.ModelName.ToString();
        // ManifestStore refuses a manifest of an unknown format when it reads it; Ollama's are GGUF.
        if (!ModelFormats.TryParse(manifest.Format, out var format))
            return null;
        var configured = ConfiguredSettings(manifest.ModelName);
        return new ModelEntry(id, path, format, manifest.TotalSize, manifest.CreatedUtc, source, ModelSettings.Merge(configured, manifest.Defaults))
        {
            Manifest = manifest,
            Files = manifest.Files.Count <= 1 && format == ModelFormat.Gguf
                ? new Dictionary<string, string>()
                : manifest.Files.GroupBy(f => f.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => source == "ollama" ? g.First().ExternalPath ?? "" : Store.PathOf(g.First()), StringComparer.Ordinal),
        };
    }

    private IEnumerable<ModelEntry> ScanModelsDirectory()
    {
        var dir = _options.ResolveModelsDirectory();
        if (!Directory.Exists(dir))
            yield break;
        // Nested layouts too: LM Studio keeps publisher/repo/file.gguf, the Hugging Face cache
        // models--org--repo/snapshots/REV/file.gguf (symlinks into its blobs). Four levels cover both;
        // split files (-00002-of-00003.gguf) are served through their first part only.
        var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden };
        foreach (var file in Directory.EnumerateFiles(dir, "*.gguf", options).Order(StringComparer.Ordinal))
        {
            var stem = Path.GetFileNameWithoutExtension(file);
            if (SplitPart().IsMatch(stem) && !stem.EndsWith("-00001-of-" + stem[^5..], StringComparison.Ordinal))
                continue;
            if (TryEntry(file, "models-directory", null, out var entry, out _))
                yield return entry;
        }
        // ONNX models come as folders (model + tokenizer + config): each .onnx file is served,
        // named after its folder (see OnnxModelId); onnx files of unknown tasks are listed too
        // (their capabilities say they serve nothing) so `list` shows what was found.
        foreach (var file in Directory.EnumerateFiles(dir, "*.onnx", options).Order(StringComparer.Ordinal))
        {
            if (TryEntry(file, "models-directory", null, out var entry, out _))
                yield return entry;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"-\d{5}-of-\d{5}$")]
    private static partial System.Text.RegularExpressions.Regex SplitPart();

    private bool TryEntry(string path, string source, string? id, out ModelEntry entry, out string problem)
    {
        entry = null!;
        var full = Path.GetFullPath(path);
        string? folderName = null;
        if (Directory.Exists(full))
        {
            // An ONNX model folder (Hugging Face export, Magika): served through its model file.
            var inspected = Onnx.OnnxModelFolder.Inspect(full);
            if (!inspected.Success)
            {
                problem = $"'{full}' is a folder without a usable ONNX model: {inspected.Error}";
                return false;
            }
            folderName = Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
            full = Path.GetFullPath(Path.Combine(inspected.Model.Folder, inspected.Model.ModelFile));
        }
        if (!File.Exists(full))
        {
            problem = $"model file '{full}' does not exist.";
            return false;
        }
        if (!ModelFormats.TryFromExtension(full, out var format))
        {
            problem = $"'{full}' is not a .gguf or .onnx file.";
            return false;
        }
        var info = new FileInfo(full);
        id ??= folderName ?? OnnxModelId(full) ?? Path.GetFileNameWithoutExtension(full);
        var settings = _options.Models.TryGetValue(id, out var s) ? s : new ModelSettings();
        var (manifest, invalid) = FileMetadataCache.Describe(full, info);
        // A file that is not a valid model is still listed (so `list` shows it is there and why it is not
        // served) but never handed to an engine: ModelHost refuses entries with a Problem.
        entry = new ModelEntry(id, full, format, info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero), source, settings)
        {
            Manifest = manifest,
            Problem = invalid,
        };
        problem = string.Empty;
        return true;
    }

    /// <summary>"model.onnx" says nothing: such a model is named after its folder (the parent of an "onnx/" subfolder).</summary>
    /// <remarks>Variants beside it ("model_quantized.onnx") are "folder-model_quantized", so the ids of a Hugging Face export do not collide.</remarks>
    private static string? OnnxModelId(string file)
    {
        var stem = Path.GetFileNameWithoutExtension(file);
        if (!file.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || !stem.StartsWith("model", StringComparison.OrdinalIgnoreCase))
            return null;
        var dir = Path.GetDirectoryName(file);
        if (dir is not null && Path.GetFileName(dir).Equals("onnx", StringComparison.OrdinalIgnoreCase))
            dir = Path.GetDirectoryName(dir);
        if (dir is null)
            return null;
        var folder = Path.GetFileName(dir);
        return stem.Equals("model", StringComparison.OrdinalIgnoreCase) ? folder : $"{folder}-{stem}";
    }

    private static bool LooksLikePath(string value) =>
        value.Contains('/') || value.Contains('\\') || value.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)
        || value.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
}
