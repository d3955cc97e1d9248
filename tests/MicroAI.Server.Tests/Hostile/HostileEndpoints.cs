using System.Text.Json.Nodes;
using MicroAI.Server.Tests.Inference;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Hostile;

/// <summary>The JSON type a field's DTO property has; decides which mutations are certainly invalid.</summary>
internal enum FieldKind
{
    /// <summary>float/double: any JSON number may be in or out of range.</summary>
    Number,
    /// <summary>int/long: fractions and values beyond 2^63 cannot bind.</summary>
    Integer,
    String,
    Bool,
    Object,
    Array,
    /// <summary>Several shapes accepted (prompt, input, stop, keep_alive, tool_choice, …).</summary>
    Union,
}

/// <summary>A JSON endpoint: a valid, fast request (small max_tokens) and the kinds of its fields.</summary>
internal sealed record JsonEndpoint(string Name, string Path, JsonObject ValidBody, IReadOnlyDictionary<string, FieldKind> Fields)
{
    /// <summary>Whether the valid body succeeds (the registry routes have no valid request without the network).</summary>
    public bool BodySucceeds { get; init; } = true;

    /// <summary>Fields naming a model or a registry name: they get the traversal and odd-name cases.</summary>
    public IReadOnlyList<string> NameFields { get; init; } = ["model"];
}

internal static class HostileEndpoints
{
    private const string Stories = ServerFixture.StoriesModel;

    private static readonly Dictionary<string, FieldKind> s_sampling = new()
    {
        ["model"] = FieldKind.String, ["stream"] = FieldKind.Bool, ["max_tokens"] = FieldKind.Integer, ["n"] = FieldKind.Integer,
        ["stop"] = FieldKind.Union, ["logit_bias"] = FieldKind.Object, ["grammar"] = FieldKind.String, ["user"] = FieldKind.String,
        ["keep_alive"] = FieldKind.Union, ["temperature"] = FieldKind.Number, ["top_p"] = FieldKind.Number,
        ["presence_penalty"] = FieldKind.Number, ["frequency_penalty"] = FieldKind.Number, ["seed"] = FieldKind.Integer,
        ["top_k"] = FieldKind.Integer, ["min_p"] = FieldKind.Number, ["repeat_penalty"] = FieldKind.Number,
        ["repeat_last_n"] = FieldKind.Integer, ["stream_options"] = FieldKind.Object,
    };

    public static string MnistDataUrl { get; } = "data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(Path.Combine(TestPaths.MnistFolder, "mnist_28.png")));

    public static IReadOnlyList<JsonEndpoint> All { get; } = Build();

    private static Dictionary<string, FieldKind> Sampling(params (string Field, FieldKind Kind)[] more)
    {
        var d = new Dictionary<string, FieldKind>(s_sampling);
        foreach (var (f, k) in more)
            d[f] = k;
        return d;
    }

