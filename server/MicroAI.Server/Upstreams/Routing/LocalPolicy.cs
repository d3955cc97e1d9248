namespace MicroAI.Server.Upstreams.Routing;

/// <summary><c>local</c>: never forwarded, whatever the load; the upstream's copy is only listed.</summary>
internal sealed class LocalPolicy : IRoutingPolicy
{
    public string Name => "local";

    public RouteDecision Decide(in RouteContext context) => RouteDecision.Local(Name);
}
