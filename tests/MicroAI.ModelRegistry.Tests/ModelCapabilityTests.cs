namespace MicroAI.ModelRegistry.Tests;

/// <summary>Capabilities are a closed set whose names are the wire strings of manifests and the API.</summary>
public sealed class ModelCapabilityTests
{
    [Theory]
    [InlineData("completion")]
    [InlineData("chat")]
    [InlineData("embeddings")]
    [InlineData("classification")]
    [InlineData("rerank")]
    public void Each_wire_name_parses_to_the_capability_that_writes_it_back(string name)
    {
        Assert.True(ModelCapability.TryParse(name, out var capability));
        Assert.Equal(name, capability.Name);
        Assert.Contains(capability, ModelCapability.All);
    }

    [Theory]
    [InlineData("Completion")]
    [InlineData("embedding")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_not_a_capability(string? name)
    {
        Assert.False(ModelCapability.TryParse(name, out _));
    }

    [Fact]
    public void An_entry_without_metadata_is_assumed_to_generate_and_embed_only_when_it_is_a_gguf()
    {
        var gguf = new ModelEntry("g", "/m/g.gguf", ModelFormat.Gguf, 1, DateTimeOffset.UnixEpoch, "test", new ModelSettings());
        var onnx = gguf with { Format = ModelFormat.Onnx };

        Assert.True(gguf.Has(ModelCapability.Completion) && gguf.Has(ModelCapability.Embeddings));
        Assert.False(gguf.Has(ModelCapability.Classification));
        Assert.False(onnx.Has(ModelCapability.Completion));
    }
}
