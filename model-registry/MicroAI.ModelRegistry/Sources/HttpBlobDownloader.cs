using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Sources;

/// <summary>
/// Downloads one file over HTTP into the <see cref="BlobStore"/>: resumable (Range + If-Range),
/// verified against the user's or the server's sha256, retried on transient failures, and shared
/// between concurrent callers asking for the same URL.
/// </summary>
/// <remarks>
/// Give it a client from <see cref="CreateHttpClient"/>: with automatic redirects off the
/// downloader follows them itself and so sees Hugging Face's X-Linked-Etag on the first hop (the
/// CDN answer it redirects to carries no sha256), and drops the bearer token when a redirect leaves
/// the original host. With a client that follows redirects everything still works, but the
/// server's digest is only known when the final host publishes one.
/// </remarks>
public sealed class HttpBlobDownloader(HttpClient http, BlobStore store, Func<string, long>? freeBytes = null)
{
    /// <summary>Kept free beyond the file itself: the store's temp files, logs and the OS need room; 64 MiB is ~1% of a 7B Q4 model.</summary>
    internal const long DiskMargin = 64L << 20;

    private const int MaxAttempts = 3;
    private const int MaxRedirects = 10; // browsers and curl stop at 20 and 50; Hugging Face needs 2 (resolve -> CDN)
    private const int BufferSize = 1 << 20; // 1 MiB reads: as much as the socket has ready, up to 1 MiB

