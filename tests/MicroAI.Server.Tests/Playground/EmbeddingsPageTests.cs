using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroAI.Tests.Shared;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MicroAI.Server.Tests.Playground;

/// <summary>The playground's server with a sentence embedder too: a BERT-shaped ONNX model the tests write (<see cref="OnnxTestModels.BertEmbedder"/>).</summary>
public sealed class EmbeddingsPlaygroundFixture : PlaygroundFixture
{
    public const string Embedder = "bert-embedder";

    private readonly string _root = Directory.CreateTempSubdirectory("microai-playground-embedder-").FullName;

    public EmbeddingsPlaygroundFixture() => OnnxTestModels.BertEmbedder(Path.Combine(_root, Embedder));

    protected override IEnumerable<string> ExtraArguments =>
        [$"--MicroAI:Models:{Embedder}:Path={Path.Combine(_root, Embedder)}", "--MicroAI:Onnx:IntraOpThreads=1"];

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
}

[CollectionDefinition(Name)]
public sealed class EmbeddingsPlaygroundCollection : ICollectionFixture<EmbeddingsPlaygroundFixture>
{
    public const string Name = "Playground with an embedder";
}

/// <summary>The Embeddings page in real Chromium: texts → /v1/embeddings → the cosine similarity heat map.</summary>
[Collection(EmbeddingsPlaygroundCollection.Name)]
public sealed class EmbeddingsPageTests(EmbeddingsPlaygroundFixture server)
{
    [ChromiumFact]
    public async Task HeatMap_ShowsTheCosineSimilarities_OfTheServersEmbeddings()
    {
        string[] texts = ["the cat sat on the mat", "paris is in france", "the cat sat on the mat"];
        await using var p = await server.OpenAsync("#/embeddings");
        var page = p.Page;
        var picker = page.GetByLabel("Embedding model");
        // Only the models whose metadata says they embed are offered.
        var models = JsonNode.Parse(await server.Http.GetStringAsync("v1/models"))!["data"]!.AsArray();
        var embedders = models.Where(m => m!["metadata"]!["capabilities"]!.AsArray().Any(c => (string?)c == "embeddings")).Select(m => (string)m!["id"]!).ToList();
        Assert.Contains(EmbeddingsPlaygroundFixture.Embedder, embedders);
        await Expect(picker.Locator("option")).ToHaveCountAsync(embedders.Count);
        Assert.Equal(embedders.Order(), (await picker.Locator("option").AllTextContentsAsync()).Order());
        await picker.SelectOptionAsync(EmbeddingsPlaygroundFixture.Embedder);
        await page.GetByLabel("Texts, one per line").FillAsync(string.Join('\n', texts));
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare" }).ClickAsync();

        var table = page.GetByRole(AriaRole.Table);
        await Expect(table.Locator("td[data-row]")).ToHaveCountAsync(9);
        var vectors = await EmbedAsync(texts);
        var expected = Cosines(vectors);
        var expectedDimensions = vectors[0].Length;
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
            {
                var cell = await table.Locator($"td[data-row='{i}'][data-col='{j}']").TextContentAsync();
                Assert.Equal(expected[i, j], double.Parse(cell!, CultureInfo.InvariantCulture), 0.0051);
            }
        foreach (var (i, j) in new[] { (0, 0), (1, 1), (2, 2), (0, 2), (2, 0) })
            await Expect(table.Locator($"td[data-row='{i}'][data-col='{j}']")).ToHaveTextAsync("1.00");
        Assert.True(expected[0, 1] < 0.995, $"the two different texts are {expected[0, 1]} alike: the test could not tell them apart");
        await Expect(table.GetByRole(AriaRole.Rowheader).First).ToContainTextAsync("1. the cat sat on the mat");
        await Expect(page.Locator("p.status")).ToContainTextAsync(new Regex($@"^3 vectors of {expectedDimensions} dimensions from {EmbeddingsPlaygroundFixture.Embedder}"));
        await p.ScreenshotAsync("embeddings");

        Assert.Empty(p.Errors);
        Assert.All(p.Requests, r => Assert.Equal(server.BaseUri.GetLeftPart(UriPartial.Authority), new Uri(r.Url).GetLeftPart(UriPartial.Authority)));
    }

    private async Task<double[][]> EmbedAsync(string[] texts)
    {
        var (response, body, text) = await server.Http.PostJsonAsync("v1/embeddings", new JsonObject
        {
            ["model"] = EmbeddingsPlaygroundFixture.Embedder,
            ["input"] = new JsonArray([.. texts.Select(t => JsonValue.Create(t))]),
        });
        Assert.True(response.IsSuccessStatusCode, text);
        return [.. body!["data"]!.AsArray().OrderBy(d => (int)d!["index"]!).Select(d => d!["embedding"]!.AsArray().Select(v => (double)v!).ToArray())];
    }

    private static double[,] Cosines(double[][] vectors)
    {
        var n = vectors.Length;
        var result = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                double dot = 0, a = 0, b = 0;
                for (var k = 0; k < vectors[i].Length; k++)
                {
                    dot += vectors[i][k] * vectors[j][k];
                    a += vectors[i][k] * vectors[i][k];
                    b += vectors[j][k] * vectors[j][k];
                }
                result[i, j] = dot / Math.Sqrt(a * b);
            }
        return result;
    }
}
