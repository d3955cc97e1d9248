using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Anthropic;

/// <summary>
/// /v1/messages and /v1/messages/count_tokens driven by the official Anthropic SDK (and raw HTTP for
/// the wire shapes) against the real server with stories260K.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class AnthropicMessagesTests(ServerFixture server)
{
    private const string Prompt = "Once upon a time";

    internal static AnthropicClient Client(ServerFixture server, string apiKey = "unused") =>
        new(new ClientOptions { BaseUrl = server.BaseUri.ToString().TrimEnd('/'), ApiKey = apiKey, MaxRetries = 0 });

    private static MessageCreateParams Greedy(long maxTokens = 40, IReadOnlyList<string>? stop = null) => WithTemperature(new()
    {
        Model = ServerFixture.StoriesModel,
        MaxTokens = maxTokens,
        Messages = [new UserMessageParam(Prompt)],
        StopSequences = stop,
    }, 0);

    /// <summary>
    /// This SDK version has no temperature property (Anthropic's newest models fix sampling), yet the
    /// API still takes it: the body goes out with it added, as a client on an older SDK sends it.
    /// </summary>
    internal static MessageCreateParams WithTemperature(MessageCreateParams p, double temperature) =>
        MessageCreateParams.FromRawUnchecked(p.RawHeaderData, p.RawQueryData,
            new Dictionary<string, System.Text.Json.JsonElement>(p.RawBodyData) { ["temperature"] = System.Text.Json.JsonSerializer.SerializeToElement(temperature) });

    private static string TextOf(Message message) =>
        string.Concat(message.Content.Select(b => b.TryPickText(out var text) ? text.Text : ""));

    [Fact]
    public async Task Create_answers_a_message_with_its_id_text_stop_reason_and_usage()
    {
        using var client = Client(server);

        var message = await client.Messages.Create(Greedy());

        Assert.StartsWith("msg_", message.ID, StringComparison.Ordinal);
        Assert.Equal(ServerFixture.StoriesModel, message.Model.Raw());
        Assert.Equal("assistant", message.Role.GetString());
        Assert.Equal("message", message.Type.GetString());
        var block = Assert.Single(message.Content);
        Assert.True(block.TryPickText(out var text));
        Assert.False(string.IsNullOrEmpty(text!.Text));
        Assert.Contains(message.StopReason!.Value(), new[] { StopReason.EndTurn, StopReason.MaxTokens });
        Assert.Null(message.StopSequence);
        Assert.True(message.Usage.InputTokens + (message.Usage.CacheReadInputTokens ?? 0) > 0);
        Assert.InRange(message.Usage.OutputTokens, 1, 40);
        Assert.Equal(0, message.Usage.CacheCreationInputTokens);
    }

    [Fact]
    public async Task A_greedy_request_gives_the_same_text_through_chat_completions_and_messages()
    {
        using var client = Client(server);
        var (response, chat, raw) = await server.Http.PostJsonAsync("v1/chat/completions", new JsonObject
        {
            ["model"] = ServerFixture.StoriesModel,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = Prompt }),
            ["max_tokens"] = 40,
            ["temperature"] = 0,
        });
        Assert.True(response.IsSuccessStatusCode, raw);

        var message = await client.Messages.Create(Greedy());

        Assert.Equal((string?)chat!["choices"]![0]!["message"]!["content"], TextOf(message));
        Assert.Equal((int)chat["usage"]!["completion_tokens"]!, message.Usage.OutputTokens);
        Assert.Equal((int)chat["usage"]!["prompt_tokens"]!, message.Usage.InputTokens + (message.Usage.CacheReadInputTokens ?? 0));
    }

    [Fact]
    public async Task Streaming_sends_anthropics_events_in_order_and_assembles_the_greedy_text()
    {
        using var client = Client(server);
        var whole = await client.Messages.Create(Greedy());

        var events = new List<RawMessageStreamEvent>();
        await foreach (var e in client.Messages.CreateStreaming(Greedy()))
            events.Add(e);
        var streamed = new StringBuilder();
        foreach (var e in events)
        {
            if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var piece))
                streamed.Append(piece.Text);
        }
        var aggregated = await ToAsync(events).Aggregate();

        Assert.Equal(TextOf(whole), streamed.ToString());
        Assert.Equal(TextOf(whole), TextOf(aggregated));
        Assert.Equal(whole.StopReason!.Value(), aggregated.StopReason!.Value());
        Assert.Equal(whole.Usage.OutputTokens, aggregated.Usage.OutputTokens);
        Assert.True(events[0].TryPickStart(out var start));
        Assert.Equal(whole.Usage.InputTokens + (whole.Usage.CacheReadInputTokens ?? 0), start!.Message.Usage.InputTokens);
        Assert.True(events[1].TryPickContentBlockStart(out _));
        Assert.True(events[^3].TryPickContentBlockStop(out _));
        Assert.True(events[^2].TryPickDelta(out var messageDelta));
        Assert.Equal(whole.Usage.OutputTokens, messageDelta!.Usage.OutputTokens);
        Assert.True(events[^1].TryPickStop(out _));

        // On the wire: named events, each with its type in its data, a ping after message_start.
        var raw = await PostRawStreamAsync(new JsonObject
        {
            ["model"] = ServerFixture.StoriesModel, ["max_tokens"] = 40, ["temperature"] = 0, ["stream"] = true,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = Prompt }),
        });
        var names = raw.Select(e => e.Name).ToList();
        Assert.Equal(["message_start", "ping", "content_block_start"], names.Take(3));
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], names.TakeLast(3));
        Assert.All(names.Skip(3).SkipLast(3), n => Assert.Equal("content_block_delta", n));
        Assert.All(raw, e => Assert.Equal(e.Name, (string?)e.Data["type"]));
        Assert.Equal(TextOf(whole), string.Concat(raw.Where(e => e.Name == "content_block_delta").Select(e => (string?)e.Data["delta"]!["text"])));
    }

    [Fact]
    public async Task A_stop_sequence_ends_the_message_with_stop_reason_stop_sequence_naming_it()
    {
        using var client = Client(server);
        var whole = TextOf(await client.Messages.Create(Greedy()));
        // A word from the middle of the greedy text: the same request stopped by it ends just before it.
        var words = whole.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var stop = " " + words[words.Length / 2];
        var expected = whole[..whole.IndexOf(stop, StringComparison.Ordinal)];

        var message = await client.Messages.Create(Greedy(stop: ["never-generated-xyz", stop]));
        var streamedStop = await ToMessageAsync(client.Messages.CreateStreaming(Greedy(stop: [stop])));

        Assert.Equal(StopReason.StopSequence, message.StopReason!.Value());
        Assert.Equal(stop, message.StopSequence);
        Assert.Equal(expected, TextOf(message));
        Assert.Equal(StopReason.StopSequence, streamedStop.StopReason!.Value());
        Assert.Equal(stop, streamedStop.StopSequence);
        Assert.Equal(expected, TextOf(streamedStop));
    }

    [Fact]
    public async Task Max_tokens_ends_the_message_with_stop_reason_max_tokens()
    {
        using var client = Client(server);

        var message = await client.Messages.Create(Greedy(maxTokens: 3));

        Assert.Equal(StopReason.MaxTokens, message.StopReason!.Value());
        Assert.Null(message.StopSequence);
        Assert.Equal(3, message.Usage.OutputTokens);
    }

    [Fact]
    public async Task Count_tokens_is_the_prompt_of_the_same_request()
    {
        using var client = Client(server);
        var request = new MessageCreateParams
        {
            Model = ServerFixture.StoriesModel,
            MaxTokens = 2,
            System = "You tell short stories.",
            Messages =
            [
                new UserMessageParam("Tell me about a cat."),
                new AssistantMessageParam("The cat sat."),
                new UserMessageParam(Prompt),
            ],
        };

        var counted = await client.Messages.CountTokens(new MessageCountTokensParams
        {
            Model = ServerFixture.StoriesModel,
            System = "You tell short stories.",
            Messages = request.Messages,
        });
        var message = await client.Messages.Create(request);
        var shorter = await client.Messages.CountTokens(new MessageCountTokensParams { Model = ServerFixture.StoriesModel, Messages = [request.Messages[^1]] });

        Assert.Equal(counted.InputTokens, message.Usage.InputTokens + (message.Usage.CacheReadInputTokens ?? 0));
        Assert.True(shorter.InputTokens < counted.InputTokens, $"{shorter.InputTokens} vs {counted.InputTokens}");
    }

    [Fact]
    public async Task Consecutive_user_messages_are_merged_into_one_turn()
    {
        var (_, split, _) = await server.Http.PostJsonAsync("v1/messages/count_tokens", """
            {"model":"stories260K","messages":[{"role":"user","content":"Once upon"},{"role":"user","content":[{"type":"text","text":"a time"}]}]}
            """);
        var (_, joined, _) = await server.Http.PostJsonAsync("v1/messages/count_tokens", """
            {"model":"stories260K","messages":[{"role":"user","content":"Once upon\n\na time"}]}
            """);

        Assert.Equal((int)joined!["input_tokens"]!, (int)split!["input_tokens"]!);
    }

    [Fact]
    public async Task Errors_come_in_anthropics_shape_with_its_statuses_and_sdk_exceptions()
    {
        using var client = Client(server);

        var notFound = await Assert.ThrowsAsync<AnthropicNotFoundException>(() =>
            client.Messages.Create(new MessageCreateParams { Model = "no-such-model", MaxTokens = 4, Messages = [new UserMessageParam("Hi")] }));
        Assert.Contains("no-such-model", notFound.Message);

        await AssertRawErrorAsync("""{"model":"stories260K","messages":[{"role":"user","content":"Hi"}]}""", 400, "invalid_request_error", "max_tokens");
        await AssertRawErrorAsync("""{"model":"no-such-model","max_tokens":4,"messages":[{"role":"user","content":"Hi"}]}""", 404, "not_found_error", "no-such-model");
        await AssertRawErrorAsync("""{"model":"no-such-model","max_tokens":4,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""", 404, "not_found_error", "no-such-model");
        await AssertRawErrorAsync("""{"model":"stories260K","max_tokens":4,"temperature":1.5,"messages":[{"role":"user","content":"Hi"}]}""", 400, "invalid_request_error", "temperature");
        await AssertRawErrorAsync("""{"model":"stories260K","max_tokens":4,"messages":[{"role":"user","content":[{"type":"text","text":"Look"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]}]}""",
            400, "invalid_request_error", "messages[0].content[1]: content blocks of type 'image'");
        await AssertRawErrorAsync("""{"model":"stories260K","max_tokens":4,"messages":[{"role":"system","content":"Hi"}]}""", 400, "invalid_request_error", "'user' or 'assistant'");
        await AssertRawErrorAsync("""{"model":"stories260K","max_tokens":4,"messages":[{"role":"user","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]}]}""", 400, "invalid_request_error", "assistant messages");
        await AssertRawErrorAsync("""{"model":"stories260K","max_tokens":4,"messages":[]}""", 400, "invalid_request_error", "at least one message");
        await AssertRawErrorAsync("""{"model":"stories260K","max_tokens":"four","messages":[{"role":"user","content":"Hi"}]}""", 400, "invalid_request_error", "max_tokens");
        await AssertRawErrorAsync("""{"model":"stories260K","max_tokens":4,"messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"web_search_20250305","name":"web_search"}]}""", 400, "invalid_request_error", "server tools");
        await AssertRawErrorAsync("{", 400, "invalid_request_error", "JSON");
    }

    [Fact]
    public async Task Anthropic_headers_are_accepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages")
        {
            Content = ServerHttp.JsonContent("""{"model":"stories260K","max_tokens":2,"messages":[{"role":"user","content":"Hi"}]}"""),
        };
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add("anthropic-beta", "prompt-caching-2024-07-31,token-efficient-tools-2025-02-19");
        request.Headers.Add("x-api-key", "sk-ant-anything");

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_client_that_leaves_mid_stream_frees_its_slot()
    {
        var scheduler = (await server.GetLoadedModelAsync(ServerFixture.StoriesModel)).Scheduler;
        await DisconnectTests.WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
        var before = scheduler.Stats;
        var body = new JsonObject
        {
            ["model"] = ServerFixture.StoriesModel, ["max_tokens"] = 2000, ["temperature"] = 1, ["stream"] = true,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = Prompt }),
        };

        using var handler = new SocketsHttpHandler { MaxResponseDrainSize = 0 };
        using var http = new HttpClient(handler) { BaseAddress = server.BaseUri };
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = ServerHttp.JsonContent(body) };
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            Assert.Equal(200, (int)response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            var deltas = 0;
            while (deltas < 2)
            {
                var line = await reader.ReadLineAsync(cts.Token);
                Assert.NotNull(line);
                if (line == "event: content_block_delta")
                    deltas++;
            }
            Assert.Equal(1, scheduler.Stats.ActiveSequences);
            await cts.CancelAsync();
            response.Dispose();
            await DisconnectTests.WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
        }

        var after = scheduler.Stats;
        Assert.Equal(0, after.ActiveSequences);
        Assert.Equal(before.CompletedRequests, after.CompletedRequests);
        Assert.True(after.GeneratedTokens - before.GeneratedTokens < 2000);
        var (ok, result, raw) = await server.Http.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest());
        Assert.True(ok.IsSuccessStatusCode, raw);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)result!["choices"]![0]!["text"]);
    }

    private async Task AssertRawErrorAsync(string json, int status, string type, string messagePart)
    {
        var (response, body, text) = await server.Http.PostJsonAsync("v1/messages", json);
        AssertAnthropicError((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, text, status, type, messagePart);
    }

    internal static void AssertAnthropicError(int actualStatus, string? mediaType, JsonNode? body, string text, int status, string type, string? messagePart)
    {
        Assert.True(status == actualStatus, $"expected {status}, got {actualStatus}: {text}");
        Assert.Equal("application/json", mediaType);
        Assert.Equal(["type", "error"], body!.AsObject().Select(p => p.Key));
        Assert.Equal("error", (string?)body["type"]);
        Assert.Equal(type, (string?)body["error"]!["type"]);
        if (messagePart is not null)
            Assert.Contains(messagePart, (string?)body["error"]!["message"]);
    }

    private async Task<List<(string Name, JsonObject Data)>> PostRawStreamAsync(JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = ServerHttp.JsonContent(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await server.Http.SendAsync(request);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var events = new List<(string, JsonObject)>();
        foreach (var frame in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = frame.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            events.Add((lines[0][7..], JsonNode.Parse(lines[1][6..])!.AsObject()));
        }
        return events;
    }

    private static async IAsyncEnumerable<T> ToAsync<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
            yield return item;
        await Task.CompletedTask;
    }

    internal static Task<Message> ToMessageAsync(IAsyncEnumerable<RawMessageStreamEvent> events) => events.Aggregate();
}
