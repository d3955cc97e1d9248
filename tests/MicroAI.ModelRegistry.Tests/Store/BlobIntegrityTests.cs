using MicroAI.ModelRegistry.Store;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Store;

public sealed class BlobIntegrityTests : IDisposable
{
    private readonly TempModelsDirectory _dir = new();
    private readonly ModelStore _store;

    public BlobIntegrityTests() => _store = new ModelStore(Path.Combine(_dir.Path, "registry"));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_blob_is_hashed_once_and_not_again_after_a_restart()
    {
        var manifest = await ImportAsync();
        var integrity = new BlobIntegrity(_store.Root);

        Assert.Null(integrity.Verify(manifest, _store.Blobs));
        Assert.Null(integrity.Verify(manifest, _store.Blobs));
        Assert.Equal(1, integrity.FilesHashed);

        // A new instance (a restarted server) reads what was verified from verified.json.
        var restarted = new BlobIntegrity(_store.Root);
        Assert.Null(restarted.Verify(manifest, _store.Blobs));
        Assert.Equal(0, restarted.FilesHashed);
        Assert.Contains(manifest.Files[0].Digest, File.ReadAllText(Path.Combine(_store.Root, "verified.json")));
    }

    [Fact]
    public async Task An_altered_blob_is_refused_naming_the_file_and_both_digests_until_it_is_restored()
    {
        var manifest = await ImportAsync();
        var integrity = new BlobIntegrity(_store.Root);
        Assert.Null(integrity.Verify(manifest, _store.Blobs));
        var path = _store.Blobs.PathOf(manifest.Files[0].Digest);
        var original = File.ReadAllBytes(path);

        var altered = (byte[])original.Clone();
        altered[^100] ^= 0x01;
        File.WriteAllBytes(path, altered);
        var problem = integrity.Verify(manifest, _store.Blobs);

        Assert.NotNull(problem);
        Assert.Contains(path, problem);
        Assert.Contains(manifest.Files[0].Digest, problem);
        Assert.Contains(Digest.FromHash(System.Security.Cryptography.SHA256.HashData(altered)), problem);
        // The mismatch is remembered: asking again does not hash again.
        Assert.Equal(problem, integrity.Verify(manifest, _store.Blobs));
        Assert.Equal(2, integrity.FilesHashed);

        File.WriteAllBytes(path, original);
        Assert.Null(integrity.Verify(manifest, _store.Blobs));
        Assert.Equal(3, integrity.FilesHashed);
    }

    [Fact]
    public async Task A_changed_modification_time_alone_is_checked_again()
    {
        var manifest = await ImportAsync();
        var integrity = new BlobIntegrity(_store.Root);
        Assert.Null(integrity.Verify(manifest, _store.Blobs));

        File.SetLastWriteTimeUtc(_store.Blobs.PathOf(manifest.Files[0].Digest), DateTime.UtcNow.AddMinutes(-5));

        Assert.Null(integrity.Verify(manifest, _store.Blobs));
        Assert.Equal(2, integrity.FilesHashed);
    }

    [Fact]
    public async Task A_missing_blob_is_named_and_a_damaged_cache_only_costs_a_hash()
    {
        var manifest = await ImportAsync();
        File.WriteAllText(Path.Combine(_store.Root, "verified.json"), "{ not json");
        var integrity = new BlobIntegrity(_store.Root);

        Assert.Null(integrity.Verify(manifest, _store.Blobs));
        Assert.Equal(1, integrity.FilesHashed);

        File.Delete(_store.Blobs.PathOf(manifest.Files[0].Digest));
        Assert.Contains("is missing", integrity.Verify(manifest, _store.Blobs));
    }

    [Fact]
    public async Task Files_imported_by_reference_are_not_hashed()
    {
        var copy = Path.Combine(_dir.Path, "mine.gguf");
        File.Copy(TestPaths.Stories260K, copy);
        var result = await _store.ImportAsync(new ImportRequest(copy, "ref", Reference: true), null, CancellationToken.None);
        Assert.True(result.Success, result.Error);
        var integrity = new BlobIntegrity(_store.Root);

        Assert.Null(integrity.Verify(result.Manifest!, _store.Blobs));
        Assert.Equal(0, integrity.FilesHashed);
    }

    private async Task<ModelManifest> ImportAsync()
    {
        var result = await _store.ImportAsync(new ImportRequest(TestPaths.Stories260K, "story"), null, CancellationToken.None);
        Assert.True(result.Success, result.Error);
        return result.Manifest!;
    }
}
