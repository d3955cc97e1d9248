namespace MicroAI.Server.Hosting;

/// <summary>The protocol whose error body a request gets.</summary>
internal enum ErrorShape
{
    /// <summary><c>{"error":{"message","type","param","code"}}</c>: every route that is not another protocol's.</summary>
    OpenAI,
    /// <summary><c>{"error":"…"}</c>.</summary>
    Ollama,
    /// <summary><c>{"type":"error","error":{"type","message"}}</c>.</summary>
    Anthropic,
}

/// <summary>
/// Chooses the error shape by path, so the same <see cref="OpenAI.ApiError"/> reaches an Ollama or
/// Anthropic client in the body its SDK parses, whoever writes it: the endpoint, the key check, the
/// rate limiter, the shutdown gate, the body-size limit or the 404 fallback. By path and not by
/// endpoint metadata because half of those run before (or without) an endpoint being matched.
/// </summary>
internal static class ErrorShapes
{
    /// <summary>Ollama's routes (its API reference); MicroAI's own extras under /api use other names.</summary>
    private static readonly string[] s_ollama =
        ["/api/generate", "/api/chat", "/api/embed", "/api/embeddings", "/api/tags", "/api/show", "/api/ps",
         "/api/pull", "/api/push", "/api/delete", "/api/copy", "/api/create", "/api/blobs", "/api/version"];

    public static ErrorShape Of(HttpContext http) => Of(http.Request.Path);

    public static ErrorShape Of(PathString path)
    {
        if (path.StartsWithSegments("/v1/messages", StringComparison.OrdinalIgnoreCase))
            return ErrorShape.Anthropic;
        foreach (var route in s_ollama)
            if (path.StartsWithSegments(route, StringComparison.OrdinalIgnoreCase))
                return ErrorShape.Ollama;
        return ErrorShape.OpenAI;
    }
}
