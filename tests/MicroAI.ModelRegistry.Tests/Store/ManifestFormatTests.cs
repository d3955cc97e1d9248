using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Tests.Store;

/// <summary>A manifest of a format MicroAI does not know is refused where it is read, never served as GGUF.</summary>
public sealed class ManifestFormatTests : IDisposable
{
    private readonly TempModelsDirectory _dir = new();
    private readonly ManifestStore _manifests;

    public ManifestFormatTests() => _manifests = new ManifestStore(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void An_unknown_format_is_an_error_naming_it_and_the_known_ones()
    {
        _manifests.Save(TestManifests.Full() with { Format = "safetensors" });

        var loaded = _manifests.Load(ModelName.Parse("library/full:v1"), out var error);
        var problems = new List<string>();
        var listed = _manifests.List(problems);

        Assert.Null(loaded);
        Assert.Contains("'safetensors'", error, StringComparison.Ordinal);
        Assert.Contains("gguf, onnx", error, StringComparison.Ordinal);
        Assert.Empty(listed);
        Assert.Equal(error, Assert.Single(problems));
    }

    [Theory]
    [InlineData("gguf", ModelFormat.Gguf)]
    [InlineData("onnx", ModelFormat.Onnx)]
    public void The_known_formats_round_trip_through_their_names(string name, ModelFormat format)
    {
        Assert.True(ModelFormats.TryParse(name, out var parsed));
        Assert.Equal(format, parsed);
        Assert.Equal(name, format.Name());
    }

    [Theory]
    [InlineData("model.GGUF", true)]
    [InlineData("model.onnx", true)]
    [InlineData("model.bin", false)]
    [InlineData("model", false)]
    public void A_files_format_comes_from_its_extension_only_when_it_names_one(string path, bool known)
    {
        Assert.Equal(known, ModelFormats.TryFromExtension(path, out _));
    }
}
