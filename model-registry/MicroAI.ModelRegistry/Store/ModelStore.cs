namespace MicroAI.ModelRegistry.Store;

/// <summary>
/// The local registry: content-addressed blobs plus one manifest per model, shared by the server
/// and the CLI (any number of processes). Blobs shared by several models are stored once and
/// deleted when the last manifest that names them goes.
/// </summary>
public sealed partial class ModelStore
{
    public ModelStore(string root)
    {
        Root = Path.GetFullPath(root);
        Blobs = new BlobStore(Root);
        Manifests = new ManifestStore(Root);
    }

    public string Root { get; }
    public BlobStore Blobs { get; }
    public ManifestStore Manifests { get; }

    public IReadOnlyList<ModelManifest> List(List<string>? problems = null) => Manifests.List(problems);

    /// <summary>Finds "name" (tag latest) or "name:tag"; null when unknown or not a valid name.</summary>
    public ModelManifest? Find(string nameOrId) =>
        ModelName.TryParse(nameOrId, out var name, out _) ? Manifests.Load(name, out _) : null;

    /// <summary>Where a manifest file's bytes are: its blob, or the file it references in place.</summary>
    public string PathOf(ManifestFile file) => file.ExternalPath ?? Blobs.PathOf(file.Digest);

    /// <summary>Saves a manifest once every file it names is present (never a manifest pointing at a missing blob).</summary>
    public async Task<StoreResult> SaveAsync(ModelManifest manifest, CancellationToken cancellationToken)
    {
        if (!ModelName.TryParse(manifest.Name + ":" + manifest.Tag, out _, out var nameError))
            return StoreResult.Invalid(nameError!);
        using var gate = await RegistryLock.AcquireAsync(Root, cancellationToken).ConfigureAwait(false);
        foreach (var f in manifest.Files)
        {
            if (!File.Exists(PathOf(f)))
                return StoreResult.Failed($"The file '{f.Name}' ({f.Digest}) of {manifest.ModelName} is missing from the store; nothing was saved.");
        }
        Manifests.Save(manifest);
        return StoreResult.Ok(manifest);
    }

    /// <summary>Removes a model and every blob no other model uses.</summary>
    public async Task<StoreResult> RemoveAsync(string nameText, CancellationToken cancellationToken)
    {
        if (!ModelName.TryParse(nameText, out var name, out var error))
            return StoreResult.Invalid(error!);
        using var gate = await RegistryLock.AcquireAsync(Root, cancellationToken).ConfigureAwait(false);
        var manifest = Manifests.Load(name, out _);
        if (manifest is null)
            return StoreResult.NotFound($"The model '{name}' is not in the registry.");
        Manifests.Delete(name);
        var stillUsed = Manifests.List().SelectMany(m => m.Files).Where(f => f.ExternalPath is null).Select(f => f.Digest).ToHashSet(StringComparer.Ordinal);
        foreach (var f in manifest.Files)
        {
            if (f.ExternalPath is null && !stillUsed.Contains(f.Digest))
                Blobs.Delete(f.Digest);
        }
        return StoreResult.Ok(manifest);
    }

    /// <summary>Makes <paramref name="target"/> another name for <paramref name="source"/> (files shared, not copied).</summary>
    public async Task<StoreResult> TagAsync(string source, string target, CancellationToken cancellationToken)
    {
        if (!ModelName.TryParse(source, out var from, out var error) || !ModelName.TryParse(target, out var to, out error))
            return StoreResult.Invalid(error!);
        var manifest = Manifests.Load(from, out _);
        if (manifest is null)
            return StoreResult.NotFound($"The model '{from}' is not in the registry.");
        return await SaveAsync(manifest with { Name = to.Name, Tag = to.Tag, CreatedUtc = DateTimeOffset.UtcNow }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How old an unreferenced blob or temp file must be before prune deletes it.</summary>
    public TimeSpan PruneGracePeriod { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Deletes blobs that no manifest names (left by removed models or abandoned imports).</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        using var gate = await RegistryLock.AcquireAsync(Root, cancellationToken).ConfigureAwait(false);
        var used = Manifests.List().SelectMany(m => m.Files).Select(f => f.Digest).ToHashSet(StringComparer.Ordinal);
        var n = 0;
        // A blob younger than the grace period may belong to an import or pull that has committed
        // it but not yet saved its manifest.
        var cutoff = DateTime.UtcNow - PruneGracePeriod;
        foreach (var digest in Blobs.List().ToList())
        {
            if (!used.Contains(digest) && File.GetLastWriteTimeUtc(Blobs.PathOf(digest)) < cutoff && Blobs.Delete(digest))
                n++;
        }
        n += Blobs.CleanTemp(PruneGracePeriod);
        return n;
    }

    /// <summary>A valid registry name made from a file name: "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf" → "qwen2.5-0.5b-instruct-q4_k_m".</summary>
    public static string SuggestName(string fileOrFolder)
    {
        // A file's extension goes; a folder keeps its dots ("Qwen2.5-0.5B").
        var leaf = Path.GetFileName(fileOrFolder.TrimEnd('/', '\\'));
        var ext = Path.GetExtension(leaf);
        var isFile = File.Exists(fileOrFolder) || ext.Equals(".gguf", StringComparison.OrdinalIgnoreCase) || ext.Equals(".onnx", StringComparison.OrdinalIgnoreCase);
        var stem = (isFile ? Path.GetFileNameWithoutExtension(leaf) : leaf).ToLowerInvariant();
        var chars = stem.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray();
        var name = new string(chars).Trim('.', '-', '_');
        if (name.Length == 0)
            name = "model";
        return name.Length > ModelName.MaxSegmentLength ? name[..ModelName.MaxSegmentLength] : name;
    }
}
