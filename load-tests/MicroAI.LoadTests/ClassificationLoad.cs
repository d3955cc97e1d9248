using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MicroAI.LoadTests;

/// <summary>
/// Classification throughput: C closed-loop clients post /v1/classifications with B inputs each
/// (seeded, 1–6 KB of code, JSON or prose) for a fixed time; reports classifications (inputs) per
/// second and request latency p50/p99 per batch size and concurrency.
///
///   dotnet MicroAI.LoadTests.dll classify --url http://127.0.0.1:8080 --model magika --batch 1,32 --concurrency 1,2 --seconds 10
/// </summary>
internal static class ClassificationLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        string url = "http://127.0.0.1:8080", model = "magika";
        int[] batches = [1, 32], concurrency = [1, 2];
        var seconds = 10.0;
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            switch (args[i])
            {
                case "--url": url = v; break;
                case "--model": model = v; break;
                case "--batch": batches = Ints(v); break;
                case "--concurrency": concurrency = Ints(v); break;
                case "--seconds": seconds = double.Parse(v, CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine("usage: classify --url URL --model ID [--batch 1,32] [--concurrency 1,2] [--seconds 10]");
                    return 2;
            }
        }
        using var http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(5) }.WithApiKey();
        var samples = Samples(512, seed: 1);
        Console.WriteLine("model\tbatch\tconc\trequests\tfail\tclassifications/s\tlatency_p50_ms\tlatency_p99_ms");
        var failedAny = false;
        foreach (var batch in batches)
        {
            foreach (var c in concurrency)
            {
                await PostAsync(http, model, samples, 0, batch); // warm up
                var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
                var failed = 0;
                var sw = Stopwatch.StartNew();
                var deadline = TimeSpan.FromSeconds(seconds);
                await Task.WhenAll(Enumerable.Range(0, c).Select(async client =>
                {
                    var n = client * 7919;
                    while (sw.Elapsed < deadline)
                    {
                        var t = Stopwatch.GetTimestamp();
                        if (!await PostAsync(http, model, samples, n, batch))
                            Interlocked.Increment(ref failed);
                        latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                        n += batch;
                    }
                }));
                var elapsed = sw.Elapsed.TotalSeconds;
                var sorted = latencies.Order().ToArray();
                failedAny |= failed > 0;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{model}\t{batch}\t{c}\t{sorted.Length}\t{failed}\t{(sorted.Length - failed) * batch / elapsed:F1}\t{Percentile(sorted, 0.5):F2}\t{Percentile(sorted, 0.99):F2}"));
            }
        }
        return failedAny ? 1 : 0;
    }

    private static async Task<bool> PostAsync(HttpClient http, string model, string[] samples, int start, int batch)
    {
        var input = new JsonArray();
        for (var i = 0; i < batch; i++)
            input.Add(samples[(start + i) % samples.Length]);
        var body = new JsonObject { ["model"] = model, ["input"] = input, ["top_k"] = 1 };
        using var response = await http.PostAsync("v1/classifications", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode;
    }

    /// <summary>Deterministic content of the kinds a content-type detector sees: Python, JSON, C, Markdown-ish prose.</summary>
    internal static string[] Samples(int count, int seed)
    {
        var rng = new Random(seed);
        string[] words = ["value", "index", "buffer", "model", "request", "token", "cache", "result", "stream", "count", "name", "path"];
        string W() => words[rng.Next(words.Length)];
        var samples = new string[count];
        for (var s = 0; s < count; s++)
        {
            var sb = new StringBuilder();
            var lines = rng.Next(30, 160);
            switch (s % 4)
            {
                case 0:
                    sb.Append("import os\nimport sys\n\n");
                    for (var l = 0; l < lines; l++)
                        sb.Append(l % 8 == 0 ? $"def {W()}_{l}({W()}, {W()}=None):\n" : $"    {W()} = {W()}.get('{W()}', {l})\n");
                    break;
                case 1:
                    sb.Append("{\n");
                    for (var l = 0; l < lines; l++)
                        sb.Append($"  \"{W()}_{l}\": {{\"{W()}\": {rng.Next(1000)}, \"{W()}\": \"{W()}\"}},\n");
                    sb.Append("  \"end\": true\n}\n");
                    break;
                case 2:
                    sb.Append("#include <stdio.h>\n#include <stdlib.h>\n\n");
                    for (var l = 0; l < lines; l++)
                        sb.Append(l % 10 == 0 ? $"static int {W()}_{l}(const char *{W()}) {{\n" : $"    int {W()}{l} = {W()}[{l}] + {rng.Next(100)};\n");
                    break;
                default:
                    sb.Append("# Notes\n\n");
                    for (var l = 0; l < lines; l++)
                        sb.Append($"The {W()} keeps its {W()} while the {W()} moves to the next {W()}.\n");
                    break;
            }
            samples[s] = sb.ToString();
        }
        return samples;
    }

    private static int[] Ints(string v) => v.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
