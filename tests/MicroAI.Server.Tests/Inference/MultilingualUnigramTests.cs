using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Inference;

/// <summary>
/// An XLM-RoBERTa-style embedder (multilingual-e5, bge-m3) and reranker (bge-reranker-v2-m3): a Unigram
/// tokenizer.json with a Precompiled character map (the tokenizer tests' unigram-xlmr fixture) in front of graphs
/// whose outputs are computable by hand, served through /v1/embeddings and /v1/rerank. The token ids the expected
/// values are computed from are transformers.js's, read from the tokenizer tests' expectations.json, so these tests
/// check the whole path, tokenizer included, against the reference.
/// </summary>
public sealed class UnigramModelsServerFixture : ServerFixture
{
    public const string Model = "multilingual-embedder";
    public const string Reranker = "multilingual-reranker";
    public const int Dimensions = 4;

    private static readonly string TokenizerFixtures = Path.Combine(TestPaths.RepoRoot, "tests", "MicroAI.Tokenizers.Tests", "Fixtures");
    private readonly string _root = Directory.CreateTempSubdirectory("microai-unigram-models-").FullName;

    public UnigramModelsServerFixture()
    {
        var source = Path.Combine(TokenizerFixtures, "unigram-xlmr");
        VocabularySize = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "tokenizer.json")))!["model"]!["vocab"]!.AsArray().Count;
        foreach (var model in new[] { Model, Reranker })
        {
            Directory.CreateDirectory(Path.Combine(_root, model));
            File.Copy(Path.Combine(source, "tokenizer.json"), Path.Combine(_root, model, "tokenizer.json"));
            File.Copy(Path.Combine(source, "tokenizer_config.json"), Path.Combine(_root, model, "tokenizer_config.json"));
        }

        // last_hidden_state = WordRow(input_ids): no context term, so the sentence vector is the masked mean of the
        // rows, L2-normalised (1_Pooling mean + the Normalize module), and every row is exact in float32.
        var rows = new float[VocabularySize * Dimensions];
        for (var id = 0; id < VocabularySize; id++)
            WordRow(id).CopyTo(rows, id * Dimensions);
        new OnnxGraphBuilder("xlmr_embedder")
            .Input("input_ids", OnnxGraphDataType.Int64, "batch", "sequence")
            .Input("attention_mask", OnnxGraphDataType.Int64, "batch", "sequence")
            .FloatInitializer("embeddings.word_embeddings.weight", rows, VocabularySize, Dimensions)
            .Node("Gather", ["embeddings.word_embeddings.weight", "input_ids"], ["last_hidden_state"], OnnxGraphAttribute.Int("axis", 0))
            .Output("last_hidden_state", OnnxGraphDataType.Float, "batch", "sequence", Dimensions)
            .WriteTo(Path.Combine(_root, Model, "model.onnx"));

        Write(Model, "config.json", new JsonObject { ["architectures"] = new JsonArray("XLMRobertaModel"), ["model_type"] = "xlm-roberta", ["hidden_size"] = Dimensions, ["pad_token_id"] = 1, ["vocab_size"] = VocabularySize });
        Write(Model, "modules.json", new JsonArray(
            new JsonObject { ["idx"] = 0, ["name"] = "0", ["path"] = "", ["type"] = "sentence_transformers.models.Transformer" },
            new JsonObject { ["idx"] = 1, ["name"] = "1", ["path"] = "1_Pooling", ["type"] = "sentence_transformers.models.Pooling" },
            new JsonObject { ["idx"] = 2, ["name"] = "2", ["path"] = "2_Normalize", ["type"] = "sentence_transformers.models.Normalize" }));
        Write(Model, "1_Pooling/config.json", new JsonObject { ["word_embedding_dimension"] = Dimensions, ["pooling_mode_mean_tokens"] = true });
        Directory.CreateDirectory(Path.Combine(_root, Model, "2_Normalize"));

        // logits = the sum of RerankWeight over the pair's tokens where attention_mask is 1 (XLM-R has no token types).
        var weights = new float[VocabularySize];
        for (var id = 0; id < VocabularySize; id++)
            weights[id] = RerankWeight(id);
        new OnnxGraphBuilder("xlmr_cross_encoder")
            .Input("input_ids", OnnxGraphDataType.Int64, "batch", "sequence")
            .Input("attention_mask", OnnxGraphDataType.Int64, "batch", "sequence")
            .FloatInitializer("classifier.weight", weights, VocabularySize, 1)
            .Int64Initializer("axes_1", [1], 1)
            .Int64Initializer("axes_2", [2], 1)
            .Node("Gather", ["classifier.weight", "input_ids"], ["token_logits"], OnnxGraphAttribute.Int("axis", 0))
            .Node("Cast", ["attention_mask"], ["mask_f"], OnnxGraphAttribute.Int("to", (int)OnnxGraphDataType.Float))
            .Node("Unsqueeze", ["mask_f", "axes_2"], ["mask_3"])
            .Node("Mul", ["token_logits", "mask_3"], ["masked"])
            .Node("ReduceSum", ["masked", "axes_1"], ["logits"], OnnxGraphAttribute.Int("keepdims", 0))
            .Output("logits", OnnxGraphDataType.Float, "batch", 1)
            .WriteTo(Path.Combine(_root, Reranker, "model.onnx"));
        Write(Reranker, "config.json", new JsonObject
        {
            ["architectures"] = new JsonArray("XLMRobertaForSequenceClassification"), ["model_type"] = "xlm-roberta", ["pad_token_id"] = 1,
            ["vocab_size"] = VocabularySize, ["id2label"] = new JsonObject { ["0"] = "LABEL_0" }, ["label2id"] = new JsonObject { ["LABEL_0"] = 0 },
        });
    }

    public int VocabularySize { get; }

    protected override IEnumerable<string> ExtraArguments =>
    [
        $"--MicroAI:Models:{Model}:Path={Path.Combine(_root, Model)}",
        $"--MicroAI:Models:{Reranker}:Path={Path.Combine(_root, Reranker)}",
        "--MicroAI:Onnx:IntraOpThreads=1",
    ];

    /// <summary>The graph's row for a token id: multiples of 1/8, distinct per id.</summary>
    public static float[] WordRow(int id) => [1, id / 8f, id % 5 / 4f, id % 3 == 0 ? 0.5f : -0.5f];

    /// <summary>The reranker's logit for a token id: multiples of 1/8 from −3/8 to 3/8.</summary>
    public static float RerankWeight(int id) => ((id % 7) - 3) / 8f;

    /// <summary>The masked mean of the rows of <paramref name="ids"/>, L2-normalised, in double and rounded once.</summary>
    public static float[] ExpectedEmbedding(IReadOnlyList<int> ids)
    {
        var sum = new double[Dimensions];
        foreach (var id in ids)
        {
            var row = WordRow(id);
            for (var k = 0; k < Dimensions; k++)
                sum[k] += row[k];
        }
        var mean = sum.Select(v => v / ids.Count).ToArray();
        var norm = Math.Sqrt(mean.Sum(v => v * v));
        return [.. mean.Select(v => (float)(v / norm))];
    }

    /// <summary>transformers.js's ids for <paramref name="text"/> (and <paramref name="pair"/>) with special tokens (the tokenizer tests' reference).</summary>
    public static int[] ReferenceIds(string text, string? pair = null)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TokenizerFixtures, "expectations.json")));
        var suite = doc.RootElement.GetProperty("suites").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "unigram-xlmr");
        var match = suite.GetProperty("cases").EnumerateArray().Single(c =>
            c.GetProperty("text").GetString() == text && (pair is null ? c.GetProperty("pair").ValueKind == JsonValueKind.Null : c.GetProperty("pair").GetString() == pair)
            && c.GetProperty("addSpecialTokens").GetBoolean() && c.GetProperty("maxLength").GetInt32() == 0);
        return [.. match.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32())];
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Write(string model, string relativePath, JsonNode node)
    {
        var path = Path.Combine(_root, model, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, node.ToJsonString());
    }
}

