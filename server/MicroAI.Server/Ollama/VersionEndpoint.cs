namespace MicroAI.Server.Ollama;

/// <summary>
/// GET /api/version and GET or HEAD / (the probe Ollama's clients send before anything else).
/// </summary>
internal static class VersionEndpoint
{
    /// <summary>
    /// The Ollama release whose API reference these routes follow. Clients compare the version to
    /// decide what a server can do (tool calls came with Ollama 0.3, JSON-schema formats with 0.5);
    /// MicroAI's own version number would mean nothing to them, or switch those features off.
    /// </summary>
    public const string OllamaApiVersion = "0.12.0";

    public static IEndpointRouteBuilder MapOllamaVersion(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/version", (HttpContext http) => OpenAI.JsonOutput.WriteResponseAsync(http, w =>
        {
            w.WriteStartObject();
            w.WriteString("version", OllamaApiVersion);
            w.WriteEndObject();
        })).WithName("OllamaVersion").WithTags("Ollama");
        return app;
    }
}
