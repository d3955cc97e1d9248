using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests.Inference;

/// <summary>
/// Grammar-constrained output on real models that know nothing of JSON (a story model and a random
/// one): response_format json_schema / json_object, and forced tool calls, streaming or not.
/// </summary>
[Collection(InferenceCollection.Name)]
public sealed class StructuredOutputTests(InferenceServerFixture server)
{
    private const string CatSchema = """{"type":"object","properties":{"name":{"type":"string","maxLength":20},"age":{"type":"integer","minimum":0,"maximum":30},"color":{"enum":["black","white","orange"]}},"required":["name","age","color"],"additionalProperties":false}""";
    private const string WeatherTool = """{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"enum":["Paris","Berlin"]}},"required":["city"],"additionalProperties":false}}}""";
    private const string TimeTool = """{"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"zone":{"type":"string","maxLength":12}},"required":["zone"],"additionalProperties":false}}}""";

    [Fact]
    public async Task A_json_schema_answer_parses_and_follows_the_schema()
    {
        var request = """{"model":"stories260K","messages":[{"role":"user","content":"Tell me about a cat"}],"max_tokens":300,"temperature":0,"response_format":{"type":"json_schema","json_schema":{"name":"cat","strict":true,"schema":""" + CatSchema + "}}}";
        var (response, body, text) = await server.Http.PostJsonAsync("v1/chat/completions", request);

        Assert.True(200 == (int)response.StatusCode, text);
        Assert.Equal("stop", (string?)body!["choices"]![0]!["finish_reason"]);
        using var cat = JsonDocument.Parse((string)body["choices"]![0]!["message"]!["content"]!);
        var root = cat.RootElement;
        Assert.Equal(["name", "age", "color"], root.EnumerateObject().Select(p => p.Name));
        Assert.True(root.GetProperty("name").GetString()!.Length <= 20);
        Assert.InRange(root.GetProperty("age").GetInt32(), 0, 30);
        Assert.Contains(root.GetProperty("color").GetString(), (string[])["black", "white", "orange"]);
    }

    [Fact]
    public async Task Json_object_output_starts_as_an_object_and_unsupported_schemas_are_a_400()
    {
        var (ok, body, text) = await server.Http.PostJsonAsync("v1/chat/completions",
            """{"model":"stories260K","messages":[{"role":"user","content":"x"}],"max_tokens":20,"temperature":0,"response_format":{"type":"json_object"}}""");
        var (bad, error, _) = await server.Http.PostJsonAsync("v1/chat/completions",
            """{"model":"stories260K","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"not":{"type":"string"}}}}}""");
        var (missing, missingBody, _) = await server.Http.PostJsonAsync("v1/chat/completions",
            """{"model":"stories260K","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema"}}""");

        Assert.True(200 == (int)ok.StatusCode, text);
        Assert.StartsWith("{", ((string)body!["choices"]![0]!["message"]!["content"]!).TrimStart());
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Equal("response_format.json_schema.schema", (string?)error!["error"]!["param"]);
        Assert.Contains("'not'", (string?)error["error"]!["message"]);
        Assert.Equal(400, (int)missing.StatusCode);
        Assert.Equal("response_format.json_schema.schema", (string?)missingBody!["error"]!["param"]);
    }

    [Fact]
    public async Task Tool_choice_required_makes_a_valid_call_to_one_of_the_tools()
    {
        var (response, body, text) = await server.Http.PostJsonAsync("v1/chat/completions", $$$"""
            {"model":"qwen-tiny","messages":[{"role":"user","content":"Weather in Paris?"}],"max_tokens":150,"temperature":0,
             "tool_choice":"required","tools":[{{{WeatherTool}}},{{{TimeTool}}}]}
            """);

        Assert.True(200 == (int)response.StatusCode, text);
        var choice = body!["choices"]![0]!;
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        Assert.Null((string?)choice["message"]!["content"]);
        var call = Assert.Single(choice["message"]!["tool_calls"]!.AsArray())!;
        Assert.StartsWith("call_", (string?)call["id"]);
        Assert.Equal("function", (string?)call["type"]);
        var name = (string)call["function"]!["name"]!;
        using var args = JsonDocument.Parse((string)call["function"]!["arguments"]!);
        if (name == "get_weather")
            Assert.Contains(args.RootElement.GetProperty("city").GetString(), (string[])["Paris", "Berlin"]);
        else
            Assert.Equal("get_time", name);
    }

    [Fact]
    public async Task A_named_function_call_streams_as_a_tool_call_delta_without_leaking_its_json_as_content()
    {
        var sse = await server.Http.PostStreamAsync("v1/chat/completions", JsonNode.Parse($$$"""
            {"model":"stories260K","messages":[{"role":"user","content":"Weather?"}],"max_tokens":150,"temperature":0,"stream":true,
             "chat_template":"{% for m in messages %}{{ m.content }}{% endfor %}",
             "tool_choice":{"type":"function","function":{"name":"get_weather"}},"tools":[{{{WeatherTool}}},{{{TimeTool}}}]}
            """)!);

        Assert.Equal(200, sse.Status);
        Assert.Equal(string.Empty, sse.JoinedText());
        var calls = sse.Chunks.SelectMany(c => c["choices"]!.AsArray())
            .Where(c => c!["delta"]?["tool_calls"] is not null).SelectMany(c => c!["delta"]!["tool_calls"]!.AsArray()).ToList();
        var call = Assert.Single(calls)!;
        Assert.Equal(0, (int)call["index"]!);
        Assert.Equal("get_weather", (string?)call["function"]!["name"]);
        using var args = JsonDocument.Parse((string)call["function"]!["arguments"]!);
        Assert.Contains(args.RootElement.GetProperty("city").GetString(), (string[])["Paris", "Berlin"]);
        Assert.Equal("tool_calls", (string?)sse.Chunks.Last()["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task A_forced_call_and_a_response_format_together_are_a_400()
    {
        var (response, body, _) = await server.Http.PostJsonAsync("v1/chat/completions", $$$"""
            {"model":"qwen-tiny","messages":[{"role":"user","content":"x"}],"tool_choice":"required","tools":[{{{WeatherTool}}}],"response_format":{"type":"json_object"}}
            """);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("response_format", (string?)body!["error"]!["param"]);
    }
}
