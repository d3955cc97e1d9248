namespace MicroAI.Server.Security;

/// <summary>
/// Headers that make a browser treat the API's answers as data only: never sniffed into HTML, never
/// framed, no referrer leaked, not cached (completions are private), and HTTPS pinned once a client
/// has used it. Swagger UI needs its own scripts and styles, so it gets no Content-Security-Policy; the page at /
/// sets a same-origin one of its own.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(static state =>
        {
            var context = (HttpContext)state;
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (!context.Request.Path.StartsWithSegments("/swagger"))
            {
                if (headers.ContentSecurityPolicy.Count == 0) // the page at / sets its own (Playground/)
                    headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                if (headers.CacheControl.Count == 0)
                    headers.CacheControl = "no-store";
            }
            if (context.Request.IsHttps)
                headers.StrictTransportSecurity = "max-age=31536000";
            return Task.CompletedTask;
        }, http);
        return next(http);
    }
}
