namespace MicroAI.Server.Upstreams.Routing;

internal enum RouteSide
{
    None,
    Local,
    Upstream,
}

/// <summary>
/// Where a request runs (<see cref="First"/>) and where it goes when that side cannot take it
/// (<see cref="Then"/>): after a local first choice, the overflow when the local queue is full or
/// its wait too long; after an upstream first choice, the fallback when the upstream fails before
/// answering. <see cref="Decision"/> names it for metrics (local, upstream, fallback).
/// </summary>
internal sealed record RouteDecision(string Policy, RouteSide First, RouteSide Then, string Decision, UpstreamRoute? Upstream)
{
    /// <summary>False for a model no upstream offers: it runs here as it always did, and is not counted as a routing decision.</summary>
    public bool Routed { get; init; } = true;

    public static RouteDecision Local(string policy) => new(policy, RouteSide.Local, RouteSide.None, "local", null);
}
