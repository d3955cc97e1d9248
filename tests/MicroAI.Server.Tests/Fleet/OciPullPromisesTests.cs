using MicroAI.ModelRegistry.Oci;
using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.Server.Tests.Fleet;

/// <summary>What every pull promises, held by an OCI pull: resume of an interrupted blob, and a disk-space check before any download.</summary>
public sealed class OciPullPromisesTests
{
    private static async Task<(DockerRegistry Registry, OciSettings Settings, string Reference)> PublishAsync(TempDataDirectory data)
    {
        var registry = await DockerRegistry.StartAsync();
        var settings = new OciSettings { Logins = new DockerConfigFile(Path.Combine(data.Path, "logins.json")) };
        settings.Logins.Save(registry.Host, new RegistryCredential(DockerRegistry.User, DockerRegistry.Password));
        var source = new ModelStore(Path.Combine(data.Path, "source"));
        Assert.True((await source.ImportAsync(new ImportRequest(StoriesFile.Path), null, CancellationToken.None)).Success);
        using var http = HttpBlobDownloader.CreateHttpClient();
        var reference = $"{registry.Host}/promises/stories:v1";
        var pushed = await new OciRegistry(source, http, settings).PushAsync("stories260k", reference, null, CancellationToken.None);
        Assert.True(pushed.Success, pushed.Error);
        return (registry, settings, reference);
    }

    [Fact]
    public async Task AnInterruptedBlob_IsResumedFromItsPartialBytes()
    {
        using var data = new TempDataDirectory();
        var (registry, settings, reference) = await PublishAsync(data);
        await using var _ = registry;
        var target = new ModelStore(Path.Combine(data.Path, "target"));
        using var http = HttpBlobDownloader.CreateHttpClient();

        // The first half arrived before the connection broke; then the registry's copy of that half
        // goes bad. Only a pull that resumes (Range from the partial's end) gets a verified file.
        var layer = (await ManifestLayersAsync(registry, "promises/stories"))[0];
        var half = (int)(layer.Size / 2);
        var partial = target.Blobs.PartialPath(new Uri($"http://{registry.Host}/v2/promises/stories/blobs/{layer.Digest}").AbsoluteUri);
        var original = await File.ReadAllBytesAsync(registry.BlobFile(layer.Digest));
        await File.WriteAllBytesAsync(partial, original[..half]);
        var spoiled = (byte[])original.Clone();
        Array.Clear(spoiled, 0, half);
        await File.WriteAllBytesAsync(registry.BlobFile(layer.Digest), spoiled);

        var pulled = await new OciRegistry(target, http, settings).PullAsync(new PullRequest(reference), null, CancellationToken.None);
        Assert.True(pulled.Success, pulled.Error);
        Assert.Equal(StoriesFile.Bytes.Value, await File.ReadAllBytesAsync(target.PathOf(pulled.Manifest!.MainFile!)));
        Assert.False(File.Exists(partial));
    }

    [Fact]
    public async Task NotEnoughDisk_IsRefusedBeforeAnyDownload()
    {
        using var data = new TempDataDirectory();
        var (registry, settings, reference) = await PublishAsync(data);
        await using var _ = registry;
        var target = new ModelStore(Path.Combine(data.Path, "target"));
        using var http = HttpBlobDownloader.CreateHttpClient();

        var pulled = await new OciRegistry(target, http, settings, freeBytes: _ => 1 << 20).PullAsync(new PullRequest(reference), null, CancellationToken.None);
        Assert.False(pulled.Success);
        Assert.Equal(StoreErrorKind.Invalid, pulled.Kind);
        Assert.Contains("Not enough disk space", pulled.Error, StringComparison.Ordinal);
        Assert.Empty(target.List());
        Assert.Empty(target.Blobs.List());
        Assert.False(Directory.Exists(target.Blobs.PartialDirectory) && Directory.EnumerateFiles(target.Blobs.PartialDirectory).Any());
    }

    private static async Task<List<(string Digest, long Size)>> ManifestLayersAsync(DockerRegistry registry, string repository)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/v1");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var response = await registry.Http.SendAsync(request);
        return System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["layers"]!.AsArray()
            .Select(l => ((string)l!["digest"]!, (long)l["size"]!)).ToList();
    }
}
