using System.Net;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace MicroAI.Server.Tests;

/// <summary>A server of its own (empty registry) and a local file server to pull from.</summary>
public sealed class RegistryApiFixture : IAsyncLifetime
{
    private readonly TempDataDirectory _data = new();

    public ModelFileServer Files { get; private set; } = null!;
    public RegistryTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Files = await ModelFileServer.StartAsync();
        Server = await RegistryTestServer.StartAsync(_data.Path);
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
            await Server.DisposeAsync();
        if (Files is not null)
            await Files.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>/api/registry/pull, /api/models, /api/tag and DELETE, and the registry models served by name through /v1.</summary>
public sealed class RegistryApiTests(RegistryApiFixture fixture) : IClassFixture<RegistryApiFixture>
{
    private RegistryTestServer Server => fixture.Server;
    private HttpClient Http => fixture.Server.Http;

    [Fact]
    public async Task Pull_Serve_Tag_Delete_ThroughTheApi()
    {
        // Pull: NDJSON progress lines, then the success line naming the model.
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/registry/pull")
        {
            Content = ServerHttp.JsonContent(new JsonObject { ["source"] = fixture.Files.Url(), ["name"] = "story" }),
        };
        using var pullResponse = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var ndjson = await pullResponse.Content.ReadAsStringAsync();
        Assert.True(pullResponse.StatusCode == HttpStatusCode.OK, ndjson);
        Assert.Equal("application/x-ndjson", pullResponse.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("\n", ndjson, StringComparison.Ordinal);
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.True(lines.Count >= 2, ndjson);
        foreach (var progress in lines.SkipLast(1))
        {
            Assert.NotNull((string?)progress["status"]);
            Assert.True(progress["completed"] is JsonValue, ndjson);
        }
        var statuses = lines.Select(l => (string?)l["status"]).ToList();
        Assert.Contains("verifying", statuses);
        Assert.True(statuses.LastIndexOf("downloading") < statuses.IndexOf("verifying"), ndjson);
        var last = lines[^1];
        Assert.Equal("success", (string?)last["status"]);
        Assert.Equal("story:latest", (string?)last["model"]);
        Assert.Equal(StoriesFile.Digest, (string?)last["digest"]);
        Assert.Equal(StoriesFile.Size, (long)last["size"]!);

        // /v1/models lists it with our metadata.
        var models = await Server.GetJsonAsync("v1/models");
        var listed = models["data"]!.AsArray().SingleOrDefault(m => (string?)m!["id"] == "story:latest");
        Assert.True(listed is not null, models.ToJsonString());
        Assert.Equal("model", (string?)listed["object"]);
        var metadata = listed["metadata"]!;
        Assert.Equal("gguf", (string?)metadata["format"]);
        Assert.Equal("F32", (string?)metadata["quantization"]);
        Assert.Equal("registry", (string?)metadata["source"]);
        Assert.Contains("completion", metadata["capabilities"]!.AsArray().Select(c => (string?)c));
        Assert.False((bool)metadata["loaded"]!);
        var one = await Server.GetJsonAsync("v1/models/story");
        Assert.Equal("story:latest", (string?)one["id"]);
        Assert.Equal("F32", (string?)one["metadata"]!["quantization"]);

        // A completion by registry name (no tag) is the recorded greedy text.
        var completion = await Server.GreedyCompletionAsync("story");
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)completion["choices"]![0]!["text"]);
        Assert.Equal("story:latest", (string?)completion["model"]);

        // GET /api/models/{name}: details with the manifest, now loaded.
        var details = await Server.GetJsonAsync("api/models/story");
        Assert.Equal("story:latest", (string?)details["id"]);
        Assert.True((bool)details["metadata"]!["loaded"]!, details.ToJsonString());
        var manifest = details["manifest"]!;
        Assert.Equal("story", (string?)manifest["name"]);
        Assert.Equal("http", (string?)manifest["source"]!["kind"]);
        Assert.Equal(fixture.Files.Url(), (string?)manifest["source"]!["uri"]);
        var file = Assert.Single(manifest["files"]!.AsArray())!;
        Assert.Equal(StoriesFile.Digest, (string?)file["digest"]);
        Assert.Equal(ModelFileServer.FileName, (string?)file["name"]);

        var all = await Server.GetJsonAsync("api/models");
        Assert.Contains("story:latest", all["models"]!.AsArray().Select(m => (string?)m!["id"]));

        // Tag: another name for the same files.
        var (tagResponse, tagBody, tagText) = await Http.PostJsonAsync("api/tag", """{"source":"story","target":"story2"}""");
        Assert.True(tagResponse.IsSuccessStatusCode, tagText);
        Assert.Equal("story2:latest", (string?)tagBody!["tagged"]);

        // Delete: 200, unloaded, gone from /v1/models; the alias stays and still generates.
        using var deleted = await Http.DeleteAsync("api/models/story");
        var deletedText = await deleted.Content.ReadAsStringAsync();
        Assert.True(deleted.StatusCode == HttpStatusCode.OK, deletedText);
        Assert.Equal("story:latest", (string?)JsonNode.Parse(deletedText)!["deleted"]);

