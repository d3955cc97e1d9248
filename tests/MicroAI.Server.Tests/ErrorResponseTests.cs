using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MicroAI.Server.Tests;

/// <summary>Client mistakes: the right status and OpenAI's error body {"error":{"message","type","param","code"}}.</summary>
[Collection(ServerCollection.Name)]
public sealed partial class ErrorResponseTests(ServerFixture server)
{
    private const string Chat = "v1/chat/completions";
    private const string Completions = "v1/completions";
    private const string Messages = """ "messages":[{"role":"user","content":"hi"}] """;

    /// <summary>Asserts the status and the error shape; returns the "error" object.</summary>
    internal static JsonObject AssertError(HttpResponseMessage response, string text, HttpStatusCode status, string? param, string? code = null)
    {
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(["error"], root.Select(p => p.Key));
        var error = root["error"]!.AsObject();
        foreach (var key in new[] { "message", "type", "param", "code" })
            Assert.True(error.ContainsKey(key), $"error has no '{key}': {text}");
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]), text);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["type"]), text);
        Assert.Equal(param, (string?)error["param"]);
        if (code is not null)
            Assert.Equal(code, (string?)error["code"]);
        return error;
    }

    private async Task<JsonObject> PostExpectingError(string path, string json, HttpStatusCode status, string? param, string? code = null)
    {
        var (response, _, text) = await server.Http.PostJsonAsync(path, json);
        return AssertError(response, text, status, param, code);
    }

    [Theory]
    [InlineData(Chat)]
    [InlineData(Completions)]
    public async Task MalformedJson_Is400WithNullParam(string path)
    {
        var error = await PostExpectingError(path, """{"model":"stories260K", "messages": [""", HttpStatusCode.BadRequest, null, "invalid_json");
        Assert.Equal("invalid_request_error", (string?)error["type"]);
    }

    [Theory]
    [InlineData(Chat, "null")]
    [InlineData(Completions, "null")]
    [InlineData(Chat, "")]
    [InlineData(Completions, "[]")]
    [InlineData(Chat, "\"hello\"")]
    public async Task NotAnObject_Is400(string path, string json) =>
        await PostExpectingError(path, json, HttpStatusCode.BadRequest, null);

    [Fact]
    public async Task MessagesNotAnArray_Is400() =>
        await PostExpectingError(Chat, """{"model":"stories260K","messages":{"role":"user","content":"hi"}}""", HttpStatusCode.BadRequest, "messages", "invalid_type");

    [Fact]
    public async Task NullMessage_Is400() =>
        await PostExpectingError(Chat, """{"model":"stories260K","messages":[null]}""", HttpStatusCode.BadRequest, "messages[0]");

    [Theory]
    [InlineData("""{"model":"stories260K","prompt":[]}""")]
    [InlineData("""{"model":"stories260K","prompt":[[]]}""")]
    [InlineData("""{"model":"stories260K","prompt":[99999]}""")]
    [InlineData("""{"model":"stories260K","prompt":[-1]}""")]
    [InlineData("""{"model":"stories260K","prompt":[[1,2],[3,512]]}""")]
    [InlineData("""{"model":"stories260K","prompt":["a",1]}""")]
    [InlineData("""{"model":"stories260K","prompt":[1.5]}""")]
    public async Task InvalidPrompt_Is400(string json) =>
        await PostExpectingError(Completions, json, HttpStatusCode.BadRequest, "prompt");

    [Theory]
    [InlineData(Chat, """{"model":"stories260K",""" + Messages + ""","temperature":"hot"}""", "temperature")]
    [InlineData(Completions, """{"model":"stories260K","prompt":"hi","max_tokens":"many"}""", "max_tokens")]
    [InlineData(Chat, """{"model":"stories260K",""" + Messages + ""","stream":"yes"}""", "stream")]
    [InlineData(Chat, """{"model":"stories260K","messages":[{"role":"user","content":42}]}""", "messages[0].content")]
    [InlineData(Chat, """{"model":"stories260K",""" + Messages + ""","stop":7}""", "stop")]
    [InlineData(Completions, """{"model":"stories260K","prompt":{"text":"hi"}}""", "prompt")]
    public async Task WrongType_Is400NamingTheField(string path, string json, string param)
    {
        var error = await PostExpectingError(path, json, HttpStatusCode.BadRequest, param);
        // The message names the field (at least its last segment: "content" for messages[0].content).
        var field = param.Split('.')[^1];
        Assert.Contains(field, (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingMessages_Is400() =>
        await PostExpectingError(Chat, """{"model":"stories260K"}""", HttpStatusCode.BadRequest, "messages", "missing_required_parameter");

    [Fact]
    public async Task EmptyMessages_Is400() =>
        await PostExpectingError(Chat, """{"model":"stories260K","messages":[]}""", HttpStatusCode.BadRequest, "messages");

    [Fact]
    public async Task MissingPrompt_Is400() =>
        await PostExpectingError(Completions, """{"model":"stories260K"}""", HttpStatusCode.BadRequest, "prompt", "missing_required_parameter");

    [Fact]
    public async Task UnknownRole_Is400() =>
        await PostExpectingError(Chat, """{"model":"stories260K","messages":[{"role":"wizard","content":"hi"}]}""", HttpStatusCode.BadRequest, "messages[0].role");

    [Fact]
    public async Task MissingContent_Is400() =>
        await PostExpectingError(Chat, """{"model":"stories260K","messages":[{"role":"user"}]}""", HttpStatusCode.BadRequest, "messages[0].content", "missing_required_parameter");

    [Theory]
    [InlineData(Chat, """{"model":"no-such-model",""" + Messages + "}")]
    [InlineData(Completions, """{"model":"no-such-model","prompt":"hi"}""")]
    [InlineData(Chat, """{"model":"no-such-model","stream":true,""" + Messages + "}")]
    public async Task UnknownModel_Is404ModelNotFound(string path, string json)
    {
        var error = await PostExpectingError(path, json, HttpStatusCode.NotFound, "model", "model_not_found");
        Assert.Contains("no-such-model", (string?)error["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"temperature\":3", "temperature")]
    [InlineData("\"temperature\":-0.5", "temperature")]
    [InlineData("\"top_p\":1.5", "top_p")]
    [InlineData("\"presence_penalty\":2.5", "presence_penalty")]
    [InlineData("\"frequency_penalty\":-3", "frequency_penalty")]
    [InlineData("\"max_tokens\":0", "max_tokens")]
    [InlineData("\"max_completion_tokens\":-1", "max_completion_tokens")]
    [InlineData("\"n\":0", "n")]
    [InlineData("\"n\":129", "n")]
    [InlineData("\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",\"l\",\"m\",\"n\",\"o\",\"p\",\"q\"]", "stop")]
    [InlineData("\"top_k\":-1", "top_k")]
    [InlineData("\"min_p\":2", "min_p")]
    public async Task OutOfRangeValue_Is400NamingTheField(string field, string param)
    {
        await PostExpectingError(Chat, """{"model":"stories260K",""" + Messages + "," + field + "}", HttpStatusCode.BadRequest, param);
        if (param != "max_completion_tokens")
            await PostExpectingError(Completions, """{"model":"stories260K","prompt":"hi",""" + field + "}", HttpStatusCode.BadRequest, param);
    }

    [Fact]
    public async Task PromptLongerThanTheContext_Is400ContextLengthExceeded()
    {
        var words = new StringBuilder();
        for (var i = 0; i < 3000; i++)
            words.Append(i % 2 == 0 ? "cat " : "dog ");
        var prompt = words.ToString();

        var completion = await PostExpectingError(Completions, new JsonObject { ["model"] = "stories260K", ["prompt"] = prompt, ["max_tokens"] = 5 }.ToJsonString(),
            HttpStatusCode.BadRequest, "prompt", "context_length_exceeded");
        AssertContextNumbers((string)completion["message"]!);

        var chat = await PostExpectingError(Chat, new JsonObject
        {
            ["model"] = "stories260K",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
        }.ToJsonString(), HttpStatusCode.BadRequest, "messages", "context_length_exceeded");
        AssertContextNumbers((string)chat["message"]!);

        // Streaming requests fail the same way, before any event is sent.
        var streamed = await PostExpectingError(Completions, new JsonObject { ["model"] = "stories260K", ["prompt"] = prompt, ["stream"] = true }.ToJsonString(),
            HttpStatusCode.BadRequest, "prompt", "context_length_exceeded");
        AssertContextNumbers((string)streamed["message"]!);

        static void AssertContextNumbers(string message)
        {
            Assert.Contains("2048", message, StringComparison.Ordinal);
            var match = PromptTokensPattern().Match(message);
            Assert.True(match.Success, message);
            Assert.InRange(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 2049, 20000);
        }
    }

    [GeneratedRegex(@"prompt has (\d+) tokens")]
    private static partial Regex PromptTokensPattern();

    [Fact]
    public async Task ImageContentPart_Is400()
    {
        const string json = """
            {"model":"stories260K","messages":[{"role":"user","content":[
              {"type":"text","text":"What is this?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}
            """;
        var error = await PostExpectingError(Chat, json, HttpStatusCode.BadRequest, "messages[0].content[1]", "unsupported_parameter");
        Assert.Contains("image_url", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextContentParts_AreAccepted()
    {
        const string json = """
            {"model":"stories260K","max_tokens":3,"messages":[{"role":"user","content":[{"type":"text","text":"Hello"},{"type":"text","text":"there"}]}]}
            """;
        var (response, _, text) = await server.Http.PostJsonAsync(Chat, json);
        Assert.True(response.IsSuccessStatusCode, text);
    }

    [Theory]
    [InlineData("""{"model":"stories260K","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}]}""", "messages[0].content[0]")]
    public async Task UnsupportedFeature_Is400Unsupported(string json, string param) =>
        await PostExpectingError(Chat, json, HttpStatusCode.BadRequest, param, "unsupported_parameter");

    [Theory]
    [InlineData("""{"model":"stories260K",""" + Messages + ""","response_format":{"type":"xml"}}""", "response_format.type")]
    [InlineData("""{"model":"stories260K",""" + Messages + ""","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"required"}""", "messages")]
    public async Task Formats_and_tools_a_model_cannot_serve_are_400s(string json, string param) =>
        await PostExpectingError(Chat, json, HttpStatusCode.BadRequest, param, null);

    [Theory]
    [InlineData("GET", "v1/does-not-exist")]
    [InlineData("POST", "v1/does-not-exist")]
    [InlineData("GET", "nothing/here")]
    [InlineData("GET", "v1/chat/completions")]
    [InlineData("DELETE", "v1/models/stories260K")]
    public async Task UnknownEndpoint_Is404Json(string method, string path) => await AssertUnknownEndpointAsync(method, path);

    /// <summary>
    /// Fails today: MicroAIApp maps <c>app.MapFallback(NotFound)</c>, whose pattern is
    /// <c>{*path:nonfile}</c>, so a path whose last segment looks like a file name matches no
    /// endpoint and gets Kestrel's bare 404 with an empty body instead of the JSON error.
    /// </summary>
    [Theory]
    [InlineData("GET", "v1/models.json")]
    [InlineData("POST", "v1/chat/completions.json")]
    public async Task UnknownEndpoint_WithFileLikePath_Is404Json(string method, string path) => await AssertUnknownEndpointAsync(method, path);

    private async Task AssertUnknownEndpointAsync(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
            request.Content = ServerHttp.JsonContent("{}");
        using var response = await server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        var error = AssertError(response, text, HttpStatusCode.NotFound, null, "not_found");
        Assert.Contains(path, (string?)error["message"], StringComparison.Ordinal);
    }
}
