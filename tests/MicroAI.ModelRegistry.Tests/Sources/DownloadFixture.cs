using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Tests.Sources;

/// <summary>Per test: a local file server, a blob store in a temp directory, and a downloader over both.</summary>
internal sealed class DownloadFixture : IAsyncDisposable
{
    private readonly TempModelsDirectory _directory = new();

    private DownloadFixture(LocalFileServer server)
    {
        Server = server;
        Store = new BlobStore(Path.Combine(_directory.Path, "store"));
        Http = HttpBlobDownloader.CreateHttpClient();
    }

    public LocalFileServer Server { get; }
    public BlobStore Store { get; }
    public HttpClient Http { get; }
    public Func<string, long>? FreeBytes { get; set; }

    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public HttpBlobDownloader Downloader => new(Http, Store, FreeBytes) { StallTimeout = StallTimeout };

    public static async Task<DownloadFixture> StartAsync(int size = 4 * 1024 * 1024, int seed = 1) =>
        new(await LocalFileServer.StartAsync(size, seed));

    public Task<DownloadResult> DownloadAsync(string? expected = null, IProgress<PullProgress>? progress = null, CancellationToken ct = default, Uri? uri = null, string? token = null) =>
        Downloader.DownloadAsync(new DownloadRequest(uri ?? Server.Url(), expected, token), progress, ct);

    public string PartialPath(Uri? uri = null) => Store.PartialPath((uri ?? Server.Url()).AbsoluteUri);

    public string[] FilesUnder(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory) : [];

    /// <summary>Waits until nothing holds the partial file (a cancelled download closes it as it unwinds).</summary>
    public async Task<long> PartialLengthWhenReleasedAsync(Uri? uri = null)
    {
        var path = PartialPath(uri);
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
                return f.Length;
            }
            catch (IOException) when (File.Exists(path))
            {
                await Task.Delay(20);
            }
        }
        throw new TimeoutException("The partial file stayed locked.");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        _directory.Dispose();
    }
}
