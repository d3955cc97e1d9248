using MicroAI.Server.OpenAI;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace MicroAI.Server.Security;

/// <summary>
/// Authentication and scopes. Runs after routing (it reads the endpoint's <see cref="RequiredScope"/>)
/// and before anything that does work, so an unauthenticated request costs one hash. Unknown routes
/// need a key too: a keyless caller cannot map the API by probing for 404s.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyStore keys, IOptions<SecurityOptions> options)
{
    private readonly SecurityOptions _options = options.Value;

    public Task InvokeAsync(HttpContext http)
    {
        var required = RequiredScopeOf(http);
        if (required is null || !keys.AuthenticationRequired)
        {
            http.Features.Set(new Caller(null, http.Connection.RemoteIpAddress));
            return next(http);
        }

        var presented = PresentedKey(http.Request);
        if (presented.IsEmpty)
        {
            return Refuse(http, new ApiError(StatusCodes.Status401Unauthorized,
                "You didn't provide an API key. Pass it as 'Authorization: Bearer <key>' or in an 'x-api-key' header.",
                "invalid_request_error", null, "missing_api_key"));
        }
        var key = keys.Authenticate(presented);
        if (key is null)
        {
            return Refuse(http, new ApiError(StatusCodes.Status401Unauthorized,
                $"Incorrect API key provided: {Mask(presented)}.", "invalid_request_error", null, "invalid_api_key"));
        }
        http.Features.Set(new Caller(key, http.Connection.RemoteIpAddress));
        if (!ApiScopes.Satisfies(key.Scopes, required))
        {
            return Refuse(http, new ApiError(StatusCodes.Status403Forbidden,
                $"The API key '{key.Name}' has the scopes [{string.Join(", ", key.Scopes)}]; {http.Request.Method} {http.Request.Path} needs '{required}'.",
                "permission_error", null, "insufficient_scope"));
        }
        return next(http);
    }

    /// <summary>The scope the request needs, or null when its path is public.</summary>
    private string? RequiredScopeOf(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        // The page and its files hold no data (it asks for a key before calling the API).
        if (path == "/health" || path == "/" || path.StartsWith("/playground/", StringComparison.Ordinal) || IsPublic(path))
            return null;
        if (path == "/metrics")
            return _options.MetricsScope == "public" ? null : _options.MetricsScope;
        return http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()?.Scope ?? ApiScopes.Inference;
    }

    private bool IsPublic(string path)
    {
        foreach (var p in _options.PublicPaths)
        {
            if (p.EndsWith('/') ? path.StartsWith(p, StringComparison.OrdinalIgnoreCase) || path.Equals(p.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
                                : path.Equals(p, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    /// <summary>"Authorization: Bearer k" (any case of "Bearer"), else "x-api-key: k".</summary>
    internal static ReadOnlySpan<char> PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization;
        if (authorization.Count == 1 && authorization[0] is { } value)
        {
            var span = value.AsSpan().Trim();
            if (span.Length > 7 && span[..7].Equals("Bearer ", StringComparison.OrdinalIgnoreCase))
                return span[7..].Trim();
        }
        StringValues header = request.Headers["x-api-key"];
        return header.Count == 1 && header[0] is { } k ? k.AsSpan().Trim() : default;
    }

    /// <summary>As OpenAI does: enough to recognise your own key in a message, not enough to use it.</summary>
    private static string Mask(ReadOnlySpan<char> key) =>
        key.Length <= 10 ? "***" : string.Concat(key[..6], "***", key[^4..]);

    private static Task Refuse(HttpContext http, ApiError error)
    {
        if (error.Status == StatusCodes.Status401Unauthorized)
            http.Response.Headers.WWWAuthenticate = "Bearer";
        return error.WriteResponseAsync(http.Response);
    }
}
