using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MicroAI.Server.Tests.Playground;

/// <summary>The Models page in real Chromium: the registry table, pull with live progress, details, load/unload, delete.</summary>
[Collection(PlaygroundCollection.Name)]
public sealed class ModelsPageTests(PlaygroundFixture server)
{
    [ChromiumFact]
    public async Task Pull_ShowsProgress_ThenTheModelIsListed_LoadsAndUnloads_AndDeleteRemovesIt()
    {
        // A slow link: 19 chunks of 64 KiB, 200 ms apart (~4 s), so the bar has values between 0 and 100.
        await using var files = await ModelFileServer.StartAsync();
        files.ChunkDelay = TimeSpan.FromMilliseconds(200);
        await using var p = await server.OpenAsync("#/models");
        var page = p.Page;
        await Expect(page.Locator($"tr[data-model='{ServerFixture.StoriesModel}']")).ToContainTextAsync("gguf");

        // Every value the bar takes, recorded in the page as it changes (Playwright's polling could miss some).
        await page.EvaluateAsync("""
            () => {
              window.seenProgress = [];
              const bar = document.querySelector('.pull-progress progress');
              new MutationObserver(() => window.seenProgress.push(Number(bar.getAttribute('aria-valuenow'))))
                .observe(bar, { attributes: true, attributeFilter: ['aria-valuenow'] });
            }
            """);
        await page.GetByLabel("Source (Hugging Face reference, URL or OCI reference)").FillAsync(files.Url());
        await page.GetByLabel("Name (optional)").FillAsync("page-pulled");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pull", Exact = true }).ClickAsync();
        var progressText = page.Locator(".progress-text");
        await Expect(progressText).ToHaveTextAsync(new Regex(@"^\d+% · downloading · "));
        await Expect(progressText).ToHaveTextAsync(new Regex(@"^Pulled \S+\.$"), new() { Timeout = 30_000 });
        var seen = await page.EvaluateAsync<int[]>("() => window.seenProgress");
        Assert.Contains(seen, v => v is > 0 and < 100);
        Assert.Equal(100, seen[^1]);

        var id = Regex.Match(await progressText.TextContentAsync() ?? "", @"^Pulled (\S+)\.$").Groups[1].Value;
        Assert.StartsWith("page-pulled", id);
        var row = page.Locator($"tr[data-model='{id}']");
        await Expect(row).ToContainTextAsync("gguf");
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync(new Regex(@"^1\.1 MB$"));
        await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("F32");
        await Expect(row.Locator("td").Nth(4)).ToHaveTextAsync("no");
        Assert.False(await IsLoadedAsync(id));

        await page.GetByRole(AriaRole.Button, new() { Name = $"Details of {id}" }).ClickAsync();
        var details = row.Locator("xpath=following-sibling::tr[1]");
        await Expect(details).ToContainTextAsync(StoriesFile.Digest);
        await Expect(details).ToContainTextAsync("Chat template");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Load {id}", Exact = true }).ClickAsync();
        await Expect(row.Locator("td").Nth(4)).ToHaveTextAsync("loaded", new() { Timeout = 30_000 });
        Assert.True(await IsLoadedAsync(id));
        await p.ScreenshotAsync("models");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Unload {id}", Exact = true }).ClickAsync();
        await Expect(row.Locator("td").Nth(4)).ToHaveTextAsync("no");
        Assert.False(await IsLoadedAsync(id));

        // Delete asks first; only the confirmation deletes.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {id}", Exact = true }).ClickAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"api/models/{id}")).StatusCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(page.Locator("p.status")).ToHaveTextAsync($"Deleted {id}.");
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync($"api/models/{id}")).StatusCode);
        await Expect(page.Locator($"tr[data-model='{ServerFixture.StoriesModel}']")).ToBeVisibleAsync();

        Assert.Empty(p.Errors);
        Assert.All(p.Requests, r => Assert.Equal(server.BaseUri.GetLeftPart(UriPartial.Authority), new Uri(r.Url).GetLeftPart(UriPartial.Authority)));
        Assert.Contains(p.Requests, r => r.Method == "POST" && r.Url.EndsWith("/api/registry/pull", StringComparison.Ordinal));
    }

    [ChromiumFact]
    public async Task Details_ShowTheMetadata_OfAConfiguredModel()
    {
        await using var p = await server.OpenAsync("#/models");
        var page = p.Page;
        var toggle = page.GetByRole(AriaRole.Button, new() { Name = $"Details of {ServerFixture.TinyModel}", Exact = true });
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        var details = page.Locator($"tr[data-model='{ServerFixture.TinyModel}'] + tr");
        await Expect(details).ToContainTextAsync("architecture");
        await Expect(details).ToContainTextAsync("llama");
        // No delete for a model from configuration: the registry would refuse it.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Delete {ServerFixture.TinyModel}" })).ToHaveCountAsync(0);
        await toggle.ClickAsync();
        await Expect(details).ToBeHiddenAsync();
        Assert.Empty(p.Errors);
    }

    private async Task<bool> IsLoadedAsync(string id)
    {
        var models = JsonNode.Parse(await server.Http.GetStringAsync("v1/models"))!["data"]!.AsArray();
        return (bool?)models.Single(m => (string?)m!["id"] == id)!["metadata"]!["loaded"] ?? false;
    }
}

