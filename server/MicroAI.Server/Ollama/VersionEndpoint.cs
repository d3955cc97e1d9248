namespace MicroAI.Server.Ollama;

/// <summary>
/// GET /api/version and HEAD / (the probe Ollama's clients send before anything else).
/// </summary>
internal static class VersionEndpoint
{
    /// <summary>
    /// The Ollama API version these routes follow. Clients compare it to gate features (Open WebUI,
    /// ollama-python's and Continue's checks want at least 0.5 for structured outputs and 0.3 for
    /// tools), so MicroAI's own version (0.x of another project) would switch those off; this is the
    /// Ollama release whose API reference the routes were written against.
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
        // HEAD only: GET / is left for a web page, and OllamaSharp's IsRunningAsync (a GET /) is its only caller.
        app.MapMethods("/", [HttpMethods.Head], () => Results.Ok()).WithName("OllamaProbe").WithTags("Ollama").ExcludeFromDescription();
        return app;
    }
}
