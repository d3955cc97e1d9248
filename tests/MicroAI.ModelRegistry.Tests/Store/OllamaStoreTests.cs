using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Tests.Store;

public sealed class OllamaStoreTests : IDisposable
{
    private readonly OllamaFixture _fixture = OllamaFixture.CreateStandard();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Lists_the_readable_models_under_ollama_names()
    {
        var problems = new List<string>();

        var names = new OllamaStore(_fixture.Root).List(problems).Select(m => m.ModelName.ToString()).Order(StringComparer.Ordinal);

        Assert.Equal(["hf.co/org/repo:q4", "someone/x:v1", "tiny:latest"], names);
    }

    [Fact]
    public void Maps_params_and_system_layers_to_defaults()
    {
        var tiny = Single("tiny:latest");

        Assert.Equal(0.2f, tiny.Defaults.Temperature);
        Assert.Equal(1024, tiny.Defaults.ContextSize);
        Assert.Equal(20, tiny.Defaults.TopK);
        Assert.Equal("You are terse.", tiny.Defaults.SystemPrompt);
        Assert.Null(tiny.Defaults.TopP);
        Assert.Null(tiny.Defaults.MinP);
        Assert.Null(tiny.Defaults.RepeatPenalty);
        Assert.Null(tiny.Defaults.GpuLayers);
        Assert.Equal(new ModelDefaults(), Single("someone/x:v1").Defaults);
    }

    [Fact]
    public void The_model_file_is_the_blob_read_in_place()
    {
        var tiny = Single("tiny:latest");

        Assert.Equal("gguf", tiny.Format);
        Assert.Equal("ollama", tiny.Source.Kind);
        Assert.Equal(_fixture.ManifestPath("registry.ollama.ai/library/tiny/latest"), tiny.Source.Uri);
        var file = Assert.Single(tiny.Files);
        Assert.Equal(ManifestFile.ModelRole, file.Role);
        Assert.Equal(_fixture.ModelDigest, file.Digest);
        Assert.Equal(_fixture.BlobPath(_fixture.ModelDigest), file.ExternalPath);
        Assert.Equal(new FileInfo(file.ExternalPath!).Length, file.Size);
        Assert.Same(file, tiny.MainFile);
    }

    [Fact]
    public void Missing_blobs_garbage_and_invalid_names_are_reported_and_skipped()
    {
        var problems = new List<string>();

        var listed = new OllamaStore(_fixture.Root).List(problems);

        Assert.Equal(3, listed.Count);
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("missing:latest", StringComparison.Ordinal) && p.Contains("model layer is missing", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains(_fixture.ManifestPath("registry.ollama.ai/library/garbage/latest"), StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("-hostile name", StringComparison.Ordinal));
        Assert.DoesNotContain(listed, m => m.Name.Contains("hostile", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"layers\": {}}")]
    [InlineData("{\"layers\": [1, \"x\", null]}")]
    [InlineData("{\"layers\": [{\"mediaType\": 5, \"digest\": 7}]}")]
    [InlineData("{}")]
    [InlineData("")]
    public void Odd_manifests_are_reported_never_thrown(string text)
    {
        _fixture.WriteManifest("registry.ollama.ai/library/odd/latest", text);
        var problems = new List<string>();

        var listed = new OllamaStore(_fixture.Root).List(problems);

        Assert.Equal(3, listed.Count);
        Assert.Contains(problems, p => p.Contains("odd", StringComparison.Ordinal));
    }

    [Fact]
    public void A_layer_digest_that_climbs_out_is_ignored()
    {
        var outside = Path.Combine(_fixture.Root, "outside.gguf");
        File.WriteAllBytes(outside, [1]);
        _fixture.WriteManifest("registry.ollama.ai/library/climb/latest",
            "{\"layers\":[{\"mediaType\":\"application/vnd.ollama.image.model\",\"digest\":\"sha256:../../outside.gguf\"}]}");
        var problems = new List<string>();

        var listed = new OllamaStore(_fixture.Root).List(problems);

        Assert.DoesNotContain(listed, m => m.Name == "climb");
        Assert.Contains(problems, p => p.Contains("climb", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_or_empty_directory_lists_nothing()
    {
        Assert.Empty(new OllamaStore(Path.Combine(_fixture.Root, "does-not-exist")).List());
        using var empty = new TempModelsDirectory();
        Assert.Empty(new OllamaStore(empty.Path).List());
    }

    private ModelManifest Single(string id) =>
        Assert.Single(new OllamaStore(_fixture.Root).List(), m => m.ModelName.ToString() == id);
}
