using MicroAI.ModelRegistry.Store;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Store;

/// <summary>Tag, remove, save and prune: which blobs stay and which go.</summary>
public sealed class ModelStoreLifecycleTests : IDisposable
{
    private readonly TempModelsDirectory _dir = new();
    private readonly ModelStore _store;

    // No grace period: these tests create orphans and prune them at once.
    public ModelStoreLifecycleTests() => _store = new ModelStore(Path.Combine(_dir.Path, "registry")) { PruneGracePeriod = TimeSpan.Zero };

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Tag_shares_the_blob_and_removing_one_name_keeps_it()
    {
        var imported = await ImportAsync("stories");
        var digest = imported.Files[0].Digest;

        var tagged = await _store.TagAsync("stories", "tales:v1", CancellationToken.None);

        Assert.True(tagged.Success, tagged.Error);
        Assert.Equal("tales:v1", tagged.Manifest!.ModelName.ToString());
        Assert.Equal(imported.Files, tagged.Manifest.Files);
        Assert.Equal(imported.Architecture, tagged.Manifest.Architecture);
        Assert.Single(_store.Blobs.List());
        Assert.Equal(2, _store.List().Count);

        var removed = await _store.RemoveAsync("stories:latest", CancellationToken.None);
        Assert.True(removed.Success, removed.Error);
        Assert.Equal("stories:latest", removed.Manifest!.ModelName.ToString());
        Assert.True(_store.Blobs.Exists(digest), "the blob is still used by tales:v1");
        Assert.Null(_store.Find("stories"));

        var last = await _store.RemoveAsync("TALES:v1", CancellationToken.None);
        Assert.True(last.Success, last.Error);
        Assert.False(_store.Blobs.Exists(digest), "the last name went, so the blob goes");
        Assert.Empty(_store.List());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Manifests.Directory));
    }

    [Fact]
    public async Task Removing_a_copy_deletes_its_blob_even_when_another_model_references_the_same_content_in_place()
    {
        var copy = await ImportAsync("copy");
        var reference = await _store.ImportAsync(new ImportRequest(TestPaths.Stories260K, "ref", Reference: true), null, CancellationToken.None);
        Assert.True(reference.Success, reference.Error);

        await _store.RemoveAsync("copy", CancellationToken.None);

        // The referenced model reads the original file, so the copy's blob is no longer needed.
        Assert.False(_store.Blobs.Exists(copy.Files[0].Digest));
        Assert.True(File.Exists(TestPaths.Stories260K));
        var entry = _store.Find("ref");
        Assert.NotNull(entry);
        Assert.True(File.Exists(_store.PathOf(entry.Files[0])));

        var removedRef = await _store.RemoveAsync("ref", CancellationToken.None);
        Assert.True(removedRef.Success, removedRef.Error);
        Assert.True(File.Exists(TestPaths.Stories260K), "removing a referenced model never deletes the user's file");
    }

    [Fact]
    public async Task Tag_of_an_unknown_model_is_not_found_and_bad_names_are_invalid()
    {
        await ImportAsync("known");

        Assert.Equal(StoreErrorKind.NotFound, (await _store.TagAsync("unknown", "x", CancellationToken.None)).Kind);
        Assert.Equal(StoreErrorKind.Invalid, (await _store.TagAsync("known", "../x", CancellationToken.None)).Kind);
        Assert.Equal(StoreErrorKind.Invalid, (await _store.TagAsync("..", "x", CancellationToken.None)).Kind);
        Assert.Single(_store.List());
    }

    [Fact]
    public async Task Remove_of_an_unknown_model_is_not_found_and_a_bad_name_is_invalid()
    {
        var unknown = await _store.RemoveAsync("ghost", CancellationToken.None);
        Assert.Equal(StoreErrorKind.NotFound, unknown.Kind);
        Assert.Contains("ghost", unknown.Error);

        var invalid = await _store.RemoveAsync("../../etc/passwd", CancellationToken.None);
        Assert.Equal(StoreErrorKind.Invalid, invalid.Kind);
    }

    [Fact]
    public async Task Save_refuses_a_manifest_whose_blob_is_missing()
    {
        var manifest = TestManifests.For("orphan", "latest", TestManifests.DigestA, 10);

        var result = await _store.SaveAsync(manifest, CancellationToken.None);

        Assert.Equal(StoreErrorKind.Failed, result.Kind);
        Assert.Contains("missing", result.Error);
        Assert.Empty(_store.List());
        Assert.Null(_store.Find("orphan"));
    }

    [Fact]
    public async Task Save_refuses_a_manifest_with_an_invalid_name()
    {
        var imported = await ImportAsync("ok");

        var result = await _store.SaveAsync(imported with { Name = "../../evil" }, CancellationToken.None);

        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        Assert.Equal(["ok:latest"], _store.List().Select(m => m.ModelName.ToString()));
        Assert.False(File.Exists(Path.Combine(_dir.Path, "evil", "latest.json")));
    }

    [Fact]
    public async Task A_pull_that_crashed_midway_leaves_no_model_and_prune_keeps_the_partial_for_resume()
    {
        // What a crash leaves: bytes of an unfinished download in partial/ and of an import in tmp/.
        var partial = _store.Blobs.PartialPath("http://127.0.0.1/m/stories260K.gguf");
        File.WriteAllBytes(partial, new byte[4096]);
        File.WriteAllText(partial + ".validator", "\"v1\"");
        Directory.CreateDirectory(_store.Blobs.TempDirectory);
        var temp = Path.Combine(_store.Blobs.TempDirectory, Guid.NewGuid().ToString("N") + ".tmp");
        File.WriteAllBytes(temp, new byte[1024]);

        Assert.Empty(_store.List());
        Assert.Null(_store.Find("stories260k"));

        var pruned = await _store.PruneAsync(CancellationToken.None);

        Assert.Equal(1, pruned);
        Assert.False(File.Exists(temp));
        Assert.True(File.Exists(partial));
        Assert.True(File.Exists(partial + ".validator"));
        Assert.Empty(_store.List());
    }

    [Fact]
    public async Task Prune_deletes_unreferenced_blobs_only()
    {
        var model = await ImportAsync("kept");
        var stray = Path.Combine(_dir.Path, "stray.bin");
        File.WriteAllBytes(stray, [1, 2, 3, 4]);
        var unreferenced = await _store.Blobs.ImportFileAsync(stray, null, null, CancellationToken.None);
        Assert.True(unreferenced.Success, unreferenced.Error);

        var pruned = await _store.PruneAsync(CancellationToken.None);

        Assert.Equal(1, pruned);
        Assert.False(_store.Blobs.Exists(unreferenced.Digest!));
        Assert.True(_store.Blobs.Exists(model.Files[0].Digest));
        Assert.Equal(0, await _store.PruneAsync(CancellationToken.None));
        Assert.NotNull(_store.Find("kept"));
    }

    /// <summary>
    /// A blob committed moments ago may belong to a pull that has not saved its manifest yet:
    /// with the default grace period, prune leaves it until it is old.
    /// </summary>
    [Fact]
    public async Task Prune_with_the_default_grace_period_keeps_a_fresh_unreferenced_blob()
    {
        var stray = Path.Combine(_dir.Path, "fresh.bin");
        File.WriteAllBytes(stray, [5, 6, 7, 8]);
        var fresh = await _store.Blobs.ImportFileAsync(stray, null, null, CancellationToken.None);
        var defaults = new ModelStore(_store.Root);

        Assert.Equal(0, await defaults.PruneAsync(CancellationToken.None));
        Assert.True(_store.Blobs.Exists(fresh.Digest!));

        File.SetLastWriteTimeUtc(_store.Blobs.PathOf(fresh.Digest!), DateTime.UtcNow.AddHours(-2));
        Assert.Equal(1, await defaults.PruneAsync(CancellationToken.None));
        Assert.False(_store.Blobs.Exists(fresh.Digest!));
    }

    /// <summary>
    /// The CLI's prune and the server's import run in different processes. An import's bytes sit
    /// in tmp/ while they are copied (the file is open and locked), so prune must leave them alone.
    /// </summary>
    [Fact]
    public async Task Prune_while_an_import_is_copying_does_not_break_the_import()
    {
        var pruned = -1;
        var progress = new PruneOnFirstReport(() => pruned = new ModelStore(_store.Root) { PruneGracePeriod = TimeSpan.Zero }.PruneAsync(CancellationToken.None).GetAwaiter().GetResult());

        var result = await _store.ImportAsync(new ImportRequest(TestPaths.Stories260K, "busy"), progress, CancellationToken.None);

        Assert.Equal(0, pruned);
        Assert.True(result.Success, result.Error);
        Assert.True(File.Exists(_store.PathOf(result.Manifest!.Files[0])));
    }

    [Fact]
    public async Task Prune_on_an_empty_store_does_nothing()
    {
        Assert.Equal(0, await _store.PruneAsync(CancellationToken.None));
        Assert.Empty(_store.List());
    }

    [Fact]
    public async Task A_second_store_on_the_same_directory_sees_the_same_models()
    {
        await ImportAsync("shared");
        var other = new ModelStore(_store.Root);

        Assert.NotNull(other.Find("shared:latest"));
        var removed = await other.RemoveAsync("shared", CancellationToken.None);

        Assert.True(removed.Success, removed.Error);
        Assert.Null(_store.Find("shared"));
        Assert.Empty(_store.Blobs.List());
    }

    [Fact]
    public async Task Concurrent_removes_and_tags_keep_the_store_consistent()
    {
        await ImportAsync("base");
        var tags = Enumerable.Range(0, 6).Select(i => $"t{i}").ToList();
        await Task.WhenAll(tags.Select(t => _store.TagAsync("base", t, CancellationToken.None)));

        var results = await Task.WhenAll(tags.Select(t => Task.Run(() => _store.RemoveAsync(t, CancellationToken.None))));

        Assert.All(results, r => Assert.True(r.Success, r.Error));
        var remaining = Assert.Single(_store.List());
        Assert.True(File.Exists(_store.PathOf(remaining.Files[0])), "the blob base still names was deleted");
    }

    private async Task<ModelManifest> ImportAsync(string name)
    {
        var result = await _store.ImportAsync(new ImportRequest(TestPaths.Stories260K, name), null, CancellationToken.None);
        Assert.True(result.Success, result.Error);
        return result.Manifest!;
    }

    private sealed class PruneOnFirstReport(Action prune) : IProgress<long>
    {
        private int _reports;

        public void Report(long value)
        {
            if (Interlocked.Increment(ref _reports) == 1)
                prune();
        }
    }
}
