using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Store;
using MicroAI.Runtime.Models;
using MicroAI.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace MicroAI.Server.Tests.Fleet;

/// <summary>
/// A registry model whose blob is altered on disk after it was stored is refused with an error naming
/// the file and both digests, also when it was already loaded, and served again once restored; an
/// unchanged blob is hashed once, not on every request and not after a restart.
/// </summary>
public sealed class IntegrityAtLoadTests : IAsyncLifetime
{
    private readonly TempDataDirectory _data = new();
    private RegistryTestServer _server = null!;

    public async Task InitializeAsync() => _server = await RegistryTestServer.StartAsync(_data.Path);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    private ModelCatalog Catalog => (ModelCatalog)_server.Services.GetRequiredService<IModelCatalog>();

    [Fact]
    public async Task An_altered_blob_is_refused_and_served_again_once_restored()
    {
        var manifest = await ImportAsync();
        var blob = Catalog.Store.Blobs.PathOf(manifest.Files[0].Digest);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)(await _server.GreedyCompletionAsync("story"))["choices"]![0]!["text"]);

        // One byte of tensor data: the GGUF still parses and llama.cpp would load it (it maps the file, so
        // even the resident model would now compute with the altered weight).
        var original = File.ReadAllBytes(blob);
        var altered = (byte[])original.Clone();
        altered[^1000] ^= 0x40;
        File.WriteAllBytes(blob, altered);

        var (response, _, text) = await _server.Http.PostJsonAsync("v1/completions", Greedy("story"));

        var error = ErrorResponseTests.AssertError(response, text, HttpStatusCode.InternalServerError, null, "invalid_model_file");
        var message = (string)error["message"]!;
        Assert.Contains(blob, message);
        Assert.Contains(manifest.Files[0].Digest, message);
        Assert.Contains(Digest.FromHash(SHA256.HashData(altered)), message);
        Assert.DoesNotContain(_server.Services.GetRequiredService<IModelHost>().Loaded, m => m.Entry.Id == "story:latest");

        File.WriteAllBytes(blob, original);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)(await _server.GreedyCompletionAsync("story"))["choices"]![0]!["text"]);
    }

    [Fact]
    public async Task An_unchanged_blob_is_hashed_once_not_per_request_nor_after_a_restart()
    {
        await ImportAsync();

        for (var i = 0; i < 3; i++)
            await _server.GreedyCompletionAsync("story");
        Assert.Equal(1, Catalog.Integrity.FilesHashed);

        await _server.DisposeAsync();
        _server = await RegistryTestServer.StartAsync(_data.Path);
        await _server.GreedyCompletionAsync("story");
        Assert.Equal(0, Catalog.Integrity.FilesHashed);
    }

    private async Task<ModelManifest> ImportAsync()
    {
        var result = await Catalog.Store.ImportAsync(new ImportRequest(TestPaths.Stories260K, "story"), null, default);
        Assert.True(result.Success, result.Error);
        return result.Manifest!;
    }

    private static JsonObject Greedy(string model) => new() { ["model"] = model, ["prompt"] = "Once upon a time", ["temperature"] = 0, ["max_tokens"] = 40 };
}
