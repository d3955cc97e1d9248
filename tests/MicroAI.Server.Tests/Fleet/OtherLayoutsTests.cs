using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Fleet;

/// <summary>
/// Artifacts published the way Ollama and Docker Model Runner publish models, pushed here with raw
/// HTTP (blobs, then a manifest with their media types), pulled by MicroAI and served.
/// </summary>
public sealed class OtherLayoutsTests
{
    private static string Descriptor(string mediaType, (string Digest, long Size) blob) =>
        $$"""{"mediaType":"{{mediaType}}","digest":"{{blob.Digest}}","size":{{blob.Size}}}""";

    [Fact]
    public async Task AnOllamaArtifact_IsPulled_WithItsParamsAndSystemAsDefaults_AndServed()
    {
        await using var registry = await DockerRegistry.StartAsync();
        const string repo = "library/stories";
        var model = await registry.PushBlobAsync(repo, StoriesFile.Bytes.Value);
        var template = await registry.PushBlobAsync(repo, Encoding.UTF8.GetBytes("{{ .System }} {{ .Prompt }}"));
        var parameters = await registry.PushBlobAsync(repo, Encoding.UTF8.GetBytes("""{"num_ctx":256,"top_k":7,"stop":["<|end|>"]}"""));
        var system = await registry.PushBlobAsync(repo, Encoding.UTF8.GetBytes("You tell short stories."));
        var license = await registry.PushBlobAsync(repo, Encoding.UTF8.GetBytes("MIT"));
        var config = await registry.PushBlobAsync(repo, Encoding.UTF8.GetBytes(
            $$$"""{"model_format":"gguf","model_family":"llama","file_type":"F32","rootfs":{"type":"layers","diff_ids":["{{{model.Digest}}}"]}}"""));
        await registry.PutManifestAsync(repo, "260k", $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
             "config":{{Descriptor("application/vnd.docker.container.image.v1+json", config)}},
             "layers":[{{Descriptor("application/vnd.ollama.image.model", model)}},
                       {{Descriptor("application/vnd.ollama.image.template", template)}},
                       {{Descriptor("application/vnd.ollama.image.params", parameters)}},
                       {{Descriptor("application/vnd.ollama.image.system", system)}},
                       {{Descriptor("application/vnd.ollama.image.license", license)}}]}
            """, "application/vnd.docker.distribution.manifest.v2+json");

        using var data = new TempDataDirectory();
        var login = await MicroAICli.RunWithInputAsync(data.Path, DockerRegistry.Password, "login", registry.Host, "-u", DockerRegistry.User, "--password-stdin");
        Assert.True(login.ExitCode == 0, login.ToString());
        var pull = await MicroAICli.RunAsync(data.Path, "pull", $"{registry.Host}/{repo}:260k", "--name", "ollama-stories", "--json");
        Assert.True(pull.ExitCode == 0, pull.ToString());

        var show = await MicroAICli.RunAsync(data.Path, "show", "ollama-stories", "--json");
        var manifest = show.Json["manifest"]!;
        Assert.Equal("llama", (string?)manifest["architecture"]);
        var file = Assert.Single(manifest["files"]!.AsArray())!;
        Assert.Equal(StoriesFile.Digest, (string?)file["digest"]);
        Assert.Equal("model.gguf", (string?)file["name"]);
        Assert.Equal(256, (int)manifest["defaults"]!["contextSize"]!);
        Assert.Equal(7, (int)manifest["defaults"]!["topK"]!);
        Assert.Equal("You tell short stories.", (string?)manifest["defaults"]!["systemPrompt"]);
        Assert.Null(manifest["defaults"]!["chatTemplate"]); // Ollama's Go template is not a Jinja template

        await using var server = await RegistryTestServer.StartAsync(data.Path);
        var completion = await server.GreedyCompletionAsync("ollama-stories");
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)completion["choices"]![0]!["text"]);
    }

    [Fact]
    public async Task ADockerModelRunnerArtifact_IsPulledThroughTheHttpApi_WithProgress_AndServed()
    {
        await using var registry = await DockerRegistry.StartAsync();
        const string repo = "ai/stories";
        var gguf = await registry.PushBlobAsync(repo, StoriesFile.Bytes.Value);
        var license = await registry.PushBlobAsync(repo, Encoding.UTF8.GetBytes("Apache-2.0"));
        var jinja = await registry.PushBlobAsync(repo, Encoding.UTF8.GetBytes("{% for m in messages %}{{ m.content }}\n{% endfor %}"));
        var config = await registry.PushBlobAsync(repo, Encoding.UTF8.GetBytes(
            $$$"""{"config":{"format":"gguf","quantization":"F32","architecture":"llama","size":"{{{StoriesFile.Size}}}","context_size":384},"descriptor":{"createdAt":"2025-01-01T00:00:00Z"},"rootfs":{"type":"rootfs","diff_ids":["{{{gguf.Digest}}}"]}}"""));
        var manifestDigest = await registry.PutManifestAsync(repo, "latest", $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{{Descriptor("application/vnd.docker.ai.model.config.v0.1+json", config)}},
             "layers":[{{Descriptor("application/vnd.docker.ai.gguf.v3", gguf)}},
                       {{Descriptor("application/vnd.docker.ai.license", license)}},
                       {{Descriptor("application/vnd.docker.ai.chat.template.jinja", jinja)}}]}
            """, "application/vnd.oci.image.manifest.v1+json");

        using var data = new TempDataDirectory();
        var login = await MicroAICli.RunWithInputAsync(data.Path, DockerRegistry.Password, "login", registry.Host, "-u", DockerRegistry.User, "--password-stdin");
        Assert.True(login.ExitCode == 0, login.ToString());
        await using var server = await RegistryTestServer.StartAsync(data.Path);

        // Streamed NDJSON: progress lines, then success; pinned to the manifest's digest.
        var (response, _, text) = await server.Http.PostJsonAsync("api/registry/pull",
            $$"""{"source":"{{registry.Host}}/{{repo}}","name":"docker-stories","digest":"{{manifestDigest}}"}""");
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Contains(lines, l => (string?)l["status"] == "resolving");
        Assert.Equal("success", (string?)lines[^1]["status"]);
        Assert.Equal("docker-stories:latest", (string?)lines[^1]["model"]);

        var shown = await server.GetJsonAsync("api/models/docker-stories");
        Assert.Equal(384, (int)shown["manifest"]!["defaults"]!["contextSize"]!);
        Assert.StartsWith("{% for m in messages %}", (string?)shown["manifest"]!["defaults"]!["chatTemplate"], StringComparison.Ordinal);
        var completion = await server.GreedyCompletionAsync("docker-stories");
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)completion["choices"]![0]!["text"]);

        // A digest that is not the manifest's: refused before anything is downloaded.
        using var other = new TempDataDirectory();
        Assert.True((await MicroAICli.RunWithInputAsync(other.Path, DockerRegistry.Password, "login", registry.Host, "-u", DockerRegistry.User, "--password-stdin")).ExitCode == 0);
        await using var second = await RegistryTestServer.StartAsync(other.Path);
        var (refused, body, refusedText) = await second.Http.PostJsonAsync("api/registry/pull",
            $$"""{"source":"{{registry.Host}}/{{repo}}","stream":false,"digest":"sha256:{{new string('0', 64)}}"}""");
        Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, refusedText);
        Assert.Contains($"the manifest's digest is {manifestDigest}", refusedText, StringComparison.Ordinal);
        OciPushPullTests.AssertNothingStored(other.Path);
    }
}
