using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MicroAI.LoadTests;

/// <summary>Timings of one streamed completion, taken on the client.</summary>
internal readonly record struct StreamMeasurement(int Tokens, double TimeToFirstTokenMs, double TotalMs, int Chunks)
{
    /// <summary>Generation rate after the first token (excludes prompt processing).</summary>
    public double DecodeTokensPerSecond => Tokens > 1 && TotalMs > TimeToFirstTokenMs ? (Tokens - 1) * 1000.0 / (TotalMs - TimeToFirstTokenMs) : 0;

    /// <summary>Tokens over the whole request time.</summary>
    public double EndToEndTokensPerSecond => TotalMs > 0 ? Tokens * 1000.0 / TotalMs : 0;

    /// <summary>
    /// Streams POST /v1/completions and times it. Token count comes from the server's usage when
    /// it sends one (stream_options.include_usage), otherwise from the number of content chunks.
    /// </summary>
    public static async Task<StreamMeasurement> RunAsync(HttpClient http, Uri baseUri, string model, string prompt, int maxTokens, CancellationToken ct)
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
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));

        double firstMs = -1;
        var chunks = 0;
        var usageTokens = -1;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
                continue;
            var data = line.AsSpan(6);
            if (data.SequenceEqual("[DONE]"))
                break;
            using var doc = JsonDocument.Parse(data.ToString());
            var root = doc.RootElement;
            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
                usageTokens = usage.GetProperty("completion_tokens").GetInt32();
            if (root.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
                && choices[0].TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 })
            {
                chunks++;
                if (firstMs < 0)
                    firstMs = sw.Elapsed.TotalMilliseconds;
            }
        }
        var total = sw.Elapsed.TotalMilliseconds;
        return new StreamMeasurement(usageTokens >= 0 ? usageTokens : chunks, Math.Max(firstMs, 0), total, chunks);
    }
}
