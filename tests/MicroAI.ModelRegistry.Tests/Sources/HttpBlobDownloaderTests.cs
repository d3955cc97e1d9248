using System.Diagnostics;
using MicroAI.ModelRegistry.Sources;

namespace MicroAI.ModelRegistry.Tests.Sources;

/// <summary>Whole downloads: digests, progress, errors, disk space. Resuming is in <see cref="HttpBlobDownloaderResumeTests"/>.</summary>
public sealed class HttpBlobDownloaderTests : IAsyncLifetime
{
    private const string WrongDigest = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    private DownloadFixture _f = null!;

    public async Task InitializeAsync() => _f = await DownloadFixture.StartAsync();

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task Downloads_into_the_store_with_throttled_progress()
    {
        _f.Server.ChunkDelay = TimeSpan.FromMilliseconds(8); // 64 chunks: ~0.5 s
        var progress = new RecordingProgress();
        var clock = Stopwatch.StartNew();

        var result = await _f.DownloadAsync(progress: progress);

        clock.Stop();
        Assert.True(result.Success, result.Error);
        Assert.Equal(_f.Server.PayloadDigest, result.Digest);
        Assert.Equal(_f.Server.Payload.Length, result.Size);
        Assert.False(result.Resumed);
        Assert.Null(result.DigestSource);
        Assert.Equal(_f.Server.Payload, await File.ReadAllBytesAsync(_f.Store.PathOf(result.Digest!)));
        Assert.Empty(_f.FilesUnder(_f.Store.PartialDirectory));

        var reports = progress.Reports;
        Assert.Equal(PullProgress.Resolving, reports[0].Status);
        Assert.Equal(PullProgress.Verifying, reports[^2].Status);
        Assert.Equal(new PullProgress(PullProgress.Done, result.Size, result.Size, 0, TimeSpan.Zero), reports[^1]);
        var downloading = reports.Where(r => r.Status == PullProgress.Downloading).ToList();
        Assert.NotEmpty(downloading);
        // At most one report per 100 ms, plus the final one at 100%.
        Assert.InRange(downloading.Count, 1, (int)(clock.ElapsedMilliseconds / 100) + 2);
        Assert.True(downloading.Zip(downloading.Skip(1)).All(p => p.First.Completed <= p.Second.Completed));
        Assert.All(downloading, r => Assert.Equal(_f.Server.Payload.Length, r.Total));
        Assert.Equal(_f.Server.Payload.Length, downloading[^1].Completed);
        Assert.Contains(downloading, r => r.BytesPerSecond > 0 && r.Eta is not null);
    }

    [Fact]
    public async Task A_matching_user_digest_is_checked_and_named_as_the_source()
    {
        var result = await _f.DownloadAsync(_f.Server.PayloadDigest.ToUpperInvariant()["SHA256:".Length..]);

        Assert.True(result.Success, result.Error);
        Assert.Equal(_f.Server.PayloadDigest, result.Digest);
        Assert.Equal(DownloadResult.FromUser, result.DigestSource);
    }

