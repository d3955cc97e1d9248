using System.Security.Cryptography;

namespace MicroAI.ModelRegistry.Store;

/// <summary>
/// Content-addressed files under <c>root/blobs/sha256-HEX</c>. A blob appears only complete and
/// verified: it is written under <c>root/tmp</c>, flushed to disk, checked against its digest and
/// then renamed into place (a rename within one volume is atomic). Resumable downloads keep their
/// bytes under <c>root/partial</c> until they are committed.
/// </summary>
public sealed class BlobStore
{
    private const int CopyBuffer = 1 << 20; // 1 MiB: large sequential writes; hashing runs at ~1-2 GB/s

    public BlobStore(string root)
    {
        Root = Path.GetFullPath(root);
        BlobsDirectory = Path.Combine(Root, "blobs");
        TempDirectory = Path.Combine(Root, "tmp");
        PartialDirectory = Path.Combine(Root, "partial");
    }

    public string Root { get; }
    public string BlobsDirectory { get; }
    public string TempDirectory { get; }
    public string PartialDirectory { get; }

    public string PathOf(string digest) => Path.Combine(BlobsDirectory, Digest.ToFileName(digest));

    public bool Exists(string digest) => Digest.IsValid(digest) && File.Exists(PathOf(digest));

    public long SizeOf(string digest) => new FileInfo(PathOf(digest)).Length;

    public IEnumerable<string> List()
    {
        if (!Directory.Exists(BlobsDirectory))
            yield break;
        foreach (var file in Directory.EnumerateFiles(BlobsDirectory, "sha256-*"))
        {
            var digest = Digest.Normalize(Path.GetFileName(file)["sha256-".Length..]);
            if (digest is not null)
                yield return digest;
        }
    }

    /// <summary>Where a resumable download for <paramref name="key"/> (e.g. a hash of its URL) keeps its bytes.</summary>
    public string PartialPath(string key)
    {
        Directory.CreateDirectory(PartialDirectory);
        var safe = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
        return Path.Combine(PartialDirectory, safe + ".part");
    }

    /// <summary>
    /// Copies a file into the store, hashing as it copies. With <paramref name="expectedDigest"/> a
    /// mismatch leaves nothing behind and is reported.
    /// </summary>
    public async Task<BlobResult> ImportFileAsync(string sourcePath, string? expectedDigest, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(TempDirectory);
        var temp = Path.Combine(TempDirectory, Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            string digest;
            long size;
            await using (var source = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBuffer, FileOptions.SequentialScan | FileOptions.Asynchronous))
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBuffer, FileOptions.Asynchronous))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[CopyBuffer];
                size = 0;
                int n;
                while ((n = await source.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    await target.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                    size += n;
                    progress?.Report(size);
                }
                target.Flush(flushToDisk: true);
                digest = Digest.FromHash(hash.GetHashAndReset());
            }
            return Commit(temp, digest, size, expectedDigest);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>
    /// Verifies a finished download (or any file under tmp/ or partial/) and moves it into place.
    /// The file is consumed: on success it becomes the blob, on a mismatch it is deleted; on
    /// cancellation it is left in place.
    /// </summary>
    public async Task<BlobResult> CommitFileAsync(string path, string? expectedDigest, CancellationToken cancellationToken)
    {
        await using (var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None))
            f.Flush(flushToDisk: true);
        // Cancelled while hashing: the finished bytes stay where they are for the next attempt.
        var digest = await Digest.OfFileAsync(path, cancellationToken);
        try
        {
            return Commit(path, digest, new FileInfo(path).Length, expectedDigest);
        }
        finally
        {
            TryDelete(path);
        }
    }

    private BlobResult Commit(string temp, string digest, long size, string? expectedDigest)
    {
        var expected = Digest.Normalize(expectedDigest);
        if (expectedDigest is not null && expected is null)
            return BlobResult.Fail($"'{expectedDigest}' is not a sha256 digest.");
        if (expected is not null && expected != digest)
            return BlobResult.Fail($"Digest mismatch: expected {expected}, got {digest}. Nothing was kept.");

        Directory.CreateDirectory(BlobsDirectory);
        var final = PathOf(digest);
        if (!File.Exists(final))
        {
            try
            {
                File.Move(temp, final, overwrite: false);
            }
            catch (IOException) when (File.Exists(final))
            {
                // Another writer committed the same content first: same bytes, keep theirs.
            }
            catch (FileNotFoundException)
            {
                return BlobResult.Fail("The file being stored was removed before it could be committed (a concurrent prune?); nothing was kept.");
            }
        }
        return BlobResult.Ok(digest, size);
    }

    public bool Delete(string digest)
    {
        if (!Digest.IsValid(digest))
            return false;
        var path = PathOf(digest);
        if (!File.Exists(path))
            return false;
        File.Delete(path);
        return true;
    }

    /// <summary>
    /// Removes temp files left by a crash (partial downloads are kept for resuming). A file still
    /// open by a writer (held with FileShare.None) or younger than <paramref name="minimumAge"/> is
    /// left alone: it may be an import in progress, in this process or another.
    /// </summary>
    public int CleanTemp(TimeSpan minimumAge = default)
    {
        if (!Directory.Exists(TempDirectory))
            return 0;
        var cutoff = DateTime.UtcNow - minimumAge;
        var n = 0;
        foreach (var f in Directory.EnumerateFiles(TempDirectory))
        {
            if (File.GetLastWriteTimeUtc(f) > cutoff || IsInUse(f))
                continue;
            if (TryDelete(f))
                n++;
        }
        return n;
    }

    private static bool IsInUse(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    internal static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path))
                return false;
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}

public readonly record struct BlobResult(string? Digest, long Size, string? Error)
{
    public bool Success => Error is null;
    public static BlobResult Ok(string digest, long size) => new(digest, size, null);
    public static BlobResult Fail(string error) => new(null, 0, error);
}
