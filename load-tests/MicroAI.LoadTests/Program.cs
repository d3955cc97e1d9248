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
//       --concurrency 1,4,8 --requests 4 [--rounds 4] --max-tokens 64 [--turns 3] [--shared-prefix 200] [--compare-url URL] [--json out.json]
if (args.Length > 0 && args[0] == "classify")
    return await ClassificationLoad.RunAsync(args);
if (args.Length > 0 && args[0] == "tabular")
    return await TabularLoad.RunAsync(args);
if (args.Length > 0 && args[0] == "soak")
    return await SoakLoad.RunAsync(args);
if (args.Length > 0 && args[0] == "returning")
    return await ReturningLoad.RunAsync(args);
if (args.Length > 0 && args[0] == "long-prompt")
    return await LongPromptLoad.RunAsync(args);
if (args.Length > 0 && args[0] == "upstream")
    return await UpstreamLoad.RunAsync(args);

var o = Options.Parse(args);
if (o is null)
{
    Console.Error.WriteLine("usage: --url URL --model ID [--label NAME] [--compare-url URL] [--compare-label NAME] [--concurrency 1,4,8] " +
        "[--requests N per client] [--rounds N] [--turns N] [--max-tokens N] [--prompt-words N] [--shared-prefix N] [--seed N] [--warmup N] [--json FILE]");
    return 2;
}

// Idle pooled connections are dropped after 2 s, before llama-server's 5 s keep-alive closes them under us.
using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2), MaxConnectionsPerServer = 64 })
{
    Timeout = TimeSpan.FromMinutes(30),
}.WithApiKey();
var targets = o.Targets;

var reports = new List<LoadReport>();
Console.WriteLine(LoadReport.Header);
foreach (var concurrency in o.Concurrency)
{
    // Rounds alternate which server goes first (A B, B A, ...), so drift on a shared machine (a
    // neighbour's load, CPU boost) lands on both sides; each round gets fresh prompts.
    var pooled = targets.ToDictionary(t => t.Label, _ => (Results: new List<RequestResult>(), Seconds: 0.0));
    var roundRatios = new List<(double Tokens, double Ttft)>();
    for (var round = 0; round < o.Rounds; round++)
    {
        var order = round % 2 == 0 ? targets : [.. Enumerable.Reverse(targets)];
        var row = new Dictionary<string, LoadReport>();
        foreach (var (label, uri) in order)
        {
            var (report, results, seconds) = await RunAsync(label, uri, concurrency, round);
            Console.WriteLine(report.Row());
            // A failed request says why once per row, so a failure is never just a count.
            if (results.FirstOrDefault(r => !r.Ok && !r.Cancelled) is { } failed)
                Console.Error.WriteLine($"{label} c{concurrency}: first failure (status {failed.Status}): {failed.Text}");
            pooled[label].Results.AddRange(results);
            pooled[label] = (pooled[label].Results, pooled[label].Seconds + seconds);
            row[label] = report;
            if (o.Rounds == 1)
                reports.Add(report);
        }
        if (row.Count == 2 && row[targets[1].Label].TokensPerSecond > 0)
        {
            var (a, b) = (row[targets[0].Label], row[targets[1].Label]);
            roundRatios.Add((a.TokensPerSecond / b.TokensPerSecond, a.TtftP50 / Math.Max(b.TtftP50, 1e-9)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio\t{concurrency}\t{a.Label}/{b.Label}\ttok/s {a.TokensPerSecond / b.TokensPerSecond:F2}\t" +
                $"ttft_p50 {a.TtftP50 / Math.Max(b.TtftP50, 1e-9):F2}\titl_p50 {a.ItlP50 / Math.Max(b.ItlP50, 1e-9):F2}"));
        }
    }
    if (o.Rounds > 1)
    {
        var all = targets.Select(t => LoadReport.From(t.Label + "(all)", concurrency, pooled[t.Label].Results, pooled[t.Label].Seconds)).ToList();
        foreach (var report in all)
            Console.WriteLine(report.Row());
        reports.AddRange(all);
        if (roundRatios.Count > 0)
        {
            var tok = roundRatios.Select(r => r.Tokens).Order().ToArray();
            var ttft = roundRatios.Select(r => r.Ttft).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"summary\t{concurrency}\t{all[0].Label}/{all[1].Label}\ttok/s {all[0].TokensPerSecond / all[1].TokensPerSecond:F2} " +
                $"(rounds: median {LoadReport.Percentile(tok, 50):F2}, {tok[0]:F2}..{tok[^1]:F2})\t" +
                $"ttft_p50 {all[0].TtftP50 / Math.Max(all[1].TtftP50, 1e-9):F2} (rounds: median {LoadReport.Percentile(ttft, 50):F2}, {ttft[0]:F2}..{ttft[^1]:F2})"));
        }
    }
}
if (o.JsonPath is not null)
    await File.WriteAllTextAsync(o.JsonPath, JsonSerializer.Serialize(reports, LoadReportJson.Default.ListLoadReport));
return reports.Any(r => r.Failed > 0) ? 1 : 0;

async Task<(LoadReport Report, List<RequestResult> Results, double Seconds)> RunAsync(string label, Uri uri, int concurrency, int round)
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
            // A conversation: turn t's prompt = turn t-1's prompt + its answer + new words. Its id is unique per
            // concurrency, round, client and request (and the same in every process for one --seed), so no run
            // meets a prompt an earlier one left in a cache.
            var conversation = SeedMix.Of(o.Seed, concurrency, round, client, r);
            var prompt = workload.Prompt(conversation, 0);
            for (var turn = 0; turn < o.Turns; turn++)
            {
                var result = await RequestResult.RunAsync(http, uri, o.Model, prompt, o.MaxTokens, CancellationToken.None);
                results.Add(result);
                if (!result.Ok)
                    break;
                prompt = workload.NextTurn(prompt, result.Text, conversation, turn + 1);
            }
        }
    }));
    var seconds = sw.Elapsed.TotalSeconds;
    List<RequestResult> list = [.. results];
    return (LoadReport.From(label, concurrency, list, seconds), list, seconds);
}

internal sealed record Options(string Model, List<(string Label, Uri Uri)> Targets, int[] Concurrency,
    int Requests, int Turns, int MaxTokens, int PromptWords, int SharedPrefix, int Seed, int Warmup, int Rounds, string? JsonPath)
{
    public static Options? Parse(string[] args)
    {
        var a = LoadArgs.Parse(args, "--concurrency", "--requests", "--turns", "--max-tokens", "--prompt-words", "--shared-prefix",
            "--warmup", "--rounds", "--json");
        if (a is null)
            return null;
        int[] concurrency = a.Text("--concurrency") is { } c ? [.. c.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))] : [1];
        return new Options(a.Model, a.Targets, concurrency, a.Int("--requests", 4), a.Int("--turns", 1), a.Int("--max-tokens", 64),
            a.Int("--prompt-words", 32), a.Int("--shared-prefix", 0), a.Int("--seed", 1), a.Int("--warmup", 3), Math.Max(1, a.Int("--rounds", 1)),
            a.Text("--json"));
    }
}
