using System.Security.Cryptography;
using System.Text.Json;
using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// Pulls an artifact into the store: manifest, then the plan its layout makes, then every blob
/// not already here through <see cref="HttpBlobDownloader"/> (resume, digest check, disk check),
/// files rebuilt from their chunks and verified, then the manifest saved. A failure removes every blob this pull added that no model uses; a
/// cancellation keeps them (and the interrupted blob's partial bytes) for the next attempt.
/// </summary>
internal sealed class OciPuller(ModelStore store, OciClient client, HttpClient http, Func<string, long>? freeBytes, Signing.TrustPolicy? trust = null)
{
    private static readonly IArtifactLayout[] Layouts = [new MicroAILayout(), new OllamaLayout(), new DockerModelLayout()];

    /// <summary>
    /// One OCI pull at a time per store in this process: a pull deletes the chunk blobs it rebuilt a
    /// file from, and on failure the blobs it added, which a concurrent pull of the same or a
    /// related artifact may be reading. The second pull then finds the files in place and
    /// downloads nothing, which is how concurrent pulls share one download here.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    private readonly HashSet<string> _created = new(StringComparer.Ordinal);
    private readonly HashSet<string> _chunkBlobs = new(StringComparer.Ordinal);

    public async Task<ModelManifest> PullAsync(OciReference reference, ModelName name, string? expectedDigest, IReadOnlyList<string>? capabilities,
        IProgress<PullProgress>? progress, CancellationToken ct)
    {
        var gate = Gates.GetOrAdd(store.Root, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var saved = await RunAsync(reference, name, expectedDigest, capabilities, progress, ct).ConfigureAwait(false);
            await DeleteUnreferencedAsync(_chunkBlobs.Except(saved.Files.Select(f => f.Digest)), CancellationToken.None).ConfigureAwait(false);
            return saved;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await DeleteUnreferencedAsync(_created, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ModelManifest> RunAsync(OciReference reference, ModelName name, string? expectedDigest, IReadOnlyList<string>? capabilities,
        IProgress<PullProgress>? progress, CancellationToken ct)
    {
        progress?.Report(new PullProgress(PullProgress.Resolving, 0, null, 0, null));
        var repo = reference.Repository;
        var (bytes, mediaType, manifestDigest) = await client.GetManifestAsync(repo, reference.Reference, ct).ConfigureAwait(false);
        if (expectedDigest is not null && Digest.Normalize(expectedDigest) != manifestDigest)
            throw new OciException($"{reference}: the manifest's digest is {manifestDigest}, but {expectedDigest} was expected. Nothing was downloaded.", OciFailure.Invalid);
        await OciSignatures.EnsureTrustedAsync(client, reference, manifestDigest, trust, ct).ConfigureAwait(false);
        var manifest = ParseManifest(reference, bytes, mediaType);
        var layout = Layouts.FirstOrDefault(l => l.Matches(manifest))
            ?? throw new OciException($"{reference} is not a model artifact MicroAI knows (config {manifest.Config?.MediaType ?? "none"}; layers "
                + string.Join(", ", manifest.Layers.Select(l => l.MediaType).Distinct()) + "). It reads MicroAI's, Ollama's and Docker Model Runner's layouts.", OciFailure.Invalid);
        var plan = await layout.PlanAsync(manifest, client, repo, ct).ConfigureAwait(false);
        var format = plan.Config?.Format ?? ModelFormat.Gguf.Name();

        // Which blobs must come over the wire, and where the rest already are.
        var index = new LocalChunkIndex(store);
        var sources = new Dictionary<string, ChunkSource>(StringComparer.Ordinal);
        var toFetch = new Dictionary<string, OciDescriptor>(StringComparer.Ordinal);
        long assembleBytes = 0;
        foreach (var file in plan.Files)
        {
            if (store.Blobs.Exists(file.Digest))
                continue;
            if (file.Chunks.Count == 1 && file.Chunks[0].Digest == file.Digest)
            {
                toFetch.TryAdd(file.Digest, file.Chunks[0]);
                continue;
            }
            assembleBytes += file.Size;
            foreach (var chunk in file.Chunks)
            {
                if (sources.ContainsKey(chunk.Digest) || toFetch.ContainsKey(chunk.Digest))
                    continue;
                if (store.Blobs.Exists(chunk.Digest))
                    sources[chunk.Digest] = new ChunkSource(store.Blobs.PathOf(chunk.Digest), 0, chunk.Size);
                else if (index.TryFind(chunk.Digest, format, out var local) && local.Length == chunk.Size)
                    sources[chunk.Digest] = new ChunkSource(local.Path, local.Offset, local.Length);
                else
                    toFetch.TryAdd(chunk.Digest, chunk);
            }
        }

        var total = toFetch.Values.Sum(d => d.Size);
        var need = total + assembleBytes + HttpBlobDownloader.DiskMargin;
        var have = FreeBytes();
        if (need > have)
            throw new OciException($"Not enough disk space for {reference}: need {HttpBlobDownloader.FormatBytes(need)}, have {HttpBlobDownloader.FormatBytes(have)} in {store.Root}.", OciFailure.Invalid);

        if (toFetch.Count > 0)
        {
            var downloader = new HttpBlobDownloader(http, store.Blobs, freeBytes);
            long done = 0;
            foreach (var blob in toFetch.Values)
            {
                var existed = store.Blobs.Exists(blob.Digest);
                var before = done;
                var relay = progress is null ? null : new Relay(p => progress.Report(p with { Completed = before + p.Completed, Total = total, Status = p.Status == PullProgress.Done ? PullProgress.Downloading : p.Status }));
                // Per blob: a token that expired during a long pull is renewed before the next blob.
                var authorization = await client.AuthorizationForAsync(repo, ct).ConfigureAwait(false);
                var result = await downloader.DownloadAsync(new DownloadRequest(client.BlobUri(repo, blob.Digest), blob.Digest, null, authorization), relay, ct).ConfigureAwait(false);
                if (!result.Success)
                    throw new OciException($"{reference}: {result.Error}", result.Failure switch
                    {
                        DownloadFailure.NotFound => OciFailure.NotFound,
                        DownloadFailure.Invalid => OciFailure.Invalid,
                        DownloadFailure.Upstream => OciFailure.Upstream,
                        _ => OciFailure.Local,
                    });
                if (!existed)
                    _created.Add(blob.Digest);
                if (result.Size != blob.Size)
                    throw new OciException($"{reference}: blob {blob.Digest} is {result.Size} bytes, the manifest says {blob.Size}.", OciFailure.Invalid);
                done += blob.Size;
                if (!plan.Files.Any(f => f.Digest == blob.Digest))
                    _chunkBlobs.Add(blob.Digest);
                sources[blob.Digest] = new ChunkSource(store.Blobs.PathOf(blob.Digest), 0, blob.Size);
            }
        }

        foreach (var file in plan.Files.Where(f => !store.Blobs.Exists(f.Digest)))
        {
            progress?.Report(new PullProgress(PullProgress.Verifying, total, total, 0, null));
            await AssembleAsync(reference, file, sources, ct).ConfigureAwait(false);
            index.Remember(file.Digest, file.Chunks.Select(c => new MicroAIChunk(c.Digest, c.Size)).ToList());
        }

        var sourceUri = $"{reference.Registry}/{reference.Repository}@{manifestDigest}";
        var model = plan.Config is { } config
            ? MicroAIArtifact.ManifestOf(config, name, sourceUri)
            : Describe(reference, plan, name, sourceUri);
        if (capabilities is not null)
            model = model with { Capabilities = capabilities.Distinct().ToList(), CapabilitiesOverridden = true };
        var saved = await store.SaveAsync(model, ct).ConfigureAwait(false);
        if (!saved.Success)
            throw new OciException(saved.Error!, OciFailure.Local);
        progress?.Report(new PullProgress(PullProgress.Done, total, total, 0, TimeSpan.Zero));
        return saved.Manifest!;
    }

    private OciManifest ParseManifest(OciReference reference, byte[] bytes, string mediaType)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (mediaType is OciMediaTypes.ImageIndex or OciMediaTypes.DockerManifestList || doc.RootElement.TryGetProperty("manifests", out _))
                throw new OciException($"{reference} is an index of several manifests (a multi-platform image?); pull one of them by digest.", OciFailure.Invalid);
            var manifest = doc.RootElement.Deserialize(OciJsonContext.Default.OciManifest);
            if (manifest is null || manifest.SchemaVersion != 2 || manifest.Layers is null
                || manifest.Layers.Any(l => l is null || !Digest.IsValid(l.Digest) || l.Size < 0)
                || (manifest.Config is { } c && !Digest.IsValid(c.Digest)))
                throw new OciException($"{reference}: the manifest is not a schema 2 image manifest with sha256 digests.", OciFailure.Invalid);
            return manifest;
        }
        catch (JsonException e)
        {
            throw new OciException($"{reference}: the manifest is not valid JSON: {e.Message}", OciFailure.Invalid);
        }
    }

    /// <summary>Another layout's GGUF file: its metadata read from the file, the layout's defaults kept.</summary>
    private ModelManifest Describe(OciReference reference, PullPlan plan, ModelName name, string sourceUri)
    {
        var main = plan.Files[0];
        var described = ManifestBuilder.Describe(store.Blobs.PathOf(main.Digest), ModelFormat.Gguf);
        if (described.Error is not null)
            throw new OciException($"{reference}: the {plan.Layout} artifact's model is not usable: {described.Error}", OciFailure.Invalid);
        return described.Template! with
        {
            Name = name.Name,
            Tag = name.Tag,
            Files = plan.Files.Select(f => new ManifestFile { Name = f.Name, Role = f.Role, Digest = f.Digest, Size = f.Size }).ToList(),
            Defaults = plan.Defaults,
            Source = new ManifestSource { Kind = MicroAIArtifact.SourceKind, Uri = sourceUri },
            CreatedUtc = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>Concatenates the file's chunks under tmp/ (each checked against its digest) and commits it under the file's digest.</summary>
    private async Task AssembleAsync(OciReference reference, PlannedFile file, Dictionary<string, ChunkSource> sources, CancellationToken ct)
    {
        Directory.CreateDirectory(store.Blobs.TempDirectory);
        var temp = Path.Combine(store.Blobs.TempDirectory, Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
            {
                var buffer = new byte[1 << 20];
                foreach (var chunk in file.Chunks)
                    await CopyChunkAsync(reference, file, chunk, sources[chunk.Digest], target, buffer, ct).ConfigureAwait(false);
            }
            var existed = store.Blobs.Exists(file.Digest);
            var committed = await store.Blobs.CommitFileAsync(temp, file.Digest, ct).ConfigureAwait(false);
            if (!committed.Success)
                throw new OciException($"{reference}: '{file.Name}' rebuilt from its chunks does not match: {committed.Error}", OciFailure.Invalid);
            if (!existed)
                _created.Add(file.Digest);
        }
        finally
        {
            BlobStore.TryDelete(temp);
        }
    }

    private static async Task CopyChunkAsync(OciReference reference, PlannedFile file, OciDescriptor chunk, ChunkSource source, FileStream target, byte[] buffer, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            await using var range = new FileRangeStream(source.Path, source.Offset, source.Length);
            int n;
            while ((n = await range.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                await target.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            }
        }
        catch (FileNotFoundException)
        {
            // Another process (a CLI pull beside the server, a prune) removed the blob or model file.
            throw new OciException($"{reference}: the chunk {chunk.Digest} of '{file.Name}' was removed from {source.Path} while the file was being rebuilt; pull again.", OciFailure.Local);
        }
        var actual = Digest.FromHash(hash.GetHashAndReset());
        if (actual != chunk.Digest)
            throw new OciException($"{reference}: the chunk {chunk.Digest} of '{file.Name}' read from {source.Path} has digest {actual} (changed on disk?). Nothing was kept.", OciFailure.Invalid);
    }

    private async Task DeleteUnreferencedAsync(IEnumerable<string> digests, CancellationToken ct)
    {
        var list = digests.ToList();
        if (list.Count == 0)
            return;
        using var gate = await RegistryLock.AcquireAsync(store.Root, ct).ConfigureAwait(false);
        var used = store.Manifests.List().SelectMany(m => m.Files).Where(f => f.ExternalPath is null).Select(f => f.Digest).ToHashSet(StringComparer.Ordinal);
        foreach (var d in list.Where(d => !used.Contains(d)))
            store.Blobs.Delete(d);
    }

    private long FreeBytes()
    {
        try
        {
            return (freeBytes ?? HttpBlobDownloader.DefaultFreeBytes)(store.Root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return long.MaxValue;
        }
    }

    private readonly record struct ChunkSource(string Path, long Offset, long Length);

    private sealed class Relay(Action<PullProgress> report) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => report(value);
    }
}
