using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace MicroAI.Server.Upstreams;

/// <summary>
/// One configured upstream: its pooled HTTP client, the models it offers, its circuit breaker and
/// its concurrency limit. Shared by every request; thread-safe.
/// </summary>
internal sealed class Upstream : IDisposable
{
    private readonly SemaphoreSlim _turns;
    private volatile IReadOnlyList<UpstreamModel> _models = [];
    private volatile string? _listError;

    public Upstream(string name, UpstreamOptions options, TimeProvider time, HttpMessageHandler? handler = null)
    {
        Name = name;
        Options = options;
        BaseUrl = new Uri(options.BaseUrl!.TrimEnd('/') + "/");
        Breaker = new CircuitBreaker(options.BreakerFailures, TimeSpan.FromSeconds(options.BreakerCooldownSeconds), time);
        _turns = new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
        Client = new HttpClient(handler ?? CreateHandler(options), disposeHandler: true)
        {
            BaseAddress = BaseUrl,
            // Per-phase deadlines are the forwarder's (first token, idle); a whole answer may stream for long.
            Timeout = Timeout.InfiniteTimeSpan,
            // HTTP/2 where the upstream offers it (ALPN over TLS); HTTP/1.1 otherwise, with pooled keep-alive connections.
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        if (options.ResolveApiKey() is { Length: > 0 } key)
            Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("MicroAI", typeof(Upstream).Assembly.GetName().Version?.ToString(3) ?? "1.0"));
        if (options.Models.Count > 0)
            _models = options.Models.Where(m => !string.IsNullOrWhiteSpace(m)).Distinct(StringComparer.Ordinal).Select(m => new UpstreamModel(m, null)).ToList();
    }

    public string Name { get; }
    public UpstreamOptions Options { get; }
    public Uri BaseUrl { get; }

    /// <summary>The base URL for logs and /health: without any user:password part.</summary>
    public string DisplayUrl => BaseUrl.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
    public HttpClient Client { get; }
    public CircuitBreaker Breaker { get; }

    /// <summary>True when the models come from configuration rather than the upstream's list.</summary>
    public bool Explicit => Options.Models.Count > 0;

    public IReadOnlyList<UpstreamModel> Models => _models;

    /// <summary>Why the last listing failed (null after a good one).</summary>
    public string? ListError => _listError;

    public DateTimeOffset? ListedAt { get; private set; }

    public TimeSpan FirstTokenTimeout => TimeSpan.FromSeconds(Options.FirstTokenTimeoutSeconds);
    public TimeSpan IdleTimeout => TimeSpan.FromSeconds(Options.IdleTimeoutSeconds);

    /// <summary>Waits for one of the upstream's <see cref="UpstreamOptions.MaxConcurrentRequests"/> turns; false when none came in time.</summary>
    public Task<bool> WaitTurnAsync(TimeSpan timeout, CancellationToken ct) => _turns.WaitAsync(timeout, ct);

    public void ReleaseTurn() => _turns.Release();

    /// <summary>Requests forwarded right now.</summary>
    public int InFlight => Options.MaxConcurrentRequests - _turns.CurrentCount;

    public bool Offers(string model) => _models.Any(m => string.Equals(m.Id, model, StringComparison.Ordinal));

    /// <summary>Lists the upstream's models (<c>GET models</c>); keeps the previous list when that fails.</summary>
    public async Task RefreshAsync(TimeProvider time, CancellationToken ct)
    {
        if (Explicit)
            return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(Options.ConnectTimeoutSeconds + 10));
        try
        {
            using var response = await Client.GetAsync("models", HttpCompletionOption.ResponseContentRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                _listError = $"GET models answered {(int)response.StatusCode}";
                return;
            }
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var doc = await JsonDocument.ParseAsync(body, default, timeout.Token);
            var models = new List<UpstreamModel>();
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
            {
                foreach (var m in data.EnumerateArray())
                {
                    if (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } text)
                        models.Add(new UpstreamModel(text, m.TryGetProperty("owned_by", out var owner) && owner.ValueKind == JsonValueKind.String ? owner.GetString() : null));
                }
            }
            _models = models;
            _listError = null;
            ListedAt = time.GetUtcNow();
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or IOException && !ct.IsCancellationRequested)
        {
            _listError = ex is OperationCanceledException ? "listing models timed out" : $"listing models failed: {ex.Message}";
        }
    }

    private static SocketsHttpHandler CreateHandler(UpstreamOptions options) => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
        // Reused connections are the point (no handshake per request); recycled every few minutes so DNS changes are seen.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        EnableMultipleHttp2Connections = true,
        AutomaticDecompression = DecompressionMethods.None,
        AllowAutoRedirect = false,
        UseCookies = false,
    };

    public void Dispose()
    {
        Client.Dispose();
        _turns.Dispose();
    }
}

/// <summary>A model an upstream offers, by its id there; <paramref name="OwnedBy"/> as the upstream lists it.</summary>
internal sealed record UpstreamModel(string Id, string? OwnedBy);
