using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests;

/// <summary>KV-cache reuse across requests, seen from the API: usage.prompt_tokens_details.cached_tokens.</summary>
[Collection(ServerCollection.Name)]
public sealed class PromptCacheTests(ServerFixture server)
{
    [Fact]
    public async Task The_next_turn_of_a_chat_reuses_the_cached_prefix_and_says_how_much()
    {
        var messages = new JsonArray
        {
            new JsonObject { ["role"] = "system", ["content"] = "You tell short stories about a girl named Lily and her red ball." },
            new JsonObject { ["role"] = "user", ["content"] = "Tell me about Lily." },
        };
        var first = await Chat(messages);
        var firstPrompt = (int)first["usage"]!["prompt_tokens"]!;
        messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = (string?)first["choices"]![0]!["message"]!["content"] });
        messages.Add(new JsonObject { ["role"] = "user", ["content"] = "And then?" });

        var second = await Chat(messages);

        var cached = (int)second["usage"]!["prompt_tokens_details"]!["cached_tokens"]!;
        Assert.True(cached >= firstPrompt - 1, $"cached {cached} of the first turn's {firstPrompt} prompt tokens");
        Assert.True(cached < (int)second["usage"]!["prompt_tokens"]!);
    }

    [Fact]
    public async Task A_repeated_greedy_prompt_is_served_from_the_cache_with_the_same_text()
    {
        await server.Http.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest());

        var (response, body, raw) = await server.Http.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest());

        Assert.True(response.IsSuccessStatusCode, raw);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)body!["choices"]![0]!["text"]);
        // 5 prompt tokens: everything but the last comes from the cache (its logits start the answer).
        Assert.Equal(4, (int)body["usage"]!["prompt_tokens_details"]!["cached_tokens"]!);
    }

    private async Task<JsonNode> Chat(JsonArray messages)
    {
        var (response, body, raw) = await server.Http.PostJsonAsync("v1/chat/completions", new JsonObject
        {
            ["model"] = ServerFixture.StoriesModel,
            ["messages"] = messages.DeepClone(),
            ["temperature"] = 0,
            ["max_tokens"] = 24,
        });
        Assert.True(response.IsSuccessStatusCode, raw);
        return body!;
    }
}
