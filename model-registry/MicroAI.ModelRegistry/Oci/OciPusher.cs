using System.Security.Cryptography;
using System.Text.Json;
using MicroAI.ModelRegistry.Chunking;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// Pushes a model from the local registry as MicroAI's artifact (docs/oci-layout.md): each file cut
/// into chunks by <see cref="ModelChunker"/>, each chunk a layer blob, the model's manifest in the
/// config blob. Blobs the registry already has are never sent again.
/// </summary>
internal sealed class OciPusher(ModelStore store, OciClient client)
{
    private const int HashBuffer = 1 << 20;

    public async Task<PushResult> PushAsync(ModelManifest model, OciReference target, IProgress<PushProgress>? progress, CancellationToken ct)
    {
        if (target.Digest is not null)
            throw new OciException($"'{target}' names a digest; push to a tag (registry/repository:tag).", OciFailure.Invalid);

        var files = new List<(MicroAIModelFile File, string Path, IReadOnlyList<ChunkSpan> Spans)>();
        var total = model.TotalSize;
        long hashed = 0;
        foreach (var f in model.Files)
        {
            var path = store.PathOf(f);
            if (!File.Exists(path))
                throw new OciException($"The file '{f.Name}' of {model.ModelName} is missing ({path}).", OciFailure.NotFound);
            var spans = ModelChunker.Plan(path, model.Format);
            CheckSpans(spans, f, path);
            var (chunks, fileDigest) = await HashChunksAsync(path, spans, progress, hashed, total, ct).ConfigureAwait(false);
            if (fileDigest != f.Digest)
                throw new OciException($"The file '{f.Name}' of {model.ModelName} has changed on disk (its digest is {fileDigest}, the registry recorded {f.Digest}); nothing was pushed.", OciFailure.Invalid);
            hashed += f.Size;
            files.Add((new MicroAIModelFile { Name = f.Name, Role = f.Role, Digest = f.Digest, Size = f.Size, Chunks = chunks }, path, spans));
        }

        var config = MicroAIArtifact.ConfigOf(model, files.Select(f => f.File).ToList());
        var configBytes = JsonSerializer.SerializeToUtf8Bytes(config, OciJsonContext.Default.MicroAIModelConfig);
        var configDescriptor = new OciDescriptor { MediaType = OciMediaTypes.ModelConfig, Digest = Digest.FromHash(SHA256.HashData(configBytes)), Size = configBytes.Length };

        // Each distinct blob once: where its bytes are, and how many there are.
        var blobs = new Dictionary<string, (string? Path, long Offset, long Length)>(StringComparer.Ordinal)
        {
            [configDescriptor.Digest] = (null, 0, configBytes.Length),
        };
        var layers = new List<OciDescriptor>();
        foreach (var (file, path, spans) in files)
        {
            for (var i = 0; i < spans.Count; i++)
            {
                var chunk = file.Chunks[i];
                blobs.TryAdd(chunk.Digest, (path, spans[i].Offset, spans[i].Length));
                layers.Add(MicroAIArtifact.ChunkLayer(file.Name, chunk, spans[i].Offset));
            }
        }

        progress?.Report(new PushProgress(PushProgress.Checking, 0, 0, 0, 0, 0));
        var missing = new List<string>();
        var skipped = 0;
        foreach (var digest in blobs.Keys)
        {
            if (await client.BlobExistsAsync(target.Repository, digest, ct).ConfigureAwait(false))
                skipped++;
            else
                missing.Add(digest);
        }

        var mountFrom = MountSource(model, target);
        var toSend = missing.Sum(d => blobs[d].Length);
        long sent = 0;
        int uploaded = 0, mounted = 0;
        foreach (var digest in missing)
        {
            var (path, offset, length) = blobs[digest];
            Uri? session = null;
            if (mountFrom is not null)
            {
                var (ok, location) = await client.MountBlobAsync(target.Repository, digest, mountFrom, ct).ConfigureAwait(false);
                if (ok)
                {
                    mounted++;
                    toSend -= length;
                    progress?.Report(new PushProgress(PushProgress.Uploading, sent, toSend, uploaded, skipped, mounted));
                    continue;
                }
                session = location; // the registry declined and opened an ordinary upload instead
            }
            var before = sent;
            var report = progress is null ? null : new SynchronousProgress(done =>
                progress.Report(new PushProgress(PushProgress.Uploading, before + done, toSend, uploaded, skipped, mounted)));
            await client.UploadBlobAsync(target.Repository, digest, length,
                path is null ? (start, count) => new MemoryStream(configBytes, (int)start, (int)count, writable: false) : (start, count) => new FileRangeStream(path, offset + start, count),
                session, report, ct).ConfigureAwait(false);
            sent += length;
            uploaded++;
        }

        var manifest = new OciManifest
        {
            MediaType = OciMediaTypes.ImageManifest,
            ArtifactType = OciMediaTypes.ModelArtifact,
            Config = configDescriptor,
            Layers = layers,
            Annotations = MicroAIArtifact.AnnotationsOf(model),
        };
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, OciJsonContext.Default.OciManifest);
        var manifestDigest = await client.PutManifestAsync(target.Repository, target.Tag, manifestBytes, OciMediaTypes.ImageManifest, ct).ConfigureAwait(false);
        progress?.Report(new PushProgress(PushProgress.Done, sent, sent, uploaded, skipped, mounted));
        return new PushResult(target.ToString(), manifestDigest, sent, uploaded, skipped, mounted, layers.Count);
    }

    /// <summary>A model pulled from another repository of the same registry: its blobs can be mounted from there.</summary>
    private static string? MountSource(ModelManifest model, OciReference target) =>
        model.Source.Kind == MicroAIArtifact.SourceKind
        && OciReference.TryParse(model.Source.Uri, out var from, out _)
        && DockerConfigFile.NormalizeHost(from.Registry) == DockerConfigFile.NormalizeHost(target.Registry)
        && from.Repository != target.Repository
            ? from.Repository
            : null;

    private static void CheckSpans(IReadOnlyList<ChunkSpan> spans, ManifestFile f, string path)
    {
        long next = 0;
        foreach (var s in spans)
        {
            if (s.Offset != next || s.Length <= 0)
                throw new OciException($"The chunk plan of '{f.Name}' ({path}) is not contiguous at byte {next}.", OciFailure.Invalid);
            next += s.Length;
        }
        if (next != f.Size)
            throw new OciException($"The chunk plan of '{f.Name}' covers {next} of its {f.Size} bytes.", OciFailure.Invalid);
    }

    /// <summary>One pass over the file: every chunk's digest and the whole file's, to catch a file changed since it was stored.</summary>
    private static async Task<(List<MicroAIChunk> Chunks, string FileDigest)> HashChunksAsync(string path, IReadOnlyList<ChunkSpan> spans,
        IProgress<PushProgress>? progress, long before, long total, CancellationToken ct)
    {
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var part = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, HashBuffer, FileOptions.SequentialScan | FileOptions.Asynchronous);
        var buffer = new byte[HashBuffer];
        var chunks = new List<MicroAIChunk>(spans.Count);
        long done = 0;
        foreach (var span in spans)
        {
            var left = span.Length;
            while (left > 0)
            {
                var n = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct).ConfigureAwait(false);
                if (n == 0)
                    throw new OciException($"'{path}' ended before its chunk plan did.", OciFailure.Invalid);
                whole.AppendData(buffer, 0, n);
                part.AppendData(buffer, 0, n);
                left -= n;
                done += n;
            }
            chunks.Add(new MicroAIChunk(Digest.FromHash(part.GetHashAndReset()), span.Length));
            progress?.Report(new PushProgress(PushProgress.Hashing, before + done, total, 0, 0, 0));
        }
        return (chunks, Digest.FromHash(whole.GetHashAndReset()));
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
