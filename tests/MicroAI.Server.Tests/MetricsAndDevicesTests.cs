using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MicroAI.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed partial class MetricsAndDevicesTests(ServerFixture server)
{
    [Fact]
    public async Task Metrics_are_prometheus_text_with_counters_histograms_and_scheduler_gauges()
    {
        await server.Http.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest(stream: true));
        await server.Http.PostJsonAsync("v1/completions", GreedyGenerationTests.OnceUponATimeRequest());

        using var response = await server.Http.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        Assert.Contains("# TYPE microai_requests_total counter", text, StringComparison.Ordinal);
        Assert.Matches(@"microai_requests_total\{endpoint=""/v1/completions"",status=""200""\} \d+", text);
        Assert.True(Value(text, $"microai_generated_tokens_total{{model=\"{ServerFixture.StoriesModel}\"}}") >= 80);
        Assert.Contains("# TYPE microai_time_to_first_token_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains($"microai_busy_slots{{model=\"{ServerFixture.StoriesModel}\"}}", text, StringComparison.Ordinal);
        Assert.Contains($"microai_queue_depth{{model=\"{ServerFixture.StoriesModel}\"}}", text, StringComparison.Ordinal);

        // Buckets are cumulative and the +Inf bucket equals the count.
        var buckets = BucketRegex().Matches(text).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(buckets);
        Assert.Equal(buckets.Order(), buckets);
        Assert.Equal(buckets[^1], Value(text, $"microai_inter_token_latency_seconds_count{{model=\"{ServerFixture.StoriesModel}\"}}"));

        // Every sample line is "name{labels} number" or "name number"; names as the exposition format allows
        // them, colons included (the inference extension's vllm:… names).
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')))
            Assert.Matches(@"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-z_]+=""([^""\\]|\\.)*"",?)*\})? [0-9.eE+\-]+$", line);
    }

    [Fact]
    public async Task Devices_lists_the_cpu_found_by_ggml()
    {
        using var response = await server.Http.GetAsync("api/devices");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.True(response.IsSuccessStatusCode);
        var engine = body["engines"]![0]!;
        Assert.Equal("llama.cpp", (string?)engine["name"]);
        Assert.Contains(engine["devices"]!.AsArray(), d => (string?)d!["type"] == "cpu" && (long)d["memory_total"]! > 0);
    }

    private static double Value(string text, string series)
    {
        var line = text.Split('\n').First(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"microai_inter_token_latency_seconds_bucket\{model=""stories260K"",le=""[^""]+""\} (\d+)")]
    private static partial Regex BucketRegex();
}