    private static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1)];
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(100); // ~10 reports/s: smooth for a progress bar, negligible cost
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(250);
    private static readonly ConcurrentDictionary<string, SharedDownload> InFlight = new();

    private readonly Func<string, long> _freeBytes = freeBytes ?? DefaultFreeBytes;

    /// <summary>
    /// How long a body read may go without a single byte before the attempt counts as failed (and is
    /// retried from what is on disk). A stalled TCP connection otherwise hangs forever: with
    /// ResponseHeadersRead, HttpClient.Timeout stops applying once the headers have arrived.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A client suited to large downloads: redirects followed by the downloader, no decompression (Range offsets count encoded bytes).</summary>
    public static HttpClient CreateHttpClient(Func<HttpMessageHandler, HttpMessageHandler>? wrap = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), // CDN hosts rotate their DNS answers
        };
        var client = new HttpClient(wrap?.Invoke(handler) ?? handler) { Timeout = TimeSpan.FromSeconds(100) }; // until the headers only, see StallTimeout
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("MicroAI", "1.0"));
        return client;
    }

    public async Task<DownloadResult> DownloadAsync(DownloadRequest request, IProgress<PullProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.Uri;
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return DownloadResult.Fail($"'{uri}' is not an http(s) URL.", DownloadFailure.Invalid);
        string? userDigest = null;
        if (request.ExpectedDigest is not null && (userDigest = Digest.Normalize(request.ExpectedDigest)) is null)
            return DownloadResult.Fail($"'{request.ExpectedDigest}' is not a sha256 digest (expected sha256:<64 hex>).", DownloadFailure.Invalid);
        ct.ThrowIfCancellationRequested();

        if (userDigest is not null && store.Exists(userDigest))
        {
            var size = store.SizeOf(userDigest);
            progress?.Report(new PullProgress(PullProgress.Done, size, size, 0, TimeSpan.Zero));
            return new DownloadResult(userDigest, size, null, false, DownloadResult.FromUser);
        }

        // Keyed by store, URL and expected digest: another store needs its own copy, and a caller
        // expecting a different digest must get its own verdict, not one checked against another digest.
        var key = store.Root + "\n" + uri.AbsoluteUri + "\n" + userDigest;
        while (true)
        {
            var created = new SharedDownload(
                (fanOut, token) => RunAsync(request with { ExpectedDigest = userDigest }, fanOut, token),
                finished => InFlight.TryRemove(new KeyValuePair<string, SharedDownload>(key, finished)));
            var shared = InFlight.GetOrAdd(key, created);
            if (!shared.TryJoin(progress))
            {
                // Abandoned by its last caller and winding down: replace it.
                InFlight.TryRemove(new KeyValuePair<string, SharedDownload>(key, shared));
                continue;
            }

            var cancelled = false;
            try
            {
                return await shared.Completion.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                cancelled = true;
                throw;
            }
            finally
            {
                shared.Leave(progress, cancelled);
            }
        }
    }

    private async Task<DownloadResult> RunAsync(DownloadRequest request, IProgress<PullProgress> progress, CancellationToken ct)
    {
        progress.Report(new PullProgress(PullProgress.Resolving, 0, null, 0, null));
        var partialPath = store.PartialPath(request.Uri.AbsoluteUri);
        var state = new DownloadState(request, partialPath, progress);

        var (file, waited) = await OpenExclusiveAsync(partialPath, ct).ConfigureAwait(false);
        state.File = file;
        var closed = false;
        try
        {
            // Another process held the partial file: it may have just finished this very blob.
            if (waited && request.ExpectedDigest is { } d && store.Exists(d))
                return Existing(state, d, DownloadResult.FromUser);

            var restartedOn416 = false;
            for (var attempt = 1; ; attempt++)
            {
                Step step;
                try
                {
                    step = await AttemptAsync(state, ct).ConfigureAwait(false);
                }
                catch (HttpRequestException e) when (!ct.IsCancellationRequested)
                {
                    step = Step.Transient(e.Message);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    step = Step.Transient("the server did not answer in time"); // HttpClient.Timeout
                }

                switch (step.Kind)
                {
                    case StepKind.Complete:
                        break;
                    case StepKind.Finished:
                        return step.Result!;
                    case StepKind.Restart when !restartedOn416:
                        restartedOn416 = true;
                        attempt--;
                        continue;
                    case StepKind.Restart:
                        return Final(state, $"{request.Uri}: the server refused the byte range even when starting over.");
                    case StepKind.Transient when attempt < MaxAttempts:
                        await Task.Delay(Backoff[attempt - 1], ct).ConfigureAwait(false);
                        continue;
                    default:
                        var kept = state.File.Length;
                        return Final(state, $"{request.Uri}: {step.Error} (gave up after {MaxAttempts} attempts; "
                            + (kept > 0 ? $"{FormatBytes(kept)} kept for a later resume)." : "nothing downloaded)."), DownloadFailure.Upstream);
                }
                break;
            }

            var length = state.File.Length;
            progress.Report(new PullProgress(PullProgress.Verifying, length, length, 0, null));
            await state.File.DisposeAsync().ConfigureAwait(false);
            closed = true;

            // Not cancellable: CommitFileAsync deletes the file however it ends, and a finished 10 GB
            // download is worth the 5-10 s its hash takes (~1-2 GB/s). Callers stop waiting at once
            // anyway (WaitAsync); this only lets the shared task finish the blob behind them.
            BlobResult blob;
            try
            {
                blob = await store.CommitFileAsync(partialPath, state.Expected, CancellationToken.None).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                return DownloadResult.Fail($"{request.Uri}: storing the downloaded file failed: {e.Message}");
            }
            BlobStore.TryDelete(state.ValidatorPath);
            if (!blob.Success)
            {
                var from = state.DigestSource == DownloadResult.FromServer ? " (published by the server)" : "";
                return DownloadResult.Fail($"{request.Uri}: {blob.Error}{from}", DownloadFailure.Invalid);
            }
            progress.Report(new PullProgress(PullProgress.Done, blob.Size, blob.Size, 0, TimeSpan.Zero));
            return new DownloadResult(blob.Digest, blob.Size, null, state.Resumed, state.DigestSource);
        }
        finally
        {
            if (!closed)
                await state.File.DisposeAsync().ConfigureAwait(false); // keeps the bytes for a later resume
        }
    }

    /// <summary>One request: headers, checks, then the body appended to the partial file.</summary>
    private async Task<Step> AttemptAsync(DownloadState s, CancellationToken ct)
    {
        var file = s.File;
        var offset = file.Length;
        var validator = offset > 0 ? ResumeValidator.Read(s.ValidatorPath) : null;
        if (offset > 0 && validator is null && s.Request.ExpectedDigest is null)
        {
            // Nothing tells whether the remote file changed since these bytes arrived, and no digest
            // would catch a splice of old and new bytes: start over.
            Truncate(s);
            offset = 0;
        }

        var (first, digest, linkedSize) = await SendAsync(s.Request, offset, validator, ct).ConfigureAwait(false);
        using var response = first;
        var status = (int)response.StatusCode;
        if (status == 200)
        {
            // A whole (possibly new) file: only what this response says applies.
            s.ServerDigest = digest;
            s.LinkedSize = linkedSize;
        }
        else
        {
            // A 206 from a CDN often omits what the first 200 said; the If-Range validator ties them together.
            s.ServerDigest = digest ?? s.ServerDigest;
            s.LinkedSize = linkedSize ?? s.LinkedSize;
        }

        if (s.ServerDigest is { } published && s.Request.ExpectedDigest is { } wanted && published != wanted)
            return Step.Finish(Final(s, $"{s.Request.Uri}: the server publishes {published} for this file, but {wanted} was expected. Nothing was downloaded.", DownloadFailure.Invalid));
        s.Expected = s.Request.ExpectedDigest ?? s.ServerDigest;
        s.DigestSource = s.Request.ExpectedDigest is not null ? DownloadResult.FromUser : s.ServerDigest is not null ? DownloadResult.FromServer : null;
        if (s.Expected is { } expected && store.Exists(expected))
        {
            Truncate(s); // the partial bytes are of a blob that is already stored
            return Step.Finish(Existing(s, expected, s.DigestSource!));
        }

        if (status == 416)
        {
            var full = response.Content.Headers.ContentRange?.Length ?? s.LinkedSize;
            if (offset > 0 && full == offset)
            {
                s.Resumed = true; // an earlier attempt got every byte but did not commit
                return Step.Complete;
            }
            Truncate(s);
            return Step.Restart;
        }
        if (status >= 500)
            return Step.Transient($"the server answered {status} {response.ReasonPhrase}");
        if (status is not (200 or 206))
            return Step.Finish(Final(s, DescribeFailure(s.Request, response),
                status is 404 or 410 ? DownloadFailure.NotFound : DownloadFailure.Upstream));

        long start;
        if (status == 206)
        {
            if (response.Content.Headers.ContentRange is not { HasRange: true } range || range.From != offset)
            {
                Truncate(s);
                return Step.Transient($"the server sent a byte range that was not asked for ({response.Content.Headers.ContentRange})");
            }
            start = offset;
            if (offset > 0)
                s.Resumed = true;
            if (validator is null)
                ResumeValidator.From(response)?.Write(s.ValidatorPath);
        }
        else
        {
            // 200 to a Range request: the server ignores ranges, or If-Range found the file changed.
            if (offset > 0)
                Truncate(s);
            start = 0;
            s.Resumed = false;
            var fresh = ResumeValidator.From(response);
            if (fresh is null)
                BlobStore.TryDelete(s.ValidatorPath);
            else
                fresh.Write(s.ValidatorPath);
        }

        var total = ServerHeaders.TotalLengthOf(response, start) ?? s.LinkedSize;
        s.Total = total;
        var need = Math.Max(0, (total ?? start) - start) + DiskMargin;
        var have = FreeBytes();
        if (need > have)
            return Step.Finish(Final(s, $"not enough disk space: need {FormatBytes(need)}, have {FormatBytes(have)} in {store.Root} ({FormatBytes(DiskMargin)} of it is a safety margin)."));

        file.Seek(0, SeekOrigin.End);
        return await CopyBodyAsync(s, response, ct).ConfigureAwait(false);
    }

    private async Task<Step> CopyBodyAsync(DownloadState s, HttpResponseMessage response, CancellationToken ct)
    {
        var file = s.File;
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var buffer = s.Buffer;
        s.Rate.Reset();
        var position = file.Length;
        s.Rate.Add(Stopwatch.GetTimestamp(), position);
        var lastReport = 0L;
        while (true)
        {
            int n;
            stall.CancelAfter(StallTimeout);
            try
            {
                n = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return Step.Transient($"no data for {StallTimeout.TotalSeconds:0.#} s");
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
            {
                return Step.Transient($"the connection broke after {FormatBytes(position)}: {e.Message}");
            }
            if (n == 0)
                break;
            try
            {
                await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // Disk full or failing: retrying cannot help. What was written stays for a resume.
                return Step.Finish(Final(s, $"{s.Request.Uri}: writing {s.PartialPath} failed after {FormatBytes(position)}: {e.Message}"));
            }
            position += n;

            var now = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(lastReport, now) >= ReportInterval)
            {
                lastReport = now;
                s.ReportDownloading(now, position);
            }
        }
        s.ReportDownloading(Stopwatch.GetTimestamp(), position);

        if (s.Total is { } total && position != total)
        {
            if (position < total)
                return Step.Transient($"the connection closed after {FormatBytes(position)} of {FormatBytes(total)}");
            Truncate(s);
            return Step.Finish(Final(s, $"{s.Request.Uri}: the server sent more bytes than it announced ({position} > {total}). Nothing was kept."));
        }
        return Step.Complete;
    }

    /// <summary>Sends the GET, following up to <see cref="MaxRedirects"/> redirects and collecting digest headers from every hop.</summary>
    private async Task<(HttpResponseMessage Response, string? Digest, long? LinkedSize)> SendAsync(DownloadRequest request, long offset, ResumeValidator? validator, CancellationToken ct)
    {
        var uri = request.Uri;
        var authorization = string.IsNullOrEmpty(request.BearerToken) ? request.Authorization : new AuthenticationHeaderValue("Bearer", request.BearerToken);
        string? digest = null;
        long? linkedSize = null;
        for (var hop = 0; ; hop++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, uri);
            message.Headers.Authorization = authorization;
            if (offset > 0)
            {
                message.Headers.Range = new RangeHeaderValue(offset, null);
                if (validator?.ToIfRange() is { } ifRange)
                    message.Headers.IfRange = ifRange;
            }
            var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            digest ??= ServerHeaders.DigestOf(response);
            linkedSize ??= ServerHeaders.LinkedSizeOf(response);

            var code = (int)response.StatusCode;
            if (code is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location || hop == MaxRedirects)
                return (response, digest, linkedSize);
            var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
            response.Dispose();
            if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                throw new HttpRequestException($"redirected to a non-http URL ({next.Scheme}:)");
            // The token is for the original host only; Hugging Face's CDN URLs are pre-signed
            // (huggingface_hub drops it the same way).
            if (Uri.Compare(uri, next, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
                authorization = null;
            uri = next;
        }
    }

    private static string DescribeFailure(DownloadRequest request, HttpResponseMessage response)
    {
        var code = (int)response.StatusCode;
        var what = $"{request.Uri}: the server answered {code} {response.ReasonPhrase}";
        var hf = LooksLikeHuggingFace(request.Uri);
        return code switch
        {
            401 or 403 when hf && string.IsNullOrEmpty(request.BearerToken) =>
                what + ". The repository is private or gated: set HF_TOKEN to a Hugging Face access token that can read it.",
            401 or 403 when hf =>
                what + ". The token in use (HF_TOKEN) cannot read this repository; for a gated model, accept its terms on the model page first.",
            401 or 403 => what + ". The server requires credentials this download does not have.",
            404 when hf => what + ". Check the owner, repository, revision and file path.",
            404 => what + ". Check the URL.",
            >= 300 and < 400 => what + $" (more than {MaxRedirects} redirects, or a redirect without a Location).",
            _ => what + ".",
        };
    }

    private static bool LooksLikeHuggingFace(Uri uri) =>
        uri.Host.Equals("huggingface.co", StringComparison.OrdinalIgnoreCase)
        || uri.Host.EndsWith(".huggingface.co", StringComparison.OrdinalIgnoreCase)
        || uri.Host.Equals("hf.co", StringComparison.OrdinalIgnoreCase)
        || uri.AbsolutePath.Contains("/resolve/", StringComparison.Ordinal);

    private DownloadResult Existing(DownloadState s, string digest, string source)
    {
        CleanUpIfEmpty(s);
        var size = store.SizeOf(digest);
        s.Progress.Report(new PullProgress(PullProgress.Done, size, size, 0, TimeSpan.Zero));
        return new DownloadResult(digest, size, null, false, source);
    }

    /// <summary>A final failure: bytes already on disk are kept for a later resume, an empty partial is removed.</summary>
    private static DownloadResult Final(DownloadState s, string error, DownloadFailure failure = DownloadFailure.Failed)
    {
        CleanUpIfEmpty(s);
        return DownloadResult.Fail(error, failure);
    }

    private static void CleanUpIfEmpty(DownloadState s)
    {
        if (s.File.Length > 0)
            return;
        // Unlinking an open file is fine on Unix; on Windows it fails and the empty file stays.
        BlobStore.TryDelete(s.PartialPath);
        BlobStore.TryDelete(s.ValidatorPath);
    }

    private static void Truncate(DownloadState s)
    {
        s.File.SetLength(0);
        BlobStore.TryDelete(s.ValidatorPath);
        s.Resumed = false;
    }

    /// <summary>
    /// Opens the partial file exclusively. FileShare.None is an flock on Unix and a share mode on
    /// Windows, so a second process (or a download in this process winding down) waits here.
    /// </summary>
    private static async Task<(FileStream File, bool Waited)> OpenExclusiveAsync(string path, CancellationToken ct)
    {
        var waited = false;
        while (true)
        {
            try
            {
                // Unbuffered: every network read (16 KiB-1 MiB) is one write, so Length is always what is
                // on disk and nothing is lost in a buffer when an attempt fails or is cancelled.
                var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
                return (file, waited);
            }
            catch (IOException e) when (IsLockConflict(e))
            {
                waited = true;
                await Task.Delay(LockPoll, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>EWOULDBLOCK from flock (11 on Linux, 35 on macOS); ERROR_SHARING_VIOLATION (32) / ERROR_LOCK_VIOLATION (33) on Windows.</summary>
    private static bool IsLockConflict(IOException e) =>
        e.GetType() == typeof(IOException) && (e.HResult is 11 or 35 || (e.HResult & 0xFFFF) is 32 or 33);

    private long FreeBytes()
    {
        try
        {
            return _freeBytes(store.Root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return long.MaxValue; // unknown: let the write itself fail rather than refuse
        }
    }

    /// <summary>
    /// On Unix DriveInfo takes any path and asks statvfs about the file system holding it, which is
    /// what matters when the store sits on its own mount (DriveInfo("/") would report the root
    /// file system instead); on Windows it needs the drive root.
    /// </summary>
    internal static long DefaultFreeBytes(string root)
    {
        var path = root;
        while (!Directory.Exists(path) && Path.GetDirectoryName(path) is { } parent)
            path = parent;
        var drive = OperatingSystem.IsWindows() ? new DriveInfo(Path.GetPathRoot(path)!) : new DriveInfo(path);
        return drive.AvailableFreeSpace;
    }

    internal static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    private enum StepKind
    {
        Complete,
        Finished,
        Restart,
        Transient,
    }

    private readonly record struct Step(StepKind Kind, DownloadResult? Result, string? Error)
    {
        public static readonly Step Complete = new(StepKind.Complete, null, null);
        public static readonly Step Restart = new(StepKind.Restart, null, null);
        public static Step Finish(DownloadResult result) => new(StepKind.Finished, result, null);
        public static Step Transient(string error) => new(StepKind.Transient, null, error);
    }

    private sealed class DownloadState(DownloadRequest request, string partialPath, IProgress<PullProgress> progress)
    {
        public DownloadRequest Request { get; } = request;
        public string PartialPath { get; } = partialPath;
        public string ValidatorPath { get; } = ResumeValidator.SidecarOf(partialPath);
        public IProgress<PullProgress> Progress { get; } = progress;
        public FileStream File { get; set; } = null!;
        public byte[] Buffer { get; } = new byte[BufferSize];
        public TransferRate Rate { get; } = new(TimeSpan.FromSeconds(5));
        public string? ServerDigest { get; set; }
        public long? LinkedSize { get; set; }
        public long? Total { get; set; }
        public string? Expected { get; set; }
        public string? DigestSource { get; set; }
        public bool Resumed { get; set; }

        public void ReportDownloading(long timestamp, long completed)
        {
            var rate = Rate.Add(timestamp, completed);
            TimeSpan? eta = Total is { } total && rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, total - completed) / rate) : null;
            Progress.Report(new PullProgress(PullProgress.Downloading, completed, Total, rate, eta));
        }
    }
}
