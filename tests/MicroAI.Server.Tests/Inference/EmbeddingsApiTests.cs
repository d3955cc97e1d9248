using System.Buffers.Binary;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;
using OpenAI.Embeddings;

namespace MicroAI.Server.Tests.Inference;

/// <summary>/v1/embeddings with the official client and raw HTTP, on a GGUF (stories260K) and an ONNX embedder with exactly known outputs.</summary>
[Collection(InferenceCollection.Name)]
public sealed class EmbeddingsApiTests(InferenceServerFixture server)
{
    private const string Stories = ServerFixture.StoriesModel;
    private const string Embedder = InferenceServerFixture.Embedder;

    [Fact]
    public async Task The_official_client_embeds_one_input_a_batch_and_shortened_vectors()
    {
        var client = server.OpenAI.GetEmbeddingClient(Embedder);

        var one = (await client.GenerateEmbeddingAsync("the cat sat on the mat")).Value;
        var batch = (await client.GenerateEmbeddingsAsync(["the cat sat on the mat", "paris is in france", "dogs"])).Value;
        var shortened = (await client.GenerateEmbeddingAsync("the cat sat on the mat", new EmbeddingGenerationOptions { Dimensions = 2 })).Value;

        AssertClose(server.EmbedderModel.ExpectedEmbedding("the cat sat on the mat"), one.ToFloats().ToArray(), 1e-6f);
        Assert.Equal(3, batch.Count);
        Assert.Equal([0, 1, 2], batch.Select(e => e.Index));
        AssertClose(server.EmbedderModel.ExpectedEmbedding("paris is in france"), batch[1].ToFloats().ToArray(), 1e-6f);
        AssertClose(server.EmbedderModel.ExpectedEmbedding("dogs"), batch[2].ToFloats().ToArray(), 1e-6f);
        var full = server.EmbedderModel.ExpectedEmbedding("the cat sat on the mat");
        AssertClose(OnnxTestModels.L2Normalize(full[..2]), shortened.ToFloats().ToArray(), 1e-6f);
        Assert.True(batch.Usage.InputTokenCount > 0);
    }

    [Fact]
    public async Task The_official_client_embeds_with_a_gguf_model()
    {
        var client = server.OpenAI.GetEmbeddingClient(Stories);

        var one = (await client.GenerateEmbeddingAsync("Once upon a time")).Value.ToFloats().ToArray();
        var batch = (await client.GenerateEmbeddingsAsync(["Once upon a time", "there was a cat"])).Value;
        var shortened = (await client.GenerateEmbeddingAsync("Once upon a time", new EmbeddingGenerationOptions { Dimensions = 8 })).Value.ToFloats().ToArray();

        Assert.Equal(64, one.Length);
        Assert.Equal(2, batch.Count);
        Assert.All(batch, e => Assert.Equal(64, e.ToFloats().Length));
        AssertClose(one, batch[0].ToFloats().ToArray(), 1e-5f);
        Assert.NotEqual(batch[0].ToFloats().ToArray(), batch[1].ToFloats().ToArray());
        // stories260K is a decoder: its mean-pooled vector is raw; shortening re-normalises the first 8 values.
        AssertClose(OnnxTestModels.L2Normalize(one[..8]), shortened, 1e-5f);
    }

