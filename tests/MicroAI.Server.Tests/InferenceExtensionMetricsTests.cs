using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests;

/// <summary>
/// The Gateway API Inference Extension's model-server metrics (vLLM's names) move with a loaded scheduler:
/// with 2 slots and 4 long streams, 2 run and 2 wait and the KV cache is partly used; when the streams end,
/// all three return to 0.
/// </summary>
public sealed class InferenceExtensionMetricsTests
{
    private static async Task<Dictionary<string, double>> MetricsAsync(HttpClient http) =>
        PrometheusText.SumByMetric(await http.GetStringAsync("metrics"));

    [Fact]
    public async Task Queued_running_and_kv_cache_usage_follow_the_requests()
    {
        using var data = new TempDataDirectory();
        await using var server = await RegistryTestServer.StartAsync(data.Path,
            $"--MicroAI:Models:story:Path={TestPaths.Stories260K}", "--MicroAI:ParallelSlots=2", "--MicroAI:ContextSize=512");
        var idle = await MetricsAsync(server.Http);
        Assert.Equal(0, idle["vllm:num_requests_waiting"]);
        Assert.Equal(0, idle["vllm:num_requests_running"]);
        Assert.Equal(0, idle["vllm:gpu_cache_usage_perc"]);
        Assert.Contains("vllm:lora_requests_info{max_lora=\"0\"", await server.Http.GetStringAsync("metrics"));

        using var stop = new CancellationTokenSource();
        var streams = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            var body = new JsonObject { ["model"] = "story", ["prompt"] = "Once upon a time", ["stream"] = true, ["max_tokens"] = 100_000, ["temperature"] = 1, ["seed"] = i };
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/completions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
            try
            {
                using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                await using var content = await response.Content.ReadAsStreamAsync(stop.Token);
                var buffer = new byte[4096];
                while (await content.ReadAsync(buffer, stop.Token) > 0)
                {
                }
            }
            catch (OperationCanceledException)
            {
            }
        })).ToList();

        Dictionary<string, double> busy = [];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            busy = await MetricsAsync(server.Http);
            if (busy["vllm:num_requests_running"] == 2 && busy["vllm:num_requests_waiting"] == 2 && busy["vllm:gpu_cache_usage_perc"] > 0)
                break;
            await Task.Delay(10);
        }
        stop.Cancel();
        await Task.WhenAll(streams);
        Assert.Equal(2, busy["vllm:num_requests_running"]);
        Assert.Equal(2, busy["vllm:num_requests_waiting"]);
        Assert.InRange(busy["vllm:gpu_cache_usage_perc"], 1e-6, 1);
        Assert.Equal(busy["vllm:gpu_cache_usage_perc"], busy["vllm:kv_cache_usage_perc"]);

        var after = busy;
        deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            after = await MetricsAsync(server.Http);
            if (after["vllm:num_requests_running"] == 0 && after["vllm:num_requests_waiting"] == 0 && after["vllm:gpu_cache_usage_perc"] == 0)
                break;
            await Task.Delay(20);
        }
        Assert.Equal(0, after["vllm:num_requests_running"]);
        Assert.Equal(0, after["vllm:num_requests_waiting"]);
        Assert.Equal(0, after["vllm:gpu_cache_usage_perc"]);
    }
}
