using System.Globalization;
using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests.Upstreams;

/// <summary>
/// The central MicroAI: a real process serving stories260K, shared by the forwarding tests of the
/// collection (each test starts its own edge, configured for what it checks). A test that kills its
/// upstream starts one of its own instead.
/// </summary>
public sealed class CentralFixture : IAsyncLifetime
{
    public MicroAIProcess Central { get; private set; } = null!;

    public async Task InitializeAsync() => Central = await MicroAIProcess.StartAsync(withStories: true, []);

    public async Task DisposeAsync()
    {
        if (Central is not null)
            await Central.DisposeAsync();
    }
}

/// <summary>Forwarding tests run one at a time: each starts server processes, and the machine may have two cores.</summary>
[CollectionDefinition(Name)]
public sealed class UpstreamCollection : ICollectionFixture<CentralFixture>
{
    public const string Name = "Upstreams";
}

/// <summary>The configuration contract of issue 20, as command-line arguments of an edge.</summary>
internal static class EdgeArgs
{
    public static string Upstream(string name, string key, object value) =>
        string.Create(CultureInfo.InvariantCulture, $"--MicroAI:Upstreams:{name}:{key}={value}");

    public static string Model(string id, string key, object value) =>
        string.Create(CultureInfo.InvariantCulture, $"--MicroAI:Models:{id}:{key}={value}");
}

/// <summary>Reads labelled samples from a /metrics body (Prometheus text format).</summary>
internal static class MetricSamples
{
    /// <summary>The sum of <paramref name="metric"/>'s samples carrying every <c>name="value"</c> pair of <paramref name="labels"/>.</summary>
    public static double Sum(string text, string metric, params (string Name, string Value)[] labels)
    {
        var sum = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(metric, StringComparison.Ordinal))
                continue;
            var rest = line.AsSpan(metric.Length);
            if (rest.Length == 0 || rest[0] != '{' && rest[0] != ' ')
                continue; // another metric whose name starts with this one
            if (labels.Any(l => !line.Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal)))
                continue;
            var space = line.LastIndexOf(' ');
            sum += double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return sum;
    }

    public static async Task<double> SumAsync(HttpClient http, string metric, params (string Name, string Value)[] labels) =>
        Sum(await http.GetStringAsync("metrics"), metric, labels);
}

internal static class StoriesRequests
{
    /// <summary>A greedy chat request for stories260K (or <paramref name="model"/>): one user turn, <paramref name="maxTokens"/> tokens.</summary>
    public static JsonObject GreedyChat(string model, string prompt = "Once upon a time", int maxTokens = 24, bool stream = false) => new()
    {
        ["model"] = model,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
        ["temperature"] = 0,
        ["max_tokens"] = maxTokens,
        ["stream"] = stream,
    };
}
