using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MicroAI.LoadTests;

// Closed-loop load: C clients, each sending its requests one after another (a multi-turn
// conversation when --turns > 1), streaming, greedy, fixed max_tokens, prompts from a seed.
// Reports requests/s, generated tokens/s, TTFT and inter-token latency p50/p99 and cached prompt
// tokens, per concurrency, for one server or two side by side (--compare-url), with ratios.
//
//   dotnet run --project load-tests/MicroAI.LoadTests -c Release -- --url http://127.0.0.1:8080 --model m \
//       --concurrency 1,4,8 --requests 4 --max-tokens 64 [--turns 3] [--shared-prefix 200] [--compare-url URL] [--json out.json]
if (args.Length > 0 && args[0] == "classify")
    return await ClassificationLoad.RunAsync(args);
if (args.Length > 0 && args[0] == "soak")
    return await SoakLoad.RunAsync(args);

var o = Options.Parse(args);
if (o is null)
{
    Console.Error.WriteLine("usage: --url URL --model ID [--label NAME] [--compare-url URL] [--compare-label NAME] [--concurrency 1,4,8] " +
        "[--requests N per client] [--turns N] [--max-tokens N] [--prompt-words N] [--shared-prefix N] [--seed N] [--warmup N] [--json FILE]");
    return 2;
}

// Idle pooled connections are dropped after 2 s, before llama-server's 5 s keep-alive closes them under us.
using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2), MaxConnectionsPerServer = 64 })
{
    Timeout = TimeSpan.FromMinutes(30),
}.WithApiKey();
var targets = new List<(string Label, Uri Uri)> { (o.Label, new Uri(o.Url.TrimEnd('/') + "/")) };
if (o.CompareUrl is not null)
    targets.Add((o.CompareLabel, new Uri(o.CompareUrl.TrimEnd('/') + "/")));

var reports = new List<LoadReport>();
Console.WriteLine(LoadReport.Header);
foreach (var concurrency in o.Concurrency)
{
    var row = new List<LoadReport>();
    foreach (var (label, uri) in targets)
    {
        var workload = new Workload(o.Seed, o.PromptWords, o.SharedPrefix);
        for (var w = 0; w < o.Warmup; w++)
            await RequestResult.RunAsync(http, uri, o.Model, "warm up " + w, 32, CancellationToken.None);
        var results = new System.Collections.Concurrent.ConcurrentBag<RequestResult>();
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async client =>
        {
            for (var r = 0; r < o.Requests; r++)
            {
                // A conversation: turn t's prompt = turn t-1's prompt + its answer + new words.
                var prompt = workload.Prompt(client * 1000 + r, 0);
                for (var turn = 0; turn < o.Turns; turn++)
                {
                    var result = await RequestResult.RunAsync(http, uri, o.Model, prompt, o.MaxTokens, CancellationToken.None);
                    results.Add(result);
                    if (!result.Ok)
                        break;
                    prompt = workload.NextTurn(prompt, result.Text, client * 1000 + r, turn + 1);
                }
            }
        }));
        var report = LoadReport.From(label, concurrency, [.. results], sw.Elapsed.TotalSeconds);
        Console.WriteLine(report.Row());
        row.Add(report);
        reports.Add(report);
    }
    if (row.Count == 2 && row[1].TokensPerSecond > 0)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio\t{concurrency}\t{row[0].Label}/{row[1].Label}\ttok/s {row[0].TokensPerSecond / row[1].TokensPerSecond:F2}\t" +
            $"ttft_p50 {row[0].TtftP50 / Math.Max(row[1].TtftP50, 1e-9):F2}\titl_p50 {row[0].ItlP50 / Math.Max(row[1].ItlP50, 1e-9):F2}"));
    }
}
if (o.JsonPath is not null)
    await File.WriteAllTextAsync(o.JsonPath, JsonSerializer.Serialize(reports, LoadReportJson.Default.ListLoadReport));
return reports.Any(r => r.Failed > 0) ? 1 : 0;

internal sealed record Options(string Url, string Model, string Label, string? CompareUrl, string CompareLabel, int[] Concurrency,
    int Requests, int Turns, int MaxTokens, int PromptWords, int SharedPrefix, int Seed, int Warmup, string? JsonPath)
{
    public static Options? Parse(string[] args)
    {
        string? url = null, model = null, compare = null, json = null;
        string label = "microai", compareLabel = "llama-server";
        int[] concurrency = [1];
        int requests = 4, turns = 1, maxTokens = 64, promptWords = 32, shared = 0, seed = 1, warmup = 3;
        static int I(string v) => int.Parse(v, CultureInfo.InvariantCulture);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            switch (args[i])
            {
                case "--url": url = v; break;
                case "--model": model = v; break;
                case "--label": label = v; break;
                case "--compare-url": compare = v; break;
                case "--compare-label": compareLabel = v; break;
                case "--concurrency": concurrency = v.Split(',').Select(I).ToArray(); break;
                case "--requests": requests = I(v); break;
                case "--turns": turns = I(v); break;
                case "--max-tokens": maxTokens = I(v); break;
                case "--prompt-words": promptWords = I(v); break;
                case "--shared-prefix": shared = I(v); break;
                case "--seed": seed = I(v); break;
                case "--warmup": warmup = I(v); break;
                case "--json": json = v; break;
                default: return null;
            }
        }
        return url is null || model is null ? null
            : new Options(url, model, label, compare, compareLabel, concurrency, requests, turns, maxTokens, promptWords, shared, seed, warmup, json);
    }
}
