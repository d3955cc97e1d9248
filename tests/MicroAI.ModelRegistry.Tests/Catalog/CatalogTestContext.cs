using MicroAI.ModelRegistry.Store;
using MicroAI.Tests.Shared;
using Microsoft.Extensions.Options;

namespace MicroAI.ModelRegistry.Tests.Catalog;

/// <summary>A data directory per test (registry, models folder) and a way to build catalogs over it.</summary>
internal sealed class CatalogTestContext : IDisposable
{
    private readonly TempModelsDirectory _data = new();

    public string DataDirectory => _data.Path;

    public string RegistryDirectory => Path.Combine(_data.Path, "registry");

    public string ModelsDirectory => Path.Combine(_data.Path, "models");

    /// <summary>A store of its own on the registry folder, as the CLI in another process would use.</summary>
    public ModelStore OtherStore() => new(RegistryDirectory);

    public ModelCatalog Create(string ollama = "none", Action<ModelRegistryOptions>? configure = null)
    {
        var options = new ModelRegistryOptions { DataDirectory = DataDirectory, OllamaModelsDirectory = ollama };
        configure?.Invoke(options);
        return new ModelCatalog(Options.Create(options));
    }

    public async Task<ModelManifest> ImportAsync(string name, string? path = null)
    {
        var result = await OtherStore().ImportAsync(new ImportRequest(path ?? TestPaths.Stories260K, name), null, CancellationToken.None);
        Assert.True(result.Success, result.Error);
        return result.Manifest!;
    }

    /// <summary>Copies a real GGUF into the models directory under <paramref name="fileName"/>.</summary>
    public string AddToModelsDirectory(string fileName)
    {
        Directory.CreateDirectory(ModelsDirectory);
        var path = Path.Combine(ModelsDirectory, fileName);
        File.Copy(TestPaths.TinyRandomLlama, path);
        return path;
    }

    public void Dispose() => _data.Dispose();
}
