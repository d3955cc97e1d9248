using System.Collections.Concurrent;

namespace MicroAI.ModelRegistry.Store;

/// <summary>
/// Metadata of model files that have no registry manifest (configured paths, the models
/// directory), read from the files themselves and cached by path, size and modification time:
/// reading a GGUF header with a 150k-token vocabulary takes a few milliseconds, a cache hit none.
/// </summary>
internal static class FileMetadataCache
{
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Modified), (ModelManifest? Manifest, string? Error)> s_cache = new();

    /// <summary>The file's metadata, or (null, why the file is not a usable model).</summary>
    public static (ModelManifest? Manifest, string? Error) Describe(string path, FileInfo info)
    {
        var key = (path, info.Length, info.LastWriteTimeUtc);
        return s_cache.GetOrAdd(key, static k =>
        {
            var described = ManifestBuilder.Describe(k.Path);
            if (described.Template is null)
                return (null, described.Error ?? "its metadata cannot be read.");
            return (described.Template with
            {
                Name = "file",
                Files = [], // read in place and not hashed: the entry's Path is the file
                Source = new ManifestSource { Kind = "file", Uri = k.Path },
                CreatedUtc = new DateTimeOffset(k.Modified, TimeSpan.Zero),
            }, null);
        });
    }
}
