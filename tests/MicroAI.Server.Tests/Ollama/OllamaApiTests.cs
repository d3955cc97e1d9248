using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;
using OllamaSharp;
using OllamaSharp.Models;
using OllamaSharp.Models.Chat;
using OllamaSharp.Models.Exceptions;

namespace MicroAI.Server.Tests.Ollama;

/// <summary>Ollama's API driven by OllamaSharp against the real server (stories260K).</summary>
[Collection(ServerCollection.Name)]
public sealed class OllamaApiTests(ServerFixture server)
{
    private const string Stories = ServerFixture.StoriesModel;
    private const string Prompt = "Once upon a time";

    private OllamaApiClient Client() => new(server.Http, Stories);

    private static RequestOptions Greedy(int tokens) => new() { Temperature = 0, NumPredict = tokens };

    private static async Task<(string Text, GenerateDoneResponseStream Done, int Lines)> GenerateAsync(OllamaApiClient client, GenerateRequest request)
    {
        var text = new StringBuilder();
        GenerateDoneResponseStream? done = null;
        var lines = 0;
        await foreach (var line in client.GenerateAsync(request))
        {
            lines++;
            text.Append(line!.Response);
            if (line is GenerateDoneResponseStream d)
                done = d;
        }
        return (text.ToString(), Assert.IsType<GenerateDoneResponseStream>(done), lines);
    }

    internal static async Task<(string Text, ChatDoneResponseStream Done, List<Message.ToolCall> Calls, int Lines)> ChatAsync(OllamaApiClient client, ChatRequest request)
    {
        var text = new StringBuilder();
        ChatDoneResponseStream? done = null;
        var calls = new List<Message.ToolCall>();
        var lines = 0;
        await foreach (var line in client.ChatAsync(request))
        {
            lines++;
            text.Append(line!.Message.Content);
            calls.AddRange(line.Message.ToolCalls ?? []);
            if (line is ChatDoneResponseStream d)
                done = d;
        }
        return (text.ToString(), Assert.IsType<ChatDoneResponseStream>(done), calls, lines);
    }

