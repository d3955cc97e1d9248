using System.Text.Json.Nodes;
using MicroAI.Server.Security;

namespace MicroAI.Server.Tests.Upstreams;

/// <summary>
/// What must stay on the box stays there: a local-only key, or a local-only server, is never
/// forwarded whatever model it names (the upstream sees no request at all); a model only the upstream
/// has answers 403 in the caller's protocol's shape, and a routed model is served by the local copy.
/// </summary>
[Collection(UpstreamCollection.Name)]
public sealed class LocalOnlyTests
{
    private const string Stories = ServerFixture.StoriesModel;
    private const string CentralOnly = "central-model";
    private static readonly string s_clinic = ApiKeyHash.NewKey();
    private static readonly string s_laptop = ApiKeyHash.NewKey();

    /// <summary>stories260K on the edge, upstream-first: anyone but a local-only caller is sent to the upstream.</summary>
    private static string[] RoutedStories =>
    [
        Edge.LocalStories(),
        EdgeArgs.Model(Stories, "Upstream", Edge.Central),
        EdgeArgs.Model(Stories, "Policy", "upstream-first"),
    ];

    private static string[] Keys =>
    [
        "--MicroAI:Security:ApiKeys:0:Name=clinic",
        "--MicroAI:Security:ApiKeys:0:Hash=" + ApiKeyHash.Of(s_clinic),
        "--MicroAI:Security:ApiKeys:0:Scopes:0=inference",
        "--MicroAI:Security:ApiKeys:0:LocalOnly=true",
        "--MicroAI:Security:ApiKeys:1:Name=laptop",
        "--MicroAI:Security:ApiKeys:1:Hash=" + ApiKeyHash.Of(s_laptop),
        "--MicroAI:Security:ApiKeys:1:Scopes:0=inference",
    ];

    [Fact]
    public async Task A_local_only_key_is_never_forwarded_a_routed_model_is_served_locally_and_an_upstream_only_model_is_refused()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Models = [CentralOnly];
        await using var edge = await Edge.StartAsync(fake.OpenAIBaseUrl, [.. RoutedStories, .. Keys]);

        await AssertNeverForwardedAsync(edge, fake, s_clinic, refusal: 403);
        // Nor is it shown what it may not use.
        using (var models = new HttpRequestMessage(HttpMethod.Get, "v1/models"))
        {
            models.Headers.Authorization = new("Bearer", s_clinic);
            using var listed = await edge.Http.SendAsync(models);
            var text = await listed.Content.ReadAsStringAsync();
            Assert.True(listed.IsSuccessStatusCode && text.Contains(Stories, StringComparison.Ordinal), text);
            Assert.DoesNotContain(CentralOnly, text, StringComparison.Ordinal);
        }

        // The same requests with an ordinary key are forwarded: the configuration above does route them.
        const string Secret = "the patient's name is Jane Roe";
        var routed = await StreamedAnswer.ReadAsync(edge.Http, ChatRoute.OpenAI, StreamedAnswer.Body(ChatRoute.OpenAI, Stories, Secret, 4), key: s_laptop);
        Assert.Equal((200, Edge.ServedByCentral), (routed.Status, routed.ServedBy));
        Assert.Equal(1, fake.Requests);

        // The audit log has that one forward, whose key it was and what it cost, never what it said.
        var audit = File.ReadAllLines(Path.Combine(edge.DataDirectory, "audit.log"));
        var forward = Assert.Single(audit.Select(l => JsonNode.Parse(l)!), l => (string?)l["action"] == "forward");
        Assert.StartsWith("laptop", (string?)forward["actor"], StringComparison.Ordinal);
        Assert.Equal((Stories, Edge.Central, 200), ((string?)forward["target"], (string?)forward["upstream"], (int?)forward["status"]));
        Assert.Equal(Answers.DefaultPieces.Length, (int?)forward["completion_tokens"]);
        Assert.DoesNotContain("Jane", string.Join('\n', audit), StringComparison.Ordinal);
    }

    /// <summary>A local-only server does not even list its upstreams' models: they are unknown here (404), and the upstream hears nothing at all.</summary>
    [Fact]
    public async Task A_local_only_server_forwards_nothing_and_does_not_even_list_its_upstreams()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Models = [CentralOnly];
        await using var edge = await Edge.StartAsync(fake.OpenAIBaseUrl, [.. RoutedStories, "--MicroAI:LocalOnly=true"]);

        await AssertNeverForwardedAsync(edge, fake, key: null, refusal: 404);
        Assert.Empty(fake.ModelListAuthorizations);
        Assert.DoesNotContain(CentralOnly, await edge.Http.GetStringAsync("v1/models"), StringComparison.Ordinal);
    }

    private static async Task AssertNeverForwardedAsync(MicroAIProcess edge, FakeUpstream fake, string? key, int refusal)
    {
        foreach (var route in Enum.GetValues<ChatRoute>())
        {
            foreach (var stream in new[] { true, false })
            {
                var local = await StreamedAnswer.ReadAsync(edge.Http, route, StreamedAnswer.Body(route, Stories, "Hi", 4, stream), key: key);
                Assert.True(local.Status == 200 && local.ServedBy == "local", $"{route} stream={stream}: {local}");

                var refused = await StreamedAnswer.ReadAsync(edge.Http, route, StreamedAnswer.Body(route, CentralOnly, "Hi", 4, stream), key: key);
                Assert.True(refused.Status == refusal && !string.IsNullOrEmpty(refused.ErrorMessage), $"{route} stream={stream}: {refused}");
                if (refusal == 403)
                    Assert.Contains("local-only", refused.ErrorMessage, StringComparison.Ordinal);
            }
        }
        Assert.Equal(0, fake.Requests);
    }
}
