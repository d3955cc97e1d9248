using MicroAI.ModelRegistry.Sources;

namespace MicroAI.ModelRegistry.Store;

public sealed partial class ModelStore
{
    /// <summary>Imports a .gguf / .onnx file or a model folder: metadata read, files copied (or referenced), manifest saved.</summary>
    public async Task<StoreResult> ImportAsync(ImportRequest request, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(request.Path);
        if (!File.Exists(full) && !Directory.Exists(full))
            return StoreResult.NotFound($"'{request.Path}' does not exist.");
        var nameText = request.Name ?? SuggestName(full);
        if (!ModelName.TryParse(nameText, out var name, out var nameError))
            return StoreResult.Invalid(nameError!);
        if (CheckCapabilities(request.Capabilities) is { } capError)
            return StoreResult.Invalid(capError);

        var described = ManifestBuilder.Describe(full);
        if (described.Error is not null)
            return StoreResult.Invalid(described.Error);

        var files = new List<ManifestFile>();
        long done = 0;
        foreach (var file in described.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var size = new FileInfo(file.FullPath).Length;
            if (request.Reference)
            {
                var digest = await Digest.OfFileAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
                files.Add(new ManifestFile { Name = file.Name, Role = file.Role, Digest = digest, Size = size, ExternalPath = file.FullPath });
            }
            else
            {
                var offset = done;
                var copied = await Blobs.ImportFileAsync(file.FullPath, null, progress is null ? null : new Offset(progress, offset), cancellationToken).ConfigureAwait(false);
                if (!copied.Success)
                    return StoreResult.Failed(copied.Error!);
                files.Add(new ManifestFile { Name = file.Name, Role = file.Role, Digest = copied.Digest!, Size = copied.Size });
            }
            done += size;
        }

        var manifest = described.Template! with
        {
            Name = name.Name,
            Tag = name.Tag,
            Files = files,
            Source = new ManifestSource { Kind = Directory.Exists(full) ? "folder" : "file", Uri = full },
            CreatedUtc = DateTimeOffset.UtcNow,
        };
        return await SaveAsync(ApplyCapabilities(manifest, request.Capabilities), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads a model file (resuming an interrupted download, verifying its sha256 against the
    /// source's or the user's digest), reads its metadata and saves its manifest.
    /// </summary>
    public async Task<StoreResult> PullAsync(PullRequest request, HttpClient http, IProgress<PullProgress>? progress, CancellationToken cancellationToken,
        HuggingFaceOptions? huggingFace = null, Func<string, long>? freeBytes = null)
    {
        var hf = huggingFace ?? HuggingFaceOptions.FromEnvironment();
        if (!ModelSourceUri.TryParse(request.Source, hf, out var source, out var sourceError))
            return StoreResult.Invalid(sourceError!);
        var nameText = request.Name ?? source!.SuggestedName;
        if (!ModelName.TryParse(nameText, out var name, out var nameError))
            return StoreResult.Invalid(nameError!);
        if (CheckCapabilities(request.Capabilities) is { } capError)
            return StoreResult.Invalid(capError);
        var extension = Path.GetExtension(source!.FileName).ToLowerInvariant();
        if (extension is not (".gguf" or ".onnx"))
            return StoreResult.Invalid($"'{source.FileName}' is not a .gguf or .onnx file; only single model files can be pulled.");

        var downloader = new HttpBlobDownloader(http, Blobs, freeBytes);
        var token = source.Kind == ModelSourceUri.HuggingFaceKind ? hf.Token : null;
        DownloadResult downloaded;
        try
        {
            downloaded = await downloader.DownloadAsync(new DownloadRequest(source.DownloadUri, request.ExpectedDigest, token), progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The registry's own folders cannot be written (read-only file system, permissions):
            // a failure to report with the OS's words, not an exception that cuts off the caller's answer.
            return StoreResult.Failed($"Cannot write to the registry at {Root}: {e.Message}");
        }
        if (!downloaded.Success)
        {
            return downloaded.Failure switch
            {
                DownloadFailure.NotFound => StoreResult.NotFound(downloaded.Error!),
                DownloadFailure.Invalid => StoreResult.Invalid(downloaded.Error!),
                DownloadFailure.Upstream => StoreResult.Upstream(downloaded.Error!),
                _ => StoreResult.Failed(downloaded.Error!),
            };
        }

        var blobPath = Blobs.PathOf(downloaded.Digest!);
        var described = ManifestBuilder.Describe(blobPath, extension == ".onnx" ? ModelFormat.Onnx : ModelFormat.Gguf);
        if (described.Error is not null)
        {
            await DeleteIfUnreferencedAsync(downloaded.Digest!, cancellationToken).ConfigureAwait(false);
            return StoreResult.Invalid($"The downloaded file is not a usable model: {described.Error}");
        }

        var manifest = described.Template! with
        {
            Name = name.Name,
            Tag = name.Tag,
            Files = [new ManifestFile { Name = source.FileName, Role = ManifestFile.ModelRole, Digest = downloaded.Digest!, Size = downloaded.Size }],
            Source = new ManifestSource { Kind = source.Kind, Uri = request.Source },
            CreatedUtc = DateTimeOffset.UtcNow,
        };
        return await SaveAsync(ApplyCapabilities(manifest, request.Capabilities), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Imports a model file made from another registry model (a quantization written under partial/)
    /// as <paramref name="nameText"/> with its lineage. The file is consumed: it becomes the blob, or
    /// is deleted when it is not a usable model, so nothing is left half-written either way.
    /// </summary>
    public async Task<StoreResult> ImportDerivedAsync(string filePath, string nameText, ManifestLineage lineage, CancellationToken cancellationToken)
    {
        if (!ModelName.TryParse(nameText, out var name, out var nameError))
        {
            BlobStore.TryDelete(filePath);
            return StoreResult.Invalid(nameError!);
        }
        var described = ManifestBuilder.Describe(filePath, ModelFormat.Gguf);
        if (described.Error is not null)
        {
            BlobStore.TryDelete(filePath);
            return StoreResult.Failed($"The {lineage.Operation} output is not a usable model: {described.Error}");
        }
        var committed = await Blobs.CommitFileAsync(filePath, null, cancellationToken).ConfigureAwait(false);
        if (!committed.Success)
            return StoreResult.Failed(committed.Error!);
        var manifest = described.Template! with
        {
            Name = name.Name,
            Tag = name.Tag,
            Files = [new ManifestFile { Name = name.Name + ".gguf", Role = ManifestFile.ModelRole, Digest = committed.Digest!, Size = committed.Size }],
            Source = new ManifestSource { Kind = lineage.Operation, Uri = lineage.ParentName },
            Lineage = lineage,
            CreatedUtc = DateTimeOffset.UtcNow,
        };
        var saved = await SaveAsync(manifest, cancellationToken).ConfigureAwait(false);
        if (!saved.Success)
            await DeleteIfUnreferencedAsync(committed.Digest!, CancellationToken.None).ConfigureAwait(false);
        return saved;
    }

    private async Task DeleteIfUnreferencedAsync(string digest, CancellationToken cancellationToken)
    {
        using var gate = await RegistryLock.AcquireAsync(Root, cancellationToken).ConfigureAwait(false);
        if (!Manifests.List().Any(m => m.Files.Any(f => f.Digest == digest && f.ExternalPath is null)))
            Blobs.Delete(digest);
    }

    private static string? CheckCapabilities(IReadOnlyList<string>? capabilities)
    {
        if (capabilities is null)
            return null;
        var unknown = capabilities.Where(c => !ModelCapability.TryParse(c, out _)).ToList();
        return unknown.Count == 0 ? null
            : $"Unknown capabilities: {string.Join(", ", unknown)}. Known: {string.Join(", ", ModelCapability.All)}.";
    }

    private static ModelManifest ApplyCapabilities(ModelManifest manifest, IReadOnlyList<string>? capabilities) =>
        capabilities is null ? manifest : manifest with { Capabilities = capabilities.Distinct().ToList(), CapabilitiesOverridden = true };

    private sealed class Offset(IProgress<long> inner, long offset) : IProgress<long>
    {
        public void Report(long value) => inner.Report(offset + value);
    }
}
