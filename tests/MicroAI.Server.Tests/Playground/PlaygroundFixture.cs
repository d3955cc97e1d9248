using Microsoft.Playwright;

namespace MicroAI.Server.Tests.Playground;

/// <summary>
/// The real server (in-process, loopback) and one headless Chromium for the page tests. Each test
/// opens its own context (fresh storage) through <see cref="OpenAsync"/>, which records every request
/// the page makes and every console error, and can save a screenshot as test output.
/// </summary>
public class PlaygroundFixture : ServerFixture
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("No browser: Chromium was not found.");

    /// <summary>Where screenshots go: PLAYGROUND_SCREENSHOTS, else playground-screenshots/ beside the test assembly.</summary>
    public static string ScreenshotDirectory { get; } = Environment.GetEnvironmentVariable("PLAYGROUND_SCREENSHOTS") is { Length: > 0 } dir
        ? dir : System.IO.Path.Combine(AppContext.BaseDirectory, "playground-screenshots");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (Chromium.Path is null)
            return;
        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            // Containers and CI runners have no user namespaces for Chromium's sandbox, and a small /dev/shm.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh context and page at <paramref name="path"/> (e.g. "#/chat"), recording its requests and console errors.</summary>
    public async Task<PlaygroundPage> OpenAsync(string path = "", BrowserNewContextOptions? options = null)
    {
        var context = await Browser.NewContextAsync(options ?? new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        var page = await context.NewPageAsync();
        var result = new PlaygroundPage(context, page, BaseUri);
        await page.GotoAsync(new Uri(BaseUri, path).ToString());
        return result;
    }

    public override async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>An open page with what it did: every request's URL and method, every console error and page error.</summary>
public sealed class PlaygroundPage : IAsyncDisposable
{
    private readonly List<IRequest> _requests = [];
    private readonly List<string> _errors = [];

    public PlaygroundPage(IBrowserContext context, IPage page, Uri origin)
    {
        (Context, Page, Origin) = (context, page, origin);
        page.Request += (_, r) => { lock (_requests) _requests.Add(r); };
        page.Console += (_, m) => { if (m.Type == "error") lock (_errors) _errors.Add(m.Text); };
        page.PageError += (_, e) => { lock (_errors) _errors.Add(e); };
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public Uri Origin { get; }

    public IReadOnlyList<IRequest> Requests { get { lock (_requests) return [.. _requests]; } }
    public IReadOnlyList<string> Errors { get { lock (_errors) return [.. _errors]; } }

    /// <summary>Saves a full-page PNG under the fixture's screenshot folder (test output; two are in the README).</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(PlaygroundFixture.ScreenshotDirectory);
        var path = System.IO.Path.Combine(PlaygroundFixture.ScreenshotDirectory, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}

[CollectionDefinition(Name)]
public sealed class PlaygroundCollection : ICollectionFixture<PlaygroundFixture>
{
    public const string Name = "Playground";
}
