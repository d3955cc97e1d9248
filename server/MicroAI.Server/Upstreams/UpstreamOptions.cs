namespace MicroAI.Server.Upstreams;

/// <summary>
/// One upstream under <c>MicroAI:Upstreams:{name}</c>: another OpenAI-compatible server (a central
/// MicroAI, vLLM, llama-server, a hosted API) whose models this box serves by forwarding.
/// </summary>
public sealed class UpstreamOptions
{
    public const string SectionName = "MicroAI:Upstreams";

    /// <summary>The OpenAI base URL, <c>/v1</c> included (as an OpenAI SDK's base URL): <c>http://central:8080/v1</c>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The upstream's API key, sent as a Bearer token. Prefer <see cref="ApiKeyVariable"/>; never logged either way.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The name of an environment variable holding the key.</summary>
    public string? ApiKeyVariable { get; set; }

    /// <summary>The models it offers; when empty they are listed from <c>GET {BaseUrl}/models</c>.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>How often the listed models are refreshed (seconds).</summary>
    public double RefreshSeconds { get; set; } = 60;

    public double ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// From sending the request to its first streamed event (the upstream's queue and prefill): past
    /// it the request fails with 504, or falls back where the policy allows.
    /// </summary>
    public double FirstTokenTimeoutSeconds { get; set; } = 60;

    /// <summary>Longest silence between two events once the answer streams; past it the stream ends with an error.</summary>
    public double IdleTimeoutSeconds { get; set; } = 60;

    /// <summary>Requests forwarded at once; more wait up to the first-token timeout for a turn.</summary>
    public int MaxConcurrentRequests { get; set; } = 16;

    /// <summary>Consecutive failures (unreachable, timeout, 5xx) after which the upstream is skipped for <see cref="BreakerCooldownSeconds"/>.</summary>
    public int BreakerFailures { get; set; } = 3;

    public double BreakerCooldownSeconds { get; set; } = 30;

    /// <summary>Attempts after the first for a failure before any byte of the answer (connection refused or reset, 502/503/504).</summary>
    public int Retries { get; set; } = 1;

    public IEnumerable<string> Validate(string name)
    {
        var prefix = $"{SectionName}:{name}";
        if (string.IsNullOrWhiteSpace(BaseUrl) || !Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            yield return $"{prefix}:BaseUrl must be an http or https URL (the OpenAI base URL, /v1 included); it is '{BaseUrl}'.";
        if (!string.IsNullOrEmpty(ApiKeyVariable) && !string.IsNullOrEmpty(ApiKey))
            yield return $"{prefix}: give ApiKey or ApiKeyVariable, not both.";
        if (RefreshSeconds < 1)
            yield return $"{prefix}:RefreshSeconds must be at least 1.";
        if (ConnectTimeoutSeconds <= 0 || FirstTokenTimeoutSeconds <= 0 || IdleTimeoutSeconds <= 0)
            yield return $"{prefix}: timeouts must be positive.";
        if (MaxConcurrentRequests < 1)
            yield return $"{prefix}:MaxConcurrentRequests must be at least 1.";
        if (BreakerFailures < 1 || BreakerCooldownSeconds <= 0)
            yield return $"{prefix}: BreakerFailures must be at least 1 and BreakerCooldownSeconds positive.";
        if (Retries is < 0 or > 5)
            yield return $"{prefix}:Retries must be between 0 and 5.";
    }

    /// <summary>The key to send: configured, or read from the named variable (missing → none).</summary>
    public string? ResolveApiKey() =>
        !string.IsNullOrEmpty(ApiKeyVariable) ? Environment.GetEnvironmentVariable(ApiKeyVariable) : ApiKey;
}
