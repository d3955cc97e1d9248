using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Store;
using MicroAI.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MicroAI.Server.Tests.Playground;

/// <summary>
/// The playground's server with a sentence embedder too: a BERT-shaped ONNX model the tests write
/// (<see cref="OnnxTestModels.BertEmbedder"/>), imported into the registry so GET /api/model-files offers
/// it to the browser ("Run in this browser") and /api/blobs serves its files by digest.
/// </summary>
public sealed class EmbeddingsPlaygroundFixture : PlaygroundFixture
{
    private readonly string _root = Directory.CreateTempSubdirectory("microai-playground-embedder-").FullName;

    /// <summary>The embedder's model id in the registry.</summary>
    public string Embedder { get; private set; } = "";

    protected override IEnumerable<string> ExtraArguments => ["--MicroAI:Onnx:IntraOpThreads=1"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var folder = OnnxTestModels.BertEmbedder(Path.Combine(_root, "bert-embedder")).Folder;
        var store = Services.GetRequiredService<IModelCatalog>().Store;
        var imported = await store.ImportAsync(new ImportRequest(folder, "bert-embedder"), null, CancellationToken.None);
        Embedder = imported.Success ? imported.Manifest!.ModelName.ToString() : throw new InvalidOperationException($"import {folder}: {imported.Error}");
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
}

[CollectionDefinition(Name)]
public sealed class EmbeddingsPlaygroundCollection : ICollectionFixture<EmbeddingsPlaygroundFixture>
{
    public const string Name = "Playground with an embedder";
}

/// <summary>The Embeddings page in real Chromium: texts → /v1/embeddings → the cosine similarity heat map.</summary>
[Collection(EmbeddingsPlaygroundCollection.Name)]
public sealed class EmbeddingsPageTests(EmbeddingsPlaygroundFixture server, Xunit.Abstractions.ITestOutputHelper output)
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
        Assert.Contains(server.Embedder, embedders);
        await Expect(picker.Locator("option")).ToHaveCountAsync(embedders.Count);
        Assert.Equal(embedders.Order(), (await picker.Locator("option").AllTextContentsAsync()).Order());
        await picker.SelectOptionAsync(server.Embedder);
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
        await Expect(page.Locator("p.status")).ToContainTextAsync(new Regex($@"^3 vectors of {expectedDimensions} dimensions from {server.Embedder}"));
        await p.ScreenshotAsync("embeddings");

        Assert.Empty(p.Errors);
        Assert.All(p.Requests, r => Assert.Equal(server.BaseUri.GetLeftPart(UriPartial.Authority), new Uri(r.Url).GetLeftPart(UriPartial.Authority)));
    }

    [ChromiumFact]
    public async Task HeatMapInTheBrowser_MatchesTheServer_AndNoRequestCarriesTheTexts()
    {
        string[] texts = ["the cat sat on the mat", "paris is in france", "the dog sat on the rug", "weather marker"];
        var expected = Cosines(await EmbedAsync(texts));
        await using var p = await server.OpenAsync("#/embeddings");
        var page = p.Page;
        await page.GetByLabel("Embedding model").SelectOptionAsync(server.Embedder);
        var toggle = page.GetByLabel("Run in this browser");
        await Expect(toggle).ToBeEnabledAsync();
        await toggle.CheckAsync();
        await page.GetByLabel("Texts, one per line").FillAsync(string.Join('\n', texts));
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare" }).ClickAsync();

        var table = page.GetByRole(AriaRole.Table);
        await Expect(table.Locator("td[data-row]")).ToHaveCountAsync(texts.Length * texts.Length);
        await Expect(page.Locator("p.status")).ToContainTextAsync("computed in this browser");
        Assert.Equal("browser", await page.Locator(".result").GetAttributeAsync("data-side"));
        double maxShown = 0, maxExact = 0;
        for (var i = 0; i < texts.Length; i++)
            for (var j = 0; j < texts.Length; j++)
            {
                var cell = table.Locator($"td[data-row='{i}'][data-col='{j}']");
                var shown = double.Parse((await cell.TextContentAsync())!, CultureInfo.InvariantCulture);
                var exact = double.Parse((await cell.GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
                Assert.Equal(expected[i, j], shown, 0.0051);
                Assert.Equal(expected[i, j], exact, 1e-5);
                maxShown = Math.Max(maxShown, Math.Abs(expected[i, j] - shown));
                maxExact = Math.Max(maxExact, Math.Abs(expected[i, j] - exact));
            }
        output.WriteLine($"Embeddings in the browser vs /v1/embeddings: max cosine difference {maxExact:E3} (unrounded), {maxShown:F4} (as shown, 2 decimals)");
        Assert.True(expected[0, 1] < 0.995, $"the two different texts are {expected[0, 1]} alike: the test could not tell them apart");

        var requests = p.Requests;
        Assert.Contains(requests, r => new Uri(r.Url).AbsolutePath.StartsWith("/api/blobs/sha256:", StringComparison.Ordinal));
        Assert.DoesNotContain(requests, r => new Uri(r.Url).AbsolutePath == "/v1/embeddings");
        foreach (var r in requests)
        {
            Assert.DoesNotContain("weather", r.Url, StringComparison.OrdinalIgnoreCase);
            if (r.PostDataBuffer is not { Length: > 0 } body)
                continue;
            var text = System.Text.Encoding.UTF8.GetString(body);
            Assert.All(texts, t => Assert.DoesNotContain(t, text, StringComparison.Ordinal));
            Assert.DoesNotContain("weather marker", text, StringComparison.Ordinal);
        }
        await p.ScreenshotAsync("embeddings-browser");
        Assert.Empty(p.Errors);
        Assert.All(p.Requests, r => Assert.Equal(server.BaseUri.GetLeftPart(UriPartial.Authority), new Uri(r.Url).GetLeftPart(UriPartial.Authority)));
    }

    private async Task<double[][]> EmbedAsync(string[] texts)
    {
        var (response, body, text) = await server.Http.PostJsonAsync("v1/embeddings", new JsonObject
        {
            ["model"] = server.Embedder,
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
