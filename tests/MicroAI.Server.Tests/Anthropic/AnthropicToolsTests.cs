using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic.Models.Messages;
using MicroAI.Server.Tests.Inference;

namespace MicroAI.Server.Tests.Anthropic;

/// <summary>
/// Anthropic tools through a real tool-capable chat template (qwen-tiny: a tiny random llama with
/// Qwen2.5's template), driven by the official SDK: forced calls come back as tool_use blocks, and
/// tool_use/tool_result turns reach the template as the OpenAI route's tool calls and tool messages do.
/// </summary>
[Collection(InferenceCollection.Name)]
public sealed class AnthropicToolsTests(InferenceServerFixture server)
{
    private const string Model = InferenceServerFixture.ChatMlTiny;

    /// <summary>A closed schema (an enum, no other keys): a random model under the grammar finishes its call in a few tokens.</summary>
    private static Tool Weather() => new()
    {
        Name = "get_weather",
        Description = "Weather of a city",
        InputSchema = new InputSchema(new Dictionary<string, JsonElement>
        {
            ["type"] = JsonSerializer.SerializeToElement("object"),
            ["properties"] = JsonSerializer.SerializeToElement(new { city = new { type = "string", @enum = new[] { "Paris", "Rome" } } }),
            ["required"] = JsonSerializer.SerializeToElement(new[] { "city" }),
            ["additionalProperties"] = JsonSerializer.SerializeToElement(false),
        }),
    };

    private static MessageCreateParams Forced(ToolChoice choice) => AnthropicMessagesTests.WithTemperature(new()
    {
        Model = Model,
        MaxTokens = 60,
        Messages = [new UserMessageParam("Weather in Paris?")],
        Tools = [Weather()],
        ToolChoice = choice,
    }, 0);

    private static global::Anthropic.AnthropicClient Client(InferenceServerFixture server) => AnthropicMessagesTests.Client(server);

    [Theory]
    [InlineData("any")]
    [InlineData("tool")]
    public async Task A_forced_tool_choice_answers_a_tool_use_block_with_parsed_input(string mode)
    {
        using var client = Client(server);
        ToolChoice choice = mode == "any" ? new ToolChoiceAny() : new ToolChoiceTool("get_weather");

        var message = await client.Messages.Create(Forced(choice));
        var streamed = await AnthropicMessagesTests.ToMessageAsync(client.Messages.CreateStreaming(Forced(choice)));

        foreach (var answer in new[] { message, streamed })
        {
            Assert.Equal(StopReason.ToolUse, answer.StopReason!.Value());
            var use = answer.Content.Select(b => b.TryPickToolUse(out var u) ? u : null).OfType<ToolUseBlock>().Single();
            Assert.StartsWith("toolu_", use.ID, StringComparison.Ordinal);
            Assert.Equal("get_weather", use.Name);
            Assert.Contains(use.Input["city"].GetString(), new[] { "Paris", "Rome" });
            Assert.Equal(["city"], use.Input.Keys);
        }
        Assert.Equal(message.Content.Select(TypeOf), streamed.Content.Select(TypeOf));
    }

    [Fact]
    public async Task A_streamed_tool_use_sends_its_input_as_input_json_delta()
    {
        var sse = await server.Http.PostAsync("v1/messages", ServerHttp.JsonContent($$$"""
            {"model":"{{{Model}}}","max_tokens":60,"temperature":0,"stream":true,"messages":[{"role":"user","content":"Weather in Paris?"}],
             "tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string","enum":["Paris","Rome"]}},"required":["city"],"additionalProperties":false}}],
             "tool_choice":{"type":"any","disable_parallel_tool_use":true}}
            """));
        var text = await sse.Content.ReadAsStringAsync();

        var data = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(f => JsonNode.Parse(f.Split('\n')[1][6..])!).ToList();
        var start = data.Single(d => (string?)d["type"] == "content_block_start" && (string?)d["content_block"]!["type"] == "tool_use");
        Assert.Equal("get_weather", (string?)start["content_block"]!["name"]);
        Assert.Empty(start["content_block"]!["input"]!.AsObject());
        var index = (int)start["index"]!;
        var json = string.Concat(data.Where(d => (string?)d["type"] == "content_block_delta" && (int)d["index"]! == index)
            .Select(d => { Assert.Equal("input_json_delta", (string?)d["delta"]!["type"]); return (string?)d["delta"]!["partial_json"]; }));
        Assert.Contains((string?)JsonNode.Parse(json)!["city"], new[] { "Paris", "Rome" });
        Assert.Contains(data, d => (string?)d["type"] == "content_block_stop" && (int)d["index"]! == index);
        Assert.Equal("tool_use", (string?)data.Single(d => (string?)d["type"] == "message_delta")["delta"]!["stop_reason"]);
    }

