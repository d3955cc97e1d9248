using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Fleet;

/// <summary>
/// `microai login`, `push` and `pull` as separate processes against a real registry
/// (<see cref="DockerRegistry"/>), the pulled model then served by a server on the second data folder.
/// </summary>
public sealed class OciPushPullTests
{
    private static async Task LoginAsync(DockerRegistry registry, string dataDirectory)
    {
        var login = await MicroAICli.RunWithInputAsync(dataDirectory, DockerRegistry.Password + "\n", "login", registry.Host, "-u", DockerRegistry.User, "--password-stdin", "--json");
        Assert.True(login.ExitCode == 0, login.ToString());
        var file = Path.Combine(dataDirectory, "registry-auth.json");
        Assert.True(File.Exists(file), login.ToString());
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.DoesNotContain(DockerRegistry.Password, await File.ReadAllTextAsync(file), StringComparison.Ordinal); // base64, as Docker stores it
    }

    private static async Task<JsonNode> PushAsync(string dataDirectory, string model, string reference, params string[] extra)
    {
        var push = await MicroAICli.RunAsync(dataDirectory, ["push", model, reference, "--json", .. extra]);
        Assert.True(push.ExitCode == 0, push.ToString());
        var last = push.JsonLines[^1];
        Assert.Equal("success", (string?)last["status"]);
        return last;
    }