    [Fact]
    public async Task Generate_raw_and_greedy_is_the_text_of_v1_completions_with_measured_timings()
    {
        using var client = Client();
        var (text, done, lines) = await GenerateAsync(client, new GenerateRequest { Model = Stories, Prompt = Prompt, Raw = true, Options = Greedy(40) });

        Assert.Equal(TestPaths.OnceUponATimeGreedy, text);
        Assert.True(lines > 10, $"{lines} lines: the answer was not streamed");
        Assert.Equal("length", done.DoneReason);
        Assert.Equal(5, done.PromptEvalCount);
        Assert.Equal(40, done.EvalCount);
        // Durations in nanoseconds, measured: each phase within the whole, the whole under the test's own clock.
        Assert.True(done.TotalDuration > 0 && done.PromptEvalDuration > 0 && done.EvalDuration > 0 && done.LoadDuration >= 0, Timings(done));
        Assert.True(done.EvalDuration <= done.TotalDuration && done.PromptEvalDuration <= done.TotalDuration && done.LoadDuration <= done.TotalDuration, Timings(done));
        Assert.True(done.LoadDuration + done.PromptEvalDuration + done.EvalDuration <= done.TotalDuration, Timings(done));
        Assert.True(done.TotalDuration < 60_000_000_000L, Timings(done));

        var (_, completion, raw) = await server.Http.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest());
        Assert.Equal((string?)completion!["choices"]![0]!["text"], text);
    }

    private static string Timings(GenerateDoneResponseStream d) =>
        $"total {d.TotalDuration} load {d.LoadDuration} prompt {d.PromptEvalDuration} eval {d.EvalDuration}";

    [Fact]
    public async Task Chat_streamed_and_not_is_the_text_of_v1_chat_completions()
    {
        using var client = Client();
        ChatRequest Request(bool stream) => new() { Model = Stories, Messages = [new Message(ChatRole.User, Prompt)], Options = Greedy(24), Stream = stream };
        var streamed = await ChatAsync(client, Request(true));
        var whole = await ChatAsync(client, Request(false));

        Assert.True(streamed.Lines > 5, $"{streamed.Lines} lines");
        Assert.Equal(1, whole.Lines);
        Assert.Equal(streamed.Text, whole.Text);
        Assert.Equal(24, whole.Done.EvalCount);
        Assert.Equal("length", whole.Done.DoneReason);
        Assert.Equal(ChatRole.Assistant, whole.Done.Message.Role);

        var openAI = new JsonObject
        {
            ["model"] = Stories, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = Prompt }),
            ["temperature"] = 0, ["max_tokens"] = 24,
        };
        var (_, body, raw) = await server.Http.PostJsonAsync("v1/chat/completions", openAI);
        Assert.False(string.IsNullOrEmpty(whole.Text));
        Assert.Equal((string?)body!["choices"]![0]!["message"]!["content"], whole.Text);
    }

    [Fact]
    public async Task Options_take_effect_num_predict_stop_seed()
    {
        using var client = Client();
        var (_, shortDone, _) = await GenerateAsync(client, new GenerateRequest { Model = Stories, Prompt = Prompt, Raw = true, Options = Greedy(7) });
        Assert.Equal(7, shortDone.EvalCount);

        var stop = Greedy(40);
        stop.Stop = ["Lily"];
        var (stopped, stopDone, _) = await GenerateAsync(client, new GenerateRequest { Model = Stories, Prompt = Prompt, Raw = true, Options = stop });
        Assert.Equal(", there was a little girl named ", stopped);
        Assert.Equal("stop", stopDone.DoneReason);

        async Task<string> Sampled(int seed) => (await GenerateAsync(client, new GenerateRequest
        {
            Model = Stories, Prompt = Prompt, Raw = true, Stream = false, Options = new RequestOptions { Temperature = 1, Seed = seed, NumPredict = 24 },
        })).Text;
        var first = await Sampled(7);
        Assert.Equal(first, await Sampled(7));
        var others = new[] { await Sampled(8), await Sampled(9), await Sampled(10) };
        Assert.Contains(others, o => o != first);
    }

    [Fact]
    public async Task Generate_through_the_template_with_a_system_prompt_and_json_format()
    {
        using var client = Client();
        var (text, done, _) = await GenerateAsync(client, new GenerateRequest { Model = Stories, Prompt = "Hi", System = "Be brief.", Format = "json", Options = Greedy(12), Stream = false });
        Assert.StartsWith("{", text.TrimStart(), StringComparison.Ordinal);
        Assert.True(done.PromptEvalCount > 3, $"{done.PromptEvalCount} prompt tokens: the system prompt was not sent");
    }

    [Fact]
    public async Task Embed_and_the_older_embeddings_route()
    {
        using var client = Client();
        var embedded = await client.EmbedAsync(new EmbedRequest { Model = Stories, Input = ["hello world", "a cat"] });
        Assert.Equal(2, embedded.Embeddings.Count);
        Assert.True(embedded.PromptEvalCount > 0);
        foreach (var v in embedded.Embeddings)
            Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 3); // Ollama's /api/embed vectors are unit length
        Assert.NotEqual(embedded.Embeddings[0], embedded.Embeddings[1]);

        var (response, body, raw) = await server.Http.PostJsonAsync("api/embeddings", new JsonObject { ["model"] = Stories, ["prompt"] = "hello world" });
        Assert.True(response.IsSuccessStatusCode, raw);
        var legacy = body!["embedding"]!.AsArray().Select(x => (float)x!).ToArray();
        Assert.Equal(embedded.Embeddings[0].Length, legacy.Length);
        var norm = Math.Sqrt(legacy.Sum(x => (double)x * x));
        for (var i = 0; i < legacy.Length; i++)
            Assert.Equal(embedded.Embeddings[0][i], legacy[i] / norm, 4);
    }

    [Fact]
    public async Task Tags_show_ps_version()
    {
        using var client = Client();
        var models = (await client.ListLocalModelsAsync()).ToList();
        var stories = Assert.Single(models, m => m.Name == Stories);
        Assert.True(stories.Size > 0);
        Assert.Equal("gguf", stories.Details.Format);
        Assert.Equal("llama", stories.Details.Family);
        Assert.Equal(64, stories.Digest.Length);

        var show = await client.ShowModelAsync(new ShowModelRequest { Model = Stories });
        Assert.Contains("completion", show.Capabilities!);
        Assert.Equal("llama", show.Info.Architecture);
        Assert.True(show.Info.ParameterCount > 0);
        Assert.StartsWith("# Modelfile", show.Modelfile, StringComparison.Ordinal);
        Assert.Contains("FROM ", show.Modelfile, StringComparison.Ordinal);
        Assert.NotNull(show.ModifiedAt);

        await GenerateAsync(client, new GenerateRequest { Model = Stories, Prompt = Prompt, Raw = true, Options = Greedy(1) });
        var running = Assert.Single((await client.ListRunningModelsAsync()).ToList(), m => m.Name == Stories);
        Assert.True(running.ExpiresAt > DateTime.UtcNow);
        Assert.True(running.ContextLength > 0);
        Assert.Equal(stories.Digest, running.Digest);

        var version = await client.GetVersionAsync();
        Assert.True(Version.Parse(version) >= new Version(0, 5), version);

        using var head = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.True(await client.IsRunningAsync());
    }

    [Fact]
    public async Task An_empty_request_loads_and_keep_alive_0_unloads()
    {
        using var client = Client();
        var load = await GenerateAsync(client, new GenerateRequest { Model = ServerFixture.TinyModel, Prompt = "" });
        Assert.Equal("load", load.Done.DoneReason);
        Assert.Contains(await client.ListRunningModelsAsync(), m => m.Name == ServerFixture.TinyModel);

        var (_, unload, _, _) = await ChatAsync(client, new ChatRequest { Model = ServerFixture.TinyModel, Messages = [], KeepAlive = "0" });
        Assert.Equal("unload", unload.DoneReason);
        Assert.DoesNotContain(await client.ListRunningModelsAsync(), m => m.Name == ServerFixture.TinyModel);
    }

    [Fact]
    public async Task Errors_are_in_Ollama_shape()
    {
        using var client = Client();
        var notFound = await Assert.ThrowsAsync<HttpRequestException>(() => GenerateAsync(client, new GenerateRequest { Model = "nope", Prompt = "hi" }));
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        await AssertErrorAsync("api/chat", """{"model":"nope","messages":[{"role":"user","content":"hi"}]}""", 404, "model 'nope' not found");
        await AssertErrorAsync("api/show", """{"model":"nope"}""", 404, "model 'nope' not found");
        await AssertErrorAsync("api/embed", """{"model":"nope","input":"x"}""", 404, "model 'nope' not found");

        var badOption = await Assert.ThrowsAsync<OllamaException>(() => GenerateAsync(client, new GenerateRequest
        {
            Model = Stories, Prompt = "hi", Options = new RequestOptions { Temperature = 5 },
        }));
        Assert.Contains("temperature", badOption.Message, StringComparison.Ordinal);
        await AssertErrorAsync("api/generate", """{"model":"stories260K","prompt":"hi","options":{"top_k":"many"}}""", 400, "top_k");
        await AssertErrorAsync("api/generate", """{"model":"stories260K","prompt":"hi","template":"{{ .Prompt }}"}""", 400, "Jinja");
        await AssertErrorAsync("api/chat", """{"model":"stories260K","messages":[{"role":"user","content":"hi","images":["aGk="]}]}""", 400, "images");
        await AssertErrorAsync("api/generate", """{"prompt":"hi"}""", 400, "model is required");
        await AssertErrorAsync("api/generate", """{"model":"stories260K","prompt":"hi","format":"yaml"}""", 400, "format");

        // An unknown option is ignored, as Ollama does.
        var (ok, _, text) = await server.Http.PostJsonAsync("api/generate", """{"model":"stories260K","prompt":"hi","stream":false,"options":{"num_predict":2,"no_such_option":1}}""");
        Assert.True(ok.IsSuccessStatusCode, text);
    }

    private async Task AssertErrorAsync(string path, string json, int status, string words)
    {
        var (response, body, text) = await server.Http.PostJsonAsync(path, json);
        Assert.True(status == (int)response.StatusCode, $"{path}: {(int)response.StatusCode} {text}");
        Assert.Equal(["error"], body!.AsObject().Select(p => p.Key));
        Assert.Contains(words, (string?)body["error"], StringComparison.Ordinal);
    }
}

