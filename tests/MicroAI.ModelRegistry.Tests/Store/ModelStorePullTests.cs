using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;
using MicroAI.ModelRegistry.Tests.Sources;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Store;

/// <summary>PullAsync end to end against Kestrel on 127.0.0.1 serving stories260K.gguf.</summary>
public sealed class ModelStorePullTests : IAsyncLifetime
{
    private const string WrongDigest = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    private static readonly HuggingFaceOptions NoHuggingFace = new();

    private readonly TempModelsDirectory _dir = new();
    private readonly HttpClient _http = HttpBlobDownloader.CreateHttpClient();
    private LocalFileServer _server = null!;
    private ModelStore _store = null!;
    private byte[] _stories = [];

    public async Task InitializeAsync()
    {
        _server = await LocalFileServer.StartAsync(size: 16);
        _stories = await File.ReadAllBytesAsync(TestPaths.Stories260K);
        _server.SetPayload(_stories, "\"stories-v1\"");
        _store = new ModelStore(Path.Combine(_dir.Path, "registry"));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private string Url(string path = "/m/stories260K.gguf") => _server.Url(path).AbsoluteUri;

    private Task<StoreResult> PullAsync(string source, string? name = null, string? digest = null, IReadOnlyList<string>? capabilities = null) =>
        _store.PullAsync(new PullRequest(source, name, digest, capabilities), _http, null, CancellationToken.None, NoHuggingFace, _ => long.MaxValue);

    [Fact]
    public async Task Pull_downloads_verifies_and_saves_a_manifest()
    {
        var progress = new List<PullProgress>();

        var result = await _store.PullAsync(new PullRequest(Url()), _http, new SyncPullProgress(progress), CancellationToken.None, NoHuggingFace, _ => long.MaxValue);

        Assert.True(result.Success, result.Error);
        var m = result.Manifest!;
        Assert.Equal("stories260k:latest", m.ModelName.ToString());
        Assert.Equal("http", m.Source.Kind);
        Assert.Equal(Url(), m.Source.Uri);
        Assert.Equal("llama", m.Architecture);
        Assert.Equal(292_800, m.ParameterCount);
        Assert.Equal(["completion", "embeddings"], m.Capabilities);
        var file = Assert.Single(m.Files);
        Assert.Equal("stories260K.gguf", file.Name);
        Assert.Equal(ManifestFile.ModelRole, file.Role);
        Assert.Equal(_server.PayloadDigest, file.Digest);
        Assert.Equal(_stories.Length, file.Size);
        Assert.Equal(_stories, await File.ReadAllBytesAsync(_store.Blobs.PathOf(file.Digest)));
        Assert.NotNull(_store.Find("stories260k"));
        Assert.Empty(FilesUnder(_store.Blobs.PartialDirectory));
        Assert.Contains(progress, p => p.Status == PullProgress.Done && p.Completed == _stories.Length);
    }

    [Fact]
    public async Task Pull_with_the_right_digest_and_a_name_and_capabilities()
    {
        var result = await PullAsync(Url(), "org/tiny:q8", _server.PayloadDigest.ToUpperInvariant().Replace("SHA256:", "", StringComparison.Ordinal), ["chat"]);

        Assert.True(result.Success, result.Error);
        Assert.Equal("org/tiny:q8", result.Manifest!.ModelName.ToString());
        Assert.Equal(["chat"], result.Manifest.Capabilities);
        Assert.True(result.Manifest.CapabilitiesOverridden);
    }

    [Fact]
    public async Task A_wrong_digest_is_invalid_and_leaves_nothing_behind()
    {
        var result = await PullAsync(Url(), digest: WrongDigest);

        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        Assert.Contains("mismatch", result.Error, StringComparison.OrdinalIgnoreCase);
        AssertNothingStored();
    }

    [Fact]
    public async Task A_malformed_digest_is_invalid_before_any_request()
    {
        var result = await PullAsync(Url(), digest: "sha256:nothex");

        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        Assert.Empty(_server.Requests);
        AssertNothingStored();
    }

    [Fact]
    public async Task A_404_is_not_found_and_leaves_nothing_behind()
    {
        _server.AlwaysStatus = 404;

        var result = await PullAsync(Url());

        Assert.Equal(StoreErrorKind.NotFound, result.Kind);
        Assert.Contains("404", result.Error);
        AssertNothingStored();
    }

    [Fact]
    public async Task Bytes_that_are_not_gguf_are_invalid_and_their_blob_is_deleted()
    {
        _server.SetPayload(LocalFileServer.RandomBytes(50_000, 7), "\"junk\"");

        var result = await PullAsync(Url("/m/fake.gguf"));

        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        Assert.Contains("not a usable model", result.Error);
        AssertNothingStored();
    }

    [Fact]
    public async Task Html_served_under_a_gguf_name_is_invalid()
    {
        _server.SetPayload("<!doctype html><html><body>Sign in</body></html>"u8.ToArray(), "\"html\"");

        var result = await PullAsync(Url("/m/model.gguf"));

        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        AssertNothingStored();
    }

    [Theory]
    [InlineData("/m/model.bin")]
    [InlineData("/m/model")]
    [InlineData("/m/")]
    [InlineData("/m/model.gguf.zip")]
    public async Task A_source_that_is_not_a_model_file_is_invalid_before_any_request(string path)
    {
        var result = await PullAsync(Url(path));

        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        Assert.Empty(_server.Requests);
        AssertNothingStored();
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/m.gguf")]
    [InlineData("file:///etc/passwd.gguf")]
    [InlineData("not a url")]
    [InlineData("")]
    public async Task An_unsupported_source_is_invalid(string source)
    {
        var result = await PullAsync(source);

        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        AssertNothingStored();
    }

    [Fact]
    public async Task An_invalid_name_or_capability_is_invalid_before_any_request()
    {
        Assert.Equal(StoreErrorKind.Invalid, (await PullAsync(Url(), name: "../x")).Kind);
        Assert.Equal(StoreErrorKind.Invalid, (await PullAsync(Url(), capabilities: ["mind-reading"])).Kind);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Pulling_twice_reuses_the_blob()
    {
        var first = await PullAsync(Url(), "one");
        var second = await PullAsync(Url(), "two");

        Assert.True(first.Success, first.Error);
        Assert.True(second.Success, second.Error);
        Assert.Equal(first.Manifest!.Files[0].Digest, second.Manifest!.Files[0].Digest);
        Assert.Single(_store.Blobs.List());
        Assert.Empty(FilesUnder(_store.Blobs.PartialDirectory));
        Assert.Empty(FilesUnder(_store.Blobs.TempDirectory));
    }

    [Fact]
    public async Task Pulling_a_known_digest_again_makes_no_request()
    {
        var first = await PullAsync(Url(), "one", _server.PayloadDigest);
        var requests = _server.Requests.Count;

        var second = await PullAsync(Url(), "two", _server.PayloadDigest);

        Assert.True(first.Success, first.Error);
        Assert.True(second.Success, second.Error);
        Assert.Equal(requests, _server.Requests.Count);
        Assert.Single(_store.Blobs.List());
    }

    [Fact]
    public async Task Two_concurrent_pulls_of_the_same_url_share_one_download()
    {
        _server.ChunkDelay = TimeSpan.FromMilliseconds(15); // ~19 chunks of 64 KiB: ~0.3 s

        var results = await Task.WhenAll(
            Task.Run(() => PullAsync(Url(), "left")),
            Task.Run(() => PullAsync(Url(), "right")));

        Assert.All(results, r => Assert.True(r.Success, r.Error));
        Assert.Equal(1, _server.BodyResponses);
        Assert.Single(_store.Blobs.List());
        Assert.Equal(["left:latest", "right:latest"], _store.List().Select(m => m.ModelName.ToString()));
    }

    [Fact]
    public async Task Removing_a_pulled_model_deletes_its_blob()
    {
        var pulled = await PullAsync(Url());
        Assert.True(pulled.Success, pulled.Error);

        var removed = await _store.RemoveAsync("stories260k", CancellationToken.None);

        Assert.True(removed.Success, removed.Error);
        Assert.Empty(_store.Blobs.List());
        Assert.Empty(_store.List());
    }

    /// <summary>
    /// The error kind must not depend on what the URL spells: a digest mismatch is Invalid even
    /// when the URL (or the server's random port) contains "404", and a 403 is not Invalid just
    /// because the path contains "digest".
    /// </summary>
    [Theory]
    [InlineData("/v404/stories260K.gguf", 0, StoreErrorKind.Invalid)]
    [InlineData("/digest/stories260K.gguf", 403, StoreErrorKind.Upstream)]
    [InlineData("/not found/stories260K.gguf", 0, StoreErrorKind.Invalid)]
    public async Task The_error_kind_does_not_depend_on_words_in_the_url(string path, int status, StoreErrorKind expected)
    {
        if (status != 0)
            _server.AlwaysStatus = status;

        var result = await PullAsync(Url(path), digest: status == 0 ? WrongDigest : null);

        Assert.False(result.Success);
        Assert.Equal(expected, result.Kind);
    }

    private void AssertNothingStored()
    {
        Assert.Empty(_store.List());
        Assert.Empty(_store.Blobs.List());
        Assert.Empty(FilesUnder(_store.Blobs.PartialDirectory));
        Assert.Empty(FilesUnder(_store.Blobs.TempDirectory));
    }

    private static string[] FilesUnder(string directory) => Directory.Exists(directory) ? Directory.GetFiles(directory) : [];

    private sealed class SyncPullProgress(List<PullProgress> reports) : IProgress<PullProgress>
    {
        public void Report(PullProgress value)
        {
            lock (reports)
                reports.Add(value);
        }
    }
}
