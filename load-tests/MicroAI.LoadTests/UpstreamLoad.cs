using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MicroAI.LoadTests;

/// <summary>
/// What forwarding costs and how fast an edge fails over. Part 1: TTFT of a streamed greedy chat asked
/// of the upstream directly and through the edge, one request each in turn (which side goes first
/// alternates), p50/p99 of each and of the paired difference. Part 2, on an edge whose model is
/// upstream-first with a local copy: the upstream is frozen (SIGSTOP: connections open, nothing
/// answers, so only timeouts notice), then thawed (how long until the edge uses it again), then killed
/// (SIGKILL: connections refused); each time requests are sent one after another and every one's start,
/// latency, status and X-MicroAI-Served-By are printed, with the time from the event to the first
/// answer served the new way.
///
///   dotnet MicroAI.LoadTests.dll upstream --url EDGE --compare-url UPSTREAM --model ID --upstream-pid PID
///       [--rounds 10] [--requests 5] [--max-tokens 16] [--prompt-words 12] [--after 8] [--give-up-seconds 120]
/// </summary>
internal static class UpstreamLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = LoadArgs.Parse(args.AsSpan(1), "--upstream-pid", "--rounds", "--requests", "--max-tokens", "--prompt-words", "--after", "--give-up-seconds");
        if (a is null || a.Targets.Count != 2 || a.Text("--upstream-pid") is null)
        {
            Console.Error.WriteLine("usage: upstream --url EDGE --compare-url UPSTREAM --model ID --upstream-pid PID [--label edge] [--compare-label direct] " +
                "[--rounds 10] [--requests 5] [--max-tokens 16] [--prompt-words 12] [--after 8] [--give-up-seconds 120] [--seed 1]");
            return 2;
        }
        var (edgeLabel, edge) = a.Targets[0];
        var (directLabel, direct) = a.Targets[1];
        int rounds = a.Int("--rounds", 10), requests = a.Int("--requests", 5), maxTokens = a.Int("--max-tokens", 16),
            promptWords = a.Int("--prompt-words", 12), after = a.Int("--after", 8), pid = a.Int("--upstream-pid", 0), seed = a.Int("--seed", 1);
        var giveUp = TimeSpan.FromSeconds(a.Double("--give-up-seconds", 120));
        var model = a.Model;
        var workload = new Workload(seed, promptWords, 0);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) }.WithApiKey();

        // Part 1: the added latency of forwarding.
        for (var w = 0; w < 3; w++)
        {
            await StreamedChat.RunAsync(http, direct, model, "warm up " + w, maxTokens);
            await StreamedChat.RunAsync(http, edge, model, "warm up " + w, maxTokens);
        }
        var directTtft = new List<double>();
        var edgeTtft = new List<double>();
        var differences = new List<double>();
        var notForwarded = 0;
        var failed = false;
        for (var round = 0; round < rounds; round++)
        {
            for (var r = 0; r < requests; r++)
            {
                // Each side its own prompt of the same length: a prompt the other side just sent would be in the upstream's prefix cache.
                var conversation = SeedMix.Of(round, r);
                var edgeFirst = (round + r) % 2 == 1;
                StreamedChat d, e;
                if (edgeFirst)
                {
                    e = await StreamedChat.RunAsync(http, edge, model, workload.Prompt(conversation, 1), maxTokens);
                    d = await StreamedChat.RunAsync(http, direct, model, workload.Prompt(conversation, 0), maxTokens);
                }
                else
                {
                    d = await StreamedChat.RunAsync(http, direct, model, workload.Prompt(conversation, 0), maxTokens);
                    e = await StreamedChat.RunAsync(http, edge, model, workload.Prompt(conversation, 1), maxTokens);
                }
                if (!d.Ok || !e.Ok)
                {
                    Console.Error.WriteLine($"round {round}: a request failed: direct {d.Status} {d.Error} / edge {e.Status} {e.Error}");
                    failed = true;
                    continue;
                }
                if (e.ServedBy?.StartsWith("upstream/", StringComparison.Ordinal) != true)
                    notForwarded++;
                directTtft.Add(d.TtftMs);
                edgeTtft.Add(e.TtftMs);
                differences.Add(e.TtftMs - d.TtftMs);
            }
        }
        Console.WriteLine($"TTFT, streamed greedy chat, {promptWords}-word prompts, {maxTokens} tokens; {directTtft.Count} pairs over {rounds} rounds" +
            (notForwarded > 0 ? $"; {notForwarded} edge answers NOT served by the upstream" : ""));
        Console.WriteLine("what\tp50_ms\tp99_ms\tmean_ms");
        foreach (var (what, values) in new[] { (directLabel, directTtft), (edgeLabel, edgeTtft), ($"{edgeLabel}-{directLabel}", differences) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{what}\t{LoadReport.Percentile(values, 50):F2}\t{LoadReport.Percentile(values, 99):F2}\t{(values.Count > 0 ? values.Average() : 0):F2}"));
        }

        // Part 2: failover.
        Console.WriteLine();
        Console.WriteLine("event\tn\tstart_s\tlatency_ms\tstatus\tserved_by");
        var probe = new Prober(http, edge, model, maxTokens, workload, after, giveUp);
        var frozen = await probe.AfterAsync("freeze", () => Signal(pid, "STOP"), p => p.Ok && p.ServedBy == "local");
        var thawed = await probe.AfterAsync("thaw", () => Signal(pid, "CONT"), p => p.Ok && p.ServedBy?.StartsWith("upstream/", StringComparison.Ordinal) == true);
        var killed = await probe.AfterAsync("kill", () => Process.GetProcessById(pid).Kill(), p => p.Ok && p.ServedBy == "local");

        Console.WriteLine();
        // The latencies of the answers served the new way, in order, show the breaker: the first ones
        // (each waited for the upstream to fail) against the later ones (the upstream skipped).
        Console.WriteLine("event\tfirst_ok_after_s\tothers_until_then\tworst_ms_until_then\tlatency_ms_of_the_ok_answers");
        foreach (var (name, result) in new[] { ("freeze→local", frozen), ("thaw→upstream", thawed), ("kill→local", killed) })
        {
            Console.WriteLine(result.FirstOk is { } first
                ? string.Create(CultureInfo.InvariantCulture,
                    $"{name}\t{first:F3}\t{result.Before}\t{result.WorstBefore:F1}\t{string.Join(' ', result.LatenciesAfter.Select(l => l.ToString("F0", CultureInfo.InvariantCulture)))}")
                : $"{name}\tnever (gave up after {giveUp.TotalSeconds:F0} s)");
            failed |= result.FirstOk is null;
        }
        return failed ? 1 : 0;
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
            throw new InvalidOperationException($"kill -{signal} {pid} failed");
    }

    /// <summary>Sends requests one after another after an event until <c>after</c> in a row are served the expected way.</summary>
    private sealed class Prober(HttpClient http, Uri edge, string model, int maxTokens, Workload workload, int after, TimeSpan giveUp)
    {
        private int _conversation = 5_000_000;

        public async Task<FailoverResult> AfterAsync(string name, Action act, Func<StreamedChat, bool> servedTheNewWay)
        {
            var clock = Stopwatch.StartNew();
            act();
            double? firstOk = null;
            var before = 0;
            var worstBefore = 0.0;
            var latenciesAfter = new List<double>();
            var inARow = 0;
            for (var n = 0; inARow < after && clock.Elapsed < giveUp; n++)
            {
                var start = clock.Elapsed.TotalSeconds;
                var result = await StreamedChat.RunAsync(http, edge, model, workload.Prompt(_conversation++, 0), maxTokens);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name}\t{n}\t{start:F3}\t{result.TotalMs:F1}\t{result.Status}{(result.Ok ? "" : " " + result.Error)}\t{result.ServedBy ?? "-"}"));
                if (servedTheNewWay(result))
                {
                    firstOk ??= clock.Elapsed.TotalSeconds;
                    latenciesAfter.Add(result.TotalMs);
                    inARow++;
                }
                else
                {
                    inARow = 0;
                    if (firstOk is null)
                    {
                        before++;
                        worstBefore = Math.Max(worstBefore, result.TotalMs);
                    }
                }
            }
            return new FailoverResult(firstOk, before, worstBefore, latenciesAfter);
        }
    }

    private sealed record FailoverResult(double? FirstOk, int Before, double WorstBefore, List<double> LatenciesAfter);
}

