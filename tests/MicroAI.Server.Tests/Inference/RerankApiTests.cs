using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests.Inference;

/// <summary>/v1/rerank on a test-written cross-encoder whose logits are computed by hand, and the GGUF path's errors.</summary>
[Collection(InferenceCollection.Name)]
public sealed class RerankApiTests(InferenceServerFixture server)
{
    private const string Query = "what is the capital of france?";
    private static readonly string[] Documents = ["paris is the capital of france.", "berlin is in germany.", "the cat sat on the mat.", "france"];

    [Fact]
    public async Task Documents_come_back_sorted_by_the_sigmoid_of_the_models_logit()
    {
        var (response, body, text) = await server.Http.PostJsonAsync("v1/rerank", new JsonObject
        {
            ["model"] = InferenceServerFixture.Reranker,
            ["query"] = Query,
            ["documents"] = new JsonArray(Documents.Select(d => (JsonNode)d).ToArray()),
        });

        Assert.True(200 == (int)response.StatusCode, text);
        var expected = Documents.Select((d, i) => (Index: i, Score: server.RerankModel.ExpectedScore(Query, d)))
            .OrderByDescending(x => x.Score).ToList();
        var results = body!["results"]!.AsArray();
        Assert.Equal(expected.Select(e => e.Index), results.Select(r => (int)r!["index"]!));
        for (var i = 0; i < expected.Count; i++)
            Assert.Equal(expected[i].Score, (float)results[i]!["relevance_score"]!, 1e-6f);
        Assert.Null(results[0]!["document"]);
        Assert.True((int)body["usage"]!["total_tokens"]! > 0);
    }

    [Fact]
    public async Task Top_n_return_documents_object_documents_and_the_llama_server_paths_work()
    {
        var (response, body, text) = await server.Http.PostJsonAsync("rerank", new JsonObject
        {
            ["model"] = InferenceServerFixture.Reranker,
            ["query"] = Query,
            ["documents"] = new JsonArray(Documents.Select(d => (JsonNode)new JsonObject { ["text"] = d }).ToArray()),
            ["top_n"] = 2,
            ["return_documents"] = true,
        });

        Assert.True(200 == (int)response.StatusCode, text);
        var results = body!["results"]!.AsArray();
        Assert.Equal(2, results.Count);
        Assert.Equal(Documents[(int)results[0]!["index"]!], (string?)results[0]!["document"]!["text"]);
    }

    [Theory]
    [InlineData("""{"model":"cross-encoder","documents":["a"]}""", "query")]
    [InlineData("""{"model":"cross-encoder","query":"q"}""", "documents")]
    [InlineData("""{"model":"cross-encoder","query":"q","documents":[]}""", "documents")]
    [InlineData("""{"model":"cross-encoder","query":"q","documents":[1]}""", "documents")]
    [InlineData("""{"model":"cross-encoder","query":"q","documents":["a"],"top_n":0}""", "top_n")]
    [InlineData("""{"model":"stories260K","query":"q","documents":["a"]}""", "model")]
    [InlineData("""{"model":"bert-embedder","query":"q","documents":["a"]}""", "model")]
    public async Task Bad_requests_and_models_without_a_rank_head_get_a_400(string json, string param)
    {
        var (response, body, text) = await server.Http.PostJsonAsync("v1/rerank", json);

        Assert.True(400 == (int)response.StatusCode, text);
        Assert.Equal(param, (string?)body!["error"]!["param"]);
        if (param == "model")
            Assert.Contains("does not support rerank", (string?)body["error"]!["message"]);
    }
}
