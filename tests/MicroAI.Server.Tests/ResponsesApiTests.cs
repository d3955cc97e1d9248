#pragma warning disable OPENAI001 // the Responses client is marked experimental in the official package
using System.Text.Json.Nodes;
using OpenAI.Responses;

namespace MicroAI.Server.Tests;

/// <summary>POST /v1/responses with the official client's ResponsesClient and raw HTTP (event framing, chaining, errors).</summary>
[Collection(Inference.InferenceCollection.Name)]
public sealed class ResponsesApiTests(Inference.InferenceServerFixture server)
{
    private ResponsesClient Client => server.OpenAI.GetResponsesClient();

    private static CreateResponseOptions Options(string text, int max) => new()
    {
        Model = ServerFixture.StoriesModel,
        InputItems = { ResponseItem.CreateUserMessageItem(text) },
        MaxOutputTokenCount = max,
        Temperature = 0,
    };

    [Fact]
    public async Task The_official_client_gets_a_response_with_text_usage_and_an_incomplete_status_at_the_limit()
    {
        ResponseResult response = await Client.CreateResponseAsync(Options("Once upon a time", 8));

        Assert.StartsWith("resp_", response.Id);
        Assert.False(string.IsNullOrEmpty(response.GetOutputText()));
        Assert.Equal(8, response.Usage.OutputTokenCount);
        Assert.True(response.Usage.InputTokenCount > 0);
        Assert.Equal(ResponseStatus.Incomplete, response.Status);
        Assert.Equal(ResponseIncompleteStatusReason.MaxOutputTokens, response.IncompleteStatusDetails.Reason);
        Assert.Single(response.OutputItems);
    }

    [Fact]
    public async Task Streaming_text_deltas_add_up_to_the_same_greedy_text()
    {
        ResponseResult whole = await Client.CreateResponseAsync(Options("The little dog", 12));

        var text = new System.Text.StringBuilder();
        ResponseResult? final = null;
        var sequence = -1;
        var streaming = Options("The little dog", 12);
        streaming.StreamingEnabled = true;
        await foreach (var update in await Client.CreateResponseStreamingAsync(streaming))
        {
            Assert.True(update.SequenceNumber > sequence);
            sequence = update.SequenceNumber;
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
                text.Append(delta.Delta);
            else if (update is StreamingResponseIncompleteUpdate incomplete)
                final = incomplete.Response;
            else if (update is StreamingResponseCompletedUpdate completed)
                final = completed.Response;
        }

        Assert.Equal(whole.GetOutputText(), text.ToString());
        Assert.NotNull(final);
        Assert.Equal(whole.GetOutputText(), final.GetOutputText());
    }

    [Fact]
    public async Task A_json_schema_text_format_from_the_client_is_enforced_and_echoed()
    {
        var options = Options("A pet", 300);
        options.TextOptions = new ResponseTextOptions
        {
            TextFormat = ResponseTextFormat.CreateJsonSchemaFormat("pet", BinaryData.FromString(
                """{"type":"object","properties":{"kind":{"enum":["cat","dog"]},"legs":{"type":"integer","minimum":0,"maximum":4}},"required":["kind","legs"],"additionalProperties":false}"""),
                jsonSchemaIsStrict: true),
        };

        ResponseResult response = await Client.CreateResponseAsync(options);

        using var pet = System.Text.Json.JsonDocument.Parse(response.GetOutputText());
        Assert.Contains(pet.RootElement.GetProperty("kind").GetString(), (string[])["cat", "dog"]);
        Assert.InRange(pet.RootElement.GetProperty("legs").GetInt32(), 0, 4);
        Assert.Equal(ResponseTextFormatKind.JsonSchema, response.TextOptions.TextFormat.Kind);
    }

    [Fact]
    public async Task A_required_function_call_round_trips_through_the_client_streamed_and_not()
    {
        var weather = ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString(
            """{"type":"object","properties":{"city":{"enum":["Paris","Berlin"]}},"required":["city"],"additionalProperties":false}"""), true, "Weather of a city");
        var options = new CreateResponseOptions
        {
            Model = "qwen-tiny",
            InputItems = { ResponseItem.CreateUserMessageItem("Weather in Paris?") },
            Tools = { weather },
            ToolChoice = ResponseToolChoice.CreateRequiredChoice(),
            Temperature = 0,
            MaxOutputTokenCount = 150,
        };

        ResponseResult response = await Client.CreateResponseAsync(options);

