using MicroAI.ModelRegistry;
using MicroAI.Server.OpenAI;
using MicroAI.Server.Security;

namespace MicroAI.Server.Upstreams.Routing;

/// <summary>
/// Chooses where a text request runs: the model's policy decides (configured, or the default: a
/// model only an upstream has goes there, a configured upstream of a local model takes its
/// overflow, and a local model wins over an upstream's listed one of the same id), then the
/// privacy rules strip every upstream side for a local-only caller or server. Those rules are
/// applied last and here only, so no policy, configuration or request field can undo them.
/// </summary>
internal sealed class ModelRouter(UpstreamCatalog upstreams, IModelCatalog catalog)
{
    public RouteDecision Route(string? model, Caller caller, out ApiError? refusal)
    {
        refusal = null;
        if (string.IsNullOrEmpty(model) || upstreams.Find(model) is not { } route)
            return RouteDecision.Local("local") with { Routed = false };

        var hasLocal = catalog.Find(model) is not null;
        var settings = route.Alias ?? upstreams.Settings(model);
        var policy = RoutingPolicies.Find(settings?.Policy) ?? DefaultPolicy(hasLocal, configured: route.Alias is not null);
        var decision = policy.Decide(new RouteContext(model, hasLocal, route, route.Upstream.Breaker.State != BreakerState.Open));

        if (!upstreams.LocalOnly && caller.Key?.LocalOnly != true)
            return decision;
        if (decision.First == RouteSide.Upstream)
        {
            if (!hasLocal)
            {
                refusal = UpstreamErrors.LocalOnly(model);
                return decision with { First = RouteSide.None, Then = RouteSide.None, Decision = "refused" };
            }
            return RouteDecision.Local(decision.Policy) with { Decision = "local_only" };
        }
        return decision.Then == RouteSide.Upstream ? decision with { Then = RouteSide.None, Upstream = null } : decision;
    }

    private static IRoutingPolicy DefaultPolicy(bool hasLocal, bool configured) => (hasLocal, configured) switch
    {
        (false, _) => RoutingPolicies.Find("upstream")!,
        (true, true) => RoutingPolicies.Find("local-first")!,
        (true, false) => RoutingPolicies.Find("local")!,
    };
}