[CollectionDefinition(Name)]
public sealed class UnigramModelsCollection : ICollectionFixture<UnigramModelsServerFixture>
{
    public const string Name = "unigram models server";
}

[Collection(UnigramModelsCollection.Name)]
public sealed class MultilingualUnigramTests(UnigramModelsServerFixture server)
{
    private const string Model = UnigramModelsServerFixture.Model;

    // Accents (precomposed and combining), CJK and kana, emoji (unknown to the vocabulary), digits, full-width
    // forms the character map folds, whitespace runs.
    private static readonly string[] Texts =
    [
        "naïve café résumé Ångström façade señor",
        "我爱北京天安门。こんにちは、世界！",
        "I ❤️ NY 🗽 and 🎉🎉",
        "3.14159 1,000,000 42nd 2024-01-31 0x1F",
        "ＦＵＬＬＷＩＤＴＨ １２３",
        "e\u0301 vs é",
        "tab\t\tand\n\nnewlines\r\n",
    ];

    [Fact]
    public async Task A_multilingual_batch_embeds_from_the_reference_token_ids()
    {
        var body = new JsonObject { ["model"] = Model, ["input"] = new JsonArray([.. Texts.Select(t => (JsonNode)t)]) };
        var (response, json, raw) = await server.Http.PostJsonAsync("v1/embeddings", body.ToJsonString());

        Assert.True(200 == (int)response.StatusCode, raw);
        var data = json!["data"]!.AsArray();
        Assert.Equal(Texts.Length, data.Count);
        var tokens = 0;
        for (var i = 0; i < Texts.Length; i++)
        {
            var ids = UnigramModelsServerFixture.ReferenceIds(Texts[i]);
            tokens += ids.Length;
            Assert.Equal(i, (int)data[i]!["index"]!);
            var actual = data[i]!["embedding"]!.AsArray().Select(x => (float)x!).ToArray();
            AssertClose(UnigramModelsServerFixture.ExpectedEmbedding(ids), actual, 1e-6f, Texts[i]);
        }
        // Every text was padded to the longest with <pad> (id 1); the mask keeps the pads out of the mean, and
        // usage counts real tokens only.
        Assert.Equal(tokens, (int)json["usage"]!["prompt_tokens"]!);
    }

