using MicroAI.ModelRegistry.Oci;

namespace MicroAI.ModelRegistry.Tests.Oci;

public sealed class OciReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("registry.local:5000/models/llama:1.0", "registry.local:5000", "models/llama", "1.0", null)]
    [InlineData("oci://registry.local:5000/models/llama:1.0", "registry.local:5000", "models/llama", "1.0", null)]
    [InlineData("OCI://ghcr.io/org/team/model", "ghcr.io", "org/team/model", "latest", null)]
    [InlineData("localhost:5000/m", "localhost:5000", "m", "latest", null)]
    [InlineData("127.0.0.1:5000/a/b:v_2-rc.1", "127.0.0.1:5000", "a/b", "v_2-rc.1", null)]
    [InlineData("reg.example/a__b.c-d/e:x", "reg.example", "a__b.c-d/e", "x", null)]
    [InlineData("[::1]:5000/m:t", "[::1]:5000", "m", "t", null)]
    [InlineData("registry.local/m@sha256:" + Hex, "registry.local", "m", "latest", "sha256:" + Hex)]
    [InlineData("registry.local/m:v1@sha256:" + Hex, "registry.local", "m", "v1", "sha256:" + Hex)]
    public void Parses(string text, string registry, string repository, string tag, string? digest)
    {
        Assert.True(OciReference.TryParse(text, out var r, out var error), error);
        Assert.Equal(registry, r.Registry);
        Assert.Equal(repository, r.Repository);
        Assert.Equal(tag, r.Tag);
        Assert.Equal(digest, r.Digest);
        Assert.Equal(digest ?? tag, r.Reference);
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("llama", "names no registry")]
    [InlineData("oci://llama:3", "names no registry")]
    [InlineData("registry.local:99999/m", "port")]
    [InlineData("registry.local:http/m", "port")]
    [InlineData("registry.local/Models/x", "repository 'Models/x'")]
    [InlineData("registry.local/a//b", "repository")]
    [InlineData("registry.local/a..b", "repository")]
    [InlineData("registry.local/-a", "repository")]
    [InlineData("registry.local/a:-tag", "tag '-tag'")]
    [InlineData("registry.local/a:t/g", "repository")]
    [InlineData("registry.local/a@sha256:abc", "not a digest")]
    [InlineData("registry.local/a@md5:" + Hex, "not a digest")]
    [InlineData("bad host!/a", "host")]
    public void RejectsWithAClearMessage(string text, string expected)
    {
        Assert.False(OciReference.TryParse(text, out var r, out var error));
        Assert.Null(r);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("oci://anything/x", true)]
    [InlineData("registry.local:5000/models/llama:1.0", true)]
    [InlineData("localhost/m", true)]
    [InlineData("ghcr.io/org/model", true)]
    [InlineData("https://example.com/model.gguf", false)]
    [InlineData("hf://owner/repo/file.gguf", false)]
    [InlineData("library/llama", false)]
    [InlineData("llama3", false)]
    [InlineData("", false)]
    public void TellsAnOciReferenceFromAUrlOrAName(string text, bool expected) =>
        Assert.Equal(expected, OciReference.IsOciReference(text));

    [Fact]
    public void ToString_RoundTrips()
    {
        foreach (var text in new[] { "registry.local:5000/models/llama:1.0", "registry.local/m@sha256:" + Hex })
            Assert.Equal(text, OciReference.Parse(text).ToString());
    }
}
