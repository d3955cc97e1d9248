using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroAI.Tests.Shared;
using Microsoft.Playwright;

namespace MicroAI.Server.Tests.Playground;

/// <summary>
/// The playground's server with a chat-templated stories260K that offers tools (Qwen 2.5's real
/// template, as <see cref="Tools.ToolCallingServerFixture"/>) and Magika, a model that cannot chat.
/// </summary>
public sealed class ChatPlaygroundFixture : PlaygroundFixture
{
    public const string ToolModel = "stories-chatml";
    public const string Magika = "magika";

    protected override IEnumerable<string> ExtraArguments =>
    [
        $"--MicroAI:Models:{ToolModel}:Path={TestPaths.Stories260K}",
        $"--MicroAI:Models:{ToolModel}:ChatTemplate={Path.Combine(TestPaths.SharedModels, "..", "chat-templates", "Qwen-Qwen2.5-7B-Instruct.jinja")}",
        $"--MicroAI:Models:{Magika}:Path={TestPaths.MagikaFolder}",
    ];
}

[CollectionDefinition(Name)]
public sealed class ChatPlaygroundCollection : ICollectionFixture<ChatPlaygroundFixture>
{
    public const string Name = "Playground chat";
}

/// <summary>The Chat page in real Chromium against the real server: streaming, stop, safety, keyboard, storage.</summary>
[Collection(ChatPlaygroundCollection.Name)]
public sealed class ChatPageTests(ChatPlaygroundFixture server)
{
    private const string Stories = ServerFixture.StoriesModel;
    private const string Prompt = "Once upon a time";
    private const string Weather = """
        {"type":"function","function":{"name":"get_weather","description":"Current weather of a city",
         "parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"},
                       "unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}}}
        """;

