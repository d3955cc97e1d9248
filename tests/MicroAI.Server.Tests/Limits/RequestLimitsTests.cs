using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using F = MicroAI.Server.Tests.Limits.LimitsServerFixture;

namespace MicroAI.Server.Tests.Limits;

/// <summary>
/// Every MicroAI:Limits value over real HTTP, on every endpoint that takes that input: one past the
/// limit is a 400 (413 for the body) in OpenAI's shape whose param names the field, whose code is
/// OpenAI's, and whose message names the limit and its configuration key; exactly at the limit is served.
/// </summary>
[Collection(LimitsServerCollection.Name)]
public sealed class RequestLimitsTests(LimitsServerFixture server)
{
    private const string Model = ServerFixture.StoriesModel;

    private static JsonArray Messages(int count) =>
        new(Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject { ["role"] = i % 2 == 0 ? "user" : "assistant", ["content"] = "hi" }).ToArray());

    private static JsonObject Chat(int messages = 1) => new() { ["model"] = Model, ["messages"] = Messages(messages), ["max_tokens"] = 2 };

    private static JsonObject Completion() => new() { ["model"] = Model, ["prompt"] = "Once", ["max_tokens"] = 2, ["temperature"] = 0 };

    private static JsonArray Strings(int count, string text = "x") => new(Enumerable.Range(0, count).Select(_ => (JsonNode)text).ToArray());

    private static JsonArray Tools(int count) => new(Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject
    {
        ["type"] = "function",
        ["function"] = new JsonObject { ["name"] = $"f{i}", ["parameters"] = new JsonObject { ["type"] = "object" } },
    }).ToArray());

    private static JsonObject With(JsonObject body, string key, JsonNode? value)
    {
        body[key] = value;
        return body;
    }

    private async Task OverLimit(string path, JsonNode body, string? param, string code, string key, long limit, int status = 400)
    {
        var (response, json, text) = await server.Http.PostJsonAsync(path, body);
        AssertLimitError(path, (int)response.StatusCode, json, text, param, code, key, limit, status);
    }

    private static void AssertLimitError(string path, int actualStatus, JsonNode? json, string text, string? param, string code, string key, long limit, int status = 400)
    {
        Assert.True(status == actualStatus, $"{path}: {actualStatus} {text}");
        var error = json!["error"]!;
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Equal(param, (string?)error["param"]);
        Assert.Equal(code, (string?)error["code"]);
        var message = (string)error["message"]!;
        Assert.Contains($"the limit is {limit}", message, StringComparison.Ordinal);
        Assert.Contains($"(MicroAI:Limits:{key})", message, StringComparison.Ordinal);
    }

    private async Task<JsonNode> Accepted(string path, JsonNode body)
    {
        var (response, json, text) = await server.Http.PostJsonAsync(path, body);
        Assert.True(200 == (int)response.StatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return json!;
    }

    [Fact]
    public async Task MaxMessages()
    {
        const string key = "MaxMessages";
        foreach (var path in (string[])["v1/chat/completions", "apply-template"])
            await OverLimit(path, Chat(F.MaxMessages + 1), "messages", "array_above_max_length", key, F.MaxMessages);
        await OverLimit("v1/responses", new JsonObject { ["model"] = Model, ["input"] = Messages(F.MaxMessages + 1) }, "input", "array_above_max_length", key, F.MaxMessages);

        await Accepted("apply-template", Chat(F.MaxMessages));
        await Accepted("v1/responses", new JsonObject { ["model"] = Model, ["input"] = Messages(F.MaxMessages), ["max_output_tokens"] = 2 });
    }

    [Fact]
    public async Task MaxTokens()
    {
        const string key = "MaxTokens", code = "integer_above_max_value";
        await OverLimit("v1/chat/completions", With(Chat(), "max_tokens", F.MaxTokens + 1), "max_tokens", code, key, F.MaxTokens);
        await OverLimit("v1/chat/completions", With(With(Chat(), "max_tokens", null), "max_completion_tokens", F.MaxTokens + 1), "max_completion_tokens", code, key, F.MaxTokens);
        await OverLimit("v1/completions", With(Completion(), "max_tokens", F.MaxTokens + 1), "max_tokens", code, key, F.MaxTokens);
        await OverLimit("v1/responses", new JsonObject { ["model"] = Model, ["input"] = "hi", ["max_output_tokens"] = F.MaxTokens + 1 }, "max_output_tokens", code, key, F.MaxTokens);
        // int.MaxValue is refused the same way, before anything is allocated for it.
        await OverLimit("v1/completions", With(Completion(), "max_tokens", int.MaxValue), "max_tokens", code, key, F.MaxTokens);

        await Accepted("v1/completions", With(Completion(), "max_tokens", F.MaxTokens));
    }

    [Fact]
    public async Task MaxChoices()
    {
        const string key = "MaxChoices", code = "integer_above_max_value";
        await OverLimit("v1/chat/completions", With(Chat(), "n", F.MaxChoices + 1), "n", code, key, F.MaxChoices);
        await OverLimit("v1/completions", With(Completion(), "n", F.MaxChoices + 1), "n", code, key, F.MaxChoices);
        // prompts × n: three prompts of one choice each are three sequences.
        await OverLimit("v1/completions", With(Completion(), "prompt", Strings(F.MaxChoices + 1, "Once")), "n", code, key, F.MaxChoices);

        var json = await Accepted("v1/completions", With(Completion(), "n", F.MaxChoices));
        Assert.Equal(F.MaxChoices, json["choices"]!.AsArray().Count);
    }

    [Fact]
    public async Task MaxStopSequences()
    {
        const string key = "MaxStopSequences";
        await OverLimit("v1/chat/completions", With(Chat(), "stop", Strings(F.MaxStopSequences + 1)), "stop", "array_above_max_length", key, F.MaxStopSequences);
        await OverLimit("v1/completions", With(Completion(), "stop", Strings(F.MaxStopSequences + 1)), "stop", "array_above_max_length", key, F.MaxStopSequences);

        await Accepted("v1/completions", With(Completion(), "stop", Strings(F.MaxStopSequences)));
    }

    [Fact]
    public async Task MaxTools()
    {
        const string key = "MaxTools";
        var chat = With(With(Chat(), "model", F.Templated), "tools", Tools(F.MaxTools + 1));
        await OverLimit("v1/chat/completions", chat, "tools", "array_above_max_length", key, F.MaxTools);
        await OverLimit("apply-template", chat, "tools", "array_above_max_length", key, F.MaxTools);
        var flat = new JsonArray(Enumerable.Range(0, F.MaxTools + 1).Select(i => (JsonNode)new JsonObject { ["type"] = "function", ["name"] = $"f{i}" }).ToArray());
        await OverLimit("v1/responses", new JsonObject { ["model"] = F.Templated, ["input"] = "hi", ["tools"] = flat }, "tools", "array_above_max_length", key, F.MaxTools);

        var prompt = await Accepted("apply-template", With(With(Chat(), "model", F.Templated), "tools", Tools(F.MaxTools)));
        Assert.Contains($"f{F.MaxTools - 1}", (string)prompt["prompt"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxLogitBias()
    {
        const string key = "MaxLogitBias";
        JsonObject Bias(int count) => new(Enumerable.Range(0, count).Select(i => KeyValuePair.Create($"{i + 1}", (JsonNode?)JsonValue.Create(-1))));
        await OverLimit("v1/chat/completions", With(Chat(), "logit_bias", Bias(F.MaxLogitBias + 1)), "logit_bias", "array_above_max_length", key, F.MaxLogitBias);
        await OverLimit("v1/completions", With(Completion(), "logit_bias", Bias(F.MaxLogitBias + 1)), "logit_bias", "array_above_max_length", key, F.MaxLogitBias);

        await Accepted("v1/completions", With(Completion(), "logit_bias", Bias(F.MaxLogitBias)));
    }

    /// <summary>A schema of exactly <paramref name="bytes"/> bytes of compact JSON (a padded description).</summary>
    private static JsonObject SchemaOfSize(int bytes)
    {
        var schema = new JsonObject { ["type"] = "object", ["description"] = "" };
        var pad = bytes - schema.ToJsonString().Length;
        schema["description"] = new string('d', pad);
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(schema.ToJsonString()));
        return schema;
    }

    private static JsonObject ResponseFormat(JsonNode schema) =>
        new() { ["type"] = "json_schema", ["json_schema"] = new JsonObject { ["name"] = "s", ["schema"] = schema } };

    private static JsonArray ToolWith(JsonNode parameters) =>
        new(new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "f", ["parameters"] = parameters } });

    [Fact]
    public async Task MaxSchemaBytes()
    {
        const string key = "MaxSchemaBytes", code = "string_above_max_length";
        var tooBig = SchemaOfSize(F.MaxSchemaBytes + 1);
        await OverLimit("v1/chat/completions", With(Chat(), "response_format", ResponseFormat(tooBig.DeepClone())), "response_format.json_schema.schema", code, key, F.MaxSchemaBytes);
        await OverLimit("v1/chat/completions", With(With(Chat(), "model", F.Templated), "tools", ToolWith(tooBig.DeepClone())), "tools[0].function.parameters", code, key, F.MaxSchemaBytes);
        await OverLimit("v1/responses", new JsonObject
        {
            ["model"] = Model,
            ["input"] = "hi",
            ["text"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "json_schema", ["name"] = "s", ["schema"] = tooBig.DeepClone() } },
        }, "text.format.schema", code, key, F.MaxSchemaBytes);

        // Exactly at the limit the grammar is built and the prompt rendered.
        await Accepted("apply-template", With(Chat(), "response_format", ResponseFormat(SchemaOfSize(F.MaxSchemaBytes))));
        await Accepted("apply-template", With(With(Chat(), "model", F.Templated), "tools", ToolWith(SchemaOfSize(F.MaxSchemaBytes))));
    }

    /// <summary>An object schema nested <paramref name="depth"/> JSON levels deep (each property level is two).</summary>
    private static JsonObject SchemaOfDepth(int depth)
    {
        // depth 1: {"type":"string"}; depth 3: {"type":"object","properties":{"a":{"type":"string"}}}
        // depth 2: {"type":"string","enum":["a"]}
        var node = depth % 2 == 1 ? new JsonObject { ["type"] = "string" } : new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("a") };
        for (var d = depth % 2 == 1 ? 1 : 2; d < depth; d += 2)
            node = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["a"] = node } };
        Assert.Equal(depth, MicroAI.Server.Limits.LimitChecks.Depth(System.Text.Json.JsonDocument.Parse(node.ToJsonString()).RootElement, 100));
        return node;
    }

    [Fact]
    public async Task MaxSchemaDepth()
    {
        const string key = "MaxSchemaDepth", code = "schema_too_deep";
        var tooDeep = SchemaOfDepth(F.MaxSchemaDepth + 1);
        await OverLimit("v1/chat/completions", With(Chat(), "response_format", ResponseFormat(tooDeep.DeepClone())), "response_format.json_schema.schema", code, key, F.MaxSchemaDepth);
        await OverLimit("apply-template", With(With(Chat(), "model", F.Templated), "tools", ToolWith(tooDeep.DeepClone())), "tools[0].function.parameters", code, key, F.MaxSchemaDepth);

        await Accepted("apply-template", With(Chat(), "response_format", ResponseFormat(SchemaOfDepth(F.MaxSchemaDepth))));
    }

    /// <summary>{"content":"hi","x":[[…]]}: the root object is level 1, every array one more.</summary>
    private static string BodyOfDepth(int depth, string first = "\"content\":\"hi\"") =>
        "{" + first + ",\"x\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}";

    [Fact]
    public async Task MaxJsonDepth()
    {
        foreach (var (path, first) in ((string, string)[])[
            ("tokenize", "\"content\":\"hi\""), ("v1/chat/completions", "\"model\":\"stories260K\""), ("v1/embeddings", "\"input\":\"hi\""),
            ("api/tag", "\"source\":\"a\""), ("api/registry/pull", "\"source\":\"a\"")])
        {
            var (response, json, text) = await server.Http.PostJsonAsync(path, BodyOfDepth(F.MaxJsonDepth + 1, first));
            AssertLimitError(path, (int)response.StatusCode, json, text, null, "json_too_deep", "MaxJsonDepth", F.MaxJsonDepth);
        }

        var (ok, _, okText) = await server.Http.PostJsonAsync("tokenize", BodyOfDepth(F.MaxJsonDepth));
        Assert.True(200 == (int)ok.StatusCode, okText);
    }

    /// <summary>/tokenize with an ignored "pad" string making the body exactly <paramref name="bytes"/> long.</summary>
    private static string BodyOfSize(int bytes)
    {
        var empty = "{\"content\":\"hi\",\"pad\":\"\"}";
        return empty.Insert(empty.Length - 2, new string('p', bytes - empty.Length));
    }

    [Fact]
    public async Task MaxRequestBodyBytes()
    {
        const string key = "MaxRequestBodyBytes", code = "request_too_large";
        var tooLarge = BodyOfSize(F.MaxRequestBodyBytes + 1);
        foreach (var path in (string[])["tokenize", "v1/chat/completions", "v1/classifications", "api/registry/pull"])
        {
            // "Expect: 100-continue", as curl sends for large bodies: the server refuses on the declared
            // length before the body is sent. (Without it the client may still be writing the body when
            // the server answers 413 and closes, and the reset can eat the answer: any HTTP server.)
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = ServerHttp.JsonContent(tooLarge) };
            request.Headers.ExpectContinue = true;
            using var response = await server.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            AssertLimitError(path, (int)response.StatusCode, JsonNode.Parse(text), text, null, code, key, F.MaxRequestBodyBytes, 413);
        }

        // Chunked, with no Content-Length: Kestrel stops reading at the same limit. (Just over it, so the
        // client has sent everything before the server answers and closes: a client still sending
        // into a closed connection may lose the answer to the reset, as with any HTTP server.)
        using (var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(tooLarge))))
        {
            chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "tokenize") { Content = chunked };
            request.Headers.TransferEncodingChunked = true;
            // A connection of its own: the server closes the ones whose body it refused unread.
            using var client = new HttpClient { BaseAddress = server.BaseUri };
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            AssertLimitError("tokenize (chunked)", (int)response.StatusCode, JsonNode.Parse(text), text, null, code, key, F.MaxRequestBodyBytes, 413);
        }

        var (ok, _, okText) = await server.Http.PostJsonAsync("tokenize", BodyOfSize(F.MaxRequestBodyBytes));
        Assert.True(200 == (int)ok.StatusCode, okText);
    }

    [Fact]
    public async Task MaxInputs()
    {
        const string key = "MaxInputs", code = "array_above_max_length";
        foreach (var path in (string[])["v1/embeddings", "v1/classifications", "v1/moderations"])
            await OverLimit(path, new JsonObject { ["model"] = Model, ["input"] = Strings(F.MaxInputs + 1) }, "input", code, key, F.MaxInputs);
        foreach (var path in (string[])["v1/rerank", "rerank", "v1/reranking", "reranking"])
            await OverLimit(path, new JsonObject { ["model"] = Model, ["query"] = "q", ["documents"] = Strings(F.MaxInputs + 1) }, "documents", code, key, F.MaxInputs);

        var json = await Accepted("v1/embeddings", new JsonObject { ["model"] = Model, ["input"] = Strings(F.MaxInputs) });
        Assert.Equal(F.MaxInputs, json["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task MaxPromptCharacters()
    {
        const string key = "MaxPromptCharacters", code = "string_above_max_length";
        var text = new string('a', F.MaxPromptCharacters + 1);
        var limit = F.MaxPromptCharacters;
        var chat = Chat();
        chat["messages"]![0]!["content"] = text;
        await OverLimit("v1/chat/completions", chat, "messages[0].content", code, key, limit);
        await OverLimit("apply-template", chat.DeepClone(), "messages[0].content", code, key, limit);
        await OverLimit("v1/completions", With(Completion(), "prompt", text), "prompt", code, key, limit);
        await OverLimit("v1/completions", With(Completion(), "prompt", new JsonArray("a", text)), "prompt[1]", code, key, limit);
        await OverLimit("v1/completions", With(Completion(), "suffix", text), "suffix", code, key, limit);
        await OverLimit("v1/completions", With(Completion(), "prompt", new JsonArray(Enumerable.Range(0, limit + 1).Select(_ => (JsonNode)1).ToArray())), "prompt", "array_above_max_length", key, limit);
        await OverLimit("v1/responses", new JsonObject { ["model"] = Model, ["input"] = text }, "input[0].content", code, key, limit);
        await OverLimit("v1/responses", new JsonObject { ["model"] = Model, ["input"] = "hi", ["instructions"] = text }, "instructions", code, key, limit);
        await OverLimit("v1/embeddings", new JsonObject { ["model"] = Model, ["input"] = new JsonArray("a", text) }, "input[1]", code, key, limit);
        await OverLimit("v1/classifications", new JsonObject { ["model"] = Model, ["input"] = text }, "input[0]", code, key, limit);
        await OverLimit("v1/moderations", new JsonObject { ["model"] = Model, ["input"] = text }, "input[0]", code, key, limit);
        await OverLimit("v1/rerank", new JsonObject { ["model"] = Model, ["query"] = text, ["documents"] = Strings(1) }, "query", code, key, limit);
        await OverLimit("v1/rerank", new JsonObject { ["model"] = Model, ["query"] = "q", ["documents"] = new JsonArray("a", text) }, "documents[1]", code, key, limit);
        await OverLimit("tokenize", new JsonObject { ["model"] = Model, ["content"] = text }, "content", code, key, limit);
        await OverLimit("detokenize", new JsonObject { ["model"] = Model, ["tokens"] = new JsonArray(Enumerable.Range(0, limit + 1).Select(_ => (JsonNode)1).ToArray()) }, "tokens", "array_above_max_length", key, limit);

        var at = new string('a', limit);
        var tokens = await Accepted("tokenize", new JsonObject { ["model"] = Model, ["content"] = at });
        Assert.NotEmpty(tokens["tokens"]!.AsArray());
        chat["messages"]![0]!["content"] = at;
        await Accepted("apply-template", chat);
        await Accepted("v1/completions", With(Completion(), "prompt", at));
    }

    private static string Base64Image(byte[] bytes) => "data:image/png;base64," + Convert.ToBase64String(bytes);

    /// <summary>A PNG signature and IHDR declaring <paramref name="width"/> × <paramref name="height"/>, and nothing else.</summary>
    internal static byte[] PngHeaderOnly(int width, int height)
    {
        var bytes = new byte[33];
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(bytes, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        bytes[24] = 8; // bit depth
        bytes[25] = 2; // truecolour
        return bytes;
    }

    [Fact]
    public async Task MaxImageBytes_and_MaxImagePixels()
    {
        var png = await File.ReadAllBytesAsync(F.MnistPng);
        JsonObject Classify(byte[] image) => new() { ["model"] = F.Mnist, ["input"] = new JsonObject { ["image"] = Base64Image(image) } };

        await OverLimit("v1/classifications", Classify([.. png, 0]), "input[0].image", "request_too_large", "MaxImageBytes", F.MaxImageBytes);
        // One pixel more than the limit, declared by a 33-byte header: refused before any decoding.
        await OverLimit("v1/classifications", Classify(PngHeaderOnly(28, 29)), "input[0].image", "image_too_large", "MaxImagePixels", F.MaxImagePixels);
        // A decompression bomb's header (100,000 × 100,000 = 10^10 pixels, 30 GB as RGB).
        await OverLimit("v1/classifications", Classify(PngHeaderOnly(100_000, 100_000)), "input[0].image", "image_too_large", "MaxImagePixels", F.MaxImagePixels);

        // The 28×28 sample is exactly at both limits.
        var json = await Accepted("v1/classifications", Classify(png));
        Assert.Equal("8", (string?)json["data"]![0]!["labels"]![0]!["label"]);
    }
}
