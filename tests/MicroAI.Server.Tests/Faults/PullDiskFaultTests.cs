using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace MicroAI.Server.Tests.Faults;

/// <summary>
/// /api/registry/pull into a registry whose file system fills up during the download, or is read-only: a
/// clear NDJSON error naming the cause, nothing corrupt (no manifest, no blob, at most a resumable
/// partial file), and the server keeps serving; with room again the pull resumes and succeeds.
/// </summary>
public sealed class PullDiskFaultTests(ITestOutputHelper output)
{
    // 64 MiB is the downloader's free-space margin (HttpBlobDownloader.DiskMargin): 80 MiB passes its
    // pre-check for the 1.1 MB model, so the disk fills up during the copy, not before it.
    private const int FileSystemMiB = 80;

    [SmallFileSystemFact]
    public async Task DiskFullDuringPull_ClearError_NothingCorrupt_ResumesWithRoom()
    {
        using var fs = SmallFileSystem.Mount(FileSystemMiB);
        await using var files = await ModelFileServer.StartAsync();
        files.ChunkDelay = TimeSpan.FromMilliseconds(100); // ~1.8 s for the 1.1 MB file
        await using var server = await RegistryTestServer.StartAsync(fs.Path);

        var pulling = PullAsync(server, files);
        var partial = Path.Combine(fs.Path, "registry", "partial");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(Directory.Exists(partial) && Directory.EnumerateFiles(partial, "*.part").Any(f => new FileInfo(f).Length > 0)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the download never started writing");
            await Task.Delay(5);
        }
        var filled = fs.Fill(); // someone else takes the rest of the disk
        var lines = await pulling;
        output.WriteLine($"filled {filled / 1048576.0:F1} MiB; pull answered:\n{string.Join('\n', lines.Select(l => l.ToJsonString()))}");

        var error = lines[^1]["error"];
        Assert.True(error is not null, "the last NDJSON line is not an error");
        Assert.Contains("No space left on device", (string?)error["message"], StringComparison.OrdinalIgnoreCase);
        AssertNothingCommitted(fs.Path);
        Assert.DoesNotContain("story:latest", await server.ModelIdsAsync()); // and /v1/models still answers

        fs.Unfill();
        var again = await PullAsync(server, files);
        Assert.Equal("success", (string?)again[^1]["status"]);
        Assert.Equal(StoriesFile.Digest, (string?)again[^1]["digest"]);
        Assert.True(File.Exists(Path.Combine(fs.Path, "registry", "blobs", "sha256-" + StoriesFile.Digest["sha256:".Length..])));
        await server.GreedyCompletionAsync("story");
    }

    [SmallFileSystemFact]
    public async Task ReadOnlyRegistry_ClearError_ServerKeepsServing()
    {
        using var fs = SmallFileSystem.Mount(FileSystemMiB);
        await using var files = await ModelFileServer.StartAsync();
        await using var server = await RegistryTestServer.StartAsync(fs.Path);
        fs.MakeReadOnly();

        var lines = await PullAsync(server, files);
        output.WriteLine(string.Join('\n', lines.Select(l => l.ToJsonString())));
        var error = lines[^1]["error"];
        Assert.True(error is not null, "the last NDJSON line is not an error");
        Assert.Contains("Read-only file system", (string?)error["message"], StringComparison.OrdinalIgnoreCase);
        AssertNothingCommitted(fs.Path);
        using var health = await server.Http.GetAsync("health");
        Assert.True(health.IsSuccessStatusCode);
    }

    private static async Task<List<JsonNode>> PullAsync(RegistryTestServer server, ModelFileServer files)
    {
        using var response = await server.Http.PostAsync("api/registry/pull", ServerHttp.JsonContent(new JsonObject { ["source"] = files.Url(), ["name"] = "story" }));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.EndsWith("\n", text, StringComparison.Ordinal); // the last line is whole
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
    }

    /// <summary>No manifest and no blob: a failed pull leaves at most partial/*.part (and its validator) for a resume.</summary>
    private static void AssertNothingCommitted(string dataDirectory)
    {
        var registry = Path.Combine(dataDirectory, "registry");
        foreach (var folder in new[] { "manifests", "blobs", "tmp" })
        {
            var path = Path.Combine(registry, folder);
            var found = Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).ToList() : [];
            Assert.True(found.Count == 0, $"{folder}/ holds {string.Join(", ", found)}");
        }
    }
}
