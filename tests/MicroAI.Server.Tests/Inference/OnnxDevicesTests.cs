using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests.Inference;

/// <summary>GET /api/devices lists ONNX Runtime's execution providers beside the ggml devices.</summary>
[Collection(InferenceCollection.Name)]
public sealed class OnnxDevicesTests(InferenceServerFixture server)
{
    [Fact]
    public async Task Onnx_runtime_providers_are_listed_with_why_an_unusable_one_cannot_be_used()
    {
        var body = JsonNode.Parse(await server.Http.GetStringAsync("api/devices"))!;
        var ort = body["engines"]!.AsArray().Single(e => (string?)e!["name"] == "onnxruntime")!;
        var providers = ort["providers"]!.AsArray();

        Assert.Equal("1.32.0", (string?)ort["version"]);
        Assert.True((bool)providers.Single(p => (string?)p!["name"] == "CPUExecutionProvider")!["available"]!);
        foreach (var name in (string[])["CUDAExecutionProvider", "DmlExecutionProvider", "CoreMLExecutionProvider"])
        {
            var p = providers.Single(x => (string?)x!["name"] == name)!;
            // This machine's CPU package has no usable GPU provider; each says why.
            Assert.False((bool)p["available"]!);
            Assert.False(string.IsNullOrEmpty((string?)p["reason"]));
        }
        Assert.Contains(body["engines"]!.AsArray(), e => (string?)e!["name"] == "llama.cpp");
    }
}
