using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MicroAI.LoadTests;

/// <summary>One streamed completion as the client saw it.</summary>
internal sealed record RequestResult(bool Ok, int Tokens, int CachedTokens, double TimeToFirstTokenMs, double TotalMs, List<double> InterTokenMs, string Text)
{
    /// <summary>The HTTP status (0: no answer).</summary>
    public int Status { get; init; }

    /// <summary>The client walked away on purpose (soak's cancelled share); not a failure.</summary>
    public bool Cancelled { get; init; }

    /// <summary>usage.prompt_tokens as the server reported it (0 when it did not).</summary>
    public int PromptTokens { get; init; }

    /// <summary>The stream carried an error event after its 200.</summary>
    public bool StreamError { get; init; }

    /// <summary>"2xx", "4xx", "5xx", "stream_error", "cancelled" or "no_answer".</summary>
    public string StatusClass => Cancelled ? "cancelled" : StreamError ? "stream_error" : Status == 0 ? "no_answer" : $"{Status / 100}xx";

    /// <summary>
    /// Runs one request; a connection the server dropped before answering is retried (up to three
    /// times: llama-server closes a keep-alive connection after a few requests, and the client may
    /// have picked it from its pool just then), other failures are counted. With <paramref name="cancelAfter"/> the client walks away at that point.
    /// </summary>
    public static async Task<RequestResult> RunAsync(HttpClient http, Uri baseUri, string model, string prompt, int maxTokens, CancellationToken ct,
        TimeSpan? cancelAfter = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var leave = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (cancelAfter is { } after)
                leave.CancelAfter(after);
            try
            {
                return await RunOnceAsync(http, baseUri, model, prompt, maxTokens, leave.Token);
            }
            catch (OperationCanceledException) when (leave.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                return new RequestResult(true, 0, 0, 0, 0, [], "") { Cancelled = true, Status = 200 };
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && attempt < 3)
            {
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                return new RequestResult(false, 0, 0, 0, 0, [], ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message);
            }
        }
    }

    private static async Task<RequestResult> RunOnceAsync(HttpClient http, Uri baseUri, string model, string prompt, int maxTokens, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = model,
            ["prompt"] = prompt,
            ["max_tokens"] = maxTokens,
            ["temperature"] = 0,
            ["stream"] = true,
            ["stream_options"] = new Dictionary<string, object> { ["include_usage"] = true },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "v1/completions"))
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        var sw = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
            return new RequestResult(false, 0, 0, 0, sw.Elapsed.TotalMilliseconds, [], await response.Content.ReadAsStringAsync(ct)) { Status = (int)response.StatusCode };
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));

        double first = -1, last = -1;
        var gaps = new List<double>(maxTokens);
        var chunks = 0;
        int? tokens = null, cached = null, promptTokens = null;
        var text = new StringBuilder();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
                continue;
            var data = line.AsSpan(6);
            if (data.SequenceEqual("[DONE]"))
                break;
            using var doc = JsonDocument.Parse(data.ToString());
            var root = doc.RootElement;
            if (root.TryGetProperty("error", out _))
                return new RequestResult(false, 0, 0, 0, sw.Elapsed.TotalMilliseconds, [], data.ToString()) { Status = (int)response.StatusCode, StreamError = true };
            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                tokens = usage.GetProperty("completion_tokens").GetInt32();
                if (usage.TryGetProperty("prompt_tokens", out var p) && p.ValueKind == JsonValueKind.Number)
                    promptTokens = p.GetInt32();
                if (usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object
                    && details.TryGetProperty("cached_tokens", out var c) && c.ValueKind == JsonValueKind.Number)
                    cached = c.GetInt32();
            }
            if (root.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
                && choices[0].TryGetProperty("text", out var piece) && piece.GetString() is { Length: > 0 } s)
            {
                var now = sw.Elapsed.TotalMilliseconds;
                if (first < 0)
                    first = now;
                else
                    gaps.Add(now - last);
                last = now;
                chunks++;
                text.Append(s);
            }
        }
        return new RequestResult(true, tokens ?? chunks, cached ?? 0, Math.Max(first, 0), sw.Elapsed.TotalMilliseconds, gaps, text.ToString()) { Status = (int)response.StatusCode, PromptTokens = promptTokens ?? 0 };
    }
}
