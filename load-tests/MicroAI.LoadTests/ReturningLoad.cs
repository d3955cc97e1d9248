using System.Globalization;

namespace MicroAI.LoadTests;

/// <summary>
/// A multi-turn conversation that loses its slot and comes back. Per repeat: turn 1 with a long
/// prompt (cold), turn 2 at once (its prefix still in the slot), then more concurrent conversations
/// than the server has slots (every slot changes hands), then turn 3. Reports the TTFT of each and
/// the prompt tokens the server says it reused, per server, medians over the repeats.
///
///   dotnet MicroAI.LoadTests.dll returning --url URL --model ID [--compare-url URL] [--prompt-words 1000] [--turn-words 32]
///       [--evictors 9] [--repeats 3] [--max-tokens 16]
/// </summary>
internal static class ReturningLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = LoadArgs.Parse(args.AsSpan(1), "--prompt-words", "--turn-words", "--evictors", "--repeats", "--max-tokens");
        if (a is null)
        {
            Console.Error.WriteLine("usage: returning --url URL --model ID [--label NAME] [--compare-url URL] [--compare-label NAME] " +
                "[--prompt-words 1000] [--turn-words 32] [--evictors 9] [--repeats 3] [--max-tokens 16] [--seed 1]");
            return 2;
        }
        int promptWords = a.Int("--prompt-words", 1000), turnWords = a.Int("--turn-words", 32), evictors = a.Int("--evictors", 9),
            repeats = a.Int("--repeats", 3), maxTokens = a.Int("--max-tokens", 16), seed = a.Int("--seed", 1);
        var model = a.Model;
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) }.WithApiKey();

        Console.WriteLine("label\trepeat\tcold_ttft_ms\tcold_prompt\tslot_ttft_ms\tslot_cached\trestored_ttft_ms\trestored_cached\tcold/restored");
        var failed = false;
        var medians = new List<string>();
        foreach (var (name, uri) in a.Targets)
        {
            var workload = new Workload(seed, promptWords, 0);
            var rows = new List<(double Cold, double Slot, double Restored)>();
            await RequestResult.RunAsync(http, uri, model, "warm up", 8, CancellationToken.None);
            for (var r = 0; r < repeats; r++)
            {
                var conversation = 1_000_000 + r;
                var p1 = workload.Prompt(conversation, 0);
                var cold = await RequestResult.RunAsync(http, uri, model, p1, maxTokens, CancellationToken.None);
                var p2 = workload.NextTurn(p1, cold.Text, conversation, 1, turnWords);
                var slot = cold.Ok ? await RequestResult.RunAsync(http, uri, model, p2, maxTokens, CancellationToken.None) : cold;
                // Other conversations, more of them than there are slots, all at once: every slot changes hands.
                var others = await Task.WhenAll(Enumerable.Range(0, evictors).Select(e =>
                    RequestResult.RunAsync(http, uri, model, workload.Prompt(2_000_000 + r * 100 + e, 0), maxTokens, CancellationToken.None)));
                var p3 = workload.NextTurn(p2, slot.Text, conversation, 2, turnWords);
                var restored = slot.Ok ? await RequestResult.RunAsync(http, uri, model, p3, maxTokens, CancellationToken.None) : slot;
                if (!cold.Ok || !slot.Ok || !restored.Ok || others.Any(o => !o.Ok))
                {
                    var bad = new[] { cold, slot, restored }.Concat(others).First(x => !x.Ok);
                    Console.Error.WriteLine($"{name} repeat {r}: a request failed (status {bad.Status}): {bad.Text}");
                    failed = true;
                    continue;
                }
                rows.Add((cold.TimeToFirstTokenMs, slot.TimeToFirstTokenMs, restored.TimeToFirstTokenMs));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name}\t{r}\t{cold.TimeToFirstTokenMs:F1}\t{cold.PromptTokens}\t{slot.TimeToFirstTokenMs:F1}\t{slot.CachedTokens}\t" +
                    $"{restored.TimeToFirstTokenMs:F1}\t{restored.CachedTokens}\t{cold.TimeToFirstTokenMs / restored.TimeToFirstTokenMs:F1}"));
            }
            if (rows.Count > 0)
            {
                double Median(Func<(double Cold, double Slot, double Restored), double> f) => LoadReport.Percentile(rows.Select(f), 50);
                medians.Add(string.Create(CultureInfo.InvariantCulture,
                    $"median\t{name}\tcold {Median(x => x.Cold):F1} ms\tslot {Median(x => x.Slot):F1} ms\trestored {Median(x => x.Restored):F1} ms\t" +
                    $"cold/restored {Median(x => x.Cold / x.Restored):F1}x"));
            }
        }
        foreach (var line in medians)
            Console.WriteLine(line);
        return failed ? 1 : 0;
    }
}
