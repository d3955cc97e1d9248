namespace MicroAI.Server.Upstreams;

/// <summary>One upstream as <c>/health</c> reports it (its URL without credentials, never its key).</summary>
internal sealed record UpstreamHealth(string State, string Url, int Models, int ConsecutiveFailures, int InFlight, double? RetryInSeconds, string? ListError)
{
    /// <summary>Null when no upstream is configured, so a plain box's /health is unchanged.</summary>
    public static IReadOnlyDictionary<string, UpstreamHealth>? Of(UpstreamCatalog upstreams)
    {
        if (upstreams.All.Count == 0)
            return null;
        var result = new SortedDictionary<string, UpstreamHealth>(StringComparer.Ordinal);
        foreach (var u in upstreams.All)
        {
            var state = upstreams.LocalOnly ? "disabled" : u.Breaker.State switch
            {
                BreakerState.Open => "open",
                BreakerState.HalfOpen => "half-open",
                _ => "closed",
            };
            var retry = u.Breaker.RetryAfter;
            result[u.Name] = new UpstreamHealth(state, u.DisplayUrl, u.Models.Count, u.Breaker.ConsecutiveFailures, u.InFlight,
                retry > TimeSpan.Zero ? Math.Round(retry.TotalSeconds, 1) : null, u.ListError);
        }
        return result;
    }
}
