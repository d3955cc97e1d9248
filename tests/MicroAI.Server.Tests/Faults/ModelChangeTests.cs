using System.Net;
using System.Text.Json.Nodes;
using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Store;
using MicroAI.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace MicroAI.Server.Tests.Faults;

/// <summary>
/// A registry model deleted or replaced while a stream of it runs: the stream ends cleanly (every
/// event whole, the last one [DONE] or an error), the next request sees the change, the server lives on.
/// A replacement fails no one: requests running on the old version finish on it, new ones go to the new one.
/// </summary>
public sealed class ModelChangeTests : IAsyncLifetime
{
    private readonly TempDataDirectory _data = new();
    private RegistryTestServer _server = null!;

    public async Task InitializeAsync() => _server = await RegistryTestServer.StartAsync(_data.Path);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    private ModelStore Store => _server.Services.GetRequiredService<IModelCatalog>().Store;

    [Fact]
    public async Task DeletedWhileStreaming_StreamEndsCleanly_ThenNotFound()
    {
        Assert.True((await Store.ImportAsync(new ImportRequest(TestPaths.Stories260K, "story"), null, default)).Success);

        var (stream, deleted) = await StreamWhileAsync(async () =>
        {
            using var response = await _server.Http.DeleteAsync("api/models/story");
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        });
        Assert.True(deleted.Item1 == HttpStatusCode.OK, deleted.Item2);
        AssertEndedCleanly(await stream.WaitAsync(TimeSpan.FromSeconds(30)));

        var (after, _, text) = await _server.Http.PostJsonAsync("v1/completions", Greedy("story"));
        ErrorResponseTests.AssertError(after, text, HttpStatusCode.NotFound, "model");
        Assert.DoesNotContain(_server.Services.GetRequiredService<MicroAI.Runtime.Models.IModelHost>().Loaded, m => m.Entry.Id.StartsWith("story", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReplacedWhileStreaming_StreamEndsCleanly_ThenTheNewModelServes()
    {
        Assert.True((await Store.ImportAsync(new ImportRequest(TestPaths.Stories260K, "story"), null, default)).Success);
        var storiesAnswer = (string?)(await _server.GreedyCompletionAsync("story"))["choices"]![0]!["text"];
        Assert.Equal(TestPaths.OnceUponATimeGreedy, storiesAnswer);

        // The same name now points at another file (what `microai import other.gguf --name story` does).
        var (stream, replaced) = await StreamWhileAsync(async () =>
            (await Store.ImportAsync(new ImportRequest(TestPaths.TinyRandomLlama, "story"), null, default)).Success);
        Assert.True(replaced);

        // The next request, sent while the old stream still runs, loads the new file; the old stream finishes on the old one.
        var next = await _server.GreedyCompletionAsync("story");
        Assert.NotEqual(storiesAnswer, (string?)next["choices"]![0]!["text"]);
        var detail = await _server.GetJsonAsync("api/models/story");
        Assert.Contains("tiny", detail.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        var old = await stream.WaitAsync(TimeSpan.FromSeconds(60));
        AssertEndedCleanly(old);
        Assert.Equal("[DONE]", old.Events[^1]);
    }

    [Fact]
    public async Task ReplacedBackAndForthUnderLoad_NoRequestFails_AndEachAnswerIsOneVersions()
    {
        Assert.True((await Store.ImportAsync(new ImportRequest(TestPaths.Stories260K, "story"), null, default)).Success);
        // Long answers (400 tokens, a few hundred ms each), so every switch finds requests running.
        var storiesAnswer = await AnswerAsync("story");
        Assert.True((await Store.ImportAsync(new ImportRequest(TestPaths.TinyRandomLlama, "other"), null, default)).Success);
        var otherAnswer = await AnswerAsync("other");
        Assert.NotEqual(storiesAnswer, otherAnswer);

        // Two clients send greedy requests back to back while "story" is switched between the two files seven times.
        using var stop = new CancellationTokenSource();
        var answers = new System.Collections.Concurrent.ConcurrentBag<string>();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var clients = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (response, body, text) = await _server.Http.PostJsonAsync("v1/completions", Greedy("story", LongAnswer));
                if (response.StatusCode != HttpStatusCode.OK)
                    failures.Add(text);
                else
                    answers.Add((string)body!["choices"]![0]!["text"]!);
            }
        })).ToList();
        for (var i = 0; i < 7; i++)
        {
            await Task.Delay(300);
            var source = i % 2 == 0 ? TestPaths.TinyRandomLlama : TestPaths.Stories260K;
            Assert.True((await Store.ImportAsync(new ImportRequest(source, "story"), null, default)).Success);
        }
        await Task.Delay(300);
        stop.Cancel();
        await Task.WhenAll(clients);

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(3)));
        Assert.True(answers.Count >= 6, $"only {answers.Count} answers");
        Assert.All(answers, a => Assert.True(a == storiesAnswer || a == otherAnswer, a));
        Assert.Contains(otherAnswer, answers);
        Assert.Equal(otherAnswer, await AnswerAsync("story"));
    }

    private const int LongAnswer = 400;

    private async Task<string> AnswerAsync(string model)
    {
        var (response, body, text) = await _server.Http.PostJsonAsync("v1/completions", Greedy(model, LongAnswer));
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return (string)body!["choices"]![0]!["text"]!;
    }

    /// <summary>Starts a long stream of "story" and runs <paramref name="change"/> once it is generating; the stream is still running on return.</summary>
    private async Task<(Task<SseResponse> Stream, T Changed)> StreamWhileAsync<T>(Func<Task<T>> change)
    {
        var body = new JsonObject { ["model"] = "story", ["prompt"] = "Once upon a time", ["stream"] = true, ["max_tokens"] = 2000, ["temperature"] = 1, ["seed"] = 5 };
        var streaming = _server.Http.PostStreamAsync("v1/completions", body);
        var host = _server.Services.GetRequiredService<MicroAI.Runtime.Models.IModelHost>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!host.Loaded.OfType<MicroAI.Runtime.Models.LoadedTextModel>().Any(m => m.Scheduler.Stats.GeneratedTokens > 0))
        {
            Assert.True(DateTime.UtcNow < deadline, "the stream never started generating");
            await Task.Delay(1);
        }
        var changed = await change();
        return (streaming, changed);
    }

    internal static void AssertEndedCleanly(SseResponse stream)
    {
        Assert.Equal(200, stream.Status);
        // SseEvents.Parse (in PostStreamAsync) already refused any half-written event.
        var last = stream.Events[^1];
        if (last == "[DONE]")
            return;
        var error = JsonNode.Parse(last)!["error"];
        Assert.True(error is not null, $"the stream ended without [DONE] or an error event: {stream.Raw[^Math.Min(300, stream.Raw.Length)..]}");
        Assert.False(string.IsNullOrEmpty((string?)error["message"]));
        Assert.NotNull(error["type"]);
    }

    private static JsonObject Greedy(string model, int maxTokens = 40) => new() { ["model"] = model, ["prompt"] = "Once upon a time", ["temperature"] = 0, ["max_tokens"] = maxTokens };
}
