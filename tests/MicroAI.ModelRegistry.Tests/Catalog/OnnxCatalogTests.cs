using MicroAI.ModelRegistry.Store;
using MicroAI.Tests.Shared;
using Microsoft.Extensions.Options;

namespace MicroAI.ModelRegistry.Tests.Catalog;

/// <summary>ONNX models are configured as folders or files and keep their companion files reachable.</summary>
public sealed class OnnxCatalogTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("microai-onnx-catalog-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ModelCatalog Create(ModelRegistryOptions options)
    {
        options.RegistryDirectory ??= Path.Combine(_root, "registry");
        options.ModelsDirectory ??= Path.Combine(_root, "models");
        options.OllamaModelsDirectory ??= "none"; // the default is the user's own Ollama store
        return new ModelCatalog(Options.Create(options));
    }

    [Fact]
    public void A_configured_folder_is_served_through_its_model_file()
    {
        var catalog = Create(new ModelRegistryOptions { Models = { ["magika"] = new ModelSettings { Path = TestPaths.MagikaFolder } } });

        var entry = catalog.Find("magika");

        Assert.NotNull(entry);
        Assert.Empty(catalog.Warnings);
        Assert.Equal(ModelFormat.Onnx, entry.Format);
        Assert.Equal(Path.Combine(TestPaths.MagikaFolder, "model.onnx"), entry.Path);
        Assert.Equal(["classification"], entry.Capabilities);
    }

    [Fact]
    public void A_default_model_folder_is_named_after_the_folder_and_a_model_onnx_file_after_its_folder()
    {
        var byFolder = Create(new ModelRegistryOptions { DefaultModel = TestPaths.MnistFolder });
        Assert.Equal("mnist", byFolder.DefaultModelId);

        var copy = Path.Combine(_root, "squeeze");
        Directory.CreateDirectory(copy);
        File.Copy(Path.Combine(TestPaths.MnistFolder, "mnist.onnx"), Path.Combine(copy, "model.onnx"));
        var byFile = Create(new ModelRegistryOptions { DefaultModel = Path.Combine(copy, "model.onnx") });
        Assert.Equal("squeeze", byFile.DefaultModelId);
    }

    [Fact]
    public void A_folder_without_a_model_is_a_warning()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;

        var catalog = Create(new ModelRegistryOptions { Models = { ["e"] = new ModelSettings { Path = empty } } });

        Assert.Null(catalog.Find("e"));
        Assert.Contains(catalog.Warnings, w => w.Contains("no .onnx model", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_imported_folder_lists_every_file_by_its_name_in_the_folder()
    {
        var catalog = Create(new ModelRegistryOptions());
        var imported = await catalog.Store.ImportAsync(new ImportRequest(TestPaths.MagikaFolder, "magika"), null, CancellationToken.None);
        Assert.True(imported.Success, imported.Error);

        var entry = catalog.Find("magika")!;

        Assert.Equal(entry.Path, entry.Files["model.onnx"]);
        Assert.True(File.Exists(entry.Files["config.min.json"]));
        Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.MagikaFolder, "config.min.json")), File.ReadAllText(entry.Files["config.min.json"]));
    }

    [Fact]
    public void Onnx_folders_in_the_models_directory_are_served_under_their_folder_names()
    {
        var models = Path.Combine(_root, "models");
        var magika = Directory.CreateDirectory(Path.Combine(models, "magika")).FullName;
        foreach (var f in Directory.GetFiles(TestPaths.MagikaFolder))
            File.Copy(f, Path.Combine(magika, Path.GetFileName(f)));
        var hf = Directory.CreateDirectory(Path.Combine(models, "org", "mnist-export", "onnx")).FullName;
        File.Copy(Path.Combine(TestPaths.MnistFolder, "mnist.onnx"), Path.Combine(hf, "model.onnx"));
        File.Copy(Path.Combine(TestPaths.MnistFolder, "mnist.onnx"), Path.Combine(hf, "model_quantized.onnx"));

        var catalog = Create(new ModelRegistryOptions { ModelsDirectory = models });

        Assert.Equal(["classification"], catalog.Find("magika")!.Capabilities);
        Assert.NotNull(catalog.Find("mnist-export"));
        Assert.NotNull(catalog.Find("mnist-export-model_quantized"));
        Assert.All(catalog.List(), e => Assert.Equal(ModelFormat.Onnx, e.Format));
    }
}
