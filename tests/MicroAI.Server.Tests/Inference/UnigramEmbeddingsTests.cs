using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Inference;

/// <summary>
/// An XLM-RoBERTa-style embedder (multilingual-e5, bge-m3): a Unigram tokenizer.json with a Precompiled character
/// map (the tokenizer tests' unigram-xlmr fixture) in front of a graph whose output is computable by hand, served
/// through /v1/embeddings. The token ids the vectors are computed from are transformers.js's, read from the
/// tokenizer tests' expectations.json, so these tests check the whole path, tokenizer included, against the reference.
/// </summary>
public sealed class UnigramEmbedderServerFixture : ServerFixture
{
    public const string Model = "multilingual-embedder";
    public const int Dimensions = 4;

    private static readonly string TokenizerFixtures = Path.Combine(TestPaths.RepoRoot, "tests", "MicroAI.Tokenizers.Tests", "Fixtures");
    private readonly string _folder = Directory.CreateTempSubdirectory("microai-unigram-embedder-").FullName;

    public UnigramEmbedderServerFixture()
    {
        var source = Path.Combine(TokenizerFixtures, "unigram-xlmr");
        File.Copy(Path.Combine(source, "tokenizer.json"), Path.Combine(_folder, "tokenizer.json"));
        File.Copy(Path.Combine(source, "tokenizer_config.json"), Path.Combine(_folder, "tokenizer_config.json"));
        VocabularySize = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "tokenizer.json")))!["model"]!["vocab"]!.AsArray().Count;

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
            .WriteTo(Path.Combine(_folder, "model.onnx"));

        Write("config.json", new JsonObject { ["architectures"] = new JsonArray("XLMRobertaModel"), ["model_type"] = "xlm-roberta", ["hidden_size"] = Dimensions, ["pad_token_id"] = 1, ["vocab_size"] = VocabularySize });
        Write("modules.json", new JsonArray(
            new JsonObject { ["idx"] = 0, ["name"] = "0", ["path"] = "", ["type"] = "sentence_transformers.models.Transformer" },
            new JsonObject { ["idx"] = 1, ["name"] = "1", ["path"] = "1_Pooling", ["type"] = "sentence_transformers.models.Pooling" },
            new JsonObject { ["idx"] = 2, ["name"] = "2", ["path"] = "2_Normalize", ["type"] = "sentence_transformers.models.Normalize" }));
        Write("1_Pooling/config.json", new JsonObject { ["word_embedding_dimension"] = Dimensions, ["pooling_mode_mean_tokens"] = true });
        Directory.CreateDirectory(Path.Combine(_folder, "2_Normalize"));
    }

    public int VocabularySize { get; }

    protected override IEnumerable<string> ExtraArguments => [$"--MicroAI:Models:{Model}:Path={_folder}", "--MicroAI:Onnx:IntraOpThreads=1"];

    /// <summary>The graph's row for a token id: multiples of 1/8, distinct per id.</summary>
    public static float[] WordRow(int id) => [1, id / 8f, id % 5 / 4f, id % 3 == 0 ? 0.5f : -0.5f];

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

    /// <summary>transformers.js's ids for <paramref name="text"/> with special tokens (the tokenizer tests' reference).</summary>
    public static int[] ReferenceIds(string text)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TokenizerFixtures, "expectations.json")));
        var suite = doc.RootElement.GetProperty("suites").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "unigram-xlmr");
        var match = suite.GetProperty("cases").EnumerateArray().Single(c =>
            c.GetProperty("text").GetString() == text && c.GetProperty("pair").ValueKind == JsonValueKind.Null
            && c.GetProperty("addSpecialTokens").GetBoolean() && c.GetProperty("maxLength").GetInt32() == 0);
        return [.. match.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32())];
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Write(string relativePath, JsonNode node)
    {
        var path = Path.Combine(_folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, node.ToJsonString());
    }
}

[CollectionDefinition(Name)]
public sealed class UnigramEmbedderCollection : ICollectionFixture<UnigramEmbedderServerFixture>
{
    public const string Name = "unigram embedder server";
}

[Collection(UnigramEmbedderCollection.Name)]
public sealed class UnigramEmbeddingsTests(UnigramEmbedderServerFixture server)
{
    private const string Model = UnigramEmbedderServerFixture.Model;

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
            var ids = UnigramEmbedderServerFixture.ReferenceIds(Texts[i]);
            tokens += ids.Length;
            Assert.Equal(i, (int)data[i]!["index"]!);
            var actual = data[i]!["embedding"]!.AsArray().Select(x => (float)x!).ToArray();
            AssertClose(UnigramEmbedderServerFixture.ExpectedEmbedding(ids), actual, 1e-6f, Texts[i]);
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

        Assert.Equal(UnigramEmbedderServerFixture.Dimensions, batch[0].ToFloats().Length);
        Assert.Equal(batch[0].ToFloats().ToArray(), batch[1].ToFloats().ToArray());
        Assert.NotEqual(batch[0].ToFloats().ToArray(), batch[2].ToFloats().ToArray());
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance, string text)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{text} [{i}]: expected {expected[i]} but got {actual[i]}");
    }
}
