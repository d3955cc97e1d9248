namespace MicroAI.Server.Upstreams.Routing;

/// <summary>The policies by configuration name.</summary>
internal static class RoutingPolicies
{
    private static readonly IRoutingPolicy[] s_all = [new LocalPolicy(), new UpstreamPolicy(), new LocalFirstPolicy(), new UpstreamFirstPolicy()];

    public static IReadOnlyList<string> Names { get; } = s_all.Select(p => p.Name).ToArray();

    public static IRoutingPolicy? Find(string? name) =>
        s_all.FirstOrDefault(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
