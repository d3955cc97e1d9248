using Microsoft.Net.Http.Headers;

namespace MicroAI.Server.Playground;

/// <summary>
/// GET / (the page, for a browser) and GET /playground/{path} (its scripts, styles and the
/// in-browser runtime), from the assembly. Public like /health: the page holds no data, and asks
/// for a key when the API needs one. Its Content-Security-Policy allows only this origin (plus
/// WebAssembly compilation for ONNX Runtime Web); the API routes keep their stricter one.
/// </summary>
internal static class PlaygroundEndpoints
{
    /// <summary>Scripts, styles, images, fetches and workers from this origin only; no inline script, no framing, no plugins.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; " +
        "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapPlayground(this IEndpointRouteBuilder app)
    {
        // Ollama's clients probe GET / and look only at the status; a browser (Accept: text/html) gets the page.
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], Root).WithName("Playground").WithTags("Server").ExcludeFromDescription();
        app.MapMethods("/playground/{**path}", [HttpMethods.Get, HttpMethods.Head], (HttpContext http, string path, PlaygroundAssets assets) => Serve(http, assets, path))
            .ExcludeFromDescription();
        return app;
    }

    private static Task Root(HttpContext http, PlaygroundAssets assets)
    {
        var accept = http.Request.GetTypedHeaders().Accept;
        if (accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)))
            return Serve(http, assets, "index.html");
        http.Response.ContentType = "text/plain";
        return http.Response.WriteAsync("MicroAI is running\n");
    }

    private static async Task Serve(HttpContext http, PlaygroundAssets assets, string path)
    {
        if (assets.Find(path) is not { } asset)
        {
            await OpenAI.ApiError.NotFound($"Unknown file: {http.Request.Path}.").WriteResponseAsync(http.Response);
            return;
        }
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        // Not fingerprinted, so revalidated each time (a 304 costs one round trip on loopback).
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        headers.Vary = "Accept-Encoding";
        if (http.Request.Headers.IfNoneMatch == asset.ETag)
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        var body = asset.Bytes;
        if (asset.Brotli is { } brotli && AcceptsBrotli(http.Request))
        {
            headers.ContentEncoding = "br";
            body = brotli;
        }
        http.Response.ContentType = asset.ContentType;
        http.Response.ContentLength = body.Length;
        if (HttpMethods.IsHead(http.Request.Method))
            return;
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }

    private static bool AcceptsBrotli(HttpRequest request) =>
        request.GetTypedHeaders().AcceptEncoding.Any(e => e.Value.Equals("br", StringComparison.OrdinalIgnoreCase) && e.Quality is not 0);
}