    [Fact]
    public async Task PushThenPull_IntoAnEmptyDataFolder_IsServedWithTheSameGreedyText_AndASecondPushSendsNothing()
    {
        await using var registry = await DockerRegistry.StartAsync();
        using var source = new TempDataDirectory();
        using var target = new TempDataDirectory();
        var import = await MicroAICli.RunAsync(source.Path, "import", StoriesFile.Path, "--json");
        Assert.True(import.ExitCode == 0, import.ToString());
        await LoginAsync(registry, source.Path);

        var reference = $"{registry.Host}/fleet/stories:v1";
        var first = await PushAsync(source.Path, "stories260k", reference);
        var firstBytes = (long)first["bytes_uploaded"]!;
        // The file's distinct chunks + a small config: tensor-aligned chunks with equal bytes (stories260K has some) go up once.
        Assert.True(firstBytes >= StoriesFile.Size * 8 / 10 && firstBytes < StoriesFile.Size + 64 * 1024, first.ToJsonString());
        Assert.True((int)first["blobs_uploaded"]! >= 2, first.ToJsonString());
        Assert.Equal(0, (int)first["blobs_skipped"]!);
        var digest = (string)first["digest"]!;

        var second = await PushAsync(source.Path, "stories260k", reference);
        Assert.Equal(0L, (long)second["bytes_uploaded"]!);
        Assert.Equal(0, (int)second["blobs_uploaded"]!);
        Assert.Equal((int)first["blobs_uploaded"]!, (int)second["blobs_skipped"]!);
        Assert.Equal(digest, (string)second["digest"]!);

        // The registry holds MicroAI's artifact: artifactType, config media type, chunk layers, annotations.
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"v2/fleet/stories/manifests/v1"))
        {
            request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
            using var response = await registry.Http.SendAsync(request);
            var manifest = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("application/vnd.microai.model.v1", (string?)manifest["artifactType"]);
            Assert.Equal("application/vnd.microai.model.config.v1+json", (string?)manifest["config"]!["mediaType"]);
            var layers = manifest["layers"]!.AsArray();
            Assert.All(layers, l => Assert.Equal("application/vnd.microai.model.chunk.v1", (string?)l!["mediaType"]));
            Assert.Equal(StoriesFile.Size, layers.Sum(l => (long)l!["size"]!));
            Assert.Equal("stories260K.gguf", (string?)layers[0]!["annotations"]!["ai.microai.file"]);
            Assert.Equal("0", (string?)layers[0]!["annotations"]!["ai.microai.offset"]);
            var annotations = manifest["annotations"]!;
            Assert.Equal("llama", (string?)annotations["ai.microai.architecture"]);
            Assert.Equal("F32", (string?)annotations["ai.microai.quantization"]);
            Assert.Equal("gguf", (string?)annotations["ai.microai.format"]);
            Assert.Equal("stories260k", (string?)annotations["org.opencontainers.image.title"]);
        }

        await LoginAsync(registry, target.Path);
        var pull = await MicroAICli.RunAsync(target.Path, "pull", reference, "--json");
        Assert.True(pull.ExitCode == 0, pull.ToString());
        var lines = pull.JsonLines;
        Assert.Contains(lines, l => (string?)l["status"] == "downloading" || (string?)l["status"] == "done");
        Assert.Equal("fleet/stories:v1", (string?)lines[^1]["model"]);
        Assert.Equal(StoriesFile.Digest, (string?)lines[^1]["digest"]);

        // By digest, with oci://, under another name: the blob is already here, nothing downloads.
        var byDigest = await MicroAICli.RunAsync(target.Path, "pull", $"oci://{registry.Host}/fleet/stories@{digest}", "--name", "pinned", "--json");
        Assert.True(byDigest.ExitCode == 0, byDigest.ToString());
        Assert.Equal("pinned:latest", (string?)byDigest.JsonLines[^1]["model"]);
        var show = await MicroAICli.RunAsync(target.Path, "show", "pinned", "--json");
        Assert.Equal($"{registry.Host}/fleet/stories@{digest}", (string?)show.Json["manifest"]!["source"]!["uri"]);
        Assert.Equal("oci", (string?)show.Json["manifest"]!["source"]!["kind"]);

        await using var server = await RegistryTestServer.StartAsync(target.Path);
        foreach (var model in new[] { "fleet/stories:v1", "pinned" })
        {
            var completion = await server.GreedyCompletionAsync(model);
            Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)completion["choices"]![0]!["text"]);
        }
    }

    [Fact]
    public async Task ChunkedUpload_AndCrossRepositoryMount_AndAPullThroughTheHttpApi()
    {
        await using var registry = await DockerRegistry.StartAsync();
        using var source = new TempDataDirectory();
        using var target = new TempDataDirectory();
        Assert.True((await MicroAICli.RunAsync(source.Path, "import", StoriesFile.Path, "--json")).ExitCode == 0);
        await LoginAsync(registry, source.Path);
        await LoginAsync(registry, target.Path);

        // 100 kB PATCHes: the ~1.2 MB file goes up in a dozen Content-Range requests.
        var chunked = await PushAsync(source.Path, "stories260k", $"{registry.Host}/a/stories:v1", "--MicroAI:Registry:UploadChunkBytes=100000");
        Assert.True((long)chunked["bytes_uploaded"]! >= StoriesFile.Size * 8 / 10, chunked.ToJsonString());

        await using (var server = await RegistryTestServer.StartAsync(target.Path))
        {
            var (response, _, text) = await server.Http.PostJsonAsync("api/registry/pull", $$"""{"source":"oci://{{registry.Host}}/a/stories:v1","stream":false}""");
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            Assert.Equal("a/stories:v1", (string?)JsonNode.Parse(text)!["model"]);
            var completion = await server.GreedyCompletionAsync("a/stories:v1");
            Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)completion["choices"]![0]!["text"]);
        }

        // Pulled from a/stories, pushed to b/stories of the same registry: the chunks are mounted, not sent.
        var mounted = await PushAsync(target.Path, "a/stories:v1", $"{registry.Host}/b/stories:v1");
        Assert.True((int)mounted["blobs_mounted"]! >= 1, mounted.ToJsonString());
        Assert.True((long)mounted["bytes_uploaded"]! < 64 * 1024, mounted.ToJsonString()); // only the config, whose lineage differs
        // The first chunk starts the file: whatever the chunk plan, it is a blob of b/stories now.
        using var check = new HttpRequestMessage(HttpMethod.Head, $"v2/b/stories/blobs/{await FirstLayerAsync(registry, "a/stories")}");
        using var head = await registry.Http.SendAsync(check);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task WrongPassword_AndNoLogin_AreClearErrors_AndStoreNothing()
    {
        await using var registry = await DockerRegistry.StartAsync();
        using var source = new TempDataDirectory();
        using var target = new TempDataDirectory();
        Assert.True((await MicroAICli.RunAsync(source.Path, "import", StoriesFile.Path, "--json")).ExitCode == 0);
        await LoginAsync(registry, source.Path);
        await PushAsync(source.Path, "stories260k", $"{registry.Host}/fleet/stories:v1");

        var wrong = await MicroAICli.RunWithInputAsync(target.Path, "not-the-password\n", "login", registry.Host, "-u", DockerRegistry.User, "--password-stdin");
        Assert.True(wrong.ExitCode == 1, wrong.ToString());
        Assert.Contains("401", wrong.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(target.Path, "registry-auth.json")), "a refused login was stored");

        var anonymous = await MicroAICli.RunAsync(target.Path, "pull", $"{registry.Host}/fleet/stories:v1", "--json");
        Assert.True(anonymous.ExitCode == 1, anonymous.ToString());
        var message = (string?)anonymous.JsonLines[^1]["error"]!["message"];
        Assert.Contains("requires credentials", message, StringComparison.Ordinal);
        Assert.Contains($"microai login {registry.Host}", message, StringComparison.Ordinal);

        // A stored login whose password has since changed.
        var logins = Path.Combine(target.Path, "registry-auth.json");
        await File.WriteAllTextAsync(logins, $$$$"""{"auths":{"{{{{registry.Host}}}}":{"auth":"{{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(DockerRegistry.User + ":old"))}}}}"}}}""");
        var stale = await MicroAICli.RunAsync(target.Path, "pull", $"{registry.Host}/fleet/stories:v1");
        Assert.True(stale.ExitCode == 1, stale.ToString());
        Assert.Contains("were not accepted", stale.Stderr, StringComparison.Ordinal);

        AssertNothingStored(target.Path);
    }

    [Fact]
    public async Task ABlobAlteredInTheRegistrysStorage_FailsTheDigestCheck_AndStoresNothing()
    {
        await using var registry = await DockerRegistry.StartAsync();
        using var source = new TempDataDirectory();
        using var target = new TempDataDirectory();
        Assert.True((await MicroAICli.RunAsync(source.Path, "import", StoriesFile.Path, "--json")).ExitCode == 0);
        await LoginAsync(registry, source.Path);
        await PushAsync(source.Path, "stories260k", $"{registry.Host}/fleet/stories:v1");

        // Every chunk blob is flipped in one byte, so whatever the chunk plan, the pull meets a bad blob.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "v2/fleet/stories/manifests/v1"))
        {
            request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
            using var response = await registry.Http.SendAsync(request);
            foreach (var layer in JsonNode.Parse(await response.Content.ReadAsStringAsync())!["layers"]!.AsArray())
            {
                var file = registry.BlobFile((string)layer!["digest"]!);
                var bytes = await File.ReadAllBytesAsync(file);
                bytes[bytes.Length / 2] ^= 0x5a;
                await File.WriteAllBytesAsync(file, bytes);
            }
        }

        await LoginAsync(registry, target.Path);
        var pull = await MicroAICli.RunAsync(target.Path, "pull", $"{registry.Host}/fleet/stories:v1", "--json");
        Assert.True(pull.ExitCode == 2, pull.ToString());
        var message = (string?)pull.JsonLines[^1]["error"]!["message"];
        Assert.Contains("Digest mismatch", message, StringComparison.Ordinal);
        AssertNothingStored(target.Path);
    }

    private static async Task<string> FirstLayerAsync(DockerRegistry registry, string repository)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/v1");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var response = await registry.Http.SendAsync(request);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["layers"]![0]!["digest"]!;
    }

    internal static void AssertNothingStored(string dataDirectory)
    {
        var blobs = Path.Combine(dataDirectory, "registry", "blobs");
        Assert.False(Directory.Exists(blobs) && Directory.EnumerateFiles(blobs).Any(), "a failed pull left a blob: " + (Directory.Exists(blobs) ? string.Join(", ", Directory.EnumerateFiles(blobs)) : ""));
        var manifests = Path.Combine(dataDirectory, "registry", "manifests");
        Assert.False(Directory.Exists(manifests) && Directory.EnumerateFiles(manifests, "*", SearchOption.AllDirectories).Any(), "a failed pull left a manifest");
    }
}
