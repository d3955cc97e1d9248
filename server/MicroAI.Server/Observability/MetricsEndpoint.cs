using MicroAI.Server.Observability;

namespace MicroAI.Server.Observability;

/// <summary>GET /metrics (Prometheus text format) and the request counter behind it.</summary>
internal static class MetricsEndpoint
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (PrometheusExporter exporter) => Results.Text(exporter.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .WithName("Metrics").WithTags("Server");
        return app;
    }

    /// <summary>Counts every request by its route pattern (not its path, which would let clients invent label values) and status.</summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            finally
            {
                var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                context.RequestServices.GetRequiredService<MicroAIMetrics>().Requests.Add(1,
                    new KeyValuePair<string, object?>("endpoint", endpoint),
                    new KeyValuePair<string, object?>("status", context.Response.StatusCode));
            }
        });
}
