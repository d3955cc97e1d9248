using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests;

/// <summary>
/// The registry CLI as users and scripts run it: a separate process of the server binary, exit
/// codes (0 ok, 2 invalid, 3 not found), --json output, a registry under MicroAI__DataDirectory.
/// </summary>
public sealed class CliImportTests
{
    [Fact]
    public async Task Import_List_Show_Tag_Remove_AsSeparateProcesses()
    {
        using var data = new TempDataDirectory();

        var import = await MicroAICli.RunAsync(data.Path, "import", StoriesFile.Path, "--json");
        Assert.True(import.ExitCode == 0, import.ToString());
        var imported = import.Json;
        Assert.Equal("success", (string?)imported["status"]);
        Assert.Equal("stories260k:latest", (string?)imported["model"]);

        var list = await MicroAICli.RunAsync(data.Path, "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var model = Assert.Single(list.Json.AsArray())!;
        Assert.Equal("stories260k:latest", (string?)model["id"]);
        var metadata = model["metadata"]!;
        Assert.Equal("gguf", (string?)metadata["format"]);
        Assert.Equal("registry", (string?)metadata["source"]);
        Assert.Equal("F32", (string?)metadata["quantization"]);
        Assert.Equal("llama", (string?)metadata["architecture"]);
        Assert.Equal(StoriesFile.Size, (long)metadata["size"]!);
        Assert.Contains("completion", metadata["capabilities"]!.AsArray().Select(c => (string?)c));

        var table = await MicroAICli.RunAsync(data.Path, "list");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("stories260k:latest", table.Stdout);
        Assert.Contains("F32", table.Stdout);

        var show = await MicroAICli.RunAsync(data.Path, "show", "stories260k", "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        var details = show.Json;
        Assert.Equal("stories260k:latest", (string?)details["id"]);
        var manifest = details["manifest"]!;
        Assert.Equal("stories260k", (string?)manifest["name"]);
        Assert.Equal("latest", (string?)manifest["tag"]);
        var file = Assert.Single(manifest["files"]!.AsArray())!;
        Assert.Equal(StoriesFile.Digest, (string?)file["digest"]);
        Assert.Equal(StoriesFile.Size, (long)file["size"]!);
        Assert.Equal("model", (string?)file["role"]);
        // The file was copied into the content-addressed store, not referenced in place.
        Assert.True(File.Exists(Path.Combine(data.RegistryBlobs, StoriesFile.Digest.Replace(':', '-'))), show.ToString());

        var tag = await MicroAICli.RunAsync(data.Path, "tag", "stories260k", "s2:v1");
        Assert.True(tag.ExitCode == 0, tag.ToString());

        var rm = await MicroAICli.RunAsync(data.Path, "rm", "stories260k");
        Assert.True(rm.ExitCode == 0, rm.ToString());
        Assert.Contains("stories260k:latest", rm.Stdout);

        // The alias keeps the shared blob: it still shows, and its file is still there.
        var showAlias = await MicroAICli.RunAsync(data.Path, "show", "s2:v1", "--json");
        Assert.True(showAlias.ExitCode == 0, showAlias.ToString());
        Assert.Equal("s2:v1", (string?)showAlias.Json["id"]);
        var aliasFile = Assert.Single(showAlias.Json["manifest"]!["files"]!.AsArray())!;
        Assert.Equal(StoriesFile.Digest, (string?)aliasFile["digest"]);
        Assert.True(File.Exists((string?)showAlias.Json["path"]), showAlias.ToString());

        var showRemoved = await MicroAICli.RunAsync(data.Path, "show", "stories260k");
        Assert.True(showRemoved.ExitCode == 3, showRemoved.ToString());
        Assert.Contains("stories260k", showRemoved.Stderr);

        var rmUnknown = await MicroAICli.RunAsync(data.Path, "rm", "nope", "--json");
        Assert.True(rmUnknown.ExitCode == 3, rmUnknown.ToString());
        Assert.Equal(3, (int)rmUnknown.Json["error"]!["exit_code"]!);
    }

    [Fact]
    public async Task Import_RejectsMissingFiles_NonModels_AndBadNames_AddingNothing()
    {
        using var data = new TempDataDirectory();

        var missing = await MicroAICli.RunAsync(data.Path, "import", "/nonexistent-" + Guid.NewGuid().ToString("N") + ".gguf");
        Assert.True(missing.ExitCode == 3, missing.ToString());
        Assert.StartsWith("error: ", missing.Stderr, StringComparison.Ordinal);

        var notAModel = await MicroAICli.RunAsync(data.Path, "import", Path.Combine(TestPaths.RepoRoot, "README.md"), "--json");
        Assert.True(notAModel.ExitCode == 2, notAModel.ToString());
        Assert.Equal(2, (int)notAModel.Json["error"]!["exit_code"]!);

        var climbing = await MicroAICli.RunAsync(data.Path, "import", StoriesFile.Path, "--name", "../../etc");
        Assert.True(climbing.ExitCode == 2, climbing.ToString());

        var list = await MicroAICli.RunAsync(data.Path, "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Empty(list.Json.AsArray());
        Assert.False(Directory.Exists(data.RegistryBlobs) && Directory.EnumerateFiles(data.RegistryBlobs, "sha256-*").Any(),
            "a rejected import left a blob behind");
        var manifests = Path.Combine(data.Path, "registry", "manifests");
        Assert.False(Directory.Exists(manifests) && Directory.EnumerateFiles(manifests, "*", SearchOption.AllDirectories).Any(),
            "a rejected import left a manifest behind");

        var help = await MicroAICli.RunAsync(data.Path, "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var command in new[] { "pull", "list", "show", "rm", "tag", "import", "prune", "serve" })
            Assert.Contains(command, help.Stdout);
    }
}

/// <summary>`microai pull` from a local HTTP server: NDJSON progress, digest checks, 404s.</summary>
public sealed class CliPullTests : IAsyncLifetime
{
    private ModelFileServer _files = null!;

    public async Task InitializeAsync() => _files = await ModelFileServer.StartAsync();

    public async Task DisposeAsync() => await _files.DisposeAsync();

    [Fact]
    public async Task Pull_Json_StreamsProgressThenSuccess_AndTheModelIsListed()
    {
        using var data = new TempDataDirectory();

        var pull = await MicroAICli.RunAsync(data.Path, "pull", _files.Url(), "--json");

        Assert.True(pull.ExitCode == 0, pull.ToString());
        var lines = pull.JsonLines;
        Assert.True(lines.Count >= 3, pull.ToString());
        foreach (var progress in lines.SkipLast(1))
        {
            Assert.NotNull((string?)progress["status"]);
            Assert.True(progress["completed"] is JsonValue, pull.ToString());
        }
        var statuses = lines.Select(l => (string?)l["status"]).ToList();
        var downloading = statuses.LastIndexOf("downloading");
        var verifying = statuses.IndexOf("verifying");
        Assert.True(downloading >= 0 && verifying > downloading, pull.ToString());
        Assert.Equal(StoriesFile.Size, (long)lines[verifying]["completed"]!);
        Assert.Equal(StoriesFile.Size, (long)lines[downloading]["total"]!);

        var last = lines[^1];
        Assert.Equal("success", (string?)last["status"]);
        Assert.Equal("stories260k:latest", (string?)last["model"]);
        Assert.Equal(StoriesFile.Digest, (string?)last["digest"]);

        var show = await MicroAICli.RunAsync(data.Path, "show", "stories260k:latest", "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal("F32", (string?)show.Json["metadata"]!["quantization"]);
        Assert.Equal("http", (string?)show.Json["manifest"]!["source"]!["kind"]);
        Assert.Equal(_files.Url(), (string?)show.Json["manifest"]!["source"]!["uri"]);
    }

    [Fact]
    public async Task Pull_WithAWrongDigest_Exits2_AndKeepsNothing()
    {
        using var data = new TempDataDirectory();

        var pull = await MicroAICli.RunAsync(data.Path, "pull", _files.Url(), "--digest", StoriesFile.ZeroDigest, "--json");

        Assert.True(pull.ExitCode == 2, pull.ToString());
        var error = pull.JsonLines[^1]["error"]!;
        Assert.Equal(2, (int)error["exit_code"]!);
        Assert.Contains("mismatch", (string?)error["message"], StringComparison.OrdinalIgnoreCase);

        var list = await MicroAICli.RunAsync(data.Path, "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Empty(list.Json.AsArray());
        Assert.False(Directory.Exists(data.RegistryBlobs) && Directory.EnumerateFiles(data.RegistryBlobs, "sha256-*").Any(),
            "a digest mismatch left a blob behind");
    }

    [Fact]
    public async Task Pull_OfA404Url_Exits3()
    {
        using var data = new TempDataDirectory();

        var pull = await MicroAICli.RunAsync(data.Path, "pull", _files.Url("/missing/other.gguf"));

        Assert.True(pull.ExitCode == 3, pull.ToString());
        Assert.Contains("404", pull.Stderr);
    }
}
