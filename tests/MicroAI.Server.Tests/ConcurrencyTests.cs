using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests;

/// <summary>Parallel requests share the batch (2 slots) without changing one another's output.</summary>
[Collection(ServerCollection.Name)]
public sealed class ConcurrencyTests(ServerFixture server)
{
    [Fact]
    public async Task SixConcurrentGreedyCompletions_AllReturnTheRecordedText()
    {
        var scheduler = (await server.GetLoadedModelAsync(ServerFixture.StoriesModel)).Scheduler;
        await DisconnectTests.WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
        var before = scheduler.Stats;

        // Mixed: streamed and not, so queued requests interleave with running ones.
        var tasks = Enumerable.Range(0, 6).Select(async i =>
        {
            if (i % 2 == 0)
            {
                var (response, body, raw) = await server.Http.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest());
                Assert.True(response.IsSuccessStatusCode, raw);
                return (string)body!["choices"]![0]!["text"]!;
            }
            var sse = await server.Http.PostStreamAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest(stream: true));
            Assert.Equal(200, sse.Status);
            return sse.JoinedText();
        }).ToList();
        var texts = await Task.WhenAll(tasks);

        Assert.All(texts, t => Assert.Equal(TestPaths.OnceUponATimeGreedy, t));
        await DisconnectTests.WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
        Assert.Equal(before.CompletedRequests + 6, scheduler.Stats.CompletedRequests);
    }

    [Fact]
    public async Task GreedyOutput_DoesNotDependOnTheNeighbour()
    {
        // A long sampled request is decoding when the greedy one arrives, so the greedy prompt's
        // prefill and every one of its steps share a batch with it.
        var neighbourBody = new JsonObject
        {
            ["model"] = ServerFixture.StoriesModel,
            ["prompt"] = "The dog ran to the park and",
            ["max_tokens"] = 600,
            ["temperature"] = 1.5,
            ["seed"] = 7,
            ["stream"] = true,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/completions") { Content = ServerHttp.JsonContent(neighbourBody) };
        using var neighbour = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await neighbour.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);

        var (response, body, raw) = await server.Http.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest());

        Assert.True(response.IsSuccessStatusCode, raw);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)body!["choices"]![0]!["text"]);
        Assert.EndsWith("data: [DONE]\n\n", await reader.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NWithSeed_ReturnsTwoIndexedReproducibleChoices(bool chat)
    {
        var request = new JsonObject
        {
            ["model"] = ServerFixture.StoriesModel,
            ["n"] = 2,
            ["seed"] = 1234,
            ["temperature"] = 1,
            ["max_tokens"] = 30,
        };
        if (chat)
            request["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Tell me a story." });
        else
            request["prompt"] = "Once upon a time";
        var path = chat ? "v1/chat/completions" : "v1/completions";

        var first = await Choices(path, request);
        var second = await Choices(path, request);

        Assert.Equal([0, 1], first.Select(c => c.Index));
        Assert.All(first, c => Assert.False(string.IsNullOrEmpty(c.Text)));
        Assert.All(first, c => Assert.Contains(c.Finish, new[] { "stop", "length" }));
        // The same seed gives the same two choices again.
        Assert.Equal(first, second);
    }

    private async Task<List<(int Index, string Text, string Finish)>> Choices(string path, JsonObject request)
    {
        var (response, body, raw) = await server.Http.PostJsonAsync(path, request);
        Assert.True(response.IsSuccessStatusCode, raw);
        var usage = body!["usage"]!;
        Assert.True((int)usage["completion_tokens"]! >= 2);
        return body["choices"]!.AsArray().Select(c => (
            (int)c!["index"]!,
            (string?)c["text"] ?? (string)c["message"]!["content"]!,
            (string)c["finish_reason"]!)).ToList();
    }
}
