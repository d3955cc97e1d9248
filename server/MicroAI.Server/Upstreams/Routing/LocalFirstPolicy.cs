namespace MicroAI.Server.Upstreams.Routing;

/// <summary>
/// <c>local-first</c>: answered here, overflowing to the upstream when the model's local queue is
/// full or its estimated wait exceeds <c>Models:{id}:OverflowWaitSeconds</c>; while the upstream's
/// breaker is open there is no overflow (the local queue answers 429 as it would alone).
/// </summary>
internal sealed class LocalFirstPolicy : IRoutingPolicy
{
    public string Name => "local-first";

    public RouteDecision Decide(in RouteContext context) => !context.HasLocal
        ? new(Name, RouteSide.Upstream, RouteSide.None, "upstream", context.Upstream)
        : new(Name, RouteSide.Local, context.UpstreamAvailable ? RouteSide.Upstream : RouteSide.None, "local", context.Upstream);
}
