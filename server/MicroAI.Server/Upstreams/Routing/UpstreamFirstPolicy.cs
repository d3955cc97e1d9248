namespace MicroAI.Server.Upstreams.Routing;

/// <summary>
/// <c>upstream-first</c>: forwarded, falling back to the local model when the upstream fails before
/// answering (the offline case). While its breaker is open requests go straight to the local model
/// instead of each waiting for a timeout first.
/// </summary>
internal sealed class UpstreamFirstPolicy : IRoutingPolicy
{
    public string Name => "upstream-first";

    public RouteDecision Decide(in RouteContext context)
    {
        if (!context.HasLocal)
            return new(Name, RouteSide.Upstream, RouteSide.None, "upstream", context.Upstream);
        return context.UpstreamAvailable
            ? new(Name, RouteSide.Upstream, RouteSide.Local, "upstream", context.Upstream)
            : new(Name, RouteSide.Local, RouteSide.None, "fallback", context.Upstream);
    }
}
