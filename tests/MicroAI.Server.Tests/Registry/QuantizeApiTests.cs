using System.Net;
using System.Text.Json.Nodes;
using MicroAI.ModelRegistry.Store;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests;

/// <summary>POST /api/quantize on a server of its own: NDJSON progress, lineage through /api/models, the result served, refusals that leave nothing.</summary>
public sealed class QuantizeApiTests : IAsyncLifetime
{
    private readonly TempDataDirectory _data = new();
    private RegistryTestServer _server = null!;

    public async Task InitializeAsync()
    {
        var imported = await new ModelStore(Path.Combine(_data.Path, "registry"))
            .ImportAsync(new ImportRequest(TestPaths.Stories260K, "stories"), null, CancellationToken.None);
        Assert.True(imported.Success, imported.Error);
        _server = await RegistryTestServer.StartAsync(_data.Path);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    private string PartialDirectory => Path.Combine(_data.Path, "registry", "partial");

    [Fact]
    public async Task Quantize_streams_progress_records_lineage_and_the_result_answers_a_chat()
    {
        using var response = await _server.Http.PostAsync("api/quantize", ServerHttp.JsonContent(new JsonObject { ["model"] = "stories", ["type"] = "q8_0", ["threads"] = 1 }));
        var ndjson = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, ndjson);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var quantizing = lines.Where(l => (string?)l["status"] == "quantizing").Select(l => (int)l["completed"]!).ToList();
        Assert.True(quantizing.Count >= 2, ndjson);
        Assert.Equal(quantizing.Order(), quantizing);
        Assert.All(lines.SkipLast(1), l => Assert.True(l["total"] is JsonValue, ndjson));
        var last = lines[^1];
        Assert.Equal("success", (string?)last["status"]);
        Assert.Equal("stories-q8_0:latest", (string?)last["model"]);
        Assert.Equal("Q8_0", (string?)last["type"]);
        Assert.True((long)last["size"]! < new FileInfo(TestPaths.Stories260K).Length / 2, ndjson);

        var shown = await _server.GetJsonAsync("api/models/stories-q8_0");
        var lineage = shown["metadata"]!["lineage"]!;
        Assert.Equal("stories:latest", (string?)lineage["parent"]);
        Assert.Equal("Q8_0", (string?)lineage["type"]);
        Assert.Equal("1", (string?)lineage["parameters"]!["threads"]);
        Assert.Equal((string?)shown["manifest"]!["lineage"]!["parentDigest"], (string?)lineage["parent_digest"]);
        Assert.Empty(Directory.GetFiles(PartialDirectory));

        using var chat = await _server.Http.PostAsync("v1/chat/completions", ServerHttp.JsonContent(new JsonObject
        {
            ["model"] = "stories-q8_0",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Once upon a time" }),
            ["max_tokens"] = 8,
            ["temperature"] = 0,
        }));
        var answer = await chat.Content.ReadAsStringAsync();
        Assert.True(chat.IsSuccessStatusCode, answer);
        Assert.False(string.IsNullOrEmpty((string?)JsonNode.Parse(answer)!["choices"]![0]!["message"]!["content"]), answer);
    }

    [Theory]
    [InlineData("""{"model":"stories","type":"Q9_9"}""", HttpStatusCode.BadRequest, "Unknown quantization type 'Q9_9'. Types: F32, F16")]
    [InlineData("""{"model":"stories","type":"F32"}""", HttpStatusCode.BadRequest, "would not make it smaller")]
    [InlineData("""{"model":"no-such-model","type":"Q4_0"}""", HttpStatusCode.NotFound, "does not exist")]
    [InlineData("""{"model":"stories"}""", HttpStatusCode.BadRequest, "type")]
    [InlineData("""{"model":"stories","type":"Q4_0","threads":-1}""", HttpStatusCode.BadRequest, "threads")]
    public async Task Refusals_are_plain_errors_and_leave_the_registry_as_it_was(string body, HttpStatusCode status, string message)
    {
        var before = await _server.ModelIdsAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _server.Http.PostAsync("api/quantize", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, (string?)JsonNode.Parse(text)!["error"]!["message"]);
        Assert.Equal(before, await _server.ModelIdsAsync());
        Assert.False(Directory.Exists(PartialDirectory) && Directory.GetFiles(PartialDirectory).Length > 0);
    }
}