    [Fact]
    public async Task Float_and_base64_bodies_carry_the_same_little_endian_vector()
    {
        var (r1, f, _) = await server.Http.PostJsonAsync("v1/embeddings", $$"""{"model":"{{Embedder}}","input":"dogs and cats"}""");
        var (r2, b, _) = await server.Http.PostJsonAsync("v1/embeddings", $$"""{"model":"{{Embedder}}","input":"dogs and cats","encoding_format":"base64"}""");

        Assert.Equal(200, (int)r1.StatusCode);
        Assert.Equal(200, (int)r2.StatusCode);
        Assert.Equal("list", (string?)f!["object"]);
        Assert.Equal("embedding", (string?)f["data"]![0]!["object"]);
        Assert.Equal(Embedder, (string?)f["model"]);
        var floats = f["data"]![0]!["embedding"]!.AsArray().Select(x => (float)x!).ToArray();
        var bytes = Convert.FromBase64String((string)b!["data"]![0]!["embedding"]!);
        var decoded = Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))).ToArray();
        Assert.Equal(floats, decoded);
        Assert.Equal((int)f["usage"]!["prompt_tokens"]!, (int)f["usage"]!["total_tokens"]!);
    }

    [Fact]
    public async Task Token_id_inputs_embed_like_the_text_they_encode()
    {
        var encoded = OnnxTestModels.Encode("the cat");
        var ids = string.Join(",", encoded.Ids);

        var (_, flat, _) = await server.Http.PostJsonAsync("v1/embeddings", $$"""{"model":"{{Embedder}}","input":[{{ids}}]}""");
        var (_, nested, _) = await server.Http.PostJsonAsync("v1/embeddings", $$"""{"model":"{{Embedder}}","input":[[{{ids}}],[{{ids}}]]}""");
        var (_, text, _) = await server.Http.PostJsonAsync("v1/embeddings", $$"""{"model":"{{Embedder}}","input":"the cat"}""");

        var expected = Vector(text!, 0);
        Assert.Equal(expected, Vector(flat!, 0));
        Assert.Equal(2, nested!["data"]!.AsArray().Count);
        Assert.Equal(expected, Vector(nested, 1));
    }

    [Fact]
    public async Task An_input_of_the_same_text_embeds_the_same_alone_in_a_batch_of_64_and_under_load()
    {
        foreach (var model in (string[])[Stories, Embedder])
        {
            var probe = "the dog ran in the park";
            var (_, alone, _) = await server.Http.PostJsonAsync("v1/embeddings", new JsonObject { ["model"] = model, ["input"] = probe });
            var inputs = new JsonArray(Enumerable.Range(0, 64).Select(i => (JsonNode)(i == 37 ? probe : $"word {i} cat film")).ToArray());
            var (_, batch, _) = await server.Http.PostJsonAsync("v1/embeddings", new JsonObject { ["model"] = model, ["input"] = inputs });
            var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => server.Http.PostJsonAsync("v1/embeddings",
                new JsonObject { ["model"] = model, ["input"] = new JsonArray(i % 2 == 0 ? probe : "france germany", probe) })));

            var expected = Vector(alone!, 0);
            Assert.Equal(64, batch!["data"]!.AsArray().Count);
            AssertClose(expected, Vector(batch, 37), 1e-5f);
            foreach (var (_, body, _) in concurrent)
                AssertClose(expected, Vector(body!, 1), 1e-5f);
        }
    }

    [Fact]
    public async Task Too_long_inputs_are_refused_naming_the_input_unless_truncation_is_asked_for()
    {
        var longText = string.Join(' ', Enumerable.Repeat("cat", 100));

        var (refused, error, _) = await server.Http.PostJsonAsync("v1/embeddings", new JsonObject { ["model"] = Embedder, ["input"] = new JsonArray("dogs", longText) });
        var (truncated, ok, _) = await server.Http.PostJsonAsync("v1/embeddings", new JsonObject { ["model"] = Embedder, ["input"] = longText, ["truncate"] = true });

        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Equal("input[1]", (string?)error!["error"]!["param"]);
        Assert.Equal("context_length_exceeded", (string?)error["error"]!["code"]);
        Assert.Contains("32", (string?)error["error"]!["message"]);
        Assert.Equal(200, (int)truncated.StatusCode);
        Assert.Equal(32, (int)ok!["usage"]!["prompt_tokens"]!);
    }

    [Theory]
    [InlineData("""{"model":"bert-embedder"}""", "input")]
    [InlineData("""{"model":"bert-embedder","input":[]}""", "input")]
    [InlineData("""{"model":"bert-embedder","input":["ok",""]}""", "input[1]")]
    [InlineData("""{"model":"bert-embedder","input":"x","encoding_format":"int8"}""", "encoding_format")]
    [InlineData("""{"model":"bert-embedder","input":"x","dimensions":0}""", "dimensions")]
    [InlineData("""{"model":"bert-embedder","input":"x","dimensions":5}""", "dimensions")]
    [InlineData("""{"model":"bert-embedder","input":[[1,2],[99999]]}""", "input[1]")]
    [InlineData("""{"model":"bert-embedder","input":{"text":"x"}}""", "input")]
    [InlineData("""{"model":"magika","input":"x"}""", "model")]
    public async Task Bad_requests_get_a_400_that_names_the_field(string body, string param)
    {
        var (response, json, text) = await server.Http.PostJsonAsync("v1/embeddings", body);

        Assert.True(400 == (int)response.StatusCode, text);
        Assert.Equal(param, (string?)json!["error"]!["param"]);
        Assert.Equal("invalid_request_error", (string?)json["error"]!["type"]);
    }

    [Fact]
    public async Task More_than_2048_inputs_are_refused_and_an_unknown_model_is_a_404()
    {
        var inputs = new JsonArray(Enumerable.Range(0, 2049).Select(_ => (JsonNode)"x").ToArray());
        var (tooMany, _, _) = await server.Http.PostJsonAsync("v1/embeddings", new JsonObject { ["model"] = Embedder, ["input"] = inputs });
        var (unknown, body, _) = await server.Http.PostJsonAsync("v1/embeddings", """{"model":"nope","input":"x"}""");

        Assert.Equal(400, (int)tooMany.StatusCode);
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Equal("model_not_found", (string?)body!["error"]!["code"]);
    }

    [Fact]
    public async Task Model_metadata_states_whether_embeddings_are_normalised()
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(await server.Http.GetStringAsync("v1/models"))!;
        bool? Normalized(string id) => (bool?)body["data"]!.AsArray().Single(m => (string?)m!["id"] == id)!["metadata"]!["embeddings_normalized"];

        Assert.True(Normalized(Embedder));
        Assert.False(Normalized(Stories));
        Assert.Null(Normalized(InferenceServerFixture.Magika));
    }

    private static float[] Vector(JsonNode body, int index) =>
        body["data"]!.AsArray().Single(d => (int)d!["index"]! == index)!["embedding"]!.AsArray().Select(x => (float)x!).ToArray();

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}] expected {expected[i]} but got {actual[i]}");
    }
}
