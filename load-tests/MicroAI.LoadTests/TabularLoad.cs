using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.LoadTests;

/// <summary>
/// Batch-1 latency of a tabular model through HTTP, the number an edge scorer (a card terminal, a
/// line sensor) cares about: C closed-loop clients post one row each to /v1/classifications, named
/// ({"values": {…}}) or positional ({"features": […]}), and the p50/p99 of request latency is reported
/// beside that of GET /health on the same connection (the HTTP floor).
///
///   dotnet MicroAI.LoadTests.dll tabular write-model --out DIR [--trees 100] [--depth 6] [--features 30]
///   dotnet MicroAI.LoadTests.dll tabular --url http://127.0.0.1:8080 --model fraud --features 30 [--concurrency 1,2] [--seconds 10]
/// </summary>
internal static class TabularLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 1 && args[1] == "write-model")
            return WriteModel(args);
        string url = "http://127.0.0.1:8080", model = "fraud";
        int[] concurrency = [1, 2];
        var features = 30;
        var seconds = 10.0;
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            switch (args[i])
            {
                case "--url": url = v; break;
                case "--model": model = v; break;
                case "--features": features = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--concurrency": concurrency = [.. v.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture))]; break;
                case "--seconds": seconds = double.Parse(v, CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine("usage: tabular --url URL --model ID [--features 30] [--concurrency 1,2] [--seconds 10] | tabular write-model --out DIR [--trees 100] [--depth 6] [--features 30]");
                    return 2;
            }
        }
        using var http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(1) }.WithApiKey();
        var rng = new Random(7);
        var rows = Enumerable.Range(0, 1024).Select(_ => Enumerable.Range(0, features).Select(_ => Math.Round(rng.NextDouble(), 4)).ToArray()).ToArray();
        Console.WriteLine("request\tconc\trequests\tfail\trequests/s\tlatency_p50_ms\tlatency_p99_ms");
        var failedAny = false;
        foreach (var c in concurrency)
        {
            foreach (var kind in new[] { "health", "values", "features" })
            {
                var (count, failed, elapsed, sorted) = await MeasureAsync(c, seconds, n => SendAsync(http, kind, model, rows[n % rows.Length]));
                failedAny |= failed > 0;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{kind}\t{c}\t{count}\t{failed}\t{(count - failed) / elapsed:F0}\t{Percentile(sorted, 0.5):F3}\t{Percentile(sorted, 0.99):F3}"));
            }
        }
        return failedAny ? 1 : 0;
    }

    private static async Task<(int Count, int Failed, double Elapsed, double[] Sorted)> MeasureAsync(int clients, double seconds, Func<int, Task<bool>> send)
    {
        for (var i = 0; i < 200; i++)
            await send(i); // warm up: JIT, connection, ORT's first runs
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var failed = 0;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var n = client * 7919;
            while (sw.Elapsed.TotalSeconds < seconds)
            {
                var t = Stopwatch.GetTimestamp();
                if (!await send(n++))
                    Interlocked.Increment(ref failed);
                latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }));
        var sorted = latencies.Order().ToArray();
        return (sorted.Length, failed, sw.Elapsed.TotalSeconds, sorted);
    }

    private static async Task<bool> SendAsync(HttpClient http, string kind, string model, double[] row)
    {
        if (kind == "health")
        {
            using var health = await http.GetAsync("health");
            await health.Content.ReadAsByteArrayAsync();
            return health.IsSuccessStatusCode;
        }
        var item = new JsonObject();
        if (kind == "values")
            item["values"] = new JsonObject(row.Select((v, i) => KeyValuePair.Create($"f{i}", (JsonNode?)v)));
        else
            item["features"] = new JsonArray([.. row.Select(v => (JsonNode?)v)]);
        var body = new JsonObject { ["model"] = model, ["input"] = item };
        using var response = await http.PostAsync("v1/classifications", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode;
    }

    /// <summary>
    /// A random forest of the size fraud scorers ship (100 trees of depth 6 over 30 features by default: 12,700
    /// nodes), as a scikit-learn export lays it out: TreeEnsembleClassifier voting for both classes, ZipMap, and a
    /// features.json naming the columns f0…f{n-1}. Seeded, so every run scores the same model.
    /// </summary>
    private static int WriteModel(string[] args)
    {
        string? folder = null;
        int trees = 100, depth = 6, features = 30;
        for (var i = 2; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            switch (args[i])
            {
                case "--out": folder = v; break;
                case "--trees": trees = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--depth": depth = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--features": features = int.Parse(v, CultureInfo.InvariantCulture); break;
            }
        }
        if (folder is null)
        {
            Console.Error.WriteLine("usage: tabular write-model --out DIR [--trees 100] [--depth 6] [--features 30]");
            return 2;
        }
        var rng = new Random(11);
        var perTree = (1 << (depth + 1)) - 1;
        var firstLeaf = (1 << depth) - 1;
        List<long> treeIds = [], nodeIds = [], featureIds = [], trueIds = [], falseIds = [];
        List<float> values = [];
        List<string> modes = [];
        List<long> classTrees = [], classNodes = [], classIds = [];
        List<float> classWeights = [];
        for (var t = 0; t < trees; t++)
        {
            for (var n = 0; n < perTree; n++)
            {
                treeIds.Add(t);
                nodeIds.Add(n);
                var leaf = n >= firstLeaf;
                featureIds.Add(leaf ? 0 : rng.Next(features));
                values.Add(leaf ? 0 : (float)rng.NextDouble());
                modes.Add(leaf ? "LEAF" : "BRANCH_LEQ");
                trueIds.Add(leaf ? 0 : 2 * n + 1);
                falseIds.Add(leaf ? 0 : 2 * n + 2);
                if (!leaf)
                    continue;
                var p = (float)rng.NextDouble();
                foreach (var (cls, w) in new[] { (0, 1 - p), (1, p) })
                {
                    classTrees.Add(t);
                    classNodes.Add(n);
                    classIds.Add(cls);
                    classWeights.Add(w / trees);
                }
            }
        }
        Directory.CreateDirectory(folder);
        const string ml = "ai.onnx.ml";
        new OnnxGraphBuilder("random_forest")
            .Opset(ml, 3)
            .Input("float_input", OnnxGraphDataType.Float, "N", features)
            .Node(new OnnxGraphNode("TreeEnsembleClassifier", ["float_input"], ["label", "probabilities"],
            [
                OnnxGraphAttribute.Strings("classlabels_strings", "legit", "fraud"),
                OnnxGraphAttribute.Ints("nodes_treeids", [.. treeIds]),
                OnnxGraphAttribute.Ints("nodes_nodeids", [.. nodeIds]),
                OnnxGraphAttribute.Ints("nodes_featureids", [.. featureIds]),
                OnnxGraphAttribute.Floats("nodes_values", [.. values]),
                OnnxGraphAttribute.Strings("nodes_modes", [.. modes]),
                OnnxGraphAttribute.Ints("nodes_truenodeids", [.. trueIds]),
                OnnxGraphAttribute.Ints("nodes_falsenodeids", [.. falseIds]),
                OnnxGraphAttribute.Ints("class_treeids", [.. classTrees]),
                OnnxGraphAttribute.Ints("class_nodeids", [.. classNodes]),
                OnnxGraphAttribute.Ints("class_ids", [.. classIds]),
                OnnxGraphAttribute.Floats("class_weights", [.. classWeights]),
                OnnxGraphAttribute.String("post_transform", "NONE"),
            ], Domain: ml))
            .Node(new OnnxGraphNode("ZipMap", ["probabilities"], ["output_probability"], [OnnxGraphAttribute.Strings("classlabels_strings", "legit", "fraud")], Domain: ml))
            .Output("label", OnnxGraphDataType.String, "N")
            .SequenceOfMapsOutput("output_probability", OnnxGraphDataType.String, OnnxGraphDataType.Float)
            .WriteTo(Path.Combine(folder, "model.onnx"));
        File.WriteAllText(Path.Combine(folder, "features.json"),
            new JsonArray([.. Enumerable.Range(0, features).Select(i => (JsonNode?)$"f{i}")]).ToJsonString());
        Console.WriteLine($"{folder}: {trees} trees of depth {depth} ({trees * perTree} nodes) over {features} features");
        return 0;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