    [Fact]
    public async Task A_wrong_user_digest_keeps_nothing()
    {
        var result = await _f.DownloadAsync(WrongDigest);

        Assert.False(result.Success);
        Assert.Contains("digest mismatch", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("nothing was kept", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_f.FilesUnder(_f.Store.BlobsDirectory));
        Assert.Empty(_f.FilesUnder(_f.Store.PartialDirectory));
    }

    [Fact]
    public async Task A_malformed_user_digest_is_refused_without_a_request()
    {
        var result = await _f.DownloadAsync("md5:1234");

        Assert.False(result.Success);
        Assert.Contains("not a sha256 digest", result.Error);
        Assert.Empty(_f.Server.Requests);
    }

    [Fact]
    public async Task The_hugging_face_linked_etag_is_used_as_the_expected_digest()
    {
        _f.Server.LinkedEtag = _f.Server.PayloadDigest["sha256:".Length..];

        var result = await _f.DownloadAsync();

        Assert.True(result.Success, result.Error);
        Assert.Equal(_f.Server.PayloadDigest, result.Digest);
        Assert.Equal(DownloadResult.FromServer, result.DigestSource);
    }

    [Fact]
    public async Task A_wrong_linked_etag_fails_verification_and_keeps_nothing()
    {
        _f.Server.LinkedEtag = WrongDigest["sha256:".Length..];

        var result = await _f.DownloadAsync();

        Assert.False(result.Success);
        Assert.Contains("digest mismatch", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("nothing was kept", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("published by the server", result.Error);
        Assert.Empty(_f.FilesUnder(_f.Store.BlobsDirectory));
        Assert.Empty(_f.FilesUnder(_f.Store.PartialDirectory));
    }

    [Fact]
    public async Task A_user_digest_that_disagrees_with_the_server_fails_before_downloading()
    {
        _f.Server.LinkedEtag = _f.Server.PayloadDigest["sha256:".Length..];
        var progress = new RecordingProgress();

        var result = await _f.DownloadAsync(WrongDigest, progress);

        Assert.False(result.Success);
        Assert.Contains("the server publishes " + _f.Server.PayloadDigest, result.Error);
        Assert.DoesNotContain(progress.Reports, r => r.Status == PullProgress.Downloading);
        Assert.Empty(_f.FilesUnder(_f.Store.BlobsDirectory));
        Assert.Empty(_f.FilesUnder(_f.Store.PartialDirectory));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_sha256_etag_or_digest_header_is_used_as_the_expected_digest(bool sha256ETag, bool digestHeader)
    {
        _f.Server.Sha256ETag = sha256ETag;
        _f.Server.DigestHeader = digestHeader;

        var result = await _f.DownloadAsync();

        Assert.True(result.Success, result.Error);
        Assert.Equal(_f.Server.PayloadDigest, result.Digest);
        Assert.Equal(DownloadResult.FromServer, result.DigestSource);
    }

    [Fact]
    public async Task A_blob_already_stored_under_the_user_digest_needs_no_request()
    {
        Assert.True((await _f.DownloadAsync()).Success);
        var requests = _f.Server.Requests.Count;
        var progress = new RecordingProgress();

        var again = await _f.DownloadAsync(_f.Server.PayloadDigest, progress);

        Assert.True(again.Success, again.Error);
        Assert.Equal(_f.Server.PayloadDigest, again.Digest);
        Assert.Equal(_f.Server.Payload.Length, again.Size);
        Assert.False(again.Resumed);
        Assert.Equal(requests, _f.Server.Requests.Count);
        Assert.Equal(PullProgress.Done, Assert.Single(progress.Reports).Status);
    }

    [Fact]
    public async Task A_blob_already_stored_under_the_server_digest_is_not_downloaded_again()
    {
        _f.Server.LinkedEtag = _f.Server.PayloadDigest["sha256:".Length..];
        _f.Server.ChunkDelay = TimeSpan.FromMilliseconds(20); // a re-download would take > 1 s
        Assert.True((await _f.DownloadAsync(_f.Server.PayloadDigest)).Success);
        var progress = new RecordingProgress();
        var clock = Stopwatch.StartNew();

        var again = await _f.DownloadAsync(progress: progress);

        Assert.True(again.Success, again.Error);
        Assert.Equal(DownloadResult.FromServer, again.DigestSource);
        Assert.False(again.Resumed);
        Assert.InRange(clock.ElapsedMilliseconds, 0, 900);
        Assert.DoesNotContain(progress.Reports, r => r.Status == PullProgress.Downloading);
        Assert.Single(_f.FilesUnder(_f.Store.BlobsDirectory));
        Assert.Empty(_f.FilesUnder(_f.Store.PartialDirectory));
    }

    [Fact]
    public async Task Not_found_is_final_and_not_retried()
    {
        _f.Server.AlwaysStatus = 404;

        var result = await _f.DownloadAsync();

        Assert.False(result.Success);
        Assert.Contains("404", result.Error);
        Assert.Contains("Check the URL", result.Error);
        Assert.Single(_f.Server.Requests);
        Assert.Empty(_f.FilesUnder(_f.Store.PartialDirectory));
    }

    [Fact]
    public async Task Unauthorized_on_hugging_face_suggests_HF_TOKEN()
    {
        _f.Server.AlwaysStatus = 401;

        var anonymous = await _f.DownloadAsync(uri: _f.Server.Url("/o/r/resolve/main/f.gguf"));
        var withToken = await _f.DownloadAsync(uri: _f.Server.Url("/o/r/resolve/main/f.gguf"), token: "hf_x");

        Assert.Contains("401", anonymous.Error);
        Assert.Contains("set HF_TOKEN", anonymous.Error);
        Assert.Contains("cannot read this repository", withToken.Error);
        Assert.Equal(2, _f.Server.Requests.Count);
    }

    [Fact]
    public async Task A_server_error_is_retried()
    {
        _f.Server.FailNext = 1;

        var result = await _f.DownloadAsync();

        Assert.True(result.Success, result.Error);
        Assert.Equal(_f.Server.PayloadDigest, result.Digest);
        Assert.Equal(2, _f.Server.Requests.Count);
    }

    [Fact]
    public async Task A_server_that_keeps_failing_is_given_up_on_after_three_attempts()
    {
        _f.Server.AlwaysStatus = 503;
        var clock = Stopwatch.StartNew();

        var result = await _f.DownloadAsync();

        Assert.False(result.Success);
        Assert.Contains("503", result.Error);
        Assert.Contains("gave up after 3 attempts", result.Error);
        Assert.Equal(3, _f.Server.Requests.Count);
        Assert.InRange(clock.ElapsedMilliseconds, 1400, 5000); // backoff 0.5 s + 1 s
    }

    [Fact]
    public async Task Not_enough_disk_space_is_reported_before_the_body_is_read()
    {
        var need = _f.Server.Payload.Length + (64L << 20);
        _f.FreeBytes = _ => need - 1;
        var progress = new RecordingProgress();

        var result = await _f.DownloadAsync(progress: progress);

        Assert.False(result.Success);
        Assert.StartsWith("not enough disk space: need 68.0 MiB, have 68.0 MiB", result.Error);
        Assert.DoesNotContain(progress.Reports, r => r.Status == PullProgress.Downloading);
        Assert.Empty(_f.FilesUnder(_f.Store.PartialDirectory));
        Assert.Empty(_f.FilesUnder(_f.Store.BlobsDirectory));

        string? root = null;
        _f.FreeBytes = r =>
        {
            root = r;
            return need;
        };
        Assert.True((await _f.DownloadAsync()).Success);
        Assert.Equal(_f.Store.Root, root);
    }

    [Fact]
    public async Task The_bearer_token_is_sent_only_when_given()
    {
        Assert.True((await _f.DownloadAsync()).Success);
        Assert.True((await _f.DownloadAsync(uri: _f.Server.Url("/other.gguf"), token: "secret-token")).Success);

        var requests = _f.Server.Requests;
        Assert.Equal("", requests[0].Authorization);
        Assert.Equal("Bearer secret-token", requests[1].Authorization);
    }

    [Fact]
    public async Task A_non_http_uri_is_refused()
    {
        var result = await _f.Downloader.DownloadAsync(new DownloadRequest(new Uri("file:///etc/hostname")), null, CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("not an http(s) URL", result.Error);
    }
}
