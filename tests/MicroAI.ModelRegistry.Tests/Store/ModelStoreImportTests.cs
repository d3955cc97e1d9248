using MicroAI.ModelRegistry.Store;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Store;

public sealed class ModelStoreImportTests : IDisposable
{
    private readonly TempModelsDirectory _dir = new();
    private readonly ModelStore _store;

    public ModelStoreImportTests() => _store = new ModelStore(Path.Combine(_dir.Path, "registry"));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Importing_stories260K_copies_it_and_reads_its_metadata()
    {
        var expectedDigest = await Digest.OfFileAsync(TestPaths.Stories260K, CancellationToken.None);
        var reports = new List<long>();

        var result = await _store.ImportAsync(new ImportRequest(TestPaths.Stories260K), new SyncProgress(reports), CancellationToken.None);

        Assert.True(result.Success, result.Error);
        var m = result.Manifest!;
        Assert.Equal("stories260k:latest", m.ModelName.ToString());
        Assert.Equal("gguf", m.Format);
        Assert.Equal("llama", m.Architecture);
        Assert.Equal(292_800, m.ParameterCount);
        Assert.Equal("F32", m.Quantization);
        Assert.Equal(2048, m.ContextLength);
        Assert.Equal(["completion", "embeddings"], m.Capabilities);
        Assert.False(m.CapabilitiesOverridden);
        Assert.Equal("file", m.Source.Kind);
        Assert.Equal(TestPaths.Stories260K, m.Source.Uri);
        var file = Assert.Single(m.Files);
        Assert.Equal("stories260K.gguf", file.Name);
        Assert.Equal(ManifestFile.ModelRole, file.Role);
        Assert.Equal(expectedDigest, file.Digest);
        Assert.Equal(new FileInfo(TestPaths.Stories260K).Length, file.Size);
        Assert.Null(file.ExternalPath);
        Assert.True(_store.Blobs.Exists(file.Digest));
        Assert.Equal(_store.Blobs.PathOf(file.Digest), _store.PathOf(file));
        Assert.Equal(file.Size, reports[^1]);
        Assert.Empty(Directory.GetFiles(_store.Blobs.TempDirectory));

        var found = _store.Find("Stories260K");
        Assert.NotNull(found);
        Assert.Equal(ManifestJson.ToJson(m), ManifestJson.ToJson(found));
        Assert.Equal("stories260k:latest", Assert.Single(_store.List()).ModelName.ToString());
    }

    [Fact]
    public async Task Importing_by_reference_keeps_the_file_in_place()
    {
        var expectedDigest = await Digest.OfFileAsync(TestPaths.Stories260K, CancellationToken.None);

        var result = await _store.ImportAsync(new ImportRequest(TestPaths.Stories260K, "ref", Reference: true), null, CancellationToken.None);

        Assert.True(result.Success, result.Error);
        var file = Assert.Single(result.Manifest!.Files);
        Assert.Equal(TestPaths.Stories260K, file.ExternalPath);
        Assert.Equal(expectedDigest, file.Digest);
        Assert.Equal(TestPaths.Stories260K, _store.PathOf(file));
        Assert.Empty(_store.Blobs.List());
        Assert.Equal("llama", result.Manifest.Architecture);
    }

    [Fact]
    public async Task The_same_file_under_two_names_is_stored_once()
    {
        var a = await _store.ImportAsync(new ImportRequest(TestPaths.Stories260K, "first"), null, CancellationToken.None);
        var b = await _store.ImportAsync(new ImportRequest(TestPaths.Stories260K, "org/second:v2"), null, CancellationToken.None);

        Assert.True(a.Success, a.Error);
        Assert.True(b.Success, b.Error);
        Assert.Equal(a.Manifest!.Files[0].Digest, b.Manifest!.Files[0].Digest);
        Assert.Single(_store.Blobs.List());
        Assert.Equal(["first:latest", "org/second:v2"], _store.List().Select(m => m.ModelName.ToString()));
    }

    [Fact]
    public async Task Capabilities_can_be_overridden()
    {
        var result = await _store.ImportAsync(new ImportRequest(TestPaths.Stories260K, "chatty", Capabilities: ["chat", "completion", "chat"]), null, CancellationToken.None);

        Assert.True(result.Success, result.Error);
        Assert.Equal(["chat", "completion"], result.Manifest!.Capabilities);
        Assert.True(result.Manifest.CapabilitiesOverridden);
        Assert.Equal(["chat", "completion"], _store.Find("chatty")!.Capabilities);
    }

