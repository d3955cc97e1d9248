using System.Security.Cryptography;
using System.Text.Json;
using MicroAI.ModelRegistry.Chunking;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// Where a chunk's bytes already are on this box: inside a file of a model the store holds. A
/// file's chunk list is kept in <c>root/chunks/sha256-HEX.json</c> (written when a pull assembles
/// the file, or computed once by cutting and hashing it with <see cref="ModelChunker"/>), so a
/// delta pull of v2 reads v1's chunks out of v1's file instead of downloading them.
/// </summary>
internal sealed class LocalChunkIndex(ModelStore store)
{
    private Dictionary<string, (string Path, long Offset, long Length)>? _chunks;

    private string Folder => Path.Combine(store.Root, "chunks");

    public bool TryFind(string digest, string format, out (string Path, long Offset, long Length) where)
    {
        _chunks ??= Build(format);
        return _chunks.TryGetValue(digest, out where);
    }

    /// <summary>Records the chunks of a file this pull assembled, so the next pull finds them without hashing.</summary>
    public void Remember(string fileDigest, IReadOnlyList<MicroAIChunk> chunks)
    {
        try
        {
            Directory.CreateDirectory(Folder);
            var path = PathOf(fileDigest);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(chunks.ToList(), OciJsonContext.Default.ListMicroAIChunk));
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException)
        {
            // Only a speed-up for a later pull: that pull hashes the file instead.
        }
    }

    private string PathOf(string fileDigest) => Path.Combine(Folder, Digest.ToFileName(fileDigest) + ".json");

    private Dictionary<string, (string, long, long)> Build(string format)
    {
        var index = new Dictionary<string, (string, long, long)>(StringComparer.Ordinal);
        foreach (var m in store.List().Where(m => m.Format == format))
        {
            foreach (var f in m.Files)
            {
                var path = store.PathOf(f);
                if (!File.Exists(path) || new FileInfo(path).Length != f.Size)
                    continue;
                long offset = 0;
                foreach (var c in ChunksOf(f, path, format))
                {
                    index.TryAdd(c.Digest, (path, offset, c.Length));
                    offset += c.Length;
                }
            }
        }
        return index;
    }

    private List<MicroAIChunk> ChunksOf(ManifestFile f, string path, string format)
    {
        try
        {
            if (File.Exists(PathOf(f.Digest)) && JsonSerializer.Deserialize(File.ReadAllBytes(PathOf(f.Digest)), OciJsonContext.Default.ListMicroAIChunk) is { } known
                && known.Sum(c => c.Length) == f.Size)
                return known;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            // Unreadable: hashed again below.
        }
        var chunks = new List<MicroAIChunk>();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        foreach (var span in ModelChunker.Plan(path, format))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var left = span.Length;
            file.Seek(span.Offset, SeekOrigin.Begin);
            while (left > 0)
            {
                var n = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0)
                    break;
                hash.AppendData(buffer, 0, n);
                left -= n;
            }
            chunks.Add(new MicroAIChunk(Digest.FromHash(hash.GetHashAndReset()), span.Length));
        }
        Remember(f.Digest, chunks);
        return chunks;
    }
}
