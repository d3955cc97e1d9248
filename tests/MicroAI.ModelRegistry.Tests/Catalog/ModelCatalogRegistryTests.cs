using MicroAI.ModelRegistry.Store;
using MicroAI.ModelRegistry.Tests.Store;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Catalog;

/// <summary>Registry and Ollama models as the server sees them through <see cref="ModelCatalog"/>.</summary>
public sealed class ModelCatalogRegistryTests : IDisposable
{
    private readonly CatalogTestContext _c = new();

    public void Dispose() => _c.Dispose();

    [Fact]
    public async Task A_registry_model_is_found_by_name_name_latest_and_any_case()
    {
        var manifest = await _c.ImportAsync("tiny");
        var catalog = _c.Create();

        foreach (var id in new[] { "tiny", "tiny:latest", "TINY", "Tiny:LATEST" })
        {
            var entry = catalog.Find(id);
            Assert.NotNull(entry);
            Assert.Equal("tiny:latest", entry.Id);
            Assert.Equal("registry", entry.Source);
        }
        Assert.Null(catalog.Find("tiny:v2"));
        Assert.Null(catalog.Find("../tiny"));
        Assert.Null(catalog.Find(""));

        var listed = Assert.Single(catalog.List());
        Assert.Equal("tiny:latest", listed.Id);
        Assert.Equal("registry", listed.Source);
        Assert.NotNull(listed.Manifest);
        Assert.Equal(manifest.Files[0].Digest, listed.Manifest.Files[0].Digest);
        Assert.Equal(catalog.Store.Blobs.PathOf(manifest.Files[0].Digest), listed.Path);
        Assert.Equal(ModelFormat.Gguf, listed.Format);
        Assert.Equal(new FileInfo(TestPaths.Stories260K).Length, listed.SizeBytes);
        Assert.Equal(["completion", "embeddings"], listed.Capabilities);
        Assert.Empty(catalog.Warnings);
    }

    [Fact]
    public async Task A_model_imported_by_another_store_after_start_is_served_without_a_restart()
    {
        var catalog = _c.Create();
        Assert.Empty(catalog.List());
        Assert.Null(catalog.Find("late"));

        await _c.ImportAsync("late");
        await _c.ImportAsync("org/later:v2");

        Assert.Equal("late:latest", catalog.Find("late")?.Id);
        Assert.Equal("org/later:v2", catalog.Find("ORG/later:v2")?.Id);
        Assert.Equal(["late:latest", "org/later:v2"], catalog.List().Select(e => e.Id));

        var removed = await _c.OtherStore().RemoveAsync("late", CancellationToken.None);
        Assert.True(removed.Success, removed.Error);
        Assert.Null(catalog.Find("late"));
        Assert.Equal(["org/later:v2"], catalog.List().Select(e => e.Id));
    }

    [Fact]
    public async Task A_registry_model_whose_blob_vanished_is_not_served()
    {
        var manifest = await _c.ImportAsync("gone");
        var catalog = _c.Create();
        File.Delete(catalog.Store.Blobs.PathOf(manifest.Files[0].Digest));

        Assert.Null(catalog.Find("gone"));
        Assert.Empty(catalog.List());
    }

    [Fact]
    public async Task An_onnx_registry_model_is_served_from_its_main_file()
    {
        var imported = await _c.ImportAsync("digits", Path.Combine(TestPaths.SharedModels, "onnx", "mnist"));
        var catalog = _c.Create();

        var entry = catalog.Find("digits");

        Assert.NotNull(entry);
        Assert.Equal(ModelFormat.Onnx, entry.Format);
        Assert.Equal(catalog.Store.Blobs.PathOf(imported.MainFile!.Digest), entry.Path);
        Assert.Equal(imported.TotalSize, entry.SizeBytes);
        Assert.Equal(["classification"], entry.Capabilities);
    }

    [Fact]
    public async Task A_model_imported_by_reference_is_served_from_the_original_file()
    {
        var result = await _c.OtherStore().ImportAsync(new ImportRequest(TestPaths.Stories260K, "inplace", Reference: true), null, CancellationToken.None);
        Assert.True(result.Success, result.Error);

        Assert.Equal(TestPaths.Stories260K, _c.Create().Find("inplace")?.Path);
    }

    [Fact]
    public void Ollama_models_are_listed_with_their_defaults()
    {
        using var ollama = OllamaFixture.CreateStandard();
        var catalog = _c.Create(ollama.Root);

        var entries = catalog.List();

        Assert.NotNull(catalog.Ollama);
        Assert.Equal(["hf.co/org/repo:q4", "someone/x:v1", "tiny:latest"], entries.Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.All(entries, e => Assert.Equal("ollama", e.Source));
        Assert.All(entries, e => Assert.Equal(ollama.BlobPath(ollama.ModelDigest), e.Path));
        var tiny = catalog.Find("tiny");
        Assert.NotNull(tiny);
        Assert.Equal("tiny:latest", tiny.Id);
        Assert.NotNull(tiny.Manifest);
        Assert.Equal(0.2f, tiny.Settings.Temperature);
        Assert.Equal(1024, tiny.Settings.ContextSize);
        Assert.Equal(20, tiny.Settings.TopK);
        Assert.Equal("You are terse.", tiny.Settings.SystemPrompt);
        Assert.Equal("someone/x:v1", catalog.Find("Someone/X:v1")?.Id);
        Assert.Equal("hf.co/org/repo:q4", catalog.Find("hf.co/org/repo:q4")?.Id);
        Assert.Null(catalog.Find("missing"));
        Assert.Null(catalog.Find("someone/x"));
        Assert.Equal(["completion", "embeddings"], tiny.Capabilities);
    }

    [Fact]
    public void Ollama_none_turns_the_ollama_store_off()
    {
        var catalog = _c.Create("none");

        Assert.Null(catalog.Ollama);
        Assert.Empty(catalog.List());
    }

    [Fact]
    public async Task The_default_model_may_be_a_registry_name()
    {
        await _c.ImportAsync("tiny");

        var catalog = _c.Create(configure: o => o.DefaultModel = "TINY");

        Assert.Equal("tiny:latest", catalog.DefaultModelId);
        Assert.Empty(catalog.Warnings);
    }

    /// <summary>"org/model:tag" has a '/', but it names a registry model, not a file.</summary>
    [Fact]
    public async Task The_default_model_may_be_a_namespaced_registry_name()
    {
        await _c.ImportAsync("org/tiny:v1");

        var catalog = _c.Create(configure: o => o.DefaultModel = "org/tiny:v1");

        Assert.Empty(catalog.Warnings);
        Assert.Equal("org/tiny:v1", catalog.DefaultModelId);
    }
}
