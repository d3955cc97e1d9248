using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using MicroAI.ModelRegistry.Oci;
using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Tests.Oci;

/// <summary>
/// Artifacts a pull must refuse with a message that says why, storing nothing: indexes, other
/// kinds of image, MicroAI configs that do not match their manifest, multi-file models. Served by
/// an in-test registry (an HttpMessageHandler over a dictionary; nothing leaves the process).
/// </summary>
public sealed class UnusableArtifactTests : IDisposable
{
    private readonly TempModelsDirectory _dir = new();
    private readonly Dictionary<string, (string MediaType, byte[] Bytes)> _content = new(StringComparer.Ordinal);

    public void Dispose() => _dir.Dispose();

    /// <summary>Serves <paramref name="text"/> as a blob; returns its descriptor.</summary>
    private string Blob(string mediaType, string text) => Blob(mediaType, text, out _);

    private string Blob(string mediaType, string text, out string digest)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        _content["/v2/m/blobs/" + digest] = ("application/octet-stream", bytes);
        return $$"""{"mediaType":"{{mediaType}}","digest":"{{digest}}","size":{{bytes.Length}}}""";
    }

    private async Task<StoreResult> PullAsync(string manifestMediaType, string manifest)
    {
        _content["/v2/m/manifests/v1"] = (manifestMediaType, Encoding.UTF8.GetBytes(manifest));
        var store = new ModelStore(Path.Combine(_dir.Path, "store"));
        var settings = new OciSettings { Logins = new DockerConfigFile(Path.Combine(_dir.Path, "none.json")) };
        var result = await new OciRegistry(store, new HttpClient(new Handler(_content)), settings).PullAsync(new PullRequest("reg.test/m:v1"), null, CancellationToken.None);
        Assert.False(result.Success);
        Assert.Empty(store.List());
        Assert.Empty(store.Blobs.List());
        return result;
    }

    [Fact]
    public async Task AnIndex_AsksForOneOfItsManifests()
    {
        var r = await PullAsync(OciMediaTypes.ImageIndex, """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""");
        Assert.Equal(StoreErrorKind.Invalid, r.Kind);
        Assert.Contains("is an index", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AContainerImage_IsNotAModel_AndTheMediaTypesAreNamed()
    {
        var r = await PullAsync(OciMediaTypes.ImageManifest, $$"""
            {"schemaVersion":2,"config":{{Blob("application/vnd.oci.image.config.v1+json", "{}")}},
             "layers":[{{Blob("application/vnd.oci.image.layer.v1.tar+gzip", "tar")}}]}
            """);
        Assert.Equal(StoreErrorKind.Invalid, r.Kind);
        Assert.Contains("application/vnd.oci.image.layer.v1.tar+gzip", r.Error, StringComparison.Ordinal);
        Assert.Contains("Ollama", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMicroAIConfig_WhoseChunkIsNotALayer_IsRefused()
    {
        Blob(OciMediaTypes.ModelChunk, "chunk bytes", out var chunkDigest);
        var config = Blob(OciMediaTypes.ModelConfig, $$"""{"format":"gguf","files":[{"name":"m.gguf","role":"model","digest":"{{chunkDigest}}","size":11,"chunks":[{"digest":"{{chunkDigest}}","length":11}]}]}""");
        var r = await PullAsync(OciMediaTypes.ImageManifest, $$"""
            {"schemaVersion":2,"artifactType":"application/vnd.microai.model.v1",
             "config":{{config}},
             "layers":[{{Blob(OciMediaTypes.ModelChunk, "other bytes")}}]}
            """);
        Assert.Equal(StoreErrorKind.Invalid, r.Kind);
        Assert.Contains("is not a layer of the manifest", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOllamaModelWithTwoModelLayers_IsRefused()
    {
        var r = await PullAsync(OciMediaTypes.DockerManifest, $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
             "layers":[{{Blob("application/vnd.ollama.image.model", "a")}},{{Blob("application/vnd.ollama.image.model", "b")}}]}
            """);
        Assert.Equal(StoreErrorKind.Invalid, r.Kind);
        Assert.Contains("single-file models", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AModelLayerThatIsNotGguf_IsRefusedAfterItsDownload_AndNotKept()
    {
        var r = await PullAsync(OciMediaTypes.DockerManifest, $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
             "layers":[{{Blob("application/vnd.ollama.image.model", "not a gguf file at all")}}]}
            """);
        Assert.Equal(StoreErrorKind.Invalid, r.Kind);
        Assert.Contains("not usable", r.Error, StringComparison.Ordinal);
    }

    private sealed class Handler(Dictionary<string, (string MediaType, byte[] Bytes)> content) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!content.TryGetValue(request.RequestUri!.AbsolutePath, out var found))
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"errors":[{"code":"NAME_UNKNOWN","message":"unknown"}]}""") });
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(request.Method == HttpMethod.Head ? [] : found.Bytes) };
            response.Content.Headers.ContentType = new MediaTypeHeaderValue(found.MediaType);
            return Task.FromResult(response);
        }
    }
}
