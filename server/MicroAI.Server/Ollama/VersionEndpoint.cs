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
        // Ollama answers its root with a line of text, and its clients (OllamaSharp's IsRunningAsync, Open
        // WebUI's connection check) only look at the status. A person who opens the address gets the
        // same line instead of a 404 until a page is served there.
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], () => Results.Text("MicroAI is running\n", "text/plain"))
            .WithName("OllamaProbe").WithTags("Ollama").ExcludeFromDescription();
        return app;
    }
}
