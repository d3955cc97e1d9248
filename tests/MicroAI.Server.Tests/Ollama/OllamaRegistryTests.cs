using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MicroAI.Server.Tests.Security;
using MicroAI.Tests.Shared;
using OllamaSharp;
using OllamaSharp.Models;
using OllamaSharp.Models.Exceptions;

namespace MicroAI.Server.Tests.Ollama;

/// <summary>Ollama's pull, copy and delete on the registry of a server of its own, pulling from a local file server.</summary>
public sealed class OllamaRegistryTests(RegistryApiFixture fixture) : IClassFixture<RegistryApiFixture>
{
    [Fact]
    public async Task Pull_with_progress_then_copy_show_generate_and_delete()
    {
        using var client = new OllamaApiClient(fixture.Server.Http);
        var lines = new List<PullModelResponse>();
        await foreach (var line in client.PullModelAsync(new PullModelRequest { Model = fixture.Files.Url() }))
            lines.Add(line!);

        Assert.Equal("pulling manifest", lines[0].Status);
        Assert.Equal("success", lines[^1].Status);
        var progress = lines.Where(l => l.Status.StartsWith("pulling http", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.Equal(StoriesFile.Size, p.Total));
        Assert.Equal(StoriesFile.Size, progress[^1].Completed);
        Assert.Contains(lines, l => l.Status == "verifying sha256 digest");

        var pulled = Assert.Single(await client.ListLocalModelsAsync());
        Assert.Equal("stories260k:latest", pulled.Name);
        Assert.Equal(StoriesFile.Digest["sha256:".Length..], pulled.Digest); // a registry model's digest is its file's

        await client.CopyModelAsync(new CopyModelRequest { Source = pulled.Name, Destination = "story-copy" });
        var names = (await client.ListLocalModelsAsync()).Select(m => m.Name).Order().ToList();
        Assert.Equal(["stories260k:latest", "story-copy:latest"], names);
        var shown = await client.ShowModelAsync(new ShowModelRequest { Model = "story-copy" });
        Assert.Equal("llama", shown.Details.Family);
        var text = new System.Text.StringBuilder();
        await foreach (var piece in client.GenerateAsync(new GenerateRequest { Model = "story-copy", Prompt = "Once upon a time", Raw = true, Options = new RequestOptions { Temperature = 0, NumPredict = 40 } }))
            text.Append(piece!.Response);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, text.ToString());

        await client.DeleteModelAsync(new DeleteModelRequest { Model = "story-copy" });
        await client.DeleteModelAsync(new DeleteModelRequest { Model = pulled.Name });
        Assert.Empty(await client.ListLocalModelsAsync());
        var gone = await Assert.ThrowsAsync<HttpRequestException>(() => client.DeleteModelAsync(new DeleteModelRequest { Model = "story-copy" }));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task An_Ollama_library_name_is_a_clear_400_before_anything_starts()
    {
        using var client = new OllamaApiClient(fixture.Server.Http);
        var refused = await Assert.ThrowsAsync<OllamaException>(async () =>
        {
            await foreach (var _ in client.PullModelAsync(new PullModelRequest { Model = "llama3.2" }))
            {
            }
        });
        Assert.Contains("'llama3.2'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("not supported yet", refused.Message, StringComparison.Ordinal);
    }
}

/// <summary>Ollama's routes behind API keys: the same scopes as the OpenAI and registry routes, errors in Ollama's shape.</summary>
[Collection(KeyedServerCollection.Name)]
public sealed class OllamaKeyTests(KeyedServerFixture server)
{
    [Fact]
    public async Task Without_a_key_OllamaSharp_gets_a_401_in_Ollama_shape_and_with_one_it_works()
    {
        using var anonymous = new OllamaApiClient(server.Http, ServerFixture.StoriesModel);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.ListLocalModelsAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var response = await server.Http.SendAsync(KeyedServerFixture.Request(HttpMethod.Post, "api/chat", null, """{"model":"stories260K","messages":[]}"""));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["error"], body.Select(p => p.Key));
        Assert.False(string.IsNullOrEmpty((string?)body["error"]));

        using var http = new HttpClient { BaseAddress = server.BaseUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KeyedServerFixture.InferenceKey);
        using var keyed = new OllamaApiClient(http, ServerFixture.StoriesModel);
        Assert.Contains(await keyed.ListLocalModelsAsync(), m => m.Name == ServerFixture.StoriesModel);
        await foreach (var _ in keyed.GenerateAsync(new GenerateRequest { Prompt = "Once", Options = new RequestOptions { NumPredict = 2 } }))
        {
        }
    }

    [Theory]
    [InlineData("POST", "api/pull", """{"model":"http://127.0.0.1:9/x.gguf"}""")]
    [InlineData("POST", "api/copy", """{"source":"a","destination":"b"}""")]
    [InlineData("DELETE", "api/delete", """{"model":"a"}""")]
    public async Task Pull_copy_and_delete_need_the_admin_scope(string method, string path, string json)
    {
        using var response = await server.Http.SendAsync(KeyedServerFixture.Request(new HttpMethod(method), path, KeyedServerFixture.InferenceKey, json));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("admin", (string?)body["error"], StringComparison.Ordinal);
    }
}
