using System.Net;
using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests;

/// <summary>Ollama's keep_alive on OpenAI requests.</summary>
[Collection(ServerCollection.Name)]
public sealed class KeepAliveRequestTests(ServerFixture server)
{
    [Theory]
    [InlineData("\"10m\"")]
    [InlineData("600")]
    [InlineData("-1")]
    public async Task A_valid_keep_alive_is_accepted(string keepAlive)
    {
        var (response, _, raw) = await server.Http.PostJsonAsync("v1/completions",
            $$"""{"model":"{{ServerFixture.StoriesModel}}","prompt":"Once","max_tokens":2,"keep_alive":{{keepAlive}}}""");

        Assert.True(response.IsSuccessStatusCode, raw);
    }

    [Theory]
    [InlineData("\"soon\"")]
    [InlineData("true")]
    public async Task An_invalid_keep_alive_is_a_400_naming_it(string keepAlive)
    {
        var (response, body, raw) = await server.Http.PostJsonAsync("v1/chat/completions",
            $$"""{"model":"{{ServerFixture.StoriesModel}}","messages":[{"role":"user","content":"hi"}],"keep_alive":{{keepAlive}}}""");

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, raw);
        Assert.Equal("keep_alive", (string?)body!["error"]!["param"]);
    }
}