        var ids = await Server.ModelIdsAsync();
        Assert.DoesNotContain("story:latest", ids);
        Assert.Contains("story2:latest", ids);
        var host = Server.Services.GetRequiredService<MicroAI.Runtime.Models.IModelHost>();
        Assert.DoesNotContain(host.Loaded, l => l.Entry.Id == "story:latest");

        using var gone = await Http.GetAsync("api/models/story");
        ErrorResponseTests.AssertError(gone, await gone.Content.ReadAsStringAsync(), HttpStatusCode.NotFound, "model", "model_not_found");
        var (goneCompletion, _, goneText) = await Http.PostJsonAsync("v1/completions", """{"model":"story","prompt":"Once","max_tokens":2}""");
        ErrorResponseTests.AssertError(goneCompletion, goneText, HttpStatusCode.NotFound, "model", "model_not_found");

        var again = await Server.GreedyCompletionAsync("story2");
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)again["choices"]![0]!["text"]);
        Assert.Equal("story2:latest", (string?)again["model"]);
    }

    [Fact]
    public async Task Delete_UnknownModel_Is404()
    {
        using var response = await Http.DeleteAsync("api/models/nope");
        ErrorResponseTests.AssertError(response, await response.Content.ReadAsStringAsync(), HttpStatusCode.NotFound, null, "not_found");
    }

    [Theory]
    [InlineData("api/models/..%2F..%2Fetc")]
    [InlineData("api/models/a%2F..%2F..%2Fetc")]
    [InlineData("api/models/-bad")]
    [InlineData("api/models/a:b:c")]
    public async Task Delete_InvalidName_Is400(string path)
    {
        using var response = await Http.DeleteAsync(path);
        ErrorResponseTests.AssertError(response, await response.Content.ReadAsStringAsync(), HttpStatusCode.BadRequest, null);
    }

    [Fact]
    public async Task Pull_NotStreamed_WithAWrongDigest_Is400_AndAddsNothing()
    {
        var body = new JsonObject
        {
            ["source"] = fixture.Files.Url(),
            ["name"] = "wrongdigest",
            ["digest"] = StoriesFile.ZeroDigest,
            ["stream"] = false,
        };
        var (response, _, text) = await Http.PostJsonAsync("api/registry/pull", body);

        var error = ErrorResponseTests.AssertError(response, text, HttpStatusCode.BadRequest, null);
        Assert.Contains("mismatch", (string?)error["message"], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("wrongdigest:latest", await Server.ModelIdsAsync());
        using var show = await Http.GetAsync("api/models/wrongdigest");
        Assert.Equal(HttpStatusCode.NotFound, show.StatusCode);
    }

    [Fact]
    public async Task Pull_NotStreamed_Of404Url_Is404()
    {
        var (response, _, text) = await Http.PostJsonAsync("api/registry/pull",
            new JsonObject { ["source"] = fixture.Files.Url("/missing/other.gguf"), ["stream"] = false });

        ErrorResponseTests.AssertError(response, text, HttpStatusCode.NotFound, null, "not_found");
    }

    [Theory]
    [InlineData("""{"name":"x"}""", "source", "missing_required_parameter")]
    [InlineData("""{"source":"  "}""", "source", "missing_required_parameter")]
    [InlineData("""{"source":"http://127.0.0.1:1/x.gguf",""", null, "invalid_json")]
    [InlineData("""[1,2]""", null, "invalid_json")]
    [InlineData("""{"source":"ftp://127.0.0.1/x.gguf","stream":false}""", null, null)]
    [InlineData("""{"source":"http://127.0.0.1:1/x.gguf","name":"../../etc","stream":false}""", null, null)]
    public async Task Pull_BadRequests_Are400(string json, string? param, string? code)
    {
        var (response, _, text) = await Http.PostJsonAsync("api/registry/pull", json);
        ErrorResponseTests.AssertError(response, text, HttpStatusCode.BadRequest, param, code);
    }

    [Theory]
    [InlineData("""{"target":"x"}""", HttpStatusCode.BadRequest, "source")]
    [InlineData("""{"source":"x"}""", HttpStatusCode.BadRequest, "target")]
    [InlineData("""{"source":"nope","target":"nope2"}""", HttpStatusCode.NotFound, null)]
    [InlineData("""{"source":"nope","target":"../../etc"}""", HttpStatusCode.BadRequest, null)]
    [InlineData("""{"source":""", HttpStatusCode.BadRequest, null)]
    public async Task Tag_BadRequests(string json, HttpStatusCode status, string? param)
    {
        var (response, _, text) = await Http.PostJsonAsync("api/tag", json);
        ErrorResponseTests.AssertError(response, text, status, param);
    }

    [Theory]
    [InlineData("GET", "api/nope")]
    [InlineData("POST", "api/unknown")]
    [InlineData("DELETE", "api/nope/deeper")]
    public async Task UnknownApiPaths_Are404Json(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await Http.SendAsync(request);
        ErrorResponseTests.AssertError(response, await response.Content.ReadAsStringAsync(), HttpStatusCode.NotFound, null, "not_found");
    }
}
