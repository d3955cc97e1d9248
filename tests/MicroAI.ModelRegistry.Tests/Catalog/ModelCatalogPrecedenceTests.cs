using MicroAI.ModelRegistry.Tests.Store;

namespace MicroAI.ModelRegistry.Tests.Catalog;

/// <summary>One id, several sources: configuration, then the registry, then the models directory, then Ollama.</summary>
public sealed class ModelCatalogPrecedenceTests : IDisposable
{
    private readonly CatalogTestContext _c = new();
    private readonly OllamaFixture _ollama = OllamaFixture.CreateStandard(); // has tiny:latest

    public void Dispose()
    {
        _c.Dispose();
        _ollama.Dispose();
    }

    [Fact]
    public async Task Configuration_wins_over_the_registry()
    {
        await _c.ImportAsync("tiny");
        var configuredFile = _c.AddToModelsDirectory("configured.gguf");

        var catalog = _c.Create(_ollama.Root, o => o.Models["tiny:latest"] = new ModelSettings { Path = configuredFile });

        var found = catalog.Find("tiny:latest");
        Assert.NotNull(found);
        Assert.Equal("configuration", found.Source);
        Assert.Equal(configuredFile, found.Path);
        var listed = Assert.Single(catalog.List(), e => e.Id.Equals("tiny:latest", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("configuration", listed.Source);
    }

    [Fact]
    public async Task A_configured_name_wins_over_the_registry_name_it_abbreviates()
    {
        await _c.ImportAsync("tiny");
        var configuredFile = _c.AddToModelsDirectory("configured.gguf");

        var catalog = _c.Create(configure: o => o.Models["tiny"] = new ModelSettings { Path = configuredFile });

        Assert.Equal("configuration", catalog.Find("tiny")?.Source);
        Assert.Equal("registry", catalog.Find("tiny:latest")?.Source);
    }

    [Fact]
    public async Task The_registry_wins_over_the_models_directory()
    {
        var manifest = await _c.ImportAsync("tiny");
        _c.AddToModelsDirectory("tiny.gguf");

        var catalog = _c.Create();

        var found = catalog.Find("tiny");
        Assert.NotNull(found);
        Assert.Equal("registry", found.Source);
        Assert.Equal(catalog.Store.Blobs.PathOf(manifest.Files[0].Digest), found.Path);
    }

    [Fact]
    public async Task The_registry_wins_over_ollama()
    {
        var manifest = await _c.ImportAsync("tiny");

        var catalog = _c.Create(_ollama.Root);

        Assert.Equal("registry", catalog.Find("tiny")?.Source);
        Assert.Equal("registry", catalog.Find("tiny:latest")?.Source);
        var listed = Assert.Single(catalog.List(), e => e.Id == "tiny:latest");
        Assert.Equal("registry", listed.Source);
        Assert.Equal(catalog.Store.Blobs.PathOf(manifest.Files[0].Digest), listed.Path);
        Assert.Contains(catalog.List(), e => e.Id == "someone/x:v1" && e.Source == "ollama");
    }

    [Fact]
    public void The_models_directory_wins_over_ollama()
    {
        var file = _c.AddToModelsDirectory("tiny.gguf");

        var catalog = _c.Create(_ollama.Root);

        var found = catalog.Find("tiny");
        Assert.NotNull(found);
        Assert.Equal("models-directory", found.Source);
        Assert.Equal(file, found.Path);
        Assert.Equal("ollama", catalog.Find("tiny:latest")?.Source);
    }

    [Fact]
    public async Task List_puts_configured_models_first_then_registry_models_directory_and_ollama()
    {
        await _c.ImportAsync("reg");
        _c.AddToModelsDirectory("loose.gguf");
        var configuredFile = _c.AddToModelsDirectory("cfg-file.gguf");

        var catalog = _c.Create(_ollama.Root, o => o.Models["cfg"] = new ModelSettings { Path = configuredFile });

        var sources = catalog.List().Select(e => e.Source).ToList();
        Assert.Equal("configuration", sources[0]);
        Assert.Equal("registry", sources[1]);
        Assert.Equal(["configuration", "registry", "models-directory", "models-directory", "ollama", "ollama", "ollama"], sources);
        Assert.Equal(catalog.List().Count, catalog.List().Select(e => e.Id.ToLowerInvariant()).Distinct().Count());
    }
}
