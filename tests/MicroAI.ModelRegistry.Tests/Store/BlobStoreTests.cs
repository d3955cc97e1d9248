using System.Security.Cryptography;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Tests.Store;

public sealed class BlobStoreTests : IDisposable
{
    private readonly TempModelsDirectory _dir = new();
    private readonly BlobStore _blobs;

    public BlobStoreTests() => _blobs = new BlobStore(Path.Combine(_dir.Path, "store"));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Importing_the_same_content_twice_stores_one_file()
    {
        var a = WriteSource("a.bin", Bytes(100_000, 1));
        var b = WriteSource("b.bin", Bytes(100_000, 1));
        var progress = new List<long>();

        var first = await _blobs.ImportFileAsync(a, null, new SyncProgress(progress), CancellationToken.None);
        var second = await _blobs.ImportFileAsync(b, null, null, CancellationToken.None);

        Assert.True(first.Success, first.Error);
        Assert.True(second.Success, second.Error);
        Assert.Equal(DigestOf(Bytes(100_000, 1)), first.Digest);
        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(100_000, first.Size);
        Assert.Equal(100_000L, progress[^1]);
        Assert.Single(Directory.GetFiles(_blobs.BlobsDirectory));
        Assert.Equal(Digest.ToFileName(first.Digest!), Path.GetFileName(_blobs.PathOf(first.Digest!)));
        Assert.True(_blobs.Exists(first.Digest!));
        Assert.Equal(100_000, _blobs.SizeOf(first.Digest!));
        Assert.Empty(Directory.GetFiles(_blobs.TempDirectory));
        Assert.True(File.Exists(a), "the source file is copied, not moved");
    }

    [Fact]
    public async Task Importing_with_the_right_expected_digest_succeeds_in_any_spelling()
    {
        var bytes = Bytes(5000, 2);
        var source = WriteSource("m.bin", bytes);
        var bareUpperHex = DigestOf(bytes)["sha256:".Length..].ToUpperInvariant();

        var result = await _blobs.ImportFileAsync(source, bareUpperHex, null, CancellationToken.None);

        Assert.True(result.Success, result.Error);
        Assert.Equal(DigestOf(bytes), result.Digest);
    }