    [Fact]
    public async Task An_unknown_capability_is_invalid_and_nothing_is_stored()
    {
        var result = await _store.ImportAsync(new ImportRequest(TestPaths.Stories260K, "x", Capabilities: ["completion", "telepathy"]), null, CancellationToken.None);

        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        Assert.Contains("telepathy", result.Error);
        AssertNothingStored();
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/abs")]
    [InlineData("a:b:c")]
    [InlineData("has space")]
    public async Task An_invalid_name_is_invalid_and_nothing_is_stored(string name)
    {
        var result = await _store.ImportAsync(new ImportRequest(TestPaths.Stories260K, name), null, CancellationToken.None);

        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        AssertNothingStored();
        Assert.False(File.Exists(Path.Combine(_dir.Path, "escape")));
    }

    [Fact]
    public async Task A_missing_path_is_not_found()
    {
        var result = await _store.ImportAsync(new ImportRequest(Path.Combine(_dir.Path, "nope.gguf")), null, CancellationToken.None);

        Assert.Equal(StoreErrorKind.NotFound, result.Kind);
        Assert.Contains("nope.gguf", result.Error);
    }

    [Fact]
    public async Task A_file_that_is_not_a_model_is_invalid_with_a_clear_message()
    {
        var readme = Path.Combine(TestPaths.SharedModels, "README.md");

        var result = await _store.ImportAsync(new ImportRequest(readme, "readme"), null, CancellationToken.None);

        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        Assert.Contains("README.md", result.Error);
        Assert.Contains("not a valid GGUF", result.Error);
        AssertNothingStored();
    }

    [Fact]
    public async Task A_model_file_with_another_extension_is_stored_as_model_gguf()
    {
        var renamed = Path.Combine(_dir.Path, "weights.bin");
        File.Copy(TestPaths.Stories260K, renamed);

        var result = await _store.ImportAsync(new ImportRequest(renamed), null, CancellationToken.None);

        Assert.True(result.Success, result.Error);
        Assert.Equal("weights:latest", result.Manifest!.ModelName.ToString());
        Assert.Equal("model.gguf", Assert.Single(result.Manifest.Files).Name);
    }

    [Fact]
    public async Task A_folder_with_one_gguf_imports_that_file()
    {
        var folder = Path.Combine(_dir.Path, "My Model (Q8)");
        Directory.CreateDirectory(folder);
        File.Copy(TestPaths.Stories260K, Path.Combine(folder, "stories260K.gguf"));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not part of the model");

        var result = await _store.ImportAsync(new ImportRequest(folder), null, CancellationToken.None);

        Assert.True(result.Success, result.Error);
        Assert.Equal("my-model--q8:latest", result.Manifest!.ModelName.ToString());
        Assert.Equal("folder", result.Manifest.Source.Kind);
        Assert.Equal("stories260K.gguf", Assert.Single(result.Manifest.Files).Name);
    }

    /// <summary>
    /// A folder's name has no extension to strip: "Qwen2.5-0.5B" and "Qwen2.5-7B" must not both
    /// become "qwen2" (the second import would silently replace the first model).
    /// </summary>
    [Fact]
    public async Task Folders_with_dots_in_their_names_get_distinct_default_names()
    {
        var small = Path.Combine(_dir.Path, "Qwen2.5-0.5B");
        var large = Path.Combine(_dir.Path, "Qwen2.5-7B");
        Directory.CreateDirectory(small);
        Directory.CreateDirectory(large);
        File.Copy(TestPaths.Stories260K, Path.Combine(small, "model.gguf"));
        File.Copy(TestPaths.TinyRandomLlama, Path.Combine(large, "model.gguf"));

        var first = await _store.ImportAsync(new ImportRequest(small), null, CancellationToken.None);
        var second = await _store.ImportAsync(new ImportRequest(large), null, CancellationToken.None);

        Assert.True(first.Success, first.Error);
        Assert.True(second.Success, second.Error);
        Assert.Equal("qwen2.5-0.5b:latest", first.Manifest!.ModelName.ToString());
        Assert.Equal("qwen2.5-7b:latest", second.Manifest!.ModelName.ToString());
        Assert.Equal(2, _store.List().Count);
    }

    [Fact]
    public async Task A_folder_with_two_gguf_files_is_invalid()
    {
        var folder = Path.Combine(_dir.Path, "two");
        Directory.CreateDirectory(folder);
        File.Copy(TestPaths.Stories260K, Path.Combine(folder, "a.gguf"));
        File.Copy(TestPaths.Stories260K, Path.Combine(folder, "b.gguf"));

        var result = await _store.ImportAsync(new ImportRequest(folder), null, CancellationToken.None);

        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        Assert.Contains("2 .gguf files", result.Error);
        AssertNothingStored();
    }

    [Fact]
    public async Task Importing_again_under_the_same_name_replaces_the_manifest()
    {
        var first = await _store.ImportAsync(new ImportRequest(TestPaths.Stories260K, "m"), null, CancellationToken.None);
        var second = await _store.ImportAsync(new ImportRequest(TestPaths.TinyRandomLlama, "m"), null, CancellationToken.None);

        Assert.True(first.Success, first.Error);
        Assert.True(second.Success, second.Error);
        Assert.Equal(second.Manifest!.Files[0].Digest, Assert.Single(_store.List()).Files[0].Digest);
        Assert.NotEqual(first.Manifest!.Files[0].Digest, second.Manifest.Files[0].Digest);
    }

    [Fact]
    public async Task A_cancelled_import_saves_nothing()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.ImportAsync(new ImportRequest(TestPaths.Stories260K), null, cts.Token));

        Assert.Empty(_store.List());
        Assert.Empty(_store.Blobs.List());
    }

    [Theory]
    [InlineData("Qwen2.5-0.5B-Instruct-Q4_K_M.gguf", "qwen2.5-0.5b-instruct-q4_k_m")]
    [InlineData("/models/My Model/", "my-model")]
    [InlineData("...gguf", "model")]
    [InlineData("--.gguf", "model")]
    public void SuggestName_makes_a_valid_name(string file, string expected)
    {
        var suggested = ModelStore.SuggestName(file);

        Assert.Equal(expected, suggested);
        Assert.True(ModelName.TryParse(suggested, out _, out var error), error);
    }

    private void AssertNothingStored()
    {
        Assert.Empty(_store.List());
        Assert.Empty(_store.Blobs.List());
        Assert.True(!Directory.Exists(_store.Blobs.TempDirectory) || Directory.GetFiles(_store.Blobs.TempDirectory).Length == 0);
        Assert.True(!Directory.Exists(_store.Manifests.Directory) || !Directory.EnumerateFileSystemEntries(_store.Manifests.Directory).Any());
    }
}
