namespace MicroAI.Server.Security;

/// <summary>
/// <c>MicroAI:Security</c>: who may call the server and how often. Bound once at start; the key file
/// is re-read while the server runs (see <see cref="ApiKeyStore"/>).
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>
    /// Keys given in configuration (hashed; <c>microai keys create --no-save</c> prints an entry).
    /// Useful for containers, where a Secret becomes <c>MicroAI__Security__ApiKeys__0__Hash</c>.
    /// </summary>
    public List<ConfiguredApiKey> ApiKeys { get; set; } = [];

    /// <summary>The key file written by <c>microai keys</c>. Default: DataDirectory/keys.json.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// null (the default): keys are required as soon as any exist, in configuration or in the key
    /// file. true: required even before the first key exists (everything but the public paths is
    /// refused). false: never required (a loud warning if the server is reachable off loopback).
    /// </summary>
    public bool? RequireApiKey { get; set; }

    /// <summary>
    /// Binding a non-loopback address with no key configured prints a warning; true makes it an
    /// error that stops the server before it listens.
    /// </summary>
    public bool RefuseUnauthenticatedNetwork { get; set; }

    /// <summary>Paths open without a key (exact, or a prefix when ending in '/'). /health always is.</summary>
    public List<string> PublicPaths { get; set; } = [];

    /// <summary>Scope /metrics needs: "admin" (default), "inference", or "public" for a keyless Prometheus scrape.</summary>
    public string MetricsScope { get; set; } = ApiScopes.Admin;

    /// <summary>Browser origins allowed by CORS, e.g. "http://localhost:3000". Empty (the default): CORS off.</summary>
    public List<string> CorsOrigins { get; set; } = [];

    /// <summary>Per-key (or, without keys, per client address) limits; 0 means no limit.</summary>
    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>Security headers on every response (nosniff, frame denial, no referrer, HSTS over HTTPS).</summary>
    public bool SecurityHeaders { get; set; } = true;

    /// <summary>Where admin actions are appended as JSON lines. Default: DataDirectory/audit.log.</summary>
    public string? AuditLog { get; set; }

    public IEnumerable<string> Validate()
    {
        for (var i = 0; i < ApiKeys.Count; i++)
        {
            if (!ApiKeyHash.IsValid(ApiKeys[i].Hash))
                yield return $"MicroAI:Security:ApiKeys:{i}:Hash must be 'sha256:' and 64 hex digits (microai keys create --no-save prints one).";
            foreach (var scope in ApiKeys[i].Scopes)
            {
                if (!ApiScopes.IsKnown(scope))
                    yield return $"MicroAI:Security:ApiKeys:{i}:Scopes has '{scope}'; the scopes are {string.Join(", ", ApiScopes.All)}.";
            }
        }
        if (MetricsScope is not (ApiScopes.Admin or ApiScopes.Inference or "public"))
            yield return $"MicroAI:Security:MetricsScope must be admin, inference or public, not '{MetricsScope}'.";
        if (RateLimits.RequestsPerMinute < 0 || RateLimits.TokensPerMinute < 0)
            yield return "MicroAI:Security:RateLimits values must be 0 (no limit) or more.";
        foreach (var origin in CorsOrigins)
        {
            if (origin != "*" && !Uri.TryCreate(origin, UriKind.Absolute, out _))
                yield return $"MicroAI:Security:CorsOrigins has '{origin}', which is not an origin such as http://localhost:3000.";
        }
    }
}

/// <summary>A key given by its hash in configuration.</summary>
public sealed class ConfiguredApiKey
{
    public string? Name { get; set; }
    public string Hash { get; set; } = "";
    public List<string> Scopes { get; set; } = [ApiScopes.Inference];
    public int? RequestsPerMinute { get; set; }
    public int? TokensPerMinute { get; set; }

    /// <summary>Requests with this key never leave the box (see <see cref="ApiKey.LocalOnly"/>).</summary>
    public bool LocalOnly { get; set; }
}

public sealed class RateLimitOptions
{
    /// <summary>Requests a key may start per minute (token bucket: bursts up to this, refilled evenly).</summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>Prompt + generated tokens a key may use per minute; a request that overdraws is finished and the next ones wait.</summary>
    public int TokensPerMinute { get; set; }
}