    [Theory]
    [InlineData("sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("not-a-digest")]
    [InlineData("sha256:abc")]
    public async Task A_wrong_or_malformed_expected_digest_fails_and_leaves_nothing(string expected)
    {
        var source = WriteSource("m.bin", Bytes(5000, 3));

        var result = await _blobs.ImportFileAsync(source, expected, null, CancellationToken.None);

        Assert.False(result.Success);
        Assert.Null(result.Digest);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        Assert.Empty(FilesUnder(_blobs.BlobsDirectory));
        Assert.Empty(FilesUnder(_blobs.TempDirectory));
        Assert.True(File.Exists(source));
    }

    [Fact]
    public async Task Commit_moves_a_verified_file_into_place_and_consumes_it()
    {
        var bytes = Bytes(20_000, 4);
        Directory.CreateDirectory(_blobs.TempDirectory);
        var finished = Path.Combine(_blobs.TempDirectory, "download.tmp");
        await File.WriteAllBytesAsync(finished, bytes);

        var result = await _blobs.CommitFileAsync(finished, DigestOf(bytes), CancellationToken.None);

        Assert.True(result.Success, result.Error);
        Assert.Equal(DigestOf(bytes), result.Digest);
        Assert.Equal(bytes.Length, result.Size);
        Assert.False(File.Exists(finished));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(_blobs.PathOf(result.Digest!)));
    }

    [Fact]
    public async Task Commit_of_content_already_stored_keeps_the_existing_blob_and_removes_the_file()
    {
        var bytes = Bytes(20_000, 5);
        var imported = await _blobs.ImportFileAsync(WriteSource("m.bin", bytes), null, null, CancellationToken.None);
        var again = _blobs.PartialPath("http://127.0.0.1/m.gguf");
        await File.WriteAllBytesAsync(again, bytes);

        var result = await _blobs.CommitFileAsync(again, null, CancellationToken.None);

        Assert.True(result.Success, result.Error);
        Assert.Equal(imported.Digest, result.Digest);
        Assert.False(File.Exists(again));
        Assert.Single(FilesUnder(_blobs.BlobsDirectory));
    }

    [Fact]
    public async Task Commit_with_a_wrong_digest_deletes_the_file_and_stores_nothing()
    {
        var path = _blobs.PartialPath("key");
        await File.WriteAllBytesAsync(path, Bytes(1000, 6));

        var result = await _blobs.CommitFileAsync(path, DigestOf(Bytes(1000, 7)), CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("mismatch", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(path));
        Assert.Empty(FilesUnder(_blobs.BlobsDirectory));
    }

    [Fact]
    public void Partial_paths_are_stable_hashed_names_under_partial()
    {
        var a = _blobs.PartialPath("https://example.invalid/../../etc/passwd");
        var b = _blobs.PartialPath("https://example.invalid/../../etc/passwd");

        Assert.Equal(a, b);
        Assert.Equal(_blobs.PartialDirectory, Path.GetDirectoryName(a));
        Assert.Matches("^[0-9a-f]{64}\\.part$", Path.GetFileName(a));
        Assert.NotEqual(a, _blobs.PartialPath("other"));
    }

    [Fact]
    public async Task CleanTemp_removes_leftovers_but_not_partial_downloads()
    {
        Directory.CreateDirectory(_blobs.TempDirectory);
        File.WriteAllBytes(Path.Combine(_blobs.TempDirectory, "crashed1.tmp"), [1]);
        File.WriteAllBytes(Path.Combine(_blobs.TempDirectory, "crashed2.tmp"), [2]);
        var partial = _blobs.PartialPath("http://127.0.0.1/x.gguf");
        await File.WriteAllBytesAsync(partial, [3]);

        Assert.Equal(2, _blobs.CleanTemp());

        Assert.Empty(FilesUnder(_blobs.TempDirectory));
        Assert.True(File.Exists(partial));
        Assert.Equal(0, _blobs.CleanTemp());
    }

    [Fact]
    public void CleanTemp_and_List_on_an_empty_store_do_nothing()
    {
        Assert.Equal(0, _blobs.CleanTemp());
        Assert.Empty(_blobs.List());
        Assert.False(_blobs.Exists("sha256:" + new string('0', 64)));
    }

    [Fact]
    public async Task List_returns_the_stored_digests_and_ignores_other_files()
    {
        var one = await _blobs.ImportFileAsync(WriteSource("1", Bytes(10, 8)), null, null, CancellationToken.None);
        var two = await _blobs.ImportFileAsync(WriteSource("2", Bytes(10, 9)), null, null, CancellationToken.None);
        File.WriteAllBytes(Path.Combine(_blobs.BlobsDirectory, "README"), [1]);
        File.WriteAllBytes(Path.Combine(_blobs.BlobsDirectory, "sha256-nothex"), [1]);

        var listed = _blobs.List().Order(StringComparer.Ordinal).ToList();

        Assert.Equal(new[] { one.Digest!, two.Digest! }.Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task Delete_removes_a_blob_once_and_refuses_invalid_digests()
    {
        var blob = await _blobs.ImportFileAsync(WriteSource("1", Bytes(10, 10)), null, null, CancellationToken.None);
        var outside = WriteSource("victim", [1, 2, 3]);

        Assert.False(_blobs.Delete("../victim"));
        Assert.False(_blobs.Delete("sha256:../../victim"));
        Assert.True(_blobs.Delete(blob.Digest!));
        Assert.False(_blobs.Delete(blob.Digest!));
        Assert.False(_blobs.Exists(blob.Digest!));
        Assert.Empty(_blobs.List());
        Assert.True(File.Exists(outside));
    }

    [Fact]
    public async Task Concurrent_imports_of_the_same_content_all_succeed_with_one_blob()
    {
        var bytes = Bytes(300_000, 11);
        var sources = Enumerable.Range(0, 8).Select(i => WriteSource($"s{i}", bytes)).ToList();

        var results = await Task.WhenAll(sources.Select(s => Task.Run(() => _blobs.ImportFileAsync(s, null, null, CancellationToken.None))));

        Assert.All(results, r => Assert.True(r.Success, r.Error));
        Assert.Single(results.Select(r => r.Digest).Distinct());
        Assert.Single(FilesUnder(_blobs.BlobsDirectory));
        Assert.Empty(FilesUnder(_blobs.TempDirectory));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(_blobs.PathOf(results[0].Digest!)));
    }

    private string WriteSource(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir.Path, "src", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string[] FilesUnder(string directory) => Directory.Exists(directory) ? Directory.GetFiles(directory) : [];

    private static byte[] Bytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string DigestOf(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}