/// <summary>One streamed chat completion (greedy) as the client saw it, with the side that answered it.</summary>
internal sealed record StreamedChat(bool Ok, int Status, double TtftMs, double TotalMs, string? ServedBy, string? Error)
{
    public static async Task<StreamedChat> RunAsync(HttpClient http, Uri baseUri, string model, string prompt, int maxTokens)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = model,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = prompt } },
            ["max_tokens"] = maxTokens,
            ["temperature"] = 0,
            ["stream"] = true,
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "v1/chat/completions"))
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        var sw = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var servedBy = response.Headers.TryGetValues("X-MicroAI-Served-By", out var v) ? string.Join(",", v) : null;
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync();
                return new StreamedChat(false, status, 0, sw.Elapsed.TotalMilliseconds, servedBy, text.Length > 120 ? text[..120] : text);
            }
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var first = -1.0;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                    continue;
                var data = line.AsSpan(6);
                if (data.SequenceEqual("[DONE]"))
                    break;
                using var doc = JsonDocument.Parse(data.ToString());
                if (doc.RootElement.TryGetProperty("error", out var error))
                    return new StreamedChat(false, status, first, sw.Elapsed.TotalMilliseconds, servedBy, "stream error: " + error.GetRawText());
                if (first < 0 && doc.RootElement.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
                    && choices[0].TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content)
                    && content.GetString() is { Length: > 0 })
                    first = sw.Elapsed.TotalMilliseconds;
            }
            return new StreamedChat(first >= 0, status, first, sw.Elapsed.TotalMilliseconds, servedBy, first >= 0 ? null : "no content");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return new StreamedChat(false, 0, 0, sw.Elapsed.TotalMilliseconds, null, e.Message);
        }
    }
}
