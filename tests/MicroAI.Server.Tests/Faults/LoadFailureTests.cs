using System.Net;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Faults;

/// <summary>The shared server plus "broken": stories260K cut off half-way (its header is fine, its tensors are missing).</summary>
public sealed class BrokenModelFixture : ServerFixture
{
    public const string BrokenModel = "broken";

    private readonly string _brokenPath = CreateTruncatedCopy();

    protected override IEnumerable<string> ExtraArguments => ["--MicroAI:Models:" + BrokenModel + ":Path=" + _brokenPath];

    private static string CreateTruncatedCopy()
    {
        var bytes = File.ReadAllBytes(TestPaths.Stories260K);
        var path = Path.Combine(Directory.CreateTempSubdirectory("microai-broken-model-").FullName, "broken.gguf");
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        return path;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(Path.GetDirectoryName(_brokenPath)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A model that fails to load answers with a clear error, every time; the others keep serving meanwhile.</summary>
public sealed class LoadFailureTests(BrokenModelFixture server) : IClassFixture<BrokenModelFixture>
{
    [Fact]
    public async Task BrokenModel_FailsClearly_WhileTheOthersKeepServing()
    {
        // A stream of the good model runs while the broken one is tried, twice over.
        var good = server.Http.PostStreamAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest(stream: true));
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var (response, _, text) = await server.Http.PostJsonAsync("v1/completions",
                new JsonObject { ["model"] = BrokenModelFixture.BrokenModel, ["prompt"] = "Once upon a time", ["max_tokens"] = 8 });
            Assert.True((int)response.StatusCode is >= 400 and < 600 and not 503, text);
            var error = JsonNode.Parse(text)!["error"]!;
            var message = (string?)error["message"];
            Assert.False(string.IsNullOrWhiteSpace(message), text);
            Assert.True(message!.Contains("broken", StringComparison.OrdinalIgnoreCase), $"the error does not name the model or its file: {text}");
        }

        var stream = await good;
        Assert.Equal(200, stream.Status);
        Assert.Equal("[DONE]", stream.Events[^1]);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, stream.JoinedText());

        using var health = await server.Http.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var (after, body, raw) = await server.Http.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest());
        Assert.True(after.IsSuccessStatusCode, raw);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)body!["choices"]![0]!["text"]);
        Assert.DoesNotContain(server.ModelHost.Loaded, m => m.Entry.Id == BrokenModelFixture.BrokenModel);
    }
}