/// <summary>Tools through /api/chat on a model whose chat template renders them (a tiny random llama with Qwen's template).</summary>
[Collection(MicroAI.Server.Tests.Inference.InferenceCollection.Name)]
public sealed class OllamaToolTests(MicroAI.Server.Tests.Inference.InferenceServerFixture server)
{
    private const string Model = MicroAI.Server.Tests.Inference.InferenceServerFixture.ChatMlTiny;

    private static RequestOptions Greedy(int tokens) => new() { Temperature = 0, NumPredict = tokens };

    private static Task<(string Text, ChatDoneResponseStream Done, List<Message.ToolCall> Calls, int Lines)> ChatAsync(OllamaApiClient client, ChatRequest request) =>
        OllamaApiTests.ChatAsync(client, request);

    [Fact]
    public async Task A_forced_tool_call_comes_back_as_Ollama_tool_calls_and_its_result_goes_back_through_the_template()
    {
        // Ollama has no tool_choice; MicroAI takes OpenAI's as an extension, added here to OllamaSharp's body.
        using var http = new HttpClient(new AddToBody("tool_choice", "required")) { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        using var client = new OllamaApiClient(http, Model);
        var tool = new Tool
        {
            Function = new Function
            {
                Name = "get_weather",
                Description = "The weather in a city",
                Parameters = new Parameters
                {
                    Properties = new Dictionary<string, Property> { ["unit"] = new() { Type = "string", Enum = ["c", "f"] } },
                    Required = ["unit"],
                },
            },
        };
        foreach (var stream in new[] { true, false })
        {
            var (_, done, calls, _) = await ChatAsync(client, new ChatRequest
            {
                Model = Model, Messages = [new Message(ChatRole.User, "Weather?")], Tools = [tool], Stream = stream, Options = Greedy(60),
            });
            var call = Assert.Single(calls);
            Assert.Equal("get_weather", call.Function!.Name);
            Assert.Contains(call.Function.Arguments!["unit"]!.ToString(), new[] { "c", "f" });
            Assert.Equal("stop", done.DoneReason);
        }

        // The call and its result, back through the chat template.
        using var plain = new OllamaApiClient(server.Http, Model);
        var (_, followDone, _, _) = await ChatAsync(plain, new ChatRequest
        {
            Model = Model,
            Messages =
            [
                new Message(ChatRole.User, "Weather?"),
                new Message { Role = ChatRole.Assistant, Content = "", ToolCalls = [new Message.ToolCall { Function = new Message.Function { Name = "get_weather", Arguments = new Dictionary<string, object?> { ["unit"] = "c" } } }] },
                new Message { Role = ChatRole.Tool, Content = "21 degrees", ToolName = "get_weather" },
            ],
            Tools = [tool],
            Options = Greedy(5),
        });
        var (_, withoutResult, _, _) = await ChatAsync(plain, new ChatRequest { Model = Model, Messages = [new Message(ChatRole.User, "Weather?")], Tools = [tool], Options = Greedy(5) });
        Assert.True(followDone.PromptEvalCount > withoutResult.PromptEvalCount + 5, $"{followDone.PromptEvalCount} vs {withoutResult.PromptEvalCount}: the call and its result were not rendered");
    }

    /// <summary>Adds a field to every JSON request body OllamaSharp sends.</summary>
    private sealed class AddToBody(string name, string value) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content)
            {
                var body = JsonNode.Parse(await content.ReadAsStringAsync(cancellationToken))!;
                body[name] = value;
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