    [ChromiumFact]
    public async Task An_answer_streams_in_and_equals_the_APIs_greedy_text_with_its_figures()
    {
        const int maxTokens = 400;
        var (_, api, raw) = await server.Http.PostJsonAsync("v1/chat/completions", new JsonObject
        {
            ["model"] = Stories, ["temperature"] = 0, ["max_tokens"] = maxTokens,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = Prompt }),
        });
        var expected = (string)api!["choices"]![0]!["message"]!["content"]!;
        var expectedTokens = (int)api["usage"]!["completion_tokens"]!;
        Assert.True(expectedTokens > 50, raw);

        await using var p = await OpenChatAsync();
        await PickAsync(p, Stories);
        await p.Page.GetByLabel("Temperature").FillAsync("0");
        await p.Page.GetByLabel("Max tokens").FillAsync(maxTokens.ToString());
        // Every text length the answer shows while it is still streaming.
        await p.Page.EvaluateAsync("""
            () => {
              window.partials = [];
              const log = document.querySelector('[role=log]');
              new MutationObserver(() => {
                const a = [...log.querySelectorAll('[data-role=assistant]')].pop();
                if (a?.dataset.state === 'streaming') window.partials.push(a.querySelector('.chat-text').textContent.length);
              }).observe(log, { subtree: true, childList: true, characterData: true });
            }
            """);
        await Message(p).FillAsync(Prompt);
        await Message(p).PressAsync("Enter");

        var answer = Answer(p);
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 30_000 });
        var partials = (await p.Page.EvaluateAsync<int[]>("() => window.partials")).Where(n => n > 0).Distinct().ToList();
        Assert.True(partials.Count >= 2, $"partial lengths seen while streaming: {string.Join(", ", partials)}");

        var stored = await StoredAsync(p);
        var messages = stored[0]!["messages"]!.AsArray();
        Assert.Equal(Prompt, (string?)messages[0]!["content"]);
        Assert.Equal(expected, (string?)messages[1]!["content"]);
        Assert.Equal(Normalize(expected), Normalize(await answer.Locator(".chat-text").InnerTextAsync()));
        var meta = await answer.Locator(".chat-meta").InnerTextAsync();
        Assert.Matches($@"^local · {expectedTokens} tokens · \d+ ms to first token · [\d.]+ tokens/s$", meta);
        await Assertions.Expect(Message(p)).ToHaveValueAsync("");

        var chat = p.Requests.Single(r => r.Url.EndsWith("/v1/chat/completions"));
        var sent = JsonNode.Parse(chat.PostData!)!;
        Assert.True((bool)sent["stream"]!);
        Assert.True((bool)sent["stream_options"]!["include_usage"]!);
        Assert.Equal(maxTokens, (int)sent["max_tokens"]!);
        await p.ScreenshotAsync("chat");
        AssertClean(p);
    }

    [ChromiumFact]
    public async Task Stop_cancels_the_request_the_server_frees_the_slot_and_the_answer_is_marked_stopped()
    {
        var scheduler = (await server.GetLoadedModelAsync(Stories)).Scheduler;
        await DisconnectTests.WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
        var before = scheduler.Stats;

        await using var p = await OpenChatAsync();
        await PickAsync(p, Stories);
        await LongGenerationAsync(p);
        await Message(p).FillAsync(Prompt);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        var answer = Answer(p);
        await Assertions.Expect(answer.Locator(".chat-text")).Not.ToBeEmptyAsync();
        Assert.Equal(1, await BusySlotsAsync());
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Stop", Exact = true }).ClickAsync();

        await Assertions.Expect(answer).ToHaveAttributeAsync("data-state", "stopped");
        await Assertions.Expect(answer.Locator(".chat-badge")).ToHaveTextAsync("stopped");
        await DisconnectTests.WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
        Assert.Equal(0, await BusySlotsAsync());
        var after = scheduler.Stats;
        Assert.Equal(before.CompletedRequests, after.CompletedRequests);
        Assert.True(after.GeneratedTokens - before.GeneratedTokens < 2000, $"{after.GeneratedTokens - before.GeneratedTokens} tokens generated");
        // Stopped answers have no usage: their tokens are the chunks counted.
        await Assertions.Expect(answer.Locator(".chat-meta")).ToContainTextAsync("(chunks counted)");
        var stored = await StoredAsync(p);
        Assert.True((bool)stored[0]!["messages"]![1]!["stopped"]!);
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true })).ToBeEnabledAsync();

        // Escape in the message box stops too.
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Regenerate", Exact = true }).ClickAsync();
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-state", "streaming");
        await Assertions.Expect(answer.Locator(".chat-text")).Not.ToBeEmptyAsync();
        await Message(p).PressAsync("Escape");
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-state", "stopped");
        await DisconnectTests.WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
        Assert.Equal(0, await BusySlotsAsync());
        Assert.Equal(before.CompletedRequests, scheduler.Stats.CompletedRequests);
        AssertClean(p);
    }

    [ChromiumFact]
    public async Task Markup_in_model_or_user_text_is_shown_as_text_and_Markdown_becomes_elements()
    {
        await using var p = await OpenChatAsync();
        var dialogs = new List<string>();
        p.Page.Dialog += async (_, d) => { lock (dialogs) dialogs.Add(d.Message); await d.DismissAsync(); };
        const string userMarkup = "<img src=x onerror=\"window.pwned='user'\"><script>window.pwned='script'</script>";
        const string answerMarkup = """
            Here is **bold**, *italic*, `<b>code</b>` and a [safe link](https://example.com/docs).
            <img src=x onerror="window.pwned='answer'"> and <script>alert(1)</script>
            [bad link](javascript:window.pwned='link') and [data](data:text/html;base64,PHNjcmlwdD4=)

            - one <iframe src="javascript:alert(3)"></iframe>
            - two

            ```html
            <img src=x onerror="window.pwned='code'">
            ```
            """;
        var file = new JsonObject
        {
            ["format"] = "microai-chat", ["version"] = 1,
            ["conversations"] = new JsonArray(new JsonObject
            {
                ["title"] = "markup", ["model"] = Stories,
                ["messages"] = new JsonArray(
                    new JsonObject { ["role"] = "user", ["content"] = userMarkup },
                    new JsonObject { ["role"] = "assistant", ["content"] = answerMarkup, ["model"] = Stories, ["onerror"] = "x" }),
            }),
        };
        await p.Page.GetByLabel("Import conversations (JSON file)").SetInputFilesAsync(new FilePayload
        {
            Name = "markup.json", MimeType = "application/json", Buffer = System.Text.Encoding.UTF8.GetBytes(file.ToJsonString()),
        });

        var log = p.Page.GetByRole(AriaRole.Log);
        await Assertions.Expect(log.Locator("[data-role=user] .chat-text")).ToHaveTextAsync(userMarkup);
        var answer = Answer(p);
        await Assertions.Expect(answer).ToContainTextAsync("<img src=x onerror=\"window.pwned='answer'\"> and <script>alert(1)</script>");
        await Assertions.Expect(answer.Locator("strong")).ToHaveTextAsync("bold");
        await Assertions.Expect(answer.Locator("em")).ToHaveTextAsync("italic");
        await Assertions.Expect(answer.Locator("p code")).ToHaveTextAsync("<b>code</b>");
        await Assertions.Expect(answer.Locator("li")).ToHaveCountAsync(2);
        await Assertions.Expect(answer.Locator("pre code")).ToHaveTextAsync("<img src=x onerror=\"window.pwned='code'\">");
        var link = answer.GetByRole(AriaRole.Link);
        await Assertions.Expect(link).ToHaveCountAsync(1);
        await Assertions.Expect(link).ToHaveAttributeAsync("href", "https://example.com/docs");
        await Assertions.Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer");
        await Assertions.Expect(answer).ToContainTextAsync("bad link and data");

        // Now as the user types it, sent to the model.
        await PickAsync(p, Stories);
        await p.Page.GetByLabel("Max tokens").FillAsync("8");
        await Message(p).FillAsync(userMarkup);
        await Message(p).PressAsync("Enter");
        await Assertions.Expect(log.Locator("[data-role=user] .chat-text").Last).ToHaveTextAsync(userMarkup);
        await Assertions.Expect(Answer(p)).ToHaveAttributeAsync("data-state", "done");

        Assert.Equal(0, await log.Locator("img, script, iframe, object, embed").CountAsync());
        Assert.Null(await p.Page.EvaluateAsync<string?>("() => window.pwned ?? null"));
        Assert.Empty(dialogs);
        AssertClean(p);
    }

    [ChromiumFact]
    public async Task The_chat_works_by_keyboard_alone_with_visible_focus()
    {
        var scheduler = (await server.GetLoadedModelAsync(Stories)).Scheduler;
        await using var p = await OpenChatAsync();
        var keyboard = p.Page.Keyboard;
        await TabToAsync(p, ModelButton(p, Stories));
        Assert.NotEqual("none", await p.Page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        await keyboard.PressAsync("Space");
        await Assertions.Expect(ModelButton(p, Stories)).ToHaveAttributeAsync("aria-pressed", "true");

        await TabToAsync(p, p.Page.GetByLabel("Temperature"));
        await keyboard.TypeAsync("1");
        await keyboard.PressAsync("Tab"); // Top p
        await keyboard.PressAsync("Tab");
        await keyboard.TypeAsync("2000"); // Max tokens
        await keyboard.PressAsync("Tab");
        await keyboard.TypeAsync("3"); // Seed
        await Assertions.Expect(p.Page.GetByLabel("Max tokens")).ToHaveValueAsync("2000");

        await TabToAsync(p, Message(p), backwards: true);
        await keyboard.TypeAsync(Prompt);
        await keyboard.PressAsync("Shift+Enter");
        await keyboard.TypeAsync("there was");
        await Assertions.Expect(Message(p)).ToHaveValueAsync($"{Prompt}\nthere was");
        await keyboard.PressAsync("Enter");
        var answer = Answer(p);
        await Assertions.Expect(answer.Locator(".chat-text")).Not.ToBeEmptyAsync();

        // Send is disabled while answering, so the next stop is Stop.
        await keyboard.PressAsync("Tab");
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Button, new() { Name = "Stop", Exact = true })).ToBeFocusedAsync();
        await keyboard.PressAsync("Space");
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-state", "stopped");
        await Assertions.Expect(Message(p)).ToBeFocusedAsync();

        await TabToAsync(p, p.Page.GetByRole(AriaRole.Button, new() { Name = "Regenerate" }));
        await keyboard.PressAsync("Enter");
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-state", "streaming");
        await Assertions.Expect(answer.Locator(".chat-text")).Not.ToBeEmptyAsync();
        await keyboard.PressAsync("Tab");
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Button, new() { Name = "Stop", Exact = true })).ToBeFocusedAsync();
        await keyboard.PressAsync("Enter");
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-state", "stopped");

        // Regenerate replaced the answer: one question, one answer.
        var log = p.Page.GetByRole(AriaRole.Log);
        await Assertions.Expect(log.Locator("[data-role=user]")).ToHaveCountAsync(1);
        await Assertions.Expect(log.Locator("[data-role=assistant]")).ToHaveCountAsync(1);
        Assert.Equal(2, p.Requests.Count(r => r.Url.EndsWith("/v1/chat/completions")));
        await DisconnectTests.WaitForIdleAsync(scheduler, TimeSpan.FromSeconds(5));
        AssertClean(p);
    }

    [ChromiumFact]
    public async Task Every_control_has_a_name_the_log_is_polite_and_models_that_cannot_chat_say_why()
    {
        await using var p = await OpenChatAsync();
        await p.Page.GetByText("Advanced: tools").ClickAsync();
        var controls = p.Page.Locator("main input, main select, main textarea");
        var count = await controls.CountAsync();
        Assert.True(count >= 9, $"{count} controls");
        for (var i = 0; i < count; i++)
            await Assertions.Expect(controls.Nth(i)).ToHaveAccessibleNameAsync(new Regex(@"\S"));
        var buttons = p.Page.Locator("button:visible");
        for (var i = 0; i < await buttons.CountAsync(); i++)
            await Assertions.Expect(buttons.Nth(i)).ToHaveAccessibleNameAsync(new Regex(@"\S"));

        var log = p.Page.GetByRole(AriaRole.Log);
        await Assertions.Expect(log).ToHaveAttributeAsync("aria-live", "polite");
        await Assertions.Expect(log).ToHaveAccessibleNameAsync("Messages");

        var magika = ModelButton(p, ChatPlaygroundFixture.Magika);
        await Assertions.Expect(magika).ToBeDisabledAsync();
        await Assertions.Expect(magika).ToContainTextAsync("classification only: not a text model");
        await Assertions.Expect(ModelButton(p, Stories)).ToContainTextAsync("completion");
        await Assertions.Expect(ModelButton(p, Stories)).ToBeEnabledAsync();
        AssertClean(p);
    }

    [ChromiumFact]
    public async Task A_conversation_survives_a_reload_exports_as_JSON_imports_and_deletes()
    {
        await using var p = await OpenChatAsync();
        await PickAsync(p, Stories);
        await p.Page.GetByLabel("System prompt").FillAsync("Tell short stories.");
        await p.Page.GetByLabel("Temperature").FillAsync("0");
        await p.Page.GetByLabel("Max tokens").FillAsync("20");
        await Message(p).FillAsync(Prompt);
        await Message(p).PressAsync("Enter");
        await Assertions.Expect(Answer(p)).ToHaveAttributeAsync("data-state", "done");
        var text = (string)(await StoredAsync(p))[0]!["messages"]![1]!["content"]!;
        Assert.NotEmpty(text);

        await p.Page.ReloadAsync();
        await Assertions.Expect(ModelButton(p, Stories)).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Log).Locator("[data-role=user] .chat-text")).ToHaveTextAsync(Prompt);
        await Assertions.Expect(Answer(p)).ToHaveAttributeAsync("data-state", "done");
        await Assertions.Expect(p.Page.GetByLabel("System prompt")).ToHaveValueAsync("Tell short stories.");
        await Assertions.Expect(p.Page.GetByLabel("Max tokens")).ToHaveValueAsync("20");
        var conversation = p.Page.GetByRole(AriaRole.Button, new() { Name = Prompt, Exact = true });
        await Assertions.Expect(conversation).ToHaveAttributeAsync("aria-current", "true");

        // Export: an <a download> with a blob: URL, which the page's CSP allows.
        var download = await p.Page.RunAndWaitForDownloadAsync(() => p.Page.GetByRole(AriaRole.Button, new() { Name = "Export", Exact = true }).ClickAsync());
        var path = await download.PathAsync();
        var exported = JsonNode.Parse(await File.ReadAllTextAsync(path!))!;
        Assert.Equal("microai-chat", (string?)exported["format"]);
        var messages = exported["conversations"]![0]!["messages"]!.AsArray();
        Assert.Equal([("user", Prompt), ("assistant", text)], messages.Select(m => ((string)m!["role"]!, (string)m["content"]!)));
        Assert.Equal("Tell short stories.", (string?)exported["conversations"]![0]!["settings"]!["system"]);

        // The same conversation imported into a fresh browser in dark mode.
        await using (var dark = await server.OpenAsync("#/chat", new BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 860 }, ColorScheme = ColorScheme.Dark }))
        {
            await Assertions.Expect(ModelButton(dark, Stories)).ToBeVisibleAsync();
            await dark.Page.GetByLabel("Import conversations (JSON file)").SetInputFilesAsync(path!);
            await Assertions.Expect(Answer(dark).Locator(".chat-meta")).ToContainTextAsync("tokens/s");
            await Assertions.Expect(dark.Page.GetByRole(AriaRole.Button, new() { Name = "New conversation", Exact = true })).ToHaveCountAsync(1);
            await dark.ScreenshotAsync("chat-dark");
            AssertClean(dark);
        }

        await p.Page.GetByRole(AriaRole.Button, new() { Name = "New conversation" }).ClickAsync();
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Log).Locator("article")).ToHaveCountAsync(0);
        await p.Page.GetByLabel("Import conversations (JSON file)").SetInputFilesAsync(path!);
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Button, new() { Name = Prompt, Exact = true })).ToHaveCountAsync(2);
        await Assertions.Expect(Answer(p)).ToHaveTextAsync(new Regex(Regex.Escape(text.Trim()[..Math.Min(10, text.Trim().Length)])));
        // The empty new conversation gave way to the imported one.
        Assert.Equal(2, (await StoredAsync(p)).Count);

        await p.Page.GetByRole(AriaRole.Button, new() { Name = $"Delete “{Prompt}”" }).First.ClickAsync();
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Button, new() { Name = Prompt, Exact = true })).ToHaveCountAsync(1);
        Assert.Single(await StoredAsync(p));
        AssertClean(p);
    }

    [ChromiumFact]
    public async Task A_tool_call_is_shown_as_a_call_with_its_name_and_arguments()
    {
        // A seed for which the API, asked the same, calls the tool (most do: see ForcedToolCallTests).
        JsonNode? call = null;
        var seed = 0;
        while (call is null && ++seed <= 10)
        {
            var (_, body, raw) = await server.Http.PostJsonAsync("v1/chat/completions", $$"""
                {"model":"{{ChatPlaygroundFixture.ToolModel}}","tools":[{{Weather}}],"tool_choice":"required","stream":false,
                 "messages":[{"role":"user","content":"What is the weather in Paris?"}],"max_tokens":200,"seed":{{seed}}}
                """);
            call = body?["choices"]?[0]?["message"]?["tool_calls"]?[0]?["function"];
        }
        Assert.NotNull(call);

        await using var p = await OpenChatAsync();
        await PickAsync(p, ChatPlaygroundFixture.ToolModel);
        await p.Page.GetByText("Advanced: tools").ClickAsync();
        await p.Page.GetByLabel("Tool definitions (JSON array, OpenAI format)").FillAsync($"[{Weather}]");
        await p.Page.GetByLabel("Tool choice").SelectOptionAsync("required");
        await p.Page.GetByLabel("Max tokens").FillAsync("200");
        await p.Page.GetByLabel("Seed").FillAsync(seed.ToString());
        await Message(p).FillAsync("What is the weather in Paris?");
        await Message(p).PressAsync("Enter");

        var answer = Answer(p);
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-state", "done");
        var block = answer.GetByRole(AriaRole.Group, new() { Name = "Tool call: get_weather" });
        await Assertions.Expect(block).ToBeVisibleAsync();
        var shown = JsonNode.Parse(await block.Locator("pre").InnerTextAsync());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse((string)call!["arguments"]!), shown), $"{call["arguments"]} vs {shown}");
        var sent = JsonNode.Parse(p.Requests.Single(r => r.Url.EndsWith("/v1/chat/completions")).PostData!)!;
        Assert.Equal("required", (string?)sent["tool_choice"]);
        Assert.Equal("get_weather", (string?)sent["tools"]![0]!["function"]!["name"]);

        // Bad JSON in the tool definitions is refused on the page, with nothing sent.
        await p.Page.GetByLabel("Tool definitions (JSON array, OpenAI format)").FillAsync("[{");
        await Message(p).FillAsync("again");
        await Message(p).PressAsync("Enter");
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("The tool definitions are not JSON");
        Assert.Single(p.Requests, r => r.Url.EndsWith("/v1/chat/completions"));
        AssertClean(p);
    }

    private async Task<PlaygroundPage> OpenChatAsync()
    {
        var p = await server.OpenAsync("#/chat");
        await Assertions.Expect(ModelButton(p, Stories)).ToBeVisibleAsync();
        return p;
    }

    private static ILocator ModelButton(PlaygroundPage p, string id) =>
        p.Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"^{Regex.Escape(id)} ") });

    private static async Task PickAsync(PlaygroundPage p, string id)
    {
        await ModelButton(p, id).ClickAsync();
        await Assertions.Expect(ModelButton(p, id)).ToHaveAttributeAsync("aria-pressed", "true");
    }

    private static ILocator Message(PlaygroundPage p) => p.Page.GetByLabel("Message", new() { Exact = true });

    private static ILocator Answer(PlaygroundPage p) => p.Page.GetByRole(AriaRole.Log).Locator("[data-role=assistant]").Last;

    /// <summary>Temperature 1 with a seed: stories260K then runs past 2000 tokens without an end of text (as DisconnectTests rely on).</summary>
    private static async Task LongGenerationAsync(PlaygroundPage p)
    {
        await p.Page.GetByLabel("Temperature").FillAsync("1");
        await p.Page.GetByLabel("Seed").FillAsync("3");
        await p.Page.GetByLabel("Max tokens").FillAsync("2000");
    }

    /// <summary>Presses Tab (or Shift+Tab) until <paramref name="target"/> has focus.</summary>
    private static async Task TabToAsync(PlaygroundPage p, ILocator target, bool backwards = false)
    {
        for (var i = 0; i < 60; i++)
        {
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement"))
                return;
            await p.Page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
        }
        Assert.Fail($"Tab never reached {target}");
    }

    private static async Task<JsonArray> StoredAsync(PlaygroundPage p) =>
        JsonNode.Parse(await p.Page.EvaluateAsync<string>("() => localStorage.getItem('microai.chat.conversations')"))!.AsArray();

    private async Task<int> BusySlotsAsync()
    {
        var metrics = await server.Http.GetStringAsync("metrics");
        var m = Regex.Match(metrics, $@"^microai_busy_slots\{{model=""{Regex.Escape(Stories)}""\}} (\d+)$", RegexOptions.Multiline);
        Assert.True(m.Success, "microai_busy_slots for stories260K is not in /metrics");
        return int.Parse(m.Groups[1].Value);
    }

    private static string Normalize(string s) => Regex.Replace(s, @"\s+", " ").Trim();

    private void AssertClean(PlaygroundPage p)
    {
        Assert.Empty(p.Errors);
        var origin = server.BaseUri.GetLeftPart(UriPartial.Authority);
        Assert.All(p.Requests.Where(r => !r.Url.StartsWith("blob:")), r => Assert.Equal(origin, new Uri(r.Url).GetLeftPart(UriPartial.Authority)));
    }
}
