namespace MicroAI.Server.Security;

/// <summary>
/// What a key may do. <c>inference</c>: the OpenAI routes, tokenize, reading the registry.
/// <c>admin</c>: everything, including registry changes, loading and unloading models, and metrics.
/// </summary>
public static class ApiScopes
{
    public const string Inference = "inference";
    public const string Admin = "admin";

    public static readonly string[] All = [Inference, Admin];

    public static bool IsKnown(string scope) => scope is Inference or Admin;

    /// <summary>True when a key holding <paramref name="granted"/> may call an endpoint that needs <paramref name="required"/>.</summary>
    public static bool Satisfies(IReadOnlyList<string> granted, string required)
    {
        for (var i = 0; i < granted.Count; i++)
        {
            if (granted[i] == Admin || granted[i] == required)
                return true;
        }
        return false;
    }

    /// <summary>Marks an endpoint as needing <paramref name="scope"/> (everything else needs inference).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredScope(scope));
}

/// <summary>Endpoint metadata: the scope a caller needs.</summary>
public sealed record RequiredScope(string Scope);
