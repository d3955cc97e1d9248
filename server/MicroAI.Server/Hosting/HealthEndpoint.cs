using MicroAI.Server.Hosting;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Hosting;

/// <summary>GET /health: 200 once the default model is loaded (or none is configured), 503 while loading.</summary>
internal static class HealthEndpoint
{
    public static RouteHandlerBuilder MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", Handle).WithName("Health").WithTags("Server")
            .Produces(StatusCodes.Status200OK).Produces(StatusCodes.Status503ServiceUnavailable);

    /// <summary>The box's own health decides the status; upstreams are reported beside it, never failing it (an offline box still serves its local models).</summary>
    private static IResult Handle(ServerReadiness readiness, Upstreams.UpstreamCatalog upstreams)
    {
        var states = Upstreams.UpstreamHealth.Of(upstreams);
        return readiness.State switch
        {
            ReadinessState.Ready => Results.Json(new HealthStatus("ok", null, states), HealthJsonContext.Default.HealthStatus),
            ReadinessState.Loading => ApiError.Unavailable("Loading model").ToResult(),
            _ => Results.Json(new HealthStatus("error", readiness.Problem, states), HealthJsonContext.Default.HealthStatus, statusCode: StatusCodes.Status503ServiceUnavailable),
        };
    }
}

internal sealed record HealthStatus(string Status, string? Error, IReadOnlyDictionary<string, Upstreams.UpstreamHealth>? Upstreams = null);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthStatus))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Upstreams.UpstreamHealth))]
internal sealed partial class HealthJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
