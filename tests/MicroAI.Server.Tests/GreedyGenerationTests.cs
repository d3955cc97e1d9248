using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests;

/// <summary>stories260K's recorded greedy continuation, exactly, through /v1/completions.</summary>
[Collection(ServerCollection.Name)]
public sealed class GreedyGenerationTests(ServerFixture server)
{
    internal static JsonObject OnceUponATimeRequest(bool stream = false) => new()
    {
        ["model"] = ServerFixture.StoriesModel,
        ["prompt"] = "Once upon a time",
        ["temperature"] = 0,
        ["max_tokens"] = 40,
        ["stream"] = stream,
    };

    [Fact]
    public async Task Completion_IsTheRecordedGreedyText()
    {
        var (response, body, raw) = await server.Http.PostJsonAsync("v1/completions", OnceUponATimeRequest());

        Assert.True(response.IsSuccessStatusCode, raw);
        Assert.Equal("text_completion", (string?)body!["object"]);
        Assert.StartsWith("cmpl-", (string?)body["id"], StringComparison.Ordinal);
        Assert.Equal(ServerFixture.StoriesModel, (string?)body["model"]);
        var choice = Assert.Single(body["choices"]!.AsArray())!;
        Assert.Equal(0, (int)choice["index"]!);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)choice["text"]);
        Assert.Equal("length", (string?)choice["finish_reason"]);
        var usage = body["usage"]!;
        Assert.Equal(5, (int)usage["prompt_tokens"]!);
        Assert.Equal(40, (int)usage["completion_tokens"]!);
        Assert.Equal(45, (int)usage["total_tokens"]!);
    }

    [Fact]
    public async Task StreamedCompletion_ConcatenatesToTheRecordedGreedyText()
    {
        var sse = await server.Http.PostStreamAsync("v1/completions", OnceUponATimeRequest(stream: true));

        Assert.Equal(200, sse.Status);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, sse.JoinedText());
        Assert.True(sse.Chunks.Count > 10, $"expected one chunk per token or so, got {sse.Chunks.Count}");
        Assert.Equal("length", (string?)sse.Chunks[^1]["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task GreedyCompletion_IsRepeatable()
    {
        var first = await server.Http.PostJsonAsync("v1/completions", OnceUponATimeRequest());
        var second = await server.Http.PostJsonAsync("v1/completions", OnceUponATimeRequest());

        Assert.Equal((string?)first.Body!["choices"]![0]!["text"], (string?)second.Body!["choices"]![0]!["text"]);
    }

    [Fact]
    public async Task Echo_PrependsThePrompt()
    {
        var request = OnceUponATimeRequest();
        request["echo"] = true;

        var (_, body, _) = await server.Http.PostJsonAsync("v1/completions", request);

        Assert.Equal("Once upon a time" + TestPaths.OnceUponATimeGreedy, (string?)body!["choices"]![0]!["text"]);
    }

    [Fact]
    public async Task Completion_WithoutMaxTokens_Generates16Tokens()
    {
        var request = OnceUponATimeRequest();
        request.Remove("max_tokens");

        var (_, body, _) = await server.Http.PostJsonAsync("v1/completions", request);

        Assert.Equal(16, (int)body!["usage"]!["completion_tokens"]!);
        Assert.Equal("length", (string?)body["choices"]![0]!["finish_reason"]);
        Assert.StartsWith((string?)body["choices"]![0]!["text"], TestPaths.OnceUponATimeGreedy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completion_WithoutModel_UsesTheDefaultModel()
    {
        var request = OnceUponATimeRequest();
        request.Remove("model");

        var (_, body, _) = await server.Http.PostJsonAsync("v1/completions", request);

        Assert.Equal(ServerFixture.StoriesModel, (string?)body!["model"]);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)body["choices"]![0]!["text"]);
    }

    [Fact]
    public async Task Completion_IgnoresUnknownFields()
    {
        var request = OnceUponATimeRequest();
        request["user"] = "tester";
        request["metadata"] = new JsonObject { ["a"] = new JsonArray(1, 2, new JsonObject()) };
        request["some_future_option"] = true;
        request["logprobs"] = null;
        request["stop"] = null;

        var (response, body, raw) = await server.Http.PostJsonAsync("v1/completions", request);

        Assert.True(response.IsSuccessStatusCode, raw);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)body!["choices"]![0]!["text"]);
    }

    [Fact]
    public async Task Completion_WithTwoPrompts_AnswersEachInOrder_AndCountsBothPrompts()
    {
        var request = OnceUponATimeRequest();
        request["prompt"] = new JsonArray("Once upon a time", "Once upon a time");

        var (response, body, raw) = await server.Http.PostJsonAsync("v1/completions", request);

        Assert.True(response.IsSuccessStatusCode, raw);
        var choices = body!["choices"]!.AsArray();
        Assert.Equal([0, 1], choices.Select(c => (int)c!["index"]!));
        Assert.All(choices, c => Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)c!["text"]));
        Assert.Equal(10, (int)body["usage"]!["prompt_tokens"]!);
        Assert.Equal(80, (int)body["usage"]!["completion_tokens"]!);
    }

    [Fact]
    public async Task Completion_WithTokenIdPrompt_ContinuesLikeTheTextPrompt()
    {
        // The empty text prompt tokenizes to BOS alone (id 1); the token prompt [1] must continue identically.
        var fromText = await server.Http.PostJsonAsync("v1/completions", new JsonObject
        {
            ["model"] = ServerFixture.StoriesModel, ["prompt"] = "", ["temperature"] = 0, ["max_tokens"] = 20,
        });
        var fromTokens = await server.Http.PostJsonAsync("v1/completions", new JsonObject
        {
            ["model"] = ServerFixture.StoriesModel, ["prompt"] = new JsonArray(1), ["temperature"] = 0, ["max_tokens"] = 20,
        });

        Assert.True(fromTokens.Response.IsSuccessStatusCode, fromTokens.Text);
        Assert.Equal(1, (int)fromText.Body!["usage"]!["prompt_tokens"]!);
        Assert.Equal(1, (int)fromTokens.Body!["usage"]!["prompt_tokens"]!);
        Assert.Equal((string?)fromText.Body["choices"]![0]!["text"], (string?)fromTokens.Body["choices"]![0]!["text"]);
    }
}