    private static List<JsonEndpoint> Build()
    {
        var chatFields = Sampling(("messages", FieldKind.Array), ("max_completion_tokens", FieldKind.Integer), ("logprobs", FieldKind.Bool),
            ("top_logprobs", FieldKind.Integer), ("response_format", FieldKind.Object), ("tools", FieldKind.Array), ("tool_choice", FieldKind.Union),
            ("parallel_tool_calls", FieldKind.Bool), ("chat_template", FieldKind.String));
        var chat = new JsonObject
        {
            ["model"] = Stories,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }),
            ["max_tokens"] = 2,
            ["temperature"] = 0,
        };
        var templated = chat.DeepClone().AsObject();
        templated["model"] = InferenceServerFixture.ChatMlTiny;
        var rerankFields = new Dictionary<string, FieldKind>
        {
            ["model"] = FieldKind.String, ["query"] = FieldKind.String, ["documents"] = FieldKind.Array, ["top_n"] = FieldKind.Integer,
            ["return_documents"] = FieldKind.Bool, ["keep_alive"] = FieldKind.Union,
        };
        JsonObject Rerank() => new() { ["model"] = InferenceServerFixture.Reranker, ["query"] = "cats", ["documents"] = new JsonArray("a cat", "a map") };

        return
        [
            new("chat", "v1/chat/completions", chat, chatFields),
            new("completions", "v1/completions",
                new JsonObject { ["model"] = Stories, ["prompt"] = "Once", ["max_tokens"] = 2, ["temperature"] = 0 },
                Sampling(("prompt", FieldKind.Union), ("best_of", FieldKind.Integer), ("echo", FieldKind.Bool), ("suffix", FieldKind.String), ("logprobs", FieldKind.Integer))),
            new("responses", "v1/responses",
                new JsonObject { ["model"] = Stories, ["input"] = "Hi", ["max_output_tokens"] = 2, ["temperature"] = 0 },
                new Dictionary<string, FieldKind>
                {
                    ["model"] = FieldKind.String, ["input"] = FieldKind.Union, ["instructions"] = FieldKind.String, ["max_output_tokens"] = FieldKind.Integer,
                    ["temperature"] = FieldKind.Number, ["top_p"] = FieldKind.Number, ["stream"] = FieldKind.Bool, ["store"] = FieldKind.Bool,
                    ["previous_response_id"] = FieldKind.String, ["tools"] = FieldKind.Array, ["tool_choice"] = FieldKind.Union,
                    ["parallel_tool_calls"] = FieldKind.Bool, ["text"] = FieldKind.Object, ["metadata"] = FieldKind.Object, ["user"] = FieldKind.String,
                    ["keep_alive"] = FieldKind.Union, ["seed"] = FieldKind.Integer,
                }),
            new("messages", "v1/messages",
                new JsonObject
                {
                    ["model"] = Stories, ["max_tokens"] = 2, ["temperature"] = 0,
                    ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }),
                },
                new Dictionary<string, FieldKind>
                {
                    ["model"] = FieldKind.String, ["messages"] = FieldKind.Array, ["system"] = FieldKind.Union, ["max_tokens"] = FieldKind.Integer,
                    ["stop_sequences"] = FieldKind.Array, ["stream"] = FieldKind.Bool, ["temperature"] = FieldKind.Number, ["top_p"] = FieldKind.Number,
                    ["top_k"] = FieldKind.Integer, ["tools"] = FieldKind.Array, ["tool_choice"] = FieldKind.Union, ["metadata"] = FieldKind.Object,
                }),
            new("count-tokens", "v1/messages/count_tokens",
                new JsonObject { ["model"] = Stories, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }) },
                new Dictionary<string, FieldKind>
                {
                    ["model"] = FieldKind.String, ["messages"] = FieldKind.Array, ["system"] = FieldKind.Union, ["tools"] = FieldKind.Array,
                    ["tool_choice"] = FieldKind.Union,
                }),
            new("embeddings", "v1/embeddings",
                new JsonObject { ["model"] = InferenceServerFixture.Embedder, ["input"] = "hello world" },
                new Dictionary<string, FieldKind>
                {
                    ["model"] = FieldKind.String, ["input"] = FieldKind.Union, ["encoding_format"] = FieldKind.String, ["dimensions"] = FieldKind.Integer,
                    ["user"] = FieldKind.String, ["truncate"] = FieldKind.Bool, ["keep_alive"] = FieldKind.Union,
                }),
            new("classifications", "v1/classifications",
                new JsonObject { ["model"] = InferenceServerFixture.Sentiment, ["input"] = "good" },
                new Dictionary<string, FieldKind> { ["model"] = FieldKind.String, ["input"] = FieldKind.Union, ["top_k"] = FieldKind.Integer, ["keep_alive"] = FieldKind.Union }),
            new("classifications-image", "v1/classifications",
                new JsonObject { ["model"] = InferenceServerFixture.Mnist, ["input"] = new JsonObject { ["image"] = MnistDataUrl } },
                new Dictionary<string, FieldKind> { ["input"] = FieldKind.Union, ["top_k"] = FieldKind.Integer }),
            new("classifications-tabular", "v1/classifications",
                new JsonObject
                {
                    ["model"] = InferenceServerFixture.Fraud,
                    ["input"] = new JsonObject { ["values"] = new JsonObject { ["amount"] = 250, ["hour"] = 3, ["merchant_risk"] = 0.9 } },
                },
                new Dictionary<string, FieldKind> { ["input"] = FieldKind.Union, ["top_k"] = FieldKind.Integer }),
            new("moderations", "v1/moderations",
                new JsonObject { ["input"] = "some text" },
                new Dictionary<string, FieldKind> { ["model"] = FieldKind.String, ["input"] = FieldKind.Union, ["keep_alive"] = FieldKind.Union }),
            new("rerank", "v1/rerank", Rerank(), rerankFields),
            new("rerank-alias", "rerank", Rerank(), rerankFields),
            new("reranking-alias", "v1/reranking", Rerank(), rerankFields),
            new("apply-template", "apply-template", templated, chatFields),
            new("tokenize", "tokenize",
                new JsonObject { ["model"] = Stories, ["content"] = "Hello world" },
                new Dictionary<string, FieldKind>
                {
                    ["model"] = FieldKind.String, ["content"] = FieldKind.String, ["add_special"] = FieldKind.Bool, ["parse_special"] = FieldKind.Bool,
                    ["with_pieces"] = FieldKind.Bool, ["keep_alive"] = FieldKind.Union,
                }),
            new("detokenize", "detokenize",
                new JsonObject { ["model"] = Stories, ["tokens"] = new JsonArray(1, 2, 3) },
                new Dictionary<string, FieldKind> { ["model"] = FieldKind.String, ["tokens"] = FieldKind.Array, ["keep_alive"] = FieldKind.Union }),
            // The registry is empty and there is no network: every tag and pull fails, with a 4xx.
            new("api-tag", "api/tag",
                new JsonObject { ["source"] = "no-such-model", ["target"] = "copy" },
                new Dictionary<string, FieldKind> { ["source"] = FieldKind.String, ["target"] = FieldKind.String })
            { BodySucceeds = false, NameFields = ["source", "target"] },
            // Ollama's routes (errors in Ollama's shape); DELETE /api/delete is not a POST and is covered by the Ollama tests.
            new("ollama-generate", "api/generate",
                new JsonObject { ["model"] = Stories, ["prompt"] = "Once", ["stream"] = false, ["options"] = new JsonObject { ["num_predict"] = 2, ["temperature"] = 0 } },
                new Dictionary<string, FieldKind>
                {
                    ["model"] = FieldKind.String, ["prompt"] = FieldKind.String, ["suffix"] = FieldKind.String, ["system"] = FieldKind.String,
                    ["template"] = FieldKind.String, ["context"] = FieldKind.Array, ["images"] = FieldKind.Array, ["raw"] = FieldKind.Bool,
                    ["stream"] = FieldKind.Bool, ["format"] = FieldKind.Union, ["options"] = FieldKind.Object, ["keep_alive"] = FieldKind.Union, ["think"] = FieldKind.Union,
                }),
            new("ollama-chat", "api/chat",
                new JsonObject
                {
                    ["model"] = Stories, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }), ["stream"] = false,
                    ["options"] = new JsonObject { ["num_predict"] = 2, ["temperature"] = 0 },
                },
                new Dictionary<string, FieldKind>
                {
                    ["model"] = FieldKind.String, ["messages"] = FieldKind.Array, ["tools"] = FieldKind.Array, ["tool_choice"] = FieldKind.Union,
                    ["template"] = FieldKind.String, ["stream"] = FieldKind.Bool, ["format"] = FieldKind.Union, ["options"] = FieldKind.Object,
                    ["keep_alive"] = FieldKind.Union, ["think"] = FieldKind.Union,
                }),
            new("ollama-embed", "api/embed",
                new JsonObject { ["model"] = InferenceServerFixture.Embedder, ["input"] = "hello world" },
                new Dictionary<string, FieldKind>
                {
                    ["model"] = FieldKind.String, ["input"] = FieldKind.Union, ["truncate"] = FieldKind.Bool, ["dimensions"] = FieldKind.Integer,
                    ["options"] = FieldKind.Object, ["keep_alive"] = FieldKind.Union,
                }),
            new("ollama-embeddings", "api/embeddings",
                new JsonObject { ["model"] = InferenceServerFixture.Embedder, ["prompt"] = "hello world" },
                new Dictionary<string, FieldKind> { ["model"] = FieldKind.String, ["prompt"] = FieldKind.String, ["options"] = FieldKind.Object, ["keep_alive"] = FieldKind.Union }),
            new("ollama-show", "api/show",
                new JsonObject { ["model"] = Stories },
                new Dictionary<string, FieldKind> { ["model"] = FieldKind.String, ["name"] = FieldKind.String, ["verbose"] = FieldKind.Bool }),
            new("ollama-copy", "api/copy",
                new JsonObject { ["source"] = "no-such-model", ["destination"] = "copy" },
                new Dictionary<string, FieldKind> { ["source"] = FieldKind.String, ["destination"] = FieldKind.String })
            { BodySucceeds = false, NameFields = ["source", "destination"] },
            new("ollama-pull", "api/pull",
                new JsonObject { ["model"] = "no-such-source", ["stream"] = false },
                new Dictionary<string, FieldKind> { ["model"] = FieldKind.String, ["insecure"] = FieldKind.Bool, ["stream"] = FieldKind.Bool })
            { BodySucceeds = false },
            new("api-pull", "api/registry/pull",
                new JsonObject { ["source"] = "no-such-source", ["stream"] = false },
                new Dictionary<string, FieldKind> { ["source"] = FieldKind.String, ["name"] = FieldKind.String, ["digest"] = FieldKind.String, ["stream"] = FieldKind.Bool })
            { BodySucceeds = false, NameFields = ["source", "name"] },
            new("api-quantize", "api/quantize",
                new JsonObject { ["model"] = "no-such-model", ["type"] = "Q4_0", ["stream"] = false },
                new Dictionary<string, FieldKind>
                {
                    ["model"] = FieldKind.String, ["type"] = FieldKind.String, ["name"] = FieldKind.String, ["threads"] = FieldKind.Integer,
                    ["allow_requantize"] = FieldKind.Bool, ["leave_output_tensor"] = FieldKind.Bool, ["pure"] = FieldKind.Bool, ["stream"] = FieldKind.Bool,
                })
            { BodySucceeds = false, NameFields = ["model", "name"] },
        ];
    }
}