        var call = Assert.Single(response.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.Equal("get_weather", call.FunctionName);
        using (var args = System.Text.Json.JsonDocument.Parse(call.FunctionArguments.ToString()))
            Assert.Contains(args.RootElement.GetProperty("city").GetString(), (string[])["Paris", "Berlin"]);

        options.StreamingEnabled = true;
        string? streamedName = null;
        var streamedArgs = new System.Text.StringBuilder();
        await foreach (var update in await Client.CreateResponseStreamingAsync(options))
        {
            if (update is StreamingResponseOutputItemDoneUpdate { Item: FunctionCallResponseItem done })
                streamedName = done.FunctionName;
            if (update is StreamingResponseFunctionCallArgumentsDeltaUpdate d)
                streamedArgs.Append(d.Delta?.ToString());
        }
        Assert.Equal("get_weather", streamedName);
        Assert.Equal(call.FunctionArguments.ToString(), streamedArgs.ToString());

        // The call and its output go back as input items; the template renders them.
        var followUp = new CreateResponseOptions
        {
            Model = "qwen-tiny",
            InputItems =
            {
                ResponseItem.CreateUserMessageItem("Weather in Paris?"),
                ResponseItem.CreateFunctionCallItem(call.CallId, call.FunctionName, call.FunctionArguments),
                ResponseItem.CreateFunctionCallOutputItem(call.CallId, "18 C and sunny"),
            },
            Tools = { weather },
            Temperature = 0,
            MaxOutputTokenCount = 5,
        };
        ResponseResult answer = await Client.CreateResponseAsync(followUp);
        Assert.True(answer.Usage.InputTokenCount > response.Usage.InputTokenCount);
    }

    [Fact]
    public async Task Previous_response_id_continues_the_stored_conversation_and_instructions_become_a_system_turn()
    {
        var (_, first, firstText) = await server.Http.PostJsonAsync("v1/responses",
            """{"model":"stories260K","input":"Tom had a red ball.","max_output_tokens":5,"temperature":0}""");
        var id = (string)first!["id"]!;
        var firstInput = (int)first["usage"]!["input_tokens"]!;

        var (response, second, text) = await server.Http.PostJsonAsync("v1/responses", new JsonObject
        {
            ["model"] = "stories260K", ["input"] = "What color was it?", ["previous_response_id"] = id,
            ["instructions"] = "Answer briefly.", ["max_output_tokens"] = 5, ["temperature"] = 0,
        });

        Assert.True(200 == (int)response.StatusCode, text);
        Assert.Equal(id, (string?)second!["previous_response_id"]);
        Assert.Equal("Answer briefly.", (string?)second["instructions"]);
        // The second prompt holds the first turn, its answer, the instructions and the new input.
        Assert.True((int)second["usage"]!["input_tokens"]! > firstInput + 5, firstText + "\n" + text);
    }

    [Fact]
    public async Task Streamed_events_name_their_type_on_the_event_line()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses")
        {
            Content = ServerHttp.JsonContent("""{"model":"stories260K","input":"Hi","max_output_tokens":3,"stream":true}"""),
        };
        using var reply = await server.Http.SendAsync(request);
        var body = await reply.Content.ReadAsStringAsync();

        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var types = new List<string>();
        foreach (var e in events)
        {
            var lines = e.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0]);
            Assert.StartsWith("data: ", lines[1]);
            var data = JsonNode.Parse(lines[1][6..])!;
            Assert.Equal(lines[0][7..], (string?)data["type"]);
            types.Add(lines[0][7..]);
        }
        Assert.Equal(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"], types.Take(4));
        Assert.Equal(["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.incomplete"], types.TakeLast(4));
        Assert.Contains("response.output_text.delta", types);
    }

    [Theory]
    [InlineData("""{"model":"stories260K"}""", "input")]
    [InlineData("""{"model":"stories260K","input":"x","previous_response_id":"resp_nope"}""", "previous_response_id")]
    [InlineData("""{"model":"stories260K","input":[{"role":"user","content":[{"type":"input_image","image_url":"x"}]}]}""", "input")]
    [InlineData("""{"model":"stories260K","input":[{"role":"narrator","content":"x"}]}""", "input[0].role")]
    [InlineData("""{"model":"stories260K","input":"x","tools":[{"type":"web_search"}]}""", "tools[0].type")]
    [InlineData("""{"model":"stories260K","input":"x","max_output_tokens":0}""", "max_output_tokens")]
    [InlineData("""{"model":"stories260K","input":"x","text":{"format":{"type":"json_schema","name":"n","schema":{"not":{}}}}}""", "text.format.schema")]
    public async Task Bad_requests_are_a_400_naming_the_field(string json, string param)
    {
        var (response, body, text) = await server.Http.PostJsonAsync("v1/responses", json);

        Assert.True(400 == (int)response.StatusCode, text);
        Assert.Equal(param, (string?)body!["error"]!["param"]);
    }
}
