using System.Text.Json;

namespace MicroAI.ModelRegistry.Store;

/// <summary>
/// Manifests under <c>root/manifests/&lt;name segments&gt;/&lt;tag&gt;.json</c>, written atomically
/// (temp file, flush to disk, rename over the old one), so a reader sees the old manifest or the
/// new one, never half of one. An unreadable manifest is reported and skipped, never fatal.
/// </summary>
public sealed class ManifestStore(string root)
{
    public string Directory { get; } = Path.Combine(Path.GetFullPath(root), "manifests");

    public string PathOf(ModelName name) => Path.Combine(Directory, name.RelativeManifestPath);

    public void Save(ModelManifest manifest)
    {
        var path = PathOf(manifest.ModelName);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, manifest, RegistryJsonContext.Default.ModelManifest);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            BlobStore.TryDelete(temp);
        }
    }

    public ModelManifest? Load(ModelName name, out string? error) => LoadFile(PathOf(name), out error);

    public bool Delete(ModelName name)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
            return false;
        File.Delete(path);
        // Tidy empty name folders, never the manifests root itself.
        var dir = Path.GetDirectoryName(path);
        while (dir is not null && dir.Length > Directory.Length && System.IO.Directory.Exists(dir) && !System.IO.Directory.EnumerateFileSystemEntries(dir).Any())
        {
            System.IO.Directory.Delete(dir);
            dir = Path.GetDirectoryName(dir);
        }
        return true;
    }

    /// <summary>Every readable manifest; unreadable ones are returned in <paramref name="problems"/>.</summary>
    public List<ModelManifest> List(List<string>? problems = null)
    {
        var list = new List<ModelManifest>();
        if (!System.IO.Directory.Exists(Directory))
            return list;
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.json", SearchOption.AllDirectories))
        {
            var m = LoadFile(file, out var error);
            if (m is not null)
                list.Add(m);
            else if (error is not null)
                problems?.Add(error);
        }
        list.Sort((a, b) => string.Compare(a.ModelName.ToString(), b.ModelName.ToString(), StringComparison.OrdinalIgnoreCase));
        return list;
    }

    private static ModelManifest? LoadFile(string path, out string? error)
    {
        error = null;
        if (!File.Exists(path))
            return null;
        try
        {
            using var stream = File.OpenRead(path);
            var m = JsonSerializer.Deserialize(stream, RegistryJsonContext.Default.ModelManifest);
            if (m is null || m.Name is null || m.Tag is null || !ModelName.TryParse(m.Name + ":" + m.Tag, out _, out _))
            {
                error = $"{path}: not a valid manifest.";
                return null;
            }
            if (m.Files is null || m.Files.Any(f => f is null || f.Name is null || !Digest.IsValid(f.Digest)) || m.Source is null || m.Format is null)
            {
                error = $"{path}: a file has an invalid digest.";
                return null;
            }
            if (!ModelFormats.TryParse(m.Format, out _))
            {
                error = $"{path}: the model's format '{m.Format}' is not one MicroAI serves ({ModelFormats.Known}).";
                return null;
            }
            return m;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            error = $"{path}: {ex.Message}";
            return null;
        }
    }
}