    [Fact]
    public async Task A_tool_result_round_trip_renders_as_the_chat_routes_tool_call_and_tool_message()
    {
        using var client = Client(server);
        var call = await client.Messages.Create(Forced(new ToolChoiceAny()));
        var use = call.Content.Select(b => b.TryPickToolUse(out var u) ? u : null).OfType<ToolUseBlock>().Single();

        // The SDK's round trip: the assistant's tool_use, then the user's tool_result for it.
        var followUp = AnthropicMessagesTests.WithTemperature(new MessageCreateParams
        {
            Model = Model,
            MaxTokens = 1,
            Tools = [Weather()],
            Messages =
            [
                new UserMessageParam("Weather in Paris?"),
                new AssistantMessageParam(new List<ContentBlockParam> { new ToolUseBlockParam { ID = use.ID, Name = use.Name, Input = use.Input } }),
                new UserMessageParam(new List<ContentBlockParam> { new ToolResultBlockParam(use.ID) { Content = "18 C, sunny" } }),
            ],
        }, 0);
        var answer = await client.Messages.Create(followUp);

        // The same conversation through /v1/chat/completions: the same prompt, token for token.
        var arguments = JsonSerializer.Serialize(use.Input);
        var chatRequest = new JsonObject
        {
            ["model"] = Model, ["max_tokens"] = 1, ["temperature"] = 0,
            ["tools"] = new JsonArray(new JsonObject
            {
                ["type"] = "function",
                ["function"] = new JsonObject
                {
                    ["name"] = "get_weather", ["description"] = "Weather of a city",
                    ["parameters"] = JsonNode.Parse("""{"type":"object","properties":{"city":{"type":"string","enum":["Paris","Rome"]}},"required":["city"],"additionalProperties":false}"""),
                },
            }),
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "Weather in Paris?" },
                new JsonObject
                {
                    ["role"] = "assistant", ["content"] = null,
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["id"] = use.ID, ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = arguments },
                    }),
                },
                new JsonObject { ["role"] = "tool", ["tool_call_id"] = use.ID, ["content"] = "18 C, sunny" }),
        };
        var (response, chat, raw) = await server.Http.PostJsonAsync("v1/chat/completions", chatRequest);
        Assert.True(response.IsSuccessStatusCode, raw);
        var counted = await client.Messages.CountTokens(new MessageCountTokensParams { Model = Model, Tools = [Weather()], Messages = followUp.Messages });
        var withoutResult = await client.Messages.CountTokens(new MessageCountTokensParams { Model = Model, Tools = [Weather()], Messages = followUp.Messages.Take(2).ToList() });

        Assert.Equal((int)chat!["usage"]!["prompt_tokens"]!, answer.Usage.InputTokens + (answer.Usage.CacheReadInputTokens ?? 0));
        Assert.Equal(counted.InputTokens, answer.Usage.InputTokens + (answer.Usage.CacheReadInputTokens ?? 0));
        Assert.True(withoutResult.InputTokens < counted.InputTokens);
    }

    [Fact]
    public async Task Tool_choice_none_offers_no_tools_and_bad_tools_are_a_400_in_anthropics_shape()
    {
        var (_, none, _) = await server.Http.PostJsonAsync("v1/messages/count_tokens", $$$"""
            {"model":"{{{Model}}}","messages":[{"role":"user","content":"Hi"}],"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"none"}}
            """);
        var (_, plain, _) = await server.Http.PostJsonAsync("v1/messages/count_tokens", $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal((int)plain!["input_tokens"]!, (int)none!["input_tokens"]!);

        foreach (var (tools, choice, part) in new[]
        {
            ("""[{"name":"f"}]""", """{"type":"auto"}""", "tools[0].input_schema"),
            ("""[{"name":"bad name!","input_schema":{"type":"object"}}]""", """{"type":"auto"}""", "tools[0].name"),
            ("""[{"name":"f","input_schema":{"type":"object"}}]""", """{"type":"tool","name":"g"}""", "'g'"),
            ("""[{"name":"f","input_schema":{"type":"object"}}]""", """{"type":"sometimes"}""", "tool_choice"),
            ("[]", """{"type":"any"}""", "tool_choice"),
        })
        {
            var (response, body, text) = await server.Http.PostJsonAsync("v1/messages",
                $$$"""{"model":"{{{Model}}}","max_tokens":4,"messages":[{"role":"user","content":"x"}],"tools":{{{tools}}},"tool_choice":{{{choice}}}}""");
            AnthropicMessagesTests.AssertAnthropicError((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, text, 400, "invalid_request_error", part);
        }
    }

    private static string TypeOf(ContentBlock block) => block.Type.Raw();
}
