using System.Globalization;

namespace MicroAI.LoadTests;

/// <summary>
/// A long prompt arriving while other streams generate: what chunked prefill is for. Per repeat:
/// --streams requests with short prompts and --stream-tokens each start together; after --delay-ms
/// (they are generating by then) one --prompt-words prompt asks for a few tokens. Reports the long
/// prompt's TTFT and the running streams' inter-token gaps (p50, p99, longest: a server that
/// prefills the whole prompt in one go stalls them for about its TTFT), per server, medians over
/// the repeats.
///
///   dotnet MicroAI.LoadTests.dll long-prompt --url URL --model ID [--compare-url URL] [--streams 4] [--stream-tokens 200]
///       [--prompt-words 1200] [--delay-ms 500] [--repeats 3]
/// </summary>
internal static class LongPromptLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = LoadArgs.Parse(args.AsSpan(1), "--streams", "--stream-tokens", "--prompt-words", "--delay-ms", "--repeats");
        if (a is null)
        {
            Console.Error.WriteLine("usage: long-prompt --url URL --model ID [--label NAME] [--compare-url URL] [--compare-label NAME] " +
                "[--streams 4] [--stream-tokens 200] [--prompt-words 1200] [--delay-ms 500] [--repeats 3] [--seed 1]");
            return 2;
        }
        int streams = a.Int("--streams", 4), streamTokens = a.Int("--stream-tokens", 200), promptWords = a.Int("--prompt-words", 1200),
            delayMs = a.Int("--delay-ms", 500), repeats = a.Int("--repeats", 3), seed = a.Int("--seed", 1);
        var model = a.Model;
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) }.WithApiKey();

        Console.WriteLine("label\trepeat\tlong_prompt\tlong_ttft_ms\tstreams_itl_p50\tstreams_itl_p99\tstreams_itl_max");
        var failed = false;
        var medians = new List<string>();
        foreach (var (name, uri) in a.Targets)
        {
            var shortPrompts = new Workload(seed, 32, 0);
            var longPrompts = new Workload(seed, promptWords, 0);
            var rows = new List<(double Ttft, double P99, double Max)>();
            await RequestResult.RunAsync(http, uri, model, "warm up", 8, CancellationToken.None);
            for (var r = 0; r < repeats; r++)
            {
                var running = Enumerable.Range(0, streams)
                    .Select(s => RequestResult.RunAsync(http, uri, model, shortPrompts.Prompt(s, r), streamTokens, CancellationToken.None))
                    .ToArray();
                await Task.Delay(delayMs);
                var longOne = await RequestResult.RunAsync(http, uri, model, longPrompts.Prompt(1_000_000, r), 8, CancellationToken.None);
                var others = await Task.WhenAll(running);
                if (!longOne.Ok || others.Any(o => !o.Ok))
                {
                    var bad = others.Prepend(longOne).First(x => !x.Ok);
                    Console.Error.WriteLine($"{name} repeat {r}: a request failed (status {bad.Status}): {bad.Text}");
                    failed = true;
                    continue;
                }
                var gaps = others.SelectMany(o => o.InterTokenMs).ToList();
                var row = (longOne.TimeToFirstTokenMs, LoadReport.Percentile(gaps, 99), gaps.Count > 0 ? gaps.Max() : 0);
                rows.Add(row);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name}\t{r}\t{longOne.PromptTokens}\t{row.Item1:F1}\t{LoadReport.Percentile(gaps, 50):F1}\t{row.Item2:F1}\t{row.Item3:F1}"));
            }
            if (rows.Count > 0)
            {
                double Median(Func<(double Ttft, double P99, double Max), double> f) => LoadReport.Percentile(rows.Select(f), 50);
                medians.Add(string.Create(CultureInfo.InvariantCulture,
                    $"median\t{name}\tlong prompt TTFT {Median(x => x.Ttft):F1} ms\tstreams' gap p99 {Median(x => x.P99):F1} ms\tlongest {Median(x => x.Max):F1} ms"));
            }
        }
        foreach (var line in medians)
            Console.WriteLine(line);
        return failed ? 1 : 0;
    }
}
