using System.Net;
using System.Text.Json.Nodes;
using MicroAI.Runtime.Scheduling;

namespace MicroAI.Server.Tests;

/// <summary>GET /api/cache/prefixes names what the replica's KV caches hold, in the hashes a gateway computes from the same tokens.</summary>
[Collection(ServerCollection.Name)]
public sealed class CachePrefixesTests(SingleSlotServerFixture server) : IClassFixture<SingleSlotServerFixture>
{
    /// <summary>BOS and 128 more ids of stories260K's 512-token vocabulary: two full blocks and one token over.</summary>
    private static int[] Conversation(int first) => [1, .. Enumerable.Range(first, 2 * PrefixHashes.BlockTokens)];

    private async Task CompleteAsync(int[] prompt)
    {
        var body = new JsonObject { ["model"] = ServerFixture.StoriesModel, ["prompt"] = new JsonArray([.. prompt.Select(t => (JsonNode)t)]), ["max_tokens"] = 2, ["temperature"] = 0 };
        var (response, _, text) = await server.Http.PostJsonAsync("v1/completions", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
    }

    private async Task<List<string>> PrefixesAsync()
    {
        using var response = await server.Http.GetAsync("api/cache/prefixes");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonNode.Parse(text);
        Assert.Equal(PrefixHashes.BlockTokens, body!["block_tokens"]!.GetValue<int>());
        var model = body["models"]!.AsArray().Single(m => m!["model"]!.GetValue<string>() == ServerFixture.StoriesModel);
        return [.. model!["prefixes"]!.AsArray().Select(h => h!.GetValue<string>())];
    }

    private static string[] Expected(int[] prompt) => [.. PrefixHashes.Compute(prompt).Select(PrefixHashes.Format)];

    [Fact]
    public async Task After_a_request_its_prompt_blocks_are_listed()
    {
        var prompt = Conversation(20);
        Assert.DoesNotContain(Expected(prompt)[0], await PrefixesAsync());

        await CompleteAsync(prompt);

        var listed = await PrefixesAsync();
        Assert.Equal(2, Expected(prompt).Length);
        Assert.All(Expected(prompt), h => Assert.Contains(h, listed));
    }

    [Fact]
    public async Task A_conversation_that_lost_the_only_slot_is_still_listed_from_the_host_cache()
    {
        var first = Conversation(200);
        var second = Conversation(350);

        await CompleteAsync(first);
        await CompleteAsync(second);

        var listed = await PrefixesAsync();
        Assert.All(Expected(first).Concat(Expected(second)), h => Assert.Contains(h, listed));
    }
}
