using System.Net;
using Microsoft.Playwright;

namespace MicroAI.Server.Tests.Playground;

/// <summary>The page at / in real Chromium: served from the binary, same-origin only, navigable by keyboard.</summary>
[Collection(PlaygroundCollection.Name)]
public sealed class PlaygroundShellTests(PlaygroundFixture server)
{
    [Fact]
    public async Task Root_GivesBrowsersThePage_AndOtherClientsTheRunningLine()
    {
        using var html = new HttpRequestMessage(HttpMethod.Get, "/");
        html.Headers.Accept.ParseAdd("text/html");
        using var page = await server.Http.SendAsync(html);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.StartsWith("text/html", page.Content.Headers.ContentType!.ToString());
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Contains("<main id=\"page\"", await page.Content.ReadAsStringAsync());

        var probe = await server.Http.GetStringAsync("/");
        Assert.Equal("MicroAI is running\n", probe);

        using var api = await server.Http.GetAsync("/v1/models");
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", api.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Assets_AreBrotliCompressed_AndRevalidatedByETag()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/playground/app.js");
        request.Headers.AcceptEncoding.ParseAdd("br");
        using var first = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("br", first.Content.Headers.ContentEncoding.Single());
        var etag = first.Headers.ETag!;

        using var again = new HttpRequestMessage(HttpMethod.Get, "/playground/app.js");
        again.Headers.IfNoneMatch.Add(etag);
        using var second = await server.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);

        using var missing = await server.Http.GetAsync("/playground/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [ChromiumFact]
    public async Task EveryPageOpens_WithNoErrors_AndOnlySameOriginRequests()
    {
        await using var p = await server.OpenAsync();
        foreach (var (name, title) in new[] { ("chat", "Chat"), ("models", "Models"), ("embeddings", "Embeddings"), ("classify", "Classify"), ("server", "Server") })
        {
            await p.Page.GetByRole(AriaRole.Link, new() { Name = title, Exact = true }).ClickAsync();
            await p.Page.WaitForURLAsync($"**/#/{name}");
            await Assertions.Expect(p.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(title);
            await p.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await p.ScreenshotAsync("shell-" + name);
        }
        Assert.Empty(p.Errors);
        Assert.All(p.Requests, r => Assert.Equal(server.BaseUri.GetLeftPart(UriPartial.Authority), new Uri(r.Url).GetLeftPart(UriPartial.Authority)));
    }
}
