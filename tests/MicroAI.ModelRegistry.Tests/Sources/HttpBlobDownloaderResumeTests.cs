using System.Diagnostics;
using MicroAI.ModelRegistry.Sources;

namespace MicroAI.ModelRegistry.Tests.Sources;

/// <summary>Interrupted downloads: resuming, restarting, cancelling, sharing, locking.</summary>
public sealed class HttpBlobDownloaderResumeTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;

    private DownloadFixture _f = null!;

    public async Task InitializeAsync() => _f = await DownloadFixture.StartAsync();

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task A_dropped_connection_is_resumed_from_where_it_broke()
    {
        _f.Server.DropAfterBytes = MiB;
        _f.Server.DropTimes = 1;

        var result = await _f.DownloadAsync();

        Assert.True(result.Success, result.Error);
        Assert.Equal(_f.Server.PayloadDigest, result.Digest);
        Assert.True(result.Resumed);
        var requests = _f.Server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal("", requests[0].Range);
        Assert.Matches(@"^bytes=\d+-$", requests[1].Range);
        Assert.True(long.Parse(requests[1].Range[6..^1]) > 0);
        Assert.Equal("\"v1\"", requests[1].IfRange);
        Assert.Empty(_f.FilesUnder(_f.Store.PartialDirectory));
    }

    [Fact]
    public async Task A_digest_from_the_first_response_still_applies_when_the_resumed_one_omits_it()
    {
        _f.Server.LinkedEtag = _f.Server.PayloadDigest["sha256:".Length..];
        _f.Server.LinkedEtagOnFullResponsesOnly = true;
        _f.Server.DropAfterBytes = MiB;
        _f.Server.DropTimes = 1;

        var result = await _f.DownloadAsync();

        Assert.True(result.Success, result.Error);
        Assert.True(result.Resumed);
        Assert.Equal(DownloadResult.FromServer, result.DigestSource);
    }

    [Fact]
    public async Task A_server_that_ignores_range_makes_the_download_start_over()
    {
        _f.Server.DropAfterBytes = MiB;
        _f.Server.DropTimes = 1;
        _f.Server.IgnoreRange = true;

        var result = await _f.DownloadAsync();

        Assert.True(result.Success, result.Error);
        Assert.Equal(_f.Server.PayloadDigest, result.Digest);
        Assert.Equal(_f.Server.Payload.Length, result.Size);
        Assert.False(result.Resumed);
        Assert.Equal(2, _f.Server.BodyResponses);
    }

    [Fact]
    public async Task A_stalled_body_is_abandoned_and_resumed()
    {
        _f.StallTimeout = TimeSpan.FromMilliseconds(300);
        _f.Server.DropAfterBytes = MiB;
        _f.Server.DropTimes = 1;
        _f.Server.HangInsteadOfDrop = true;

        var result = await _f.DownloadAsync();

        Assert.True(result.Success, result.Error);
        Assert.Equal(_f.Server.PayloadDigest, result.Digest);
        Assert.True(result.Resumed);
        Assert.Equal($"bytes={MiB}-", _f.Server.Requests[1].Range);
    }

    [Fact]
    public async Task A_download_that_gives_up_keeps_its_bytes_for_the_next_call()
    {
        _f.Server.DropAfterBytes = 512 * 1024;
        _f.Server.DropTimes = 3;

        var failed = await _f.DownloadAsync();

        Assert.False(failed.Success);
        Assert.Contains("gave up after 3 attempts", failed.Error);
        Assert.Contains("1.5 MiB kept for a later resume", failed.Error);
        Assert.Equal(3 * 512 * 1024, new FileInfo(_f.PartialPath()).Length);

        var result = await _f.DownloadAsync(_f.Server.PayloadDigest);

        Assert.True(result.Success, result.Error);
        Assert.True(result.Resumed);
        Assert.Equal(_f.Server.PayloadDigest, result.Digest);
        Assert.Equal($"bytes={3 * 512 * 1024}-", _f.Server.Requests[^1].Range);
        Assert.Empty(_f.FilesUnder(_f.Store.PartialDirectory));
    }

    [Fact]
    public async Task A_file_changed_on_the_server_restarts_from_zero()
    {
        _f.Server.DropAfterBytes = 512 * 1024;
        _f.Server.DropTimes = 3;
        Assert.False((await _f.DownloadAsync()).Success);
        _f.Server.SetPayload(LocalFileServer.RandomBytes(3 * MiB, seed: 2), "\"v2\"");

        var result = await _f.DownloadAsync();

        Assert.True(result.Success, result.Error);
        Assert.False(result.Resumed);
        Assert.Equal(_f.Server.PayloadDigest, result.Digest);
        Assert.Equal(3 * MiB, result.Size);
        var last = _f.Server.Requests[^1];
        Assert.Equal($"bytes={3 * 512 * 1024}-", last.Range);
        Assert.Equal("\"v1\"", last.IfRange); // the server saw a stale validator and sent the whole new file
    }

    [Fact]
    public async Task A_complete_partial_file_is_committed_after_a_416()
    {
        await File.WriteAllBytesAsync(_f.PartialPath(), _f.Server.Payload);

        var result = await _f.DownloadAsync(_f.Server.PayloadDigest);

        Assert.True(result.Success, result.Error);
        Assert.True(result.Resumed);
        Assert.Equal(_f.Server.PayloadDigest, result.Digest);
        Assert.Equal($"bytes={_f.Server.Payload.Length}-", Assert.Single(_f.Server.Requests).Range);
        Assert.Equal(0, _f.Server.BodyResponses);
    }

    [Fact]
    public async Task Cancelling_stops_promptly_and_keeps_the_partial_file_for_a_resume()
    {
        _f.Server.ChunkDelay = TimeSpan.FromMilliseconds(10); // ~6 MB/s: 4 MiB take ~0.7 s
        using var cts = new CancellationTokenSource();
        var cancelledAt = 0L;
        var progress = new RecordingProgress(p =>
        {
            if (p.Status == PullProgress.Downloading && p.Completed >= MiB && !cts.IsCancellationRequested)
            {
                cancelledAt = Stopwatch.GetTimestamp();
                cts.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _f.DownloadAsync(progress: progress, ct: cts.Token));

        Assert.InRange(Stopwatch.GetElapsedTime(cancelledAt).TotalMilliseconds, 0, 500);
        var kept = await _f.PartialLengthWhenReleasedAsync();
        Assert.InRange(kept, MiB, _f.Server.Payload.Length - 1);

        _f.Server.ChunkDelay = TimeSpan.Zero;
        var result = await _f.DownloadAsync();

        Assert.True(result.Success, result.Error);
        Assert.True(result.Resumed);
        Assert.Equal(_f.Server.PayloadDigest, result.Digest);
        Assert.Equal($"bytes={kept}-", _f.Server.Requests[^1].Range);
    }

    [Fact]
    public async Task Concurrent_calls_for_one_url_share_one_download()
    {
        _f.Server.ChunkDelay = TimeSpan.FromMilliseconds(3);
        var progress = Enumerable.Range(0, 3).Select(_ => new RecordingProgress()).ToArray();

        var results = await Task.WhenAll(progress.Select(p => _f.DownloadAsync(progress: p)));

        Assert.All(results, r =>
        {
            Assert.True(r.Success, r.Error);
            Assert.Equal(_f.Server.PayloadDigest, r.Digest);
        });
        Assert.Equal(1, _f.Server.BodyResponses);
        Assert.Single(_f.Server.Requests);
        Assert.All(progress, p => Assert.Equal(PullProgress.Done, p.Reports[^1].Status));
    }

    [Fact]
    public async Task One_caller_cancelling_does_not_cancel_the_shared_download()
    {
        _f.Server.ChunkDelay = TimeSpan.FromMilliseconds(5);
        using var cts = new CancellationTokenSource();
        var first = _f.DownloadAsync(progress: new RecordingProgress(p =>
        {
            if (p.Completed >= MiB)
                cts.Cancel();
        }), ct: cts.Token);
        var second = _f.DownloadAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        var result = await second;

        Assert.True(result.Success, result.Error);
        Assert.Equal(_f.Server.PayloadDigest, result.Digest);
        Assert.False(result.Resumed);
        Assert.Equal(1, _f.Server.BodyResponses);
    }

    [Fact]
    public async Task A_partial_file_held_by_another_process_is_waited_for()
    {
        Task<DownloadResult> download;
        using (var held = new FileStream(_f.PartialPath(), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            download = _f.DownloadAsync(_f.Server.PayloadDigest);
            await Task.Delay(400);
            Assert.False(download.IsCompleted);

            // The other process finishes: its blob appears, then it lets go of the partial file.
            var source = Path.Combine(_f.Store.Root, "other-process.bin");
            await File.WriteAllBytesAsync(source, _f.Server.Payload);
            Assert.True((await _f.Store.ImportFileAsync(source, _f.Server.PayloadDigest, null, CancellationToken.None)).Success);
        }

        var result = await download.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(result.Success, result.Error);
        Assert.Equal(_f.Server.PayloadDigest, result.Digest);
        Assert.False(result.Resumed);
        Assert.Empty(_f.Server.Requests);
    }

    [Fact]
    public async Task Waiting_for_another_process_honours_cancellation()
    {
        using var held = new FileStream(_f.PartialPath(), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _f.DownloadAsync(ct: cts.Token));
        Assert.Empty(_f.Server.Requests);
    }

    [Fact]
    public async Task An_hf_source_sends_the_token_to_the_hub_only_and_verifies_the_linked_etag()
    {
        await using var cdn = await LocalFileServer.StartAsync();
        _f.Server.RedirectTo = cdn;
        _f.Server.LinkedEtag = cdn.PayloadDigest["sha256:".Length..];
        var hf = new HuggingFaceOptions(_f.Server.BaseUri.AbsoluteUri, "hf_test_token");
        Assert.True(ModelSourceUri.TryParse("hf://owner/repo@main/Tiny-Model.Q8_0.gguf", hf, out var source, out var error), error);
        Assert.Equal(new Uri(_f.Server.BaseUri, "owner/repo/resolve/main/Tiny-Model.Q8_0.gguf"), source!.DownloadUri);

        var result = await _f.DownloadAsync(uri: source.DownloadUri, token: hf.Token);

        Assert.True(result.Success, result.Error);
        Assert.Equal(cdn.PayloadDigest, result.Digest);
        Assert.Equal(DownloadResult.FromServer, result.DigestSource);
        var hub = Assert.Single(_f.Server.Requests);
        Assert.Equal("/owner/repo/resolve/main/Tiny-Model.Q8_0.gguf", hub.Path);
        Assert.Equal("Bearer hf_test_token", hub.Authorization);
        var signed = Assert.Single(cdn.Requests);
        Assert.Equal("/cdn/signed-blob", signed.Path);
        Assert.Equal("", signed.Authorization); // another origin: the token stays with the hub
    }
}
