using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Anthropic;
using Anthropic.Core;
using Anthropic.Models.Messages;
using MicroAI.Server.Tests.Anthropic;
using MicroAI.Server.Tests.Ollama;
using MicroAI.Tests.Shared;
using OllamaSharp;
using OllamaSharp.Models;
using OpenAI;
using OpenAI.Chat;

namespace MicroAI.Server.Tests.Upstreams;

/// <summary>
/// An edge MicroAI forwarding to a central MicroAI (both real processes): a model only the central has
/// answers through every protocol the edge speaks with the central's own greedy text, streamed as it
/// is generated, and every answer says which side gave it.
/// </summary>
[Collection(UpstreamCollection.Name)]
public sealed class ForwardingTests(CentralFixture fixture)
{
    private const string Stories = ServerFixture.StoriesModel;
    private const int Tokens = 24;
    private const string Prompt = "Tell me about a cat.";

    private MicroAIProcess Central => fixture.Central;

    private static ChatClient OpenAIChat(MicroAIProcess server, string model) =>
        new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(server.OpenAIBaseUrl), RetryPolicy = new ClientRetryPolicy(0) })
            .GetChatClient(model);

    private static AnthropicClient AnthropicFor(MicroAIProcess server) =>
        new(new ClientOptions { BaseUrl = server.BaseUri.ToString().TrimEnd('/'), ApiKey = "unused", MaxRetries = 0 });

    [Fact]
    public async Task A_central_model_answers_through_openai_ollama_and_anthropic_with_the_centrals_own_greedy_text()
    {
        await using var edge = await Edge.StartAsync(Central.OpenAIBaseUrl, []);
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = Tokens };
        var direct = (await OpenAIChat(Central, Stories).CompleteChatAsync([new UserChatMessage(Prompt)], options)).Value.Content[0].Text;
        Assert.False(string.IsNullOrWhiteSpace(direct));

        var openAI = (await OpenAIChat(edge, Stories).CompleteChatAsync([new UserChatMessage(Prompt)], options)).Value.Content[0].Text;

        using var ollama = new OllamaApiClient(edge.Http, Stories);
        var (ollamaText, done, _, lines) = await OllamaApiTests.ChatAsync(ollama, new OllamaSharp.Models.Chat.ChatRequest
        {
            Model = Stories,
            Messages = [new(OllamaSharp.Models.Chat.ChatRole.User, Prompt)],
            Options = new OllamaSharp.Models.RequestOptions { Temperature = 0, NumPredict = Tokens },
            Stream = true,
        });

        using var anthropic = AnthropicFor(edge);
        var message = await anthropic.Messages.Create(AnthropicMessagesTests.WithTemperature(new MessageCreateParams
        {
            Model = Stories,
            MaxTokens = Tokens,
            Messages = [new UserMessageParam(Prompt)],
        }, 0));
        var anthropicText = string.Concat(message.Content.Select(b => b.TryPickText(out var t) ? t.Text : ""));

        Assert.Equal(direct, openAI);
        Assert.Equal(direct, ollamaText);
        Assert.True(lines > 2, $"{lines} NDJSON lines: the forwarded answer was not streamed to the Ollama client");
        Assert.Equal(direct, anthropicText);
        Assert.Equal(Tokens, done.EvalCount); // the upstream's usage, carried into Ollama's counts
        Assert.Equal(Tokens, message.Usage.OutputTokens);
    }

    [Fact]
    public async Task A_text_completion_is_forwarded_with_the_recorded_greedy_continuation()
    {
        await using var edge = await Edge.StartAsync(Central.OpenAIBaseUrl, []);

        var (response, body, text) = await edge.Http.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest());

        Assert.True(response.IsSuccessStatusCode, text);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)body!["choices"]![0]!["text"]);
        Assert.Equal(Edge.ServedByCentral, Assert.Single(response.Headers.GetValues("X-MicroAI-Served-By")));
    }

    [Fact]
    public async Task Ollama_generate_and_openai_responses_are_forwarded_with_the_centrals_greedy_text()
    {
        await using var edge = await Edge.StartAsync(Central.OpenAIBaseUrl, []);
        var (directResponse, direct, directText) = await Central.Http.PostJsonAsync("v1/chat/completions", StoriesRequests.GreedyChat(Stories, Prompt, Tokens));
        Assert.True(directResponse.IsSuccessStatusCode, directText);

        var (generated, generate, generateText) = await edge.Http.PostJsonAsync("api/generate", new JsonObject
        {
            ["model"] = Stories, ["prompt"] = "Once upon a time", ["raw"] = true, ["stream"] = false,
            ["options"] = new JsonObject { ["temperature"] = 0, ["num_predict"] = 40 },
        });
        var (responded, response, responseText) = await edge.Http.PostJsonAsync("v1/responses", new JsonObject
        {
            ["model"] = Stories, ["input"] = Prompt, ["temperature"] = 0, ["max_output_tokens"] = Tokens,
        });

        Assert.True(generated.IsSuccessStatusCode, generateText);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)generate!["response"]); // a raw prompt goes as a completion
        Assert.Equal(Edge.ServedByCentral, (string?)generate["served_by"]);
        Assert.True(responded.IsSuccessStatusCode, responseText);
        var output = string.Concat(response!["output"]!.AsArray()
            .Where(item => (string?)item!["type"] == "message")
            .SelectMany(item => item!["content"]!.AsArray().Select(part => (string?)part!["text"])));
        Assert.Equal((string?)direct!["choices"]![0]!["message"]!["content"], output);
        Assert.Equal(Edge.ServedByCentral, Assert.Single(responded.Headers.GetValues("X-MicroAI-Served-By")));
    }

    [Fact]
    public async Task Every_answer_says_which_side_gave_it_in_a_header_and_in_its_usage_or_final_object()
    {
        // stories260K is the edge's own; "central-stories" is an alias of the central's stories260K.
        await using var edge = await Edge.StartAsync(Central.OpenAIBaseUrl,
        [
            Edge.LocalStories(),
            EdgeArgs.Model("central-stories", "Upstream", Edge.Central),
            EdgeArgs.Model("central-stories", "UpstreamModel", Stories),
        ]);

        foreach (var (model, side) in new[] { (Stories, "local"), ("central-stories", Edge.ServedByCentral) })
        {
            foreach (var route in Enum.GetValues<ChatRoute>())
            {
                var streamed = await StreamedAnswer.ReadAsync(edge.Http, route, StreamedAnswer.Body(route, model, Prompt, 8));
                Assert.True(streamed.Status == 200 && streamed.Completed && streamed.Error is null, $"{model} via {route}: {streamed}");
                Assert.Equal(side, streamed.ServedBy);
                Assert.Equal(side, ServedByField(route, streamed.Final));

                var (response, body, text) = await edge.Http.PostJsonAsync(StreamedAnswer.Path(route), StreamedAnswer.Body(route, model, Prompt, 8, stream: false));
                Assert.True(response.IsSuccessStatusCode, $"{model} via {route}: {text}");
                Assert.Equal(side, Assert.Single(response.Headers.GetValues("X-MicroAI-Served-By")));
                Assert.Equal(side, ServedByField(route, body!.AsObject()));
                Assert.Equal(streamed.Text, route switch
                {
                    ChatRoute.OpenAI => (string?)body["choices"]![0]!["message"]!["content"],
                    ChatRoute.Ollama => (string?)body["message"]!["content"],
                    _ => (string?)body["content"]![0]!["text"],
                });
            }
        }
    }

    /// <summary>served_by in the usage object (OpenAI, Anthropic) or top-level in Ollama's final object.</summary>
    private static string? ServedByField(ChatRoute route, JsonObject? final) =>
        route == ChatRoute.Ollama ? (string?)final?["served_by"] : (string?)final?["usage"]?["served_by"];

    [Fact]
    public async Task A_slow_upstream_is_streamed_piece_by_piece_the_first_reaching_the_client_before_the_upstream_has_finished()
    {
        await using var fake = await FakeUpstream.StartAsync();
        var slow = new Slow(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), "One", " upon", " a", " slow", " day");
        fake.Behaviour = slow;
        await using var edge = await Edge.StartAsync(fake.OpenAIBaseUrl, []);

        foreach (var route in Enum.GetValues<ChatRoute>())
        {
            var before = fake.Requests;
            var answer = await StreamedAnswer.ReadAsync(edge.Http, route, StreamedAnswer.Body(route, "central-model", Prompt, 16));

            Assert.True(answer.Status == 200 && answer.Completed, $"{route}: {answer}");
            Assert.Equal(slow.Text, answer.Text);
            Assert.Equal(5, answer.Pieces);
            var call = fake.Calls[before];
            // The pieces are 400 ms apart at the upstream: a buffered answer would reach the client after the upstream finished.
            var lead = Stopwatch.GetElapsedTime(answer.FirstPieceAt, call.FinishedAt);
            Assert.True(lead > TimeSpan.FromMilliseconds(800), $"{route}: the first piece arrived only {lead.TotalMilliseconds:F0} ms before the upstream finished");
        }
    }

    [Fact]
    public async Task Models_and_tags_list_the_upstreams_models_with_their_source_beside_the_local_ones()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Models = ["central-model", "big-model"];
        await using var edge = await Edge.StartAsync(fake.OpenAIBaseUrl, [Edge.LocalStories()]);

        var models = JsonNode.Parse(await edge.Http.GetStringAsync("v1/models"))!["data"]!.AsArray().Select(m => m!.AsObject()).ToList();
        var tags = JsonNode.Parse(await edge.Http.GetStringAsync("api/tags"))!["models"]!.AsArray().Select(m => m!.AsObject()).ToList();

        foreach (var id in fake.Models)
        {
            var model = Assert.Single(models, m => (string?)m["id"] == id);
            Assert.Equal(Edge.Central, (string?)model["owned_by"]);
            Assert.Equal(Edge.ServedByCentral, (string?)model["metadata"]?["served_by"]);
            Assert.Equal("fake-upstream", (string?)model["metadata"]?["upstream_owned_by"]);
            // Ollama's shape for a model served elsewhere (its cloud models): remote_model and remote_host.
            var tag = Assert.Single(tags, t => (string?)t["name"] == id);
            Assert.Equal(id, (string?)tag["remote_model"]);
            Assert.StartsWith(fake.OpenAIBaseUrl, (string?)tag["remote_host"], StringComparison.Ordinal);
        }
        var local = Assert.Single(models, m => (string?)m["id"] == Stories);
        Assert.NotEqual(Edge.Central, (string?)local["owned_by"]);
        Assert.Null(local["metadata"]?["upstream"]);
        var localTag = Assert.Single(tags, t => ((string?)t["name"])?.StartsWith(Stories, StringComparison.Ordinal) == true);
        Assert.Null(localTag["remote_host"]);
    }
}
