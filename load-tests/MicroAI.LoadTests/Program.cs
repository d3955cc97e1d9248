using System.Diagnostics;
using System.Globalization;
using MicroAI.LoadTests;

// Single-stream and concurrent-stream throughput of any OpenAI-compatible server (MicroAI or
// llama-server), measured on the client so both are timed the same way.
//
//   dotnet run --project load-tests/MicroAI.LoadTests -c Release -- \
//       --url http://127.0.0.1:8080 --model stories260K --max-tokens 256 --runs 5 --concurrency 1
var options = LoadTestOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: --url URL --model ID [--prompt TEXT] [--max-tokens N] [--runs N] [--warmup N] [--concurrency N] [--label NAME]");
    return 2;
}

using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
var baseUri = new Uri(options.Url.TrimEnd('/') + "/");

for (var i = 0; i < options.Warmup; i++)
    await StreamMeasurement.RunAsync(http, baseUri, options.Model, options.Prompt, options.MaxTokens, CancellationToken.None);

var results = new List<StreamMeasurement>();
var aggregate = new List<double>();
for (var run = 0; run < options.Runs; run++)
{
    var sw = Stopwatch.StartNew();
    var batch = await Task.WhenAll(Enumerable.Range(0, options.Concurrency)
        .Select(_ => StreamMeasurement.RunAsync(http, baseUri, options.Model, options.Prompt, options.MaxTokens, CancellationToken.None)));
    var wall = sw.Elapsed.TotalSeconds;
    results.AddRange(batch);
    aggregate.Add(batch.Sum(b => b.Tokens) / wall);
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

var inv = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(inv,
    $"{options.Label}\tmodel={options.Model}\tconcurrency={options.Concurrency}\truns={options.Runs}\t" +
    $"tokens/stream={Median(results.Select(r => (double)r.Tokens)):F0}\t" +
    $"decode_tok_s={Median(results.Select(r => r.DecodeTokensPerSecond)):F1}\t" +
    $"e2e_tok_s={Median(results.Select(r => r.EndToEndTokensPerSecond)):F1}\t" +
    $"ttft_ms={Median(results.Select(r => r.TimeToFirstTokenMs)):F1}\t" +
    $"aggregate_tok_s={Median(aggregate):F1}"));
return 0;

internal sealed record LoadTestOptions(string Url, string Model, string Prompt, int MaxTokens, int Runs, int Warmup, int Concurrency, string Label)
{
    public static LoadTestOptions? Parse(string[] args)
    {
        string? url = null, model = null, prompt = "Once upon a time", label = "server";
        int maxTokens = 128, runs = 5, warmup = 1, concurrency = 1;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            switch (args[i])
            {
                case "--url": url = v; break;
                case "--model": model = v; break;
                case "--prompt": prompt = v; break;
                case "--label": label = v; break;
                case "--max-tokens": maxTokens = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--concurrency": concurrency = int.Parse(v, CultureInfo.InvariantCulture); break;
                default: return null;
            }
        }
        return url is null || model is null ? null : new LoadTestOptions(url, model, prompt, maxTokens, runs, warmup, concurrency, label);
    }
}
