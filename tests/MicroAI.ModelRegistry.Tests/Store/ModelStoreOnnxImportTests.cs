using MicroAI.ModelRegistry.Store;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Store;

public sealed class ModelStoreOnnxImportTests : IDisposable
{
    private readonly TempModelsDirectory _dir = new();
    private readonly ModelStore _store;

    public ModelStoreOnnxImportTests() => _store = new ModelStore(Path.Combine(_dir.Path, "registry"));

    public void Dispose() => _dir.Dispose();

    private static string Onnx(string folder) => Path.Combine(TestPaths.SharedModels, "onnx", folder);

    [Fact]
    public async Task SqueezeNet_folder_imports_the_model_and_its_labels()
    {
        var result = await _store.ImportAsync(new ImportRequest(Onnx("squeezenet1.0-fp16-imagenet"), "squeezenet"), null, CancellationToken.None);

        Assert.True(result.Success, result.Error);
        var m = result.Manifest!;
        Assert.Equal("squeezenet:latest", m.ModelName.ToString());
        Assert.Equal("onnx", m.Format);
        Assert.Equal("folder", m.Source.Kind);
        Assert.Equal(["classification"], m.Capabilities);
        Assert.Equal("image-classification", m.Onnx!.Task);
        Assert.Equal(1000, m.Onnx.Labels!.Count);
        Assert.Equal("tench, Tinca tinca", m.Onnx.Labels[0]);
        Assert.NotEmpty(m.Onnx.Inputs);
        Assert.NotEmpty(m.Onnx.Outputs);
        Assert.Equal(
            [("SqueezeNet_fp16.onnx", "model"), ("Labels.json", "labels"), ("Labels.txt", "labels")],
            m.Files.Select(f => (f.Name, f.Role)));
        Assert.Equal("SqueezeNet_fp16.onnx", m.MainFile!.Name);
        AssertFilesStored(m, Onnx("squeezenet1.0-fp16-imagenet"));
    }

    [Fact]
    public async Task Magika_folder_imports_the_model_and_its_config_files()
    {
        var result = await _store.ImportAsync(new ImportRequest(Onnx("magika-standard_v3_3"), "magika"), null, CancellationToken.None);

        Assert.True(result.Success, result.Error);
        var m = result.Manifest!;
        Assert.Equal("onnx", m.Format);
        Assert.Equal("byte-classification", m.Onnx!.Task);
        Assert.Contains("python", m.Onnx.Labels!);
        Assert.Equal(["classification"], m.Capabilities);
        Assert.Equal(
            [("model.onnx", "model"), ("config.min.json", "config"), ("content_types_kb.min.json", "config")],
            m.Files.Select(f => (f.Name, f.Role)));
        Assert.DoesNotContain(m.Files, f => f.Name is "README.md" or "LICENSE");
        AssertFilesStored(m, Onnx("magika-standard_v3_3"));
    }

    [Fact]
    public async Task Mnist_folder_imports_the_model_and_its_labels()
    {
        var result = await _store.ImportAsync(new ImportRequest(Onnx("mnist"), "mnist:v1"), null, CancellationToken.None);

        Assert.True(result.Success, result.Error);
        var m = result.Manifest!;
        Assert.Equal("mnist:v1", m.ModelName.ToString());
        Assert.Equal("image-classification", m.Onnx!.Task);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], m.Onnx.Labels!);
        Assert.Equal([("mnist.onnx", "model"), ("labels.txt", "labels")], m.Files.Select(f => (f.Name, f.Role)));
        AssertFilesStored(m, Onnx("mnist"));

        var reloaded = _store.Find("MNIST:V1");
        Assert.NotNull(reloaded);
        Assert.Equal(ManifestJson.ToJson(m), ManifestJson.ToJson(reloaded));
    }

    [Fact]
    public async Task An_onnx_file_imported_on_its_own_picks_up_the_files_beside_it()
    {
        var result = await _store.ImportAsync(new ImportRequest(Path.Combine(Onnx("mnist"), "mnist.onnx")), null, CancellationToken.None);

        Assert.True(result.Success, result.Error);
        Assert.Equal("mnist:latest", result.Manifest!.ModelName.ToString());
        Assert.Equal("file", result.Manifest.Source.Kind);
        Assert.Equal("mnist.onnx", result.Manifest.MainFile!.Name);
        Assert.Equal("onnx", result.Manifest.Format);
    }

    [Fact]
    public async Task An_onnx_folder_by_reference_stores_no_blobs()
    {
        var result = await _store.ImportAsync(new ImportRequest(Onnx("mnist"), "mnist-ref", Reference: true), null, CancellationToken.None);

        Assert.True(result.Success, result.Error);
        Assert.All(result.Manifest!.Files, f => Assert.Equal(Path.Combine(Onnx("mnist"), f.Name), f.ExternalPath));
        Assert.Empty(_store.Blobs.List());
    }

    [Fact]
    public async Task A_folder_without_a_model_is_invalid_and_nothing_is_stored()
    {
        var folder = Path.Combine(_dir.Path, "empty-model");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "README.md"), "# nothing here");

        var result = await _store.ImportAsync(new ImportRequest(folder), null, CancellationToken.None);

        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        Assert.Empty(_store.List());
        Assert.Empty(_store.Blobs.List());
    }

    private void AssertFilesStored(ModelManifest m, string folder)
    {
        foreach (var f in m.Files)
        {
            Assert.Null(f.ExternalPath);
            Assert.True(_store.Blobs.Exists(f.Digest), f.Name);
            Assert.Equal(new FileInfo(Path.Combine(folder, f.Name)).Length, f.Size);
            Assert.Equal(f.Size, _store.Blobs.SizeOf(f.Digest));
        }
        Assert.Equal(m.Files.Count, _store.Blobs.List().Count());
    }
}
