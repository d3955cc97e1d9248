using System.Net;
using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class HealthAndSwaggerTests(ServerFixture server)
{
    [Fact]
    public async Task Health_Is200Ok()
    {
        using var response = await server.Http.GetAsync("health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("ok", (string?)body["status"]);
        Assert.Null(body["error"]);
    }

    [Fact]
    public async Task SwaggerDocument_ListsTheOpenAIEndpoints()
    {
        using var response = await server.Http.GetAsync("swagger/v1/swagger.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/v1/chat/completions"), string.Join(", ", paths.Select(p => p.Key)));
        Assert.NotNull(paths["/v1/chat/completions"]!["post"]);
        Assert.NotNull(paths["/v1/completions"]?["post"]);
        Assert.NotNull(paths["/v1/models"]?["get"]);
        Assert.NotNull(paths["/health"]?["get"]);
    }

    [Theory]
    [InlineData("swagger/index.html", "text/html")]
    [InlineData("swagger/swagger-ui.css", "text/css")]
    public async Task SwaggerUi_IsServed(string path, string mediaType)
    {
        using var response = await server.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Models_ReportsTheDefaultModelAsLoaded()
    {
        using var response = await server.Http.GetAsync("v1/models");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal("list", (string?)body["object"]);
        var stories = body["data"]!.AsArray().Single(m => (string?)m!["id"] == ServerFixture.StoriesModel)!;
        Assert.Equal("model", (string?)stories["object"]);
        Assert.True((bool)stories["metadata"]!["loaded"]!);
        Assert.Equal("gguf", (string?)stories["metadata"]!["format"]);
    }
}
