using System.Text;
using System.Text.Json.Nodes;
using MicroAI.Server.Tests.Inference;

namespace MicroAI.Server.Tests.Hostile;

/// <summary>One test per defect the fuzz suite found (each was a 500 or a 200 before its fix).</summary>
[Collection(InferenceCollection.Name)]
public sealed class HostileRegressionTests(InferenceServerFixture server)
{
    private async Task<JsonNode> AssertClientErrorAsync(string path, byte[] body, int status = 400)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        using var response = await server.Http.PostAsync(path, content);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode}: {raw}");
        Assert.Null(HostileClient.ErrorShapeProblem(response.Content.Headers.ContentType?.ToString(), raw));
        return JsonNode.Parse(raw)!["error"]!;
    }

    private Task<JsonNode> AssertClientErrorAsync(string path, string json) => AssertClientErrorAsync(path, Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task Invalid_utf8_in_a_field_the_server_ignores_is_still_a_400()
    {
        // Was 200: the serializer skips unknown fields without decoding them.
        byte[] body = [.. """{"model":"stories260K","prompt":"Once","max_tokens":1,"unknown":" """u8, 0xC0, 0xAF, .. "\"}"u8];

        var error = await AssertClientErrorAsync("v1/completions", body);

        Assert.Equal("invalid_json", (string?)error["code"]);
        Assert.Contains("not valid UTF-8 (at byte 66)", (string?)error["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1/embeddings", """{"model":"bert-embedder","input":"x","keep_alive":"\ud800"}""")]
    [InlineData("v1/classifications", """{"model":"sentiment","input":"x","keep_alive":"\udc00x"}""")]
    [InlineData("apply-template", """{"model":"qwen-tiny","messages":[{"role":"user","content":"Hi"}],"tool_choice":"\ud800"}""")]
    [InlineData("v1/responses", """{"model":"stories260K","input":"Hi","max_output_tokens":1,"keep_alive":"\ud800"}""")]
    public async Task A_lone_surrogate_escape_in_a_json_element_field_is_a_400(string path, string json)
    {
        // Was 500: the field stays a JsonElement and its GetString() threw on the request path.
        var error = await AssertClientErrorAsync(path, json);

        Assert.Equal("invalid_json", (string?)error["code"]);
        Assert.Contains("unpaired surrogate", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escaped_text_that_is_valid_still_works()
    {
        var (response, body, raw) = await server.Http.PostJsonAsync("tokenize", """{"model":"stories260K","content":"\u00e9\ud83d\ude00\n\"q\"","with_pieces":true}""");

        Assert.True(response.IsSuccessStatusCode, raw);
        Assert.NotEmpty(body!["tokens"]!.AsArray());
    }

    [Theory]
    [InlineData("true", "text")]
    [InlineData("\"json_object\"", "text")]
    [InlineData("[1]", "text")]
    [InlineData("{\"format\":1}", "text.format")]
    [InlineData("{\"format\":{\"type\":1}}", "text.format.type")]
    [InlineData("{\"format\":{\"type\":\"json_schema\",\"name\":[],\"schema\":{}}}", "text.format.name")]
    public async Task Responses_text_of_the_wrong_type_is_a_400_naming_it(string text, string param)
    {
        // Was 200 (ignored) for the top level and 500 one level down (GetString on a number).
        var error = await AssertClientErrorAsync("v1/responses", $$"""{"model":"stories260K","input":"Hi","max_output_tokens":1,"text":{{text}}}""");

        Assert.Equal(param, (string?)error["param"]);
        Assert.Equal("invalid_type", (string?)error["code"]);
    }

    [Theory]
    [InlineData("v1/responses", """{"model":"stories260K","input":"Hi","tools":[{"type":1}]}""", "tools[0].type")]
    [InlineData("v1/responses", """{"model":"stories260K","input":"Hi","tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"function","name":1}}""", "tool_choice.name")]
    [InlineData("v1/chat/completions", """{"model":"stories260K","messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":1}}""", "tool_choice")]
    public async Task Tools_and_tool_choice_with_wrong_types_inside_are_400s(string path, string json, string param)
    {
        // Were 500s: GetString() on a number, TryGetProperty on a number.
        var error = await AssertClientErrorAsync(path, json);

        Assert.Equal(param, (string?)error["param"]);
    }

    [Theory]
    [InlineData("v1/completions", """{"model":"stories260K","prompt":"Once","max_tokens":2,"stream":true,"grammar":"root ::= ["}""", "grammar")]
    [InlineData("v1/chat/completions", """{"model":"stories260K","messages":[{"role":"user","content":"Hi"}],"max_tokens":2,"stream":true,"grammar":"text"}""", "grammar")]
    [InlineData("v1/completions", """{"model":"stories260K","prompt":"Once","max_tokens":2,"stream":true,"logit_bias":{"99999":5}}""", "logit_bias")]
    public async Task A_stream_with_a_grammar_or_logit_bias_the_engine_refuses_is_a_400_before_it_starts(string path, string json, string param)
    {
        // Was a 200 stream whose first (chat: second) event was the error.
        var error = await AssertClientErrorAsync(path, json);

        Assert.Equal(param, (string?)error["param"]);
    }

    [Fact]
    public async Task Responses_metadata_beyond_openai_limits_is_a_400()
    {
        // Was echoed whole (megabytes) into every response object.
        static string Body(JsonObject metadata) => new JsonObject { ["model"] = "stories260K", ["input"] = "Hi", ["max_output_tokens"] = 1, ["metadata"] = metadata }.ToJsonString();
        var seventeen = new JsonObject();
        for (var i = 0; i < 17; i++)
            seventeen[$"k{i}"] = "v";

        foreach (var metadata in new[] { seventeen, new JsonObject { [new string('k', 65)] = "v" }, new JsonObject { ["k"] = new string('v', 513) }, new JsonObject { ["k"] = null } })
            Assert.Equal("metadata", (string?)(await AssertClientErrorAsync("v1/responses", Body(metadata)))["param"]);

        var (ok, _, raw) = await server.Http.PostJsonAsync("v1/responses", Body(new JsonObject { [new string('k', 64)] = new string('v', 512) }));
        Assert.True(ok.IsSuccessStatusCode, raw);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_pull_from_an_unreachable_source_is_a_502_naming_the_source(bool stream)
    {
        // Was 500 "registry_failure", as if this server had failed. Port 1 on loopback refuses at once.
        var json = $$"""{"source":"http://127.0.0.1:1/model.gguf","stream":{{(stream ? "true" : "false")}}}""";
        using var response = await server.Http.PostAsync("api/registry/pull", ServerHttp.JsonContent(json));
        var raw = await response.Content.ReadAsStringAsync();

        // A streamed pull has answered 200 before it knows; its last NDJSON line is the same error.
        var error = JsonNode.Parse(stream ? raw.TrimEnd('\n').Split('\n')[^1] : raw)!["error"]!;
        Assert.Equal(stream ? 200 : 502, (int)response.StatusCode);
        Assert.Equal("source_unreachable", (string?)error["code"]);
        Assert.Equal("source", (string?)error["param"]);
        Assert.Contains("127.0.0.1:1", (string?)error["message"], StringComparison.Ordinal);
    }
}
