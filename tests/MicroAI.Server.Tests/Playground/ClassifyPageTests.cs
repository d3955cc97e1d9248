using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MicroAI.Server.Tests.Security;
using MicroAI.Tests.Shared;
using Microsoft.Playwright;

namespace MicroAI.Server.Tests.Playground;

/// <summary>
/// The Classify page in real Chromium: a file, an image and a text classified by the server, and again
/// in the browser (ONNX Runtime Web with the page's own preprocessing), where the answer must match the
/// server's (same top label, scores within 1e-3) while no request carries the content.
/// </summary>
[Collection(ClassifyCollection.Name)]
public sealed class ClassifyPageTests(ClassifyFixture server)
{
    private const double Tolerance = 1e-3;

    /// <summary>A Python script: enough bytes for Magika's model, whitespace at both ends to strip, and a marker to look for in requests.</summary>
    private static readonly byte[] Script = Encoding.UTF8.GetBytes(
        "\n\n  #!/usr/bin/env python3\n# classify-marker-5c1e\nimport sys\n\n\ndef main(argv):\n    for i, a in enumerate(argv):\n" +
        "        print(f\"{i}: {a}\")\n    return 0\n\n\nif __name__ == \"__main__\":\n    sys.exit(main(sys.argv))\n   \n\t\n");

    private static byte[] Kitten => File.ReadAllBytes(Path.Combine(TestPaths.SqueezeNetFolder, "kitten_224.png"));

    private const string Review = "I LOVE this Movie! The cats played in the rain, it's great... not terrible.";

