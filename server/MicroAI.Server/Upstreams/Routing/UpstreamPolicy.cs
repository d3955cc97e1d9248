namespace MicroAI.Server.Upstreams.Routing;

/// <summary><c>upstream</c>: always forwarded (a model too big for the box, or one it does not have).</summary>
internal sealed class UpstreamPolicy : IRoutingPolicy
{
    public string Name => "upstream";

    public RouteDecision Decide(in RouteContext context) =>
        new(Name, RouteSide.Upstream, RouteSide.None, "upstream", context.Upstream);
}
