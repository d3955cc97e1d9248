namespace MicroAI.Server.Upstreams.Routing;

/// <summary>
/// Decides where one request for a model runs: here, at its upstream, and what happens when the
/// first choice cannot take it. Named by <c>Models:{id}:Policy</c>; one instance serves every
/// request, so it keeps no state. The decision is a plain value that <see cref="Generation.GenerationRunner"/>
/// applies; privacy (local-only callers and servers) is enforced by <see cref="ModelRouter"/> after
/// the policy has spoken, so no policy can forward what must stay here.
/// </summary>
internal interface IRoutingPolicy
{
    /// <summary>The configuration name: local, upstream, local-first, upstream-first.</summary>
    string Name { get; }

    RouteDecision Decide(in RouteContext context);
}

/// <summary>What a policy knows: whether the model exists here, and its upstream's state.</summary>
/// <param name="HasLocal">A local model has this id.</param>
/// <param name="UpstreamAvailable">The upstream's breaker lets requests through now (closed, or a probe is due).</param>
internal readonly record struct RouteContext(string Model, bool HasLocal, UpstreamRoute Upstream, bool UpstreamAvailable);
