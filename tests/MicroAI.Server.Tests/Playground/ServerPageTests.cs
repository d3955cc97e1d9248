using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MicroAI.Server.Tests.Playground;

/// <summary>The Server page in real Chromium: charts from /metrics polled every 2 s, loaded models, devices; polling stops on leaving.</summary>
[Collection(PlaygroundCollection.Name)]
public sealed class ServerPageTests(PlaygroundFixture server)
{
    [ChromiumFact]
    public async Task Charts_ShowGeneratedTokens_SlotsQueueMemory_AndRequestsByStatus()
    {
        await using var p = await server.OpenAsync("#/server");
        var page = p.Page;
        var tokens = page.Locator("#chart-tokens .latest");
        // The first rate needs two scrapes: after it, generation between two scrapes shows as tokens/s.
        await Expect(tokens).ToHaveTextAsync(new Regex(@"^\d+\.\d$"), new() { Timeout = 10_000 });
        for (var i = 0; i < 3; i++)
        {
            var (response, _, text) = await server.Http.PostJsonAsync("v1/chat/completions", new JsonObject
            {
                ["model"] = ServerFixture.StoriesModel,
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"Tell a story {i}" }),
                ["max_tokens"] = 24,
                ["temperature"] = 0,
            });
            Assert.True(response.IsSuccessStatusCode, text);
        }
        await Expect(tokens).ToHaveTextAsync(new Regex(@"^(?!0\.0$)\d+\.\d$"), new() { Timeout = 10_000 });
        var rate = double.Parse(await tokens.TextContentAsync() ?? "", CultureInfo.InvariantCulture);
        // Only a lower bound: the rate divides by the time between two scrapes as the page saw them, and on
        // a loaded machine a late scrape followed by a prompt one makes that interval short (CI saw 165 tok/s).
        Assert.True(rate > 0 && double.IsFinite(rate), $"tokens/s shown: {rate}");

        await Expect(page.Locator("#chart-busy .latest")).ToHaveTextAsync(new Regex(@"^\d+ of \d+$"));
        await Expect(page.Locator("#chart-queue .latest")).ToHaveTextAsync(new Regex(@"^\d+$"));
        await Expect(page.Locator("#chart-memory .latest")).ToHaveTextAsync(new Regex(@"^\d+\.\d MB$|^\d+\.\d GB$"));
        var requests = page.Locator("#chart-requests .latest");
        await Expect(requests).ToContainTextAsync(new Regex(@"\b200: \d+"));
        var ok = int.Parse(Regex.Match(await requests.TextContentAsync() ?? "", @"\b200: (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(ok >= 3, $"200s counted: {ok}");
        await Expect(page.Locator("#chart-requests .legend")).ToContainTextAsync("status 200");
        await Expect(page.Locator("#chart-tokens canvas")).ToHaveAttributeAsync("aria-label", new Regex(@"latest \d+\.\d"));

        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Loaded models" })).ToContainTextAsync(ServerFixture.StoriesModel);
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Devices" })).ToContainTextAsync("llama.cpp");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Devices" })).ToContainTextAsync("CPUExecutionProvider: usable");
        // Something was drawn: the tokens chart's canvas is not blank.
        Assert.True(await page.EvaluateAsync<bool>("""
            () => {
              const c = document.querySelector('#chart-tokens canvas');
              return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some(v => v !== 0);
            }
            """));
        await p.ScreenshotAsync("server");

        // Leaving the page stops the polling.
        await page.GetByRole(AriaRole.Link, new() { Name = "Chat", Exact = true }).ClickAsync();
        var scrapes = p.Requests.Count(r => r.Url.EndsWith("/metrics", StringComparison.Ordinal));
        await Task.Delay(4500);
        Assert.Equal(scrapes, p.Requests.Count(r => r.Url.EndsWith("/metrics", StringComparison.Ordinal)));

        Assert.Empty(p.Errors);
        Assert.All(p.Requests, r => Assert.Equal(server.BaseUri.GetLeftPart(UriPartial.Authority), new Uri(r.Url).GetLeftPart(UriPartial.Authority)));
    }
}
