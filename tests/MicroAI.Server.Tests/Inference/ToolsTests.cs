using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests.Inference;

/// <summary>Tools reach the chat template; tool messages round-trip into it; plain answers still stream when tools are offered.</summary>
[Collection(InferenceCollection.Name)]
public sealed class ToolsTests(InferenceServerFixture server)
{
    private const string WeatherTool = """{"type":"function","function":{"name":"get_weather","description":"Weather of a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";

    [Fact]
    public async Task Tools_and_a_previous_tool_call_are_rendered_by_the_models_template()
    {
        var (response, body, text) = await server.Http.PostJsonAsync("apply-template", $$$"""
            {"model":"qwen-tiny","tools":[{{{WeatherTool}}}],"messages":[
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"18 C, sunny"}]}
            """);

        Assert.True(200 == (int)response.StatusCode, text);
        var prompt = (string)body!["prompt"]!;
        Assert.Contains("<tools>", prompt);
        Assert.Contains("\"name\": \"get_weather\"", prompt);
        Assert.Contains("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>", prompt);
        Assert.Contains("<tool_response>\n18 C, sunny\n</tool_response>", prompt);
        Assert.EndsWith("<|im_start|>assistant\n", prompt);
    }

    [Fact]
    public async Task With_tools_offered_a_plain_answer_streams_as_content_and_ends_with_stop_or_length()
    {
        var sse = await server.Http.PostStreamAsync("v1/chat/completions", JsonNode.Parse($$"""
            {"model":"qwen-tiny","tools":[{{WeatherTool}}],"messages":[{"role":"user","content":"Hi"}],"max_tokens":8,"temperature":0,"stream":true}
            """)!);
        var (_, whole, _) = await server.Http.PostJsonAsync("v1/chat/completions", $$"""
            {"model":"qwen-tiny","tools":[{{WeatherTool}}],"messages":[{"role":"user","content":"Hi"}],"max_tokens":8,"temperature":0}
            """);

        Assert.Equal(200, sse.Status);
        var message = whole!["choices"]![0]!["message"]!;
        Assert.Null(message["tool_calls"]);
        Assert.Equal((string?)message["content"], sse.JoinedText());
        Assert.Contains((string?)whole["choices"]![0]!["finish_reason"], (string[])["stop", "length"]);
    }

    [Theory]
    [InlineData("""[{"type":"retrieval"}]""", null, "tools[0].type")]
    [InlineData("""[{"type":"function"}]""", null, "tools[0].function")]
    [InlineData("""[{"type":"function","function":{"name":"bad name!"}}]""", null, "tools[0].function.name")]
    [InlineData("""[{"type":"function","function":{"name":"f","parameters":"x"}}]""", null, "tools[0].function.parameters")]
    [InlineData("""[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"f"}}]""", null, "tools[1].function.name")]
    [InlineData("""[{"type":"function","function":{"name":"f"}}]""", "\"sometimes\"", "tool_choice")]
    [InlineData("""[{"type":"function","function":{"name":"f"}}]""", """{"type":"function","function":{"name":"g"}}""", "tool_choice")]
    [InlineData("[]", "\"auto\"", "tool_choice")]
    public async Task Invalid_tools_and_tool_choice_are_a_400_naming_the_field(string tools, string? choice, string param)
    {
        var json = $$"""{"model":"qwen-tiny","messages":[{"role":"user","content":"x"}],"tools":{{tools}}{{(choice is null ? "" : ",\"tool_choice\":" + choice)}}}""";

        var (response, body, text) = await server.Http.PostJsonAsync("v1/chat/completions", json);

        Assert.True(400 == (int)response.StatusCode, text);
        Assert.Equal(param, (string?)body!["error"]!["param"]);
    }

    [Fact]
    public async Task A_model_without_a_jinja_template_cannot_be_offered_tools_and_tool_messages_need_their_call_id()
    {
        var (noTemplate, body, _) = await server.Http.PostJsonAsync("v1/chat/completions",
            $$"""{"model":"stories260K","tools":[{{WeatherTool}}],"messages":[{"role":"user","content":"x"}]}""");
        var (noId, idBody, _) = await server.Http.PostJsonAsync("v1/chat/completions",
            """{"model":"qwen-tiny","messages":[{"role":"user","content":"x"},{"role":"tool","content":"42"}]}""");

        Assert.Equal(400, (int)noTemplate.StatusCode);
        Assert.Contains("Jinja chat template", (string?)body!["error"]!["message"]);
        Assert.Equal(400, (int)noId.StatusCode);
        Assert.Equal("messages[1].tool_call_id", (string?)idBody!["error"]!["param"]);
    }
}
