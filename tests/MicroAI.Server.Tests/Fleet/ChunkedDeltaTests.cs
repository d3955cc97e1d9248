using MicroAI.ModelRegistry.Oci;
using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;
using Xunit.Abstractions;

namespace MicroAI.Server.Tests.Fleet;

/// <summary>
/// A model file of several chunks, in-process against a real registry: a second version that
/// differs in 64 KiB uploads and downloads only the chunks that changed; the rest of v2 is read
/// out of v1's file on the pulling box, and every file is rebuilt byte for byte.
/// </summary>
public sealed class ChunkedDeltaTests(ITestOutputHelper output)
{
    private const int Size = 10 << 20;

    [Fact]
    public async Task V2_SendsAndFetchesOnlyTheChangedChunks_AndConcurrentPullsAgree()
    {
        await using var registry = await DockerRegistry.StartAsync();
        using var data = new TempDataDirectory();
        var settings = new OciSettings { Logins = new DockerConfigFile(Path.Combine(data.Path, "logins.json")) };
        settings.Logins.Save(registry.Host, new RegistryCredential(DockerRegistry.User, DockerRegistry.Password));
        using var http = HttpBlobDownloader.CreateHttpClient();

        var v1 = new byte[Size];
        new Random(19).NextBytes(v1);
        var v2 = (byte[])v1.Clone();
        new Random(20).NextBytes(v2.AsSpan((5 << 20) + 100, 64 << 10));

        var source = new ModelStore(Path.Combine(data.Path, "source"));
        await SaveAsync(source, "syn:v1", v1, data.Path);
        await SaveAsync(source, "syn:v2", v2, data.Path);
        var push = new OciRegistry(source, http, settings);
        var pushed1 = await push.PushAsync("syn:v1", $"{registry.Host}/delta/syn:v1", null, CancellationToken.None);
        Assert.True(pushed1.Success, pushed1.Error);
        var pushed2 = await push.PushAsync("syn:v2", $"{registry.Host}/delta/syn:v2", null, CancellationToken.None);
        Assert.True(pushed2.Success, pushed2.Error);
        output.WriteLine($"push v1: {pushed1.Result!.BytesUploaded} bytes in {pushed1.Result.BlobsUploaded} blobs; v2: {pushed2.Result!.BytesUploaded} bytes, {pushed2.Result.BlobsSkipped} blobs already there");
        Assert.True(pushed1.Result.BytesUploaded >= Size);
        Assert.True(pushed2.Result.BytesUploaded < Size / 2, $"v2 uploaded {pushed2.Result.BytesUploaded} of {Size} bytes");
        Assert.True(pushed2.Result.BlobsSkipped >= 1);

        var target = new ModelStore(Path.Combine(data.Path, "target"));
        var pull = new OciRegistry(target, http, settings);
        var (first, firstBytes) = await PullAsync(pull, $"{registry.Host}/delta/syn:v1", "syn:v1");
        var (second, secondBytes) = await PullAsync(pull, $"{registry.Host}/delta/syn:v2", "syn:v2");
        output.WriteLine($"pull v1: {firstBytes} bytes; v2 over v1: {secondBytes} bytes");
        Assert.True(firstBytes >= Size);
        Assert.True(secondBytes < Size / 2, $"v2 downloaded {secondBytes} of {Size} bytes");
        Assert.Equal(v1, await File.ReadAllBytesAsync(target.PathOf(first.MainFile!)));
        Assert.Equal(v2, await File.ReadAllBytesAsync(target.PathOf(second.MainFile!)));
        // The chunk blobs a rebuild needed are gone once the files are in: one blob per file.
        Assert.Equal(2, target.Blobs.List().Count());

        var concurrent = new ModelStore(Path.Combine(data.Path, "concurrent"));
        var both = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            new OciRegistry(concurrent, http, settings).PullAsync(new PullRequest($"{registry.Host}/delta/syn:v2", "syn:v2"), null, CancellationToken.None)));
        Assert.All(both, r => Assert.True(r.Success, r.Error));
        Assert.Equal(v2, await File.ReadAllBytesAsync(concurrent.PathOf(concurrent.Find("syn:v2")!.MainFile!)));
    }

    private static async Task SaveAsync(ModelStore store, string name, byte[] bytes, string scratch)
    {
        var file = Path.Combine(scratch, Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(file, bytes);
        var blob = await store.Blobs.ImportFileAsync(file, null, null, CancellationToken.None);
        Assert.True(blob.Success, blob.Error);
        var n = ModelName.Parse(name);
        var saved = await store.SaveAsync(new ModelManifest
        {
            Name = n.Name,
            Tag = n.Tag,
            Format = "onnx",
            Files = [new ManifestFile { Name = "model.onnx", Role = ManifestFile.ModelRole, Digest = blob.Digest!, Size = blob.Size }],
            Source = new ManifestSource { Kind = "file" },
        }, CancellationToken.None);
        Assert.True(saved.Success, saved.Error);
    }

    private static async Task<(ModelManifest Manifest, long Downloaded)> PullAsync(OciRegistry registry, string reference, string name)
    {
        long downloaded = 0;
        var progress = new Recorder(p => downloaded = Math.Max(downloaded, p.Total ?? 0));
        var result = await registry.PullAsync(new PullRequest(reference, name), progress, CancellationToken.None);
        Assert.True(result.Success, result.Error);
        return (result.Manifest!, downloaded);
    }

    private sealed class Recorder(Action<PullProgress> report) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => report(value);
    }
}
