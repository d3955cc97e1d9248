using System.Globalization;

namespace MicroAI.Tests.Shared;

/// <summary>
/// Reads the server's /metrics (Prometheus text format) into metric → value, summing the series of
/// one metric (per-model gauges add up to the server's figure). Shared by the fault tests and the
/// load tests' soak, which read the same counters.
/// </summary>
public static class PrometheusText
{
    public static Dictionary<string, double> SumByMetric(string text)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var space = line.LastIndexOf(' ');
            if (space <= 0 || !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                continue;
            var name = line[..space];
            var brace = name.IndexOf('{', StringComparison.Ordinal);
            var metric = brace < 0 ? name : name[..brace];
            values[metric] = values.GetValueOrDefault(metric) + value;
        }
        return values;
    }
}
