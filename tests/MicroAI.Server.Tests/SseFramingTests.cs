using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests;

/// <summary>The event stream byte for byte: OpenAI's chunk shapes and SSE framing.</summary>
[Collection(ServerCollection.Name)]
public sealed class SseFramingTests(ServerFixture server)
{
    private static JsonObject Request(bool chat, bool? includeUsage, int maxTokens = 12, int? n = null)
    {
        var body = new JsonObject
        {
            ["model"] = ServerFixture.StoriesModel,
            ["stream"] = true,
            ["max_tokens"] = maxTokens,
            ["temperature"] = 0,
        };
        if (chat)
            body["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Tell me a story." });
        else
            body["prompt"] = "Once upon a time";
        if (includeUsage is { } iu)
            body["stream_options"] = new JsonObject { ["include_usage"] = iu };
        if (n is { } count)
        {
            body["n"] = count;
            body["seed"] = 42;
            body["temperature"] = 1;
        }
        return body;
    }

    private static string Path(bool chat) => chat ? "v1/chat/completions" : "v1/completions";

    [Theory]
    [InlineData(true, null)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, null)]
    [InlineData(false, true)]
    public async Task Stream_FollowsOpenAIFraming(bool chat, bool? includeUsage)
    {
        var sse = await server.Http.PostStreamAsync(Path(chat), Request(chat, includeUsage));

        Assert.Equal(200, sse.Status);
        Assert.Equal("text/event-stream", sse.MediaType);
        Assert.Contains("no-cache", sse.CacheControl ?? "", StringComparison.Ordinal);
        // SseEvents.Parse already proved every event is exactly "data: <one line>\n\n".
        Assert.EndsWith("\n\ndata: [DONE]\n\n", sse.Raw, StringComparison.Ordinal);
        Assert.Equal("[DONE]", sse.Events[^1]);
        Assert.Single(sse.Events, e => e == "[DONE]");

        var chunks = sse.Chunks;
        var usageWanted = includeUsage == true;
        var choiceChunks = usageWanted ? chunks.SkipLast(1).ToList() : chunks.ToList();
        Assert.True(choiceChunks.Count >= 3, $"only {choiceChunks.Count} choice chunks");

        var id = (string?)chunks[0]["id"];
        var created = (long)chunks[0]["created"]!;
        Assert.StartsWith(chat ? "chatcmpl-" : "cmpl-", id, StringComparison.Ordinal);
        Assert.InRange(created, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 300, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        foreach (var chunk in chunks)
        {
            Assert.Equal(id, (string?)chunk["id"]);
            Assert.Equal(created, (long)chunk["created"]!);
            Assert.Equal(chat ? "chat.completion.chunk" : "text_completion", (string?)chunk["object"]);
            Assert.Equal(ServerFixture.StoriesModel, (string?)chunk["model"]);
        }

        for (var i = 0; i < choiceChunks.Count; i++)
        {
            var chunk = choiceChunks[i];
            var choice = Assert.Single(chunk["choices"]!.AsArray())!.AsObject();
            Assert.Equal(0, (int)choice["index"]!);
            var last = i == choiceChunks.Count - 1;
            var finish = choice["finish_reason"];
            Assert.True(choice.ContainsKey("finish_reason"), chunk.ToJsonString());
            if (last)
                Assert.Contains((string?)finish, new[] { "stop", "length" });
            else
                Assert.Null(finish);

            if (chat)
            {
                var delta = choice["delta"]!.AsObject();
                if (i == 0)
                    Assert.Equal("assistant", (string?)delta["role"]);
                else
                    Assert.False(delta.ContainsKey("role"), chunk.ToJsonString());
                Assert.Null(choice["text"]);
            }
            else
            {
                Assert.NotNull((string?)choice["text"]);
                Assert.False(choice.ContainsKey("delta"));
            }

            // With include_usage every other chunk carries "usage": null; without it there is no usage key at all.
            if (usageWanted)
            {
                Assert.True(chunk.ContainsKey("usage"), chunk.ToJsonString());
                Assert.Null(chunk["usage"]);
            }
            else
            {
                Assert.False(chunk.ContainsKey("usage"), chunk.ToJsonString());
            }
        }

        if (usageWanted)
        {
            var usageChunk = chunks[^1];
            Assert.Empty(usageChunk["choices"]!.AsArray());
            var usage = usageChunk["usage"]!;
            Assert.True((int)usage["prompt_tokens"]! > 0);
            Assert.InRange((int)usage["completion_tokens"]!, 1, 12);
            Assert.Equal((int)usage["prompt_tokens"]! + (int)usage["completion_tokens"]!, (int)usage["total_tokens"]!);
        }
    }

    [Fact]
    public async Task Stream_UsageCountsTheStreamedTokens()
    {
        var sse = await server.Http.PostStreamAsync("v1/completions", Request(chat: false, includeUsage: true, maxTokens: 40));

        var usage = sse.Chunks[^1]["usage"]!;
        Assert.Equal(5, (int)usage["prompt_tokens"]!);
        Assert.Equal(40, (int)usage["completion_tokens"]!);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Stream_WithTwoChoices_FinishesEachChoiceOnce(bool chat)
    {
        var sse = await server.Http.PostStreamAsync(Path(chat), Request(chat, includeUsage: true, maxTokens: 10, n: 2));

        Assert.Equal(200, sse.Status);
        var choiceChunks = sse.Chunks.SkipLast(1).ToList();
        Assert.All(choiceChunks, c => Assert.Single(c["choices"]!.AsArray()));
        var choices = choiceChunks.Select(c => c["choices"]![0]!).ToList();
        foreach (var index in new[] { 0, 1 })
        {
            var mine = choices.Where(c => (int)c["index"]! == index).ToList();
            Assert.True(mine.Count >= 2, $"choice {index} has {mine.Count} chunks");
            Assert.All(mine.SkipLast(1), c => Assert.Null(c["finish_reason"]));
            Assert.Contains((string?)mine[^1]["finish_reason"], new[] { "stop", "length" });
            if (chat)
                Assert.Equal("assistant", (string?)mine[0]["delta"]!["role"]);
        }
        Assert.Equal(2, choices.Count(c => c["finish_reason"] is not null));
        Assert.Empty(sse.Chunks[^1]["choices"]!.AsArray());
        // The prompt is counted once, the completions of both choices add up.
        var usage = sse.Chunks[^1]["usage"]!;
        if (!chat)
            Assert.Equal(5, (int)usage["prompt_tokens"]!);
        Assert.InRange((int)usage["completion_tokens"]!, 2, 20);
    }
}
