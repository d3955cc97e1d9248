using MicroAI.Server.Hosting;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Hosting;

/// <summary>GET /health: 200 once the default model is loaded (or none is configured), 503 while loading.</summary>
internal static class HealthEndpoint
{
    public static RouteHandlerBuilder MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", Handle).WithName("Health").WithTags("Server")
            .Produces(StatusCodes.Status200OK).Produces(StatusCodes.Status503ServiceUnavailable);

    private static IResult Handle(ServerReadiness readiness) => readiness.State switch
    {
        ReadinessState.Ready => Results.Json(new HealthStatus("ok", null), HealthJsonContext.Default.HealthStatus),
        ReadinessState.Loading => ApiError.Unavailable("Loading model").ToResult(),
        _ => Results.Json(new HealthStatus("error", readiness.Problem), HealthJsonContext.Default.HealthStatus, statusCode: StatusCodes.Status503ServiceUnavailable),
    };
}

internal sealed record HealthStatus(string Status, string? Error);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthStatus))]
internal sealed partial class HealthJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