/// <summary>
/// The playground's server with an inference key (as <see cref="Security.KeyedServerFixture"/> has it) and an
/// upstream whose one model is configured (listed without asking the upstream, which is not there).
/// </summary>
public sealed class KeyedPlaygroundFixture : PlaygroundFixture
{
    protected override IEnumerable<string> ExtraArguments =>
    [
        "--MicroAI:Security:ApiKeys:0:Name=page-inference",
        "--MicroAI:Security:ApiKeys:0:Hash=" + MicroAI.Server.Security.ApiKeyHash.Of(Security.KeyedServerFixture.InferenceKey),
        "--MicroAI:Security:ApiKeys:0:Scopes:0=inference",
        "--MicroAI:Upstreams:central:BaseUrl=http://127.0.0.1:1/v1",
        "--MicroAI:Upstreams:central:Models:0=" + UpstreamModel,
    ];

    public const string UpstreamModel = "central-large";
}

[CollectionDefinition(Name)]
public sealed class KeyedPlaygroundCollection : ICollectionFixture<KeyedPlaygroundFixture>
{
    public const string Name = "Playground with keys";
}

/// <summary>An inference key on the Models and Server pages: what needs admin says so, the rest still shows.</summary>
[Collection(KeyedPlaygroundCollection.Name)]
public sealed class ModelsPageKeyTests(KeyedPlaygroundFixture server)
{
    [ChromiumFact]
    public async Task AnInferenceKey_ListsModels_AndAdminActionsSayTheyNeedAnAdminKey()
    {
        await using var p = await server.OpenAsync("#/models");
        var page = p.Page;
        // No key: the server's 401 opens the shell's dialog; the key given there is used from then on.
        await Expect(page.Locator("#key-dialog")).ToBeVisibleAsync();
        await page.Locator("#key-input").FillAsync(Security.KeyedServerFixture.InferenceKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await Expect(page.Locator($"tr[data-model='{ServerFixture.StoriesModel}']")).ToContainTextAsync("gguf");
        // An upstream's model is listed as such, with nothing to load or delete here.
        var upstream = page.Locator($"tr[data-model='{KeyedPlaygroundFixture.UpstreamModel}']");
        await Expect(upstream.Locator("th")).ToHaveTextAsync($"{KeyedPlaygroundFixture.UpstreamModel}upstream: central");
        await Expect(upstream.Locator("td").First).ToHaveTextAsync("upstream");
        await Expect(upstream.GetByRole(AriaRole.Button)).ToHaveTextAsync(["Details"]);

        await page.GetByLabel("Source (Hugging Face reference, URL or OCI reference)").FillAsync("http://127.0.0.1:1/nothing.gguf");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pull", Exact = true }).ClickAsync();
        await Expect(page.Locator("p.status")).ToHaveTextAsync(new Regex("^Pulling needs an admin key; this key lacks the admin scope"));
        await page.GetByRole(AriaRole.Button, new() { Name = $"Load {ServerFixture.TinyModel}", Exact = true }).ClickAsync();
        await Expect(page.Locator("p.status")).ToHaveTextAsync(new Regex($"^Loading {ServerFixture.TinyModel} needs an admin key"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Server", Exact = true }).ClickAsync();
        await Expect(page.Locator("p.status")).ToHaveTextAsync(new Regex("/metrics needs an admin key; this key lacks the admin scope"));
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Loaded models" })).ToContainTextAsync(ServerFixture.StoriesModel);
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Devices" })).ToContainTextAsync("llama.cpp");
        // The refusal is not retried every 2 s.
        await Task.Delay(2500);
        Assert.Single(p.Requests, r => r.Url.EndsWith("/metrics", StringComparison.Ordinal));

        // The browser logs each refused request; nothing else went wrong.
        Assert.All(p.Errors, e => Assert.Matches("Failed to load resource: the server responded with a status of 40[13]", e));
        Assert.All(p.Requests, r => Assert.Equal(server.BaseUri.GetLeftPart(UriPartial.Authority), new Uri(r.Url).GetLeftPart(UriPartial.Authority)));
    }

    [ChromiumFact]
    public async Task TheServerPage_WithoutAKey_AsksOnce_AndStopsPolling()
    {
        await using var p = await server.OpenAsync("#/server");
        var page = p.Page;
        await Expect(page.Locator("#key-dialog")).ToBeVisibleAsync();
        await Expect(page.Locator("p.status")).ToContainTextAsync("/metrics needs an API key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.Locator("#key-dialog")).ToBeHiddenAsync();
        // A poll after a 401 would reopen the dialog the person just closed.
        await Task.Delay(2 * 2000 + 500);
        await Expect(page.Locator("#key-dialog")).ToBeHiddenAsync();
        Assert.Single(p.Requests, r => r.Url.EndsWith("/metrics", StringComparison.Ordinal));
        Assert.Single(p.Requests, r => r.Url.EndsWith("/api/ps", StringComparison.Ordinal));
    }
}