    [Fact]
    public async Task The_official_client_gets_the_same_vector_for_equivalent_spellings()
    {
        // "é" as e + U+0301 and precomposed, and full-width digits: the Precompiled map makes them the same tokens.
        var client = server.OpenAI.GetEmbeddingClient(Model);
        var batch = (await client.GenerateEmbeddingsAsync(["e\u0301t\u00e9 123", "\u00e9t\u00e9 １２３", "ete 123"])).Value;

        Assert.Equal(UnigramModelsServerFixture.Dimensions, batch[0].ToFloats().Length);
        Assert.Equal(batch[0].ToFloats().ToArray(), batch[1].ToFloats().ToArray());
        Assert.NotEqual(batch[0].ToFloats().ToArray(), batch[2].ToFloats().ToArray());
    }

    [Theory]
    [InlineData("What is the capital of France?", "Paris is the capital and most populous city of France.")]
    [InlineData("Crème brûlée 中文", "👍🏽 emoji")]
    [InlineData("How old are you?", "I am 6 years old.")]
    public async Task A_multilingual_pair_reranks_from_the_reference_pair_ids(string query, string document)
    {
        // The pair is <s> query </s> </s> document </s>; the score is the sigmoid of the summed token logits.
        var (response, json, raw) = await server.Http.PostJsonAsync("v1/rerank", new JsonObject
        {
            ["model"] = UnigramModelsServerFixture.Reranker,
            ["query"] = query,
            ["documents"] = new JsonArray(document),
        });

        Assert.True(200 == (int)response.StatusCode, raw);
        var ids = UnigramModelsServerFixture.ReferenceIds(query, document);
        var logit = ids.Sum(id => (double)UnigramModelsServerFixture.RerankWeight(id));
        var expected = (float)(1 / (1 + Math.Exp(-logit)));
        Assert.Equal(expected, (float)json!["results"]![0]!["relevance_score"]!, 1e-6f);
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance, string text)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{text} [{i}]: expected {expected[i]} but got {actual[i]}");
    }
}
