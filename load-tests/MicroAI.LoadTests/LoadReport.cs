using System.Globalization;
using System.Text.Json.Serialization;

namespace MicroAI.LoadTests;

/// <summary>The figures of one run (one server, one concurrency).</summary>
internal sealed record LoadReport(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("concurrency")] int Concurrency,
    [property: JsonPropertyName("requests")] int Requests,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("requests_per_second")] double RequestsPerSecond,
    [property: JsonPropertyName("generated_tokens_per_second")] double TokensPerSecond,
    [property: JsonPropertyName("ttft_p50_ms")] double TtftP50,
    [property: JsonPropertyName("ttft_p99_ms")] double TtftP99,
    [property: JsonPropertyName("itl_p50_ms")] double ItlP50,
    [property: JsonPropertyName("itl_p99_ms")] double ItlP99,
    [property: JsonPropertyName("cached_prompt_tokens")] long CachedPromptTokens)
{
    public static LoadReport From(string label, int concurrency, IReadOnlyList<RequestResult> results, double wallSeconds)
    {
        var ok = results.Where(r => r.Ok).ToList();
        return new LoadReport(label, concurrency, results.Count, results.Count - ok.Count,
            ok.Count / wallSeconds,
            ok.Sum(r => r.Tokens) / wallSeconds,
            Percentile(ok.Select(r => r.TimeToFirstTokenMs), 50), Percentile(ok.Select(r => r.TimeToFirstTokenMs), 99),
            Percentile(ok.SelectMany(r => r.InterTokenMs), 50), Percentile(ok.SelectMany(r => r.InterTokenMs), 99),
            ok.Sum(r => (long)r.CachedTokens));
    }

    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return 0;
        var rank = p / 100 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    public static string Header => "label\tconc\treqs\tfail\treq/s\ttok/s\tttft_p50\tttft_p99\titl_p50\titl_p99\tcached";

    public string Row() => string.Create(CultureInfo.InvariantCulture,
        $"{Label}\t{Concurrency}\t{Requests}\t{Failed}\t{RequestsPerSecond:F2}\t{TokensPerSecond:F1}\t{TtftP50:F1}\t{TtftP99:F1}\t{ItlP50:F2}\t{ItlP99:F2}\t{CachedPromptTokens}");
}

[JsonSerializable(typeof(List<LoadReport>))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class LoadReportJson : JsonSerializerContext;
