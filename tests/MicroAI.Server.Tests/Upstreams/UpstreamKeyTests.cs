using MicroAI.Server.Security;

namespace MicroAI.Server.Tests.Upstreams;

/// <summary>
/// An upstream's API key, from configuration or from an environment variable, reaches the upstream as
/// a Bearer header and nowhere else: not in the edge's console output (at Trace level, through a
/// success, an upstream error and a timeout), nor in /health, /metrics, /v1/models or /api/tags.
/// </summary>
[Collection(UpstreamCollection.Name)]
public sealed class UpstreamKeyTests
{
    [Fact]
    public async Task Upstream_keys_reach_the_upstream_as_bearer_headers_and_never_appear_in_the_edges_output_or_routes()
    {
        var literal = "sk-literal-" + ApiKeyHash.NewKey();
        var fromVariable = "sk-variable-" + ApiKeyHash.NewKey();
        await using var central = await FakeUpstream.StartAsync();
        central.Models = ["central-model"];
        await using var other = await FakeUpstream.StartAsync();
        other.Models = ["other-model"];
        await using var edge = await Edge.StartAsync(central.OpenAIBaseUrl,
        [
            EdgeArgs.Upstream(Edge.Central, "ApiKeyVariable", "EDGE_TEST_CENTRAL_KEY"),
            EdgeArgs.Upstream(Edge.Central, "FirstTokenTimeoutSeconds", 1),
            EdgeArgs.Upstream("other", "BaseUrl", other.OpenAIBaseUrl),
            EdgeArgs.Upstream("other", "ApiKey", literal),
            EdgeArgs.Upstream("other", "FirstTokenTimeoutSeconds", 1),
            "--Logging:LogLevel:Default=Trace",
            "--Logging:LogLevel:Microsoft.AspNetCore=Trace", // appsettings.json holds it at Warning
        ], new Dictionary<string, string> { ["EDGE_TEST_CENTRAL_KEY"] = fromVariable });

        foreach (var behaviour in new IUpstreamBehaviour[] { new Answers(), new FailsWithStatus(401, "bad key", "authentication_error"), new Hangs() })
        {
            central.Behaviour = other.Behaviour = behaviour;
            foreach (var model in new[] { "central-model", "other-model" })
                await StreamedAnswer.ReadAsync(edge.Http, ChatRoute.OpenAI, StreamedAnswer.Body(ChatRoute.OpenAI, model, "Hi", 4));
        }

        Assert.Equal(3, central.Requests);
        Assert.All(central.Calls, c => Assert.Equal("Bearer " + fromVariable, c.Authorization));
        Assert.All(central.ModelListAuthorizations, a => Assert.Equal("Bearer " + fromVariable, a));
        Assert.Equal(3, other.Requests);
        Assert.All(other.Calls, c => Assert.Equal("Bearer " + literal, c.Authorization));
        Assert.NotEmpty(other.ModelListAuthorizations);
        Assert.All(other.ModelListAuthorizations, a => Assert.Equal("Bearer " + literal, a));

        var pages = new Dictionary<string, string>();
        foreach (var path in new[] { "health", "metrics", "v1/models", "api/tags" })
            pages[path] = await edge.Http.GetStringAsync(path);
        Assert.Contains("central-model", pages["v1/models"], StringComparison.Ordinal); // the pages were read after the upstreams were
        Assert.Contains("other-model", pages["api/tags"], StringComparison.Ordinal);
        // The console logger writes from a queue: wait for the last request's line, which also shows Trace output is captured at all.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!edge.Output.Contains("Request finished HTTP/1.1 GET " + new Uri(edge.BaseUri, "api/tags"), StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        var output = edge.Output;
        Assert.Contains("Request finished HTTP/1.1 GET " + new Uri(edge.BaseUri, "api/tags"), output, StringComparison.Ordinal);
        Assert.Contains("Upstream other", output, StringComparison.Ordinal); // the forwarding code's own lines are in it too
        foreach (var (where, text) in pages.Append(new("console output", output)))
        {
            foreach (var secret in new[] { literal, fromVariable, ApiKeyHash.Of(literal)[7..], ApiKeyHash.Of(fromVariable)[7..] })
                Assert.False(text.Contains(secret[^12..], StringComparison.Ordinal), $"the edge's {where} shows an upstream key (or part or digest of one)");
        }
    }
}
