using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Hostile;

/// <summary>
/// Corrupt model files configured by path: a request for one gets an OpenAI-shaped error saying the
/// file is invalid and why, the process survives, and the good model keeps serving. `microai import`
/// refuses them with exit code 2.
/// </summary>
public sealed class CorruptModelFileTests(CorruptModelsServerFixture server) : IClassFixture<CorruptModelsServerFixture>
{
    [Fact]
    public async Task Every_corrupt_model_is_refused_with_its_reason_and_the_good_model_keeps_serving()
    {
        foreach (var (id, path) in server.Models)
        {
            var onnx = id.StartsWith("bad-onnx-", StringComparison.Ordinal);
            var (response, body, raw) = onnx
                ? await server.Http.PostJsonAsync("v1/classifications", new JsonObject { ["model"] = id, ["input"] = "text" })
                : await server.Http.PostJsonAsync("v1/completions", new JsonObject { ["model"] = id, ["prompt"] = "Once", ["max_tokens"] = 2 });

            // The server's own file is broken: a 500 (not the client's fault), named and explained.
            Assert.True((int)response.StatusCode == 500, $"{id}: {(int)response.StatusCode} {raw}");
            Assert.Null(HostileClient.ErrorShapeProblem(response.Content.Headers.ContentType?.ToString(), raw));
            Assert.Equal("invalid_model_file", (string?)body!["error"]!["code"]);
            var message = (string)body["error"]!["message"]!;
            Assert.Contains(id, message, StringComparison.Ordinal);
            if (!onnx)
                Assert.Contains("is not a valid GGUF file", message, StringComparison.Ordinal);

            // Other endpoints that load models say the same.
            var (tokenize, _, tokenizeRaw) = await server.Http.PostJsonAsync("tokenize", new JsonObject { ["model"] = id, ["content"] = "x" });
            Assert.True((int)tokenize.StatusCode == 500 && tokenizeRaw.Contains("invalid_model_file", StringComparison.Ordinal), tokenizeRaw);
        }

        var (ok, okBody, okRaw) = await server.Http.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest());
        Assert.True(ok.IsSuccessStatusCode, okRaw);
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)okBody!["choices"]![0]!["text"]);
        using var health = await server.Http.GetAsync("health");
        Assert.Equal(200, (int)health.StatusCode);
    }

    [Fact]
    public async Task The_model_list_shows_each_corrupt_file_with_its_error()
    {
        using var list = await server.Http.GetAsync("api/models");
        var models = JsonNode.Parse(await list.Content.ReadAsStringAsync())!["models"]!.AsArray();

        foreach (var (id, _) in server.Models)
        {
            var entry = models.Single(m => (string?)m!["id"] == id)!;
            Assert.False(string.IsNullOrWhiteSpace((string?)entry["metadata"]!["error"]), $"{id}: {entry.ToJsonString()}");
            Assert.Empty(entry["metadata"]!["capabilities"]!.AsArray());
        }
        Assert.Null(models.Single(m => (string?)m!["id"] == ServerFixture.StoriesModel)!["metadata"]!["error"]);
    }

    [Fact]
    public async Task Import_through_the_cli_refuses_corrupt_files_with_exit_code_2()
    {
        using var data = new TempDataDirectory();
        foreach (var (id, path) in server.Models.Where(m => m.Id is "bad-gguf-kv-count-2^63" or "bad-gguf-overlapping-tensors" or "bad-onnx-random-bytes"))
        {
            var import = await MicroAICli.RunAsync(data.Path, "import", id.StartsWith("bad-onnx", StringComparison.Ordinal) ? Path.GetDirectoryName(path)! : path, "--name", "hostile", "--json");
            Assert.True(import.ExitCode == 2, $"{id}: {import}");
            Assert.False(string.IsNullOrWhiteSpace((string?)import.Json["error"]!["message"]), import.ToString());
        }
        var list = await MicroAICli.RunAsync(data.Path, "list", "--json");
        Assert.Empty(list.Json.AsArray());
    }
}