    [ChromiumFact]
    public async Task DroppedFile_GetsTheServersLabel()
    {
        var expected = await ServerLabelsAsync(server.Magika, new { bytes = Convert.ToBase64String(Script) });
        await using var p = await server.OpenAsync("#/classify");
        var panel = p.Page.Locator("section[data-kind=file]");
        await Drop(p.Page, panel.Locator(".dropzone"), "main.py", "text/x-python", Script);

        var shown = await ResultAsync(panel, "server");
        Assert.Equal(expected[0].Label, shown[0].Label);
        AssertClose(expected, shown);

        // The other two panels, on the server too, for the screenshot: an image and a text.
        var image = p.Page.Locator("section[data-kind=image]");
        await image.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "kitten.png", MimeType = "image/png", Buffer = Kitten });
        var text = p.Page.Locator("section[data-kind=text]");
        await text.GetByLabel("Text", new() { Exact = true }).FillAsync(Review);
        await text.GetByRole(AriaRole.Button, new() { Name = "Classify text" }).ClickAsync();
        Assert.Equal((await ServerLabelsAsync(server.SqueezeNet, new { image = "data:image/png;base64," + Convert.ToBase64String(Kitten) }))[0].Label,
            (await ResultAsync(image, "server"))[0].Label);
        AssertClose(await ServerLabelsAsync(server.Sentiment, Review), await ResultAsync(text, "server"));
        await p.ScreenshotAsync("classify");
        AssertCleanAndSameOrigin(p);
    }

    [ChromiumFact]
    public async Task FileInTheBrowser_MatchesTheServer_AndNoRequestCarriesTheContent()
    {
        var expected = await ServerLabelsAsync(server.Magika, new { bytes = Convert.ToBase64String(Script) });
        await using var p = await server.OpenAsync("#/classify");
        var panel = p.Page.Locator("section[data-kind=file]");
        await UseBrowserAsync(panel);
        await panel.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "main.py", MimeType = "text/x-python", Buffer = Script });

        var shown = await ResultAsync(panel, "browser");
        Assert.Equal(expected[0].Label, shown[0].Label);
        AssertClose(expected, shown);
        await Assertions.Expect(panel.Locator(".side")).ToContainTextAsync("Computed in this browser");

        var requests = p.Requests;
        Assert.Contains(requests, r => new Uri(r.Url).AbsolutePath.StartsWith("/api/blobs/sha256:", StringComparison.Ordinal));
        AssertNoContentSent(requests, Script);
        await p.ScreenshotAsync("classify-browser");
        AssertCleanAndSameOrigin(p);

        // The files are in Cache Storage now: a new page in the same browser downloads nothing.
        var page2 = await p.Context.NewPageAsync();
        var blobFetches = 0;
        page2.Request += (_, r) => { if (r.Url.Contains("/api/blobs/", StringComparison.Ordinal)) Interlocked.Increment(ref blobFetches); };
        await page2.GotoAsync(new Uri(server.BaseUri, "#/classify").ToString());
        var panel2 = page2.Locator("section[data-kind=file]");
        await UseBrowserAsync(panel2);
        await panel2.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "main.py", MimeType = "text/x-python", Buffer = Script });
        Assert.Equal(expected[0].Label, (await ResultAsync(panel2, "browser"))[0].Label);
        Assert.Equal(0, blobFetches);
    }

    [ChromiumFact]
    public async Task Image_TopLabelMatchesTheServer_OnBothSides()
    {
        var kitten = Kitten;
        var expected = await ServerLabelsAsync(server.SqueezeNet, new { image = "data:image/png;base64," + Convert.ToBase64String(kitten) });
        await using var p = await server.OpenAsync("#/classify");
        var panel = p.Page.Locator("section[data-kind=image]");
        var file = new FilePayload { Name = "kitten.png", MimeType = "image/png", Buffer = kitten };

        await panel.Locator("input[type=file]").SetInputFilesAsync(file);
        var byServer = await ResultAsync(panel, "server");
        Assert.Equal(expected[0].Label, byServer[0].Label);

        var before = p.Requests.Count;
        await UseBrowserAsync(panel);
        await panel.Locator("input[type=file]").SetInputFilesAsync(Array.Empty<FilePayload>());
        await panel.Locator("input[type=file]").SetInputFilesAsync(file);
        var inBrowser = await ResultAsync(panel, "browser");
        Assert.Equal(expected[0].Label, inBrowser[0].Label);
        AssertClose(expected, inBrowser);
        AssertNoContentSent([.. p.Requests.Skip(before)], kitten);
        AssertCleanAndSameOrigin(p);
    }

    /// <summary>Images not of the model's size go through the resizer: MNIST's 28×28 grey digit scaled up, and a 500×375 kitten scaled down.</summary>
    [ChromiumFact]
    public async Task ResizedImages_InTheBrowser_MatchTheServer()
    {
        await using var p = await server.OpenAsync("#/classify");
        var panel = p.Page.Locator("section[data-kind=image]");
        var large = Convert.FromBase64String(await p.Page.EvaluateAsync<string>(
            "async b64 => { const img = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), c => c.charCodeAt(0))])); " +
            "const c = new OffscreenCanvas(500, 375); c.getContext('2d').drawImage(img, 0, 0, 500, 375); " +
            "const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer()); " +
            "let s = ''; for (const b of bytes) s += String.fromCharCode(b); return btoa(s); }", Convert.ToBase64String(Kitten)));
        var digit = File.ReadAllBytes(Path.Combine(TestPaths.MnistFolder, "mnist_28.png"));
        await UseBrowserAsync(panel);
        foreach (var (name, bytes) in new[] { ("digit.png", digit), ("large-kitten.png", large) })
        {
            var expected = await ServerLabelsAsync(server.SqueezeNet, new { image = "data:image/png;base64," + Convert.ToBase64String(bytes) });
            await panel.Locator(".classify-result").EvaluateAsync("e => e.replaceChildren()");
            await panel.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = name, MimeType = "image/png", Buffer = bytes });
            var shown = await ResultAsync(panel, "browser");
            Assert.Equal(expected[0].Label, shown[0].Label);
            AssertClose(expected, shown);
        }
        AssertNoContentSent(p.Requests, digit);
        AssertCleanAndSameOrigin(p);
    }

    [ChromiumFact]
    public async Task Text_InTheBrowser_MatchesTheServer()
    {
        var expected = await ServerLabelsAsync(server.Sentiment, Review);
        await using var p = await server.OpenAsync("#/classify");
        var panel = p.Page.Locator("section[data-kind=text]");
        await UseBrowserAsync(panel);
        await panel.GetByLabel("Text", new() { Exact = true }).FillAsync(Review);
        await panel.GetByRole(AriaRole.Button, new() { Name = "Classify text" }).ClickAsync();

        var shown = await ResultAsync(panel, "browser");
        Assert.Equal(expected[0].Label, shown[0].Label);
        AssertClose(expected, shown);
        Assert.DoesNotContain(p.Requests, r => r.Method == "POST");
        AssertCleanAndSameOrigin(p);
    }

    [Fact]
    public async Task ModelFiles_ListsDigests_AndBlobsAreImmutableByDigest()
    {
        var list = await server.Http.GetFromJsonAsync<JsonElement>($"/api/model-files/{server.Magika}");
        Assert.True(list.GetProperty("browser").GetBoolean());
        Assert.Equal("byte-classification", list.GetProperty("task").GetString());
        var files = list.GetProperty("files").EnumerateArray().ToList();
        var model = files.Single(f => f.GetProperty("name").GetString() == "model.onnx");
        var digest = model.GetProperty("digest").GetString()!;

        using var blob = await server.Http.GetAsync($"/api/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, blob.StatusCode);
        var bytes = await blob.Content.ReadAsByteArrayAsync();
        Assert.Equal(model.GetProperty("size").GetInt64(), bytes.LongLength);
        Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(TestPaths.MagikaFolder, "model.onnx")), bytes);
        Assert.Equal("public, max-age=31536000, immutable", blob.Headers.CacheControl!.ToString());
        Assert.Equal($"\"{digest}\"", blob.Headers.ETag!.Tag);

        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/blobs/{digest}");
        again.Headers.IfNoneMatch.Add(blob.Headers.ETag);
        using var notModified = await server.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        // A digest no model has, one that is not a digest, a path: all 404, in the error shape of the route.
        foreach (var path in new[] { "/api/blobs/sha256:" + new string('0', 64), "/api/blobs/model.onnx", "/api/blobs/..%2F..%2Fetc%2Fpasswd" })
        {
            using var missing = await server.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        // The default GGUF model is not a registry ONNX model: listed as server-only, with the reason.
        var stories = await server.Http.GetFromJsonAsync<JsonElement>($"/api/model-files/{ServerFixture.StoriesModel}");
        Assert.False(stories.GetProperty("browser").GetBoolean());
        Assert.Contains("ONNX", stories.GetProperty("reason").GetString());
        foreach (var name in new[] { "no-such-model", "..%2F..%2Fetc%2Fpasswd", "../registry/blobs" })
        {
            using var unknown = await server.Http.GetAsync("/api/model-files/" + name);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
    }

    private async Task<List<(string Label, double Score)>> ServerLabelsAsync(string model, object input)
    {
        using var response = await server.Http.PostAsJsonAsync("/v1/classifications", new { model, input, top_k = 5 });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var doc = JsonDocument.Parse(body);
        return [.. doc.RootElement.GetProperty("data")[0].GetProperty("labels").EnumerateArray()
            .Select(l => (l.GetProperty("label").GetString()!, l.GetProperty("score").GetDouble()))];
    }

    /// <summary>Drops a file on the zone as a user would: a DataTransfer holding it, through dragover and drop.</summary>
    private static async Task Drop(IPage page, ILocator zone, string name, string type, byte[] bytes)
    {
        var transfer = await page.EvaluateHandleAsync(
            "([name, type, b64]) => { const d = new DataTransfer(); d.items.add(new File([Uint8Array.from(atob(b64), c => c.charCodeAt(0))], name, { type })); return d; }",
            new object[] { name, type, Convert.ToBase64String(bytes) });
        await zone.DispatchEventAsync("dragover", new Dictionary<string, object> { ["dataTransfer"] = transfer });
        await zone.DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = transfer });
    }

    private static async Task UseBrowserAsync(ILocator panel)
    {
        var toggle = panel.GetByLabel("Run in this browser");
        await Assertions.Expect(toggle).ToBeEnabledAsync();
        await toggle.CheckAsync();
    }

    private static async Task<List<(string Label, double Score)>> ResultAsync(ILocator panel, string side)
    {
        await Assertions.Expect(panel.Locator(".side")).ToHaveAttributeAsync("data-side", side, new() { Timeout = 60_000 });
        var rows = await panel.Locator(".bars li").EvaluateAllAsync<string[][]>("els => els.map(e => [e.dataset.label, e.dataset.score])");
        Assert.NotEmpty(rows);
        return [.. rows.Select(r => (r[0], double.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture)))];
    }

    private static void AssertClose(List<(string Label, double Score)> expected, List<(string Label, double Score)> shown)
    {
        Assert.Equal(expected.Count, shown.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(Math.Abs(expected[i].Score - shown[i].Score) <= Tolerance,
                $"#{i}: the server says {expected[i].Label} {expected[i].Score}, the page {shown[i].Label} {shown[i].Score}");
            // Ties within the tolerance may swap places; otherwise the order is the server's.
            if (Math.Abs(expected[i].Score - shown[i].Score) > 1e-6 || expected.Count(e => Math.Abs(e.Score - expected[i].Score) <= Tolerance) == 1)
                Assert.Equal(expected[i].Label, shown[i].Label);
        }
    }

    private static void AssertNoContentSent(IReadOnlyList<IRequest> requests, byte[] content)
    {
        Assert.DoesNotContain(requests, r => new Uri(r.Url).AbsolutePath == "/v1/classifications");
        var base64 = Encoding.ASCII.GetBytes(Convert.ToBase64String(content));
        foreach (var r in requests)
        {
            if (r.PostDataBuffer is not { Length: > 0 } body)
                continue;
            Assert.True(body.AsSpan().IndexOf(content) < 0 && body.AsSpan().IndexOf(base64) < 0, $"{r.Method} {r.Url} carried the content");
        }
    }

    private void AssertCleanAndSameOrigin(PlaygroundPage p)
    {
        Assert.Empty(p.Errors);
        // The image preview is an object URL (blob:http://host/uuid): this origin's, read from memory, never fetched.
        Assert.All(p.Requests, r => Assert.Equal(server.BaseUri.GetLeftPart(UriPartial.Authority),
            new Uri(r.Url.StartsWith("blob:", StringComparison.Ordinal) ? r.Url[5..] : r.Url).GetLeftPart(UriPartial.Authority)));
    }
}

/// <summary>The model-files routes keep the key rules of every other route: the inference scope.</summary>
[Collection(KeyedServerCollection.Name)]
public sealed class ModelFilesKeyTests(KeyedServerFixture server)
{
    [Theory]
    [InlineData("/api/model-files/stories260K")]
    [InlineData("/api/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task NeedAKey(string path)
    {
        using var anonymous = await server.Http.SendAsync(KeyedServerFixture.Request(HttpMethod.Get, path, null));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var wrong = await server.Http.SendAsync(KeyedServerFixture.Request(HttpMethod.Get, path, "sk-not-a-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var keyed = await server.Http.SendAsync(KeyedServerFixture.Request(HttpMethod.Get, path, KeyedServerFixture.InferenceKey));
        Assert.NotEqual(HttpStatusCode.Unauthorized, keyed.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, keyed.StatusCode);
    }
}
